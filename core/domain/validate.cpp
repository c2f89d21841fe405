#include "core/domain/validate.h"

#include <algorithm>
#include <array>
#include <charconv>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "core/base/utf8.h"

namespace yz {

namespace {

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

struct Ethnicity {
  std::string_view code, zh, en;
};

// GB 3304-1991 names and codes of China's ethnic groups.
constexpr std::array kEthnicities{
    Ethnicity{"01", "汉族", "Han"},         Ethnicity{"02", "蒙古族", "Mongol"},
    Ethnicity{"03", "回族", "Hui"},         Ethnicity{"04", "藏族", "Tibetan"},
    Ethnicity{"05", "维吾尔族", "Uyghur"},  Ethnicity{"06", "苗族", "Miao"},
    Ethnicity{"07", "彝族", "Yi"},          Ethnicity{"08", "壮族", "Zhuang"},
    Ethnicity{"09", "布依族", "Buyei"},     Ethnicity{"10", "朝鲜族", "Korean"},
    Ethnicity{"11", "满族", "Manchu"},      Ethnicity{"12", "侗族", "Dong"},
    Ethnicity{"13", "瑶族", "Yao"},         Ethnicity{"14", "白族", "Bai"},
    Ethnicity{"15", "土家族", "Tujia"},     Ethnicity{"16", "哈尼族", "Hani"},
    Ethnicity{"17", "哈萨克族", "Kazakh"},  Ethnicity{"18", "傣族", "Dai"},
    Ethnicity{"19", "黎族", "Li"},          Ethnicity{"20", "傈僳族", "Lisu"},
    Ethnicity{"21", "佤族", "Va"},          Ethnicity{"22", "畲族", "She"},
    Ethnicity{"23", "高山族", "Gaoshan"},   Ethnicity{"24", "拉祜族", "Lahu"},
    Ethnicity{"25", "水族", "Sui"},         Ethnicity{"26", "东乡族", "Dongxiang"},
    Ethnicity{"27", "纳西族", "Nakhi"},     Ethnicity{"28", "景颇族", "Jingpo"},
    Ethnicity{"29", "柯尔克孜族", "Kyrgyz"}, Ethnicity{"30", "土族", "Monguor"},
    Ethnicity{"31", "达斡尔族", "Daur"},    Ethnicity{"32", "仫佬族", "Mulao"},
    Ethnicity{"33", "羌族", "Qiang"},       Ethnicity{"34", "布朗族", "Blang"},
    Ethnicity{"35", "撒拉族", "Salar"},     Ethnicity{"36", "毛南族", "Maonan"},
    Ethnicity{"37", "仡佬族", "Gelao"},     Ethnicity{"38", "锡伯族", "Xibe"},
    Ethnicity{"39", "阿昌族", "Achang"},    Ethnicity{"40", "普米族", "Pumi"},
    Ethnicity{"41", "塔吉克族", "Tajik"},   Ethnicity{"42", "怒族", "Nu"},
    Ethnicity{"43", "乌孜别克族", "Uzbek"}, Ethnicity{"44", "俄罗斯族", "Russian"},
    Ethnicity{"45", "鄂温克族", "Evenki"},  Ethnicity{"46", "德昂族", "De'ang"},
    Ethnicity{"47", "保安族", "Bonan"},     Ethnicity{"48", "裕固族", "Yugur"},
    Ethnicity{"49", "京族", "Gin"},         Ethnicity{"50", "塔塔尔族", "Tatar"},
    Ethnicity{"51", "独龙族", "Derung"},    Ethnicity{"52", "鄂伦春族", "Oroqen"},
    Ethnicity{"53", "赫哲族", "Hezhen"},    Ethnicity{"54", "门巴族", "Monpa"},
    Ethnicity{"55", "珞巴族", "Lhoba"},     Ethnicity{"56", "基诺族", "Jino"},
    Ethnicity{"97", "其他", "Other"},       Ethnicity{"98", "外国血统中国籍人士", "Naturalised citizen"},
};
}  // namespace

bool is_datetime(std::string_view s) {
  if (s.size() != 16 && s.size() != 19) return false;
  if (!is_real_date(s.substr(0, 10)) || (s[10] != ' ' && s[10] != 'T') || s[13] != ':') return false;
  if (!all_digits(s.substr(11, 2)) || !all_digits(s.substr(14, 2))) return false;
  if (to_int(s.substr(11, 2)) > 23 || to_int(s.substr(14, 2)) > 59) return false;
  if (s.size() == 19) return s[16] == ':' && all_digits(s.substr(17, 2)) && to_int(s.substr(17, 2)) <= 59;
  return true;
}

Checked<std::string> check_past_date(std::string_view field, std::string_view value, std::string_view today) {
  std::string v = trim(value);
  if (!is_real_date(v)) return FieldError{std::string(field), "bad_date", {v}};
  if (v > today) return FieldError{std::string(field), "date_future", {std::string(today)}};
  if (v < "1900-01-01") return FieldError{std::string(field), "date_too_old", {"1900-01-01"}};
  return v;
}

Checked<std::string> check_phone(std::string_view field, std::string_view value) {
  std::string digits;
  std::string v = trim(value);
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c >= '0' && c <= '9') digits += c;
    else if (c == ' ' || c == '-' || c == '(' || c == ')' || (c == '+' && i == 0)) continue;
    else return FieldError{std::string(field), "phone", {v}};
  }
  if (v.starts_with("+86") || (digits.size() == 13 && digits.starts_with("86"))) digits.erase(0, 2);
  else if (digits.size() == 15 && digits.starts_with("0086")) digits.erase(0, 4);
  const bool mobile = digits.size() == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9';
  // Landline: 0 + 2-3 digit area code + 7-8 digit number (0891-6xxxxxx in Lhasa).
  const bool landline = digits.size() >= 10 && digits.size() <= 12 && digits[0] == '0' && digits[1] != '0';
  if (!mobile && !landline) return FieldError{std::string(field), "phone", {v}};
  return digits;
}

