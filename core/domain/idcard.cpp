#include "core/domain/idcard.h"

#include "core/domain/validate.h"

namespace yz {

char id_check_digit(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kDigits[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kDigits[sum % 11];
}

IdCheck check_id_number(std::string_view raw, std::string_view today) {
  std::string s = trim(raw);
  auto fail = [](std::string code, std::vector<std::string> args = {}) {
    return IdCheck{std::nullopt, FieldError{"id_number", std::move(code), std::move(args)}};
  };
  if (s.size() != 18) return fail("id_length", {std::to_string(utf8_length(s))});
  for (int i = 0; i < 17; ++i)
    if (s[i] < '0' || s[i] > '9') return fail("id_chars");
  if (s[17] == 'x') s[17] = 'X';
  if (!((s[17] >= '0' && s[17] <= '9') || s[17] == 'X')) return fail("id_chars");
  if (!is_province_code((s[0] - '0') * 10 + (s[1] - '0'))) return fail("id_region", {s.substr(0, 2)});
  const std::string birth = s.substr(6, 4) + "-" + s.substr(10, 2) + "-" + s.substr(12, 2);
  if (!is_real_date(birth) || birth < "1900-01-01") return fail("id_birth", {birth});
  if (birth > today) return fail("id_birth_future", {birth});
  const char expected = id_check_digit(s);
  if (s[17] != expected) return fail("id_checksum", {std::string(1, expected)});
  IdInfo info;
  info.birth_date = birth;
  info.sex = ((s[16] - '0') % 2 == 1) ? 'M' : 'F';
  info.region = s.substr(0, 6);
  info.number = std::move(s);
  return IdCheck{std::move(info), std::nullopt};
}

std::string mask_id_number(std::string_view number) {
  if (number.size() <= 10) return std::string(number.size(), '*');
  return std::string(number.substr(0, 6)) + std::string(number.size() - 10, '*') +
         std::string(number.substr(number.size() - 4));
}

}  // namespace yz