std::optional<FieldError> check_age(std::string_view field, long long age) {
  if (age < 0 || age > 120) return FieldError{std::string(field), "age_range", {std::to_string(age)}};
  return std::nullopt;
}

std::string birth_date_from_age(int age, std::string_view today) { return add_years(today, -age); }

int age_on(std::string_view birth, std::string_view on) { return age_in_years(birth, on); }

bool is_province_code(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
         (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82 || p == 83;
}

Checked<std::string> check_place_code(std::string_view field, std::string_view value) {
  std::string v = trim(value);
  // A provisional township or village code (core/domain/places.h): after the
  // county's six digits, each group of three is digits or capital letters.
  auto group_ok = [&](size_t at) {
    const std::string_view g = std::string_view(v).substr(at, 3);
    return all_digits(g) || std::all_of(g.begin(), g.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  };
  const bool provisional = (v.size() == 9 || v.size() == 12) && all_digits(v.substr(0, 6)) && group_ok(6) &&
                           (v.size() == 9 || group_ok(9));
  if ((!all_digits(v) && !provisional) || (v.size() != 6 && v.size() != 9 && v.size() != 12) ||
      !is_province_code(to_int(v.substr(0, 2))))
    return FieldError{std::string(field), "place_code", {v}};
  return v;
}

Checked<std::string> check_ethnicity(std::string_view field, std::string_view value) {
  std::string v = trim(value);
  if (v.size() == 1) v = "0" + v;
  for (const auto& e : kEthnicities)
    if (e.code == v) return v;
  return FieldError{std::string(field), "ethnicity", {std::string(value)}};
}

std::string_view ethnicity_name(std::string_view code, Lang lang) {
  for (const auto& e : kEthnicities)
    if (e.code == code) return name_in(e, lang);
  return {};
}

bool is_icd10(std::string_view c) {
  if (c.size() < 3 || c.size() > 8) return false;
  if (!(c[0] >= 'A' && c[0] <= 'Z') || !all_digits(c.substr(1, 2))) return false;
  if (c.size() == 3) return true;
  if (c[3] != '.' || c.size() == 4) return false;
  for (char ch : c.substr(4))
    if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'))) return false;
  return true;
}

}  // namespace yz

namespace yz {

std::optional<FieldError> check_display_name(std::string_view field, std::string_view value) {
  bool visible = false;
  for (int32_t i = 0, n = static_cast<int32_t>(value.size()); i < n;) {
    UChar32 c = 0;
    U8_NEXT(value.data(), i, n, c);
    if (c < 0) return FieldError{std::string(field), "control_char", {"invalid UTF-8"}};
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
      return FieldError{std::string(field), "control_char", {code}};
    }
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
      return FieldError{std::string(field), "bidi_control", {code}};
    }
    // Zero-width and other format characters (U+200B, U+FEFF, U+2060, soft
    // hyphen) and spaces show nothing.
    if (!u_isUWhiteSpace(c) && u_charType(c) != U_FORMAT_CHAR && u_charType(c) != U_CONTROL_CHAR &&
        c != 0x3164 && c != 0x115F && c != 0x1160 && c != 0xFFA0)  // Hangul fillers: blank, yet letters
      visible = true;
  }
  if (!value.empty() && !visible) return FieldError{std::string(field), "invisible_text"};
  return std::nullopt;
}

}  // namespace yz
