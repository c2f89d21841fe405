// Field validators (core/validate.h) and the message catalogue (core/messages.h).

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/base/messages.h"
#include "core/domain/validate.h"

using namespace yz;

namespace {
std::string ok(const Checked<std::string>& r) {
  const FieldError* e = std::get_if<FieldError>(&r);
  const std::string problem = e ? e->message(Lang::en) : std::string();
  INFO("unexpected problem: ", problem);
  REQUIRE(e == nullptr);
  return std::get<std::string>(r);
}

FieldError bad(const Checked<std::string>& r) {
  REQUIRE(std::holds_alternative<FieldError>(r));
  return std::get<FieldError>(r);
}
}  // namespace

// ---- phone -------------------------------------------------------------------

TEST_CASE("check_phone: mobile numbers, with separators and country prefixes removed") {
  CHECK(ok(check_phone("phone", "13812345678")) == "13812345678");
  CHECK(ok(check_phone("phone", "138 1234 5678")) == "13812345678");
  CHECK(ok(check_phone("phone", "138-1234-5678")) == "13812345678");
  CHECK(ok(check_phone("phone", " 138-1234 5678 ")) == "13812345678");
  CHECK(ok(check_phone("phone", "+8613812345678")) == "13812345678");
  CHECK(ok(check_phone("phone", "+86 138 1234 5678")) == "13812345678");
  CHECK(ok(check_phone("phone", "+86-138-1234-5678")) == "13812345678");
  CHECK(ok(check_phone("phone", "008613812345678")) == "13812345678");
  CHECK(ok(check_phone("phone", "0086 138 1234 5678")) == "13812345678");
  CHECK(ok(check_phone("phone", "8613812345678")) == "13812345678");
  // Every second digit from 3 to 9 is a mobile prefix.
  for (char d = '3'; d <= '9'; ++d) {
    const std::string p = std::string("1") + d + "912345678";
    CHECK(ok(check_phone("phone", p)) == p);
  }
}

TEST_CASE("check_phone: landlines with an area code") {
  CHECK(ok(check_phone("phone", "0891-6321234")) == "08916321234");   // Lhasa
  CHECK(ok(check_phone("phone", "0991-12345678")) == "099112345678");  // Urumqi, 8-digit number
  CHECK(ok(check_phone("phone", "010-12345678")) == "01012345678");    // Beijing
  CHECK(ok(check_phone("phone", "(0891) 6321234")) == "08916321234");
  CHECK(ok(check_phone("phone", "+86 0891-6321234")) == "08916321234");
}

TEST_CASE("check_phone: refused inputs name the field and echo the input") {
  for (const char* p : {"1381234567",      // 10 digits, not a landline
                        "138123456789",    // 12 digits
                        "12812345678",     // 12x is not a mobile prefix
                        "11812345678", "10812345678",
                        "23812345678",     // neither 1 nor 0
                        "1381234567a", "abc", "138.1234.5678", "138+12345678", "0891-632",
                        "00891-6321234",   // no area code starts with 0
                        "", "   "}) {
    CAPTURE(p);
    FieldError e = bad(check_phone("contact_phone", p));
    CHECK(e.field == "contact_phone");
    CHECK(e.code == "phone");
  }
  FieldError e = bad(check_phone("phone", " 12812345678 "));
  CHECK(e.args == std::vector<std::string>{"12812345678"});
}

// ---- dates -------------------------------------------------------------------

TEST_CASE("is_real_date: calendar rules including leap years") {
  for (const char* d : {"2026-06-01", "2024-02-29", "2000-02-29", "1996-02-29", "1900-02-28", "2026-01-31",
                        "2026-04-30", "2026-12-31", "0001-01-01"})
    CHECK_MESSAGE(is_real_date(d), std::string(d));
  for (const char* d : {"2023-02-29", "1900-02-29", "2100-02-29", "2026-02-30", "2026-04-31", "2026-06-31",
                        "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "0000-01-01", "2026-1-01",
                        "2026-01-1", "2026/01/01", "20260101", "2026-01-01 ", " 2026-01-01", "abcd-01-01",
                        "2026-0a-01", "+026-01-01", ""})
    CHECK_FALSE_MESSAGE(is_real_date(d), std::string(d));
}

TEST_CASE("check_past_date: real, not after today, not before 1900") {
  const char* today = "2026-06-01";
  CHECK(ok(check_past_date("birth_date", "1980-05-06", today)) == "1980-05-06");
  CHECK(ok(check_past_date("birth_date", " 1980-05-06 ", today)) == "1980-05-06");
  CHECK(ok(check_past_date("birth_date", "2026-06-01", today)) == "2026-06-01");
  CHECK(ok(check_past_date("birth_date", "1900-01-01", today)) == "1900-01-01");

  FieldError f = bad(check_past_date("birth_date", "2026-06-02", today));
  CHECK(f.field == "birth_date");
  CHECK(f.code == "date_future");
  CHECK(f.args == std::vector<std::string>{"2026-06-01"});

  FieldError o = bad(check_past_date("done_date", "1899-12-31", today));
  CHECK(o.field == "done_date");
  CHECK(o.code == "date_too_old");

  FieldError b = bad(check_past_date("birth_date", "1980-02-30", today));
  CHECK(b.code == "bad_date");
  CHECK(b.args == std::vector<std::string>{"1980-02-30"});
  CHECK(bad(check_past_date("birth_date", "06/05/1980", today)).code == "bad_date");
}

TEST_CASE("is_datetime: YYYY-MM-DD HH:MM with optional seconds") {
  for (const char* d : {"2026-06-01 08:30", "2026-06-01T08:30", "2026-06-01 08:30:15", "2026-06-01 00:00",
                        "2026-06-01 23:59:59", "2024-02-29 12:00"})
    CHECK_MESSAGE(is_datetime(d), std::string(d));
  for (const char* d : {"2026-06-01", "2026-06-01 24:00", "2026-06-01 23:60", "2026-06-01 08:30:60",
                        "2026-02-30 08:00", "2026-06-01 8:30", "2026-06-01 08:3", "2026-06-01 08:30:1",
                        "2026-06-01_08:30", "2026-06-01 08-30", "2026-06-01 08:30Z", "2026-06-01 aa:bb", ""})
    CHECK_FALSE_MESSAGE(is_datetime(d), std::string(d));
}

TEST_CASE("check_age: whole years from 0 to 120") {
  CHECK_FALSE(check_age("age", 0).has_value());
  CHECK_FALSE(check_age("age", 45).has_value());
  CHECK_FALSE(check_age("age", 120).has_value());
  auto e = check_age("age", 121);
  REQUIRE(e.has_value());
  CHECK(e->field == "age");
  CHECK(e->code == "age_range");
  CHECK(e->args == std::vector<std::string>{"121"});
  CHECK(check_age("age", -1).has_value());
  CHECK(check_age("age", 1000000000000LL).has_value());
}

TEST_CASE("birth_date_from_age: same day `age` years earlier, Feb 29 becomes Feb 28") {
  CHECK(birth_date_from_age(30, "2026-06-01") == "1996-06-01");
  CHECK(birth_date_from_age(0, "2026-06-01") == "2026-06-01");
  CHECK(birth_date_from_age(120, "2026-01-15") == "1906-01-15");
  CHECK(birth_date_from_age(1, "2024-02-29") == "2023-02-28");
  CHECK(birth_date_from_age(4, "2024-02-29") == "2020-02-29");
  CHECK(birth_date_from_age(124, "2024-02-29") == "1900-02-28");  // 1900 is not a leap year
  CHECK(birth_date_from_age(24, "2024-02-29") == "2000-02-29");
  // The estimate is always a real date and gives back the age.
  for (int age = 0; age <= 120; age += 7) {
    const std::string b = birth_date_from_age(age, "2024-02-29");
    CHECK(is_real_date(b));
    CHECK(age_on(b, "2024-02-29") == age);
  }
}

TEST_CASE("age_on: whole years, birthday counted on the day") {
  CHECK(age_on("1980-06-01", "2026-06-01") == 46);
  CHECK(age_on("1980-06-02", "2026-06-01") == 45);
  CHECK(age_on("1980-05-31", "2026-06-01") == 46);
  CHECK(age_on("2026-06-01", "2026-06-01") == 0);
  CHECK(age_on("2025-12-31", "2026-01-01") == 0);
  CHECK(age_on("2024-02-29", "2025-02-28") == 0);
  CHECK(age_on("2024-02-29", "2025-03-01") == 1);
  CHECK(age_on("2024-02-29", "2028-02-29") == 4);
}

// ---- places, ethnicity, ICD-10 ---------------------------------------------------

TEST_CASE("check_place_code: 6, 9 or 12 digits with a province prefix") {
  CHECK(ok(check_place_code("village_code", "540102")) == "540102");
  CHECK(ok(check_place_code("village_code", "540102001")) == "540102001");
  CHECK(ok(check_place_code("village_code", "540102001001")) == "540102001001");
  CHECK(ok(check_place_code("village_code", " 653101 ")) == "653101");
  CHECK(ok(check_place_code("village_code", "820000")) == "820000");  // Macao
  for (const char* c : {"54010", "5401020", "54010200", "5401020010", "54010200100", "5401020010011",
                        "990102", "000000", "100000", "160000", "5401a2", "540-102", ""}) {
    CAPTURE(c);
    FieldError e = bad(check_place_code("village_code", c));
    CHECK(e.field == "village_code");
    CHECK(e.code == "place_code");
  }
}

TEST_CASE("is_province_code: GB/T 2260 provinces only") {
  for (int p : {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51,
                52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82})
    CHECK_MESSAGE(is_province_code(p), p);
  int count = 0;
  for (int p = 0; p < 100; ++p) count += is_province_code(p) ? 1 : 0;
  CHECK(count == 35);  // 34 provincial divisions, plus 83 (residence permits of Taiwan residents)
  for (int p : {0, 10, 16, 20, 24, 30, 38, 40, 47, 49, 55, 60, 66, 70, 72, 80, 84, 99}) CHECK_FALSE(is_province_code(p));
}

TEST_CASE("check_ethnicity: GB 3304 two-digit codes, single digit padded") {
  CHECK(ok(check_ethnicity("ethnicity", "04")) == "04");
  CHECK(ok(check_ethnicity("ethnicity", "4")) == "04");
  CHECK(ok(check_ethnicity("ethnicity", "5")) == "05");
  CHECK(ok(check_ethnicity("ethnicity", " 01 ")) == "01");
  CHECK(ok(check_ethnicity("ethnicity", "56")) == "56");
  CHECK(ok(check_ethnicity("ethnicity", "97")) == "97");
  CHECK(ok(check_ethnicity("ethnicity", "98")) == "98");
  for (const char* c : {"57", "00", "0", "96", "99", "004", "4a", "藏族", ""}) {
    CAPTURE(c);
    FieldError e = bad(check_ethnicity("ethnicity", c));
    CHECK(e.field == "ethnicity");
    CHECK(e.code == "ethnicity");
    CHECK(e.args == std::vector<std::string>{c});
  }
  CHECK(ethnicity_name("04", Lang::zh) == "藏族");
  CHECK(ethnicity_name("04", Lang::en) == "Tibetan");
  CHECK(ethnicity_name("05", Lang::zh) == "维吾尔族");
  CHECK(ethnicity_name("01", Lang::en) == "Han");
  CHECK(ethnicity_name("57", Lang::zh).empty());
  CHECK(ethnicity_name("4", Lang::zh).empty());  // names are looked up by normalised code
}

TEST_CASE("is_icd10: letter, two digits, optional .digits") {
  for (const char* c : {"I10", "E11", "E11.9", "J45.909", "C34.1", "A15.0", "Z00.00"}) CHECK_MESSAGE(is_icd10(c), std::string(c));
  for (const char* c : {"", "I1", "I10.", "i10", "110", "II0", "I1O", "I10-9", "I10 ", " I10", "E11.9.1",
                        "I10.12345"})
    CHECK_FALSE_MESSAGE(is_icd10(c), std::string(c));
}

TEST_CASE("trim and utf8_length") {
  CHECK(trim("  张三 \t") == "张三");
  CHECK(trim("\xE3\x80\x80张三\xE3\x80\x80 ") == "张三");
  CHECK(trim(" \xE3\x80\x80 \xE3\x80\x80") == "");
  CHECK(trim("张 三") == "张 三");
  CHECK(utf8_length("张三a") == 3);
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("བཀྲ") == 3);  // Tibetan: three code points
}

// ---- messages ----------------------------------------------------------------

TEST_CASE("FieldError::message names the field and fills placeholders, in zh and en") {
  FieldError e{"id_number", "id_checksum", {"7"}};
  CHECK(e.message(Lang::en) ==
        "ID number (id_number): does not add up: any digit may be mistyped, not only the last; check each one "
        "against the card (from the first 17, the last would be 7)");
  CHECK(e.message(Lang::zh) ==
        "身份证号 (id_number)：校验不符：可能任一位输错（不一定是最后一位），请与证件逐位核对（按前 17 位，末位应为 7）");

  FieldError r{"value", "out_of_range", {"40", "50", "100", "%"}};
  CHECK(r.message(Lang::en) == "value: 40 is outside the plausible range 50–100 %");
  CHECK(r.message(Lang::zh) == "数值 (value)：40 超出合理范围 50–100 %");
  // For a person (the field app, the console): the label alone.
  CHECK(r.plain_message(Lang::zh) == "数值：40 超出合理范围 50–100 %");
  CHECK(r.plain_message(Lang::en) == "value: 40 is outside the plausible range 50–100 %");

  FieldError p{"phone", "phone", {"123"}};
  CHECK(p.message(Lang::zh).find("电话") == 0);
  CHECK(p.message(Lang::zh).find("“123”") != std::string::npos);
  CHECK(p.message(Lang::en).find("got \"123\"") != std::string::npos);

  // A field without a label is shown by its name alone.
  FieldError u{"colour", "unknown_field"};
  CHECK(u.message(Lang::en) == "colour: is not a known field");
  CHECK(u.message(Lang::zh) == "colour：不是可识别的字段");
}

TEST_CASE("messages: every code used by core/ has both languages and no unfilled placeholder") {
  struct Case {
    const char* code;
    int nargs;
  };
  const Case cases[] = {
      {"required", 0},        {"unknown_field", 0},  {"not_editable", 0},     {"bad_type", 1},
      {"too_long", 1},        {"bad_option", 1},     {"bad_date", 1},         {"bad_datetime", 1},
      {"date_future", 1},     {"date_too_old", 1},   {"age_range", 1},        {"out_of_range", 4},
      {"not_positive", 0},    {"negative", 0},       {"bad_unit", 2},         {"unknown_kind", 1},
      {"id_length", 1},       {"id_chars", 0},       {"id_region", 1},        {"id_birth", 1},
      {"id_birth_future", 1}, {"id_checksum", 1},    {"id_says_male", 0},     {"id_says_female", 0},
      {"duplicate_id", 1},    {"place_level", 2},    {"id_birth_mismatch", 1}, {"phone", 1},
      {"place_code", 1},      {"ethnicity", 1},      {"ref_missing", 2},      {"birth_or_age", 0},
      {"bad_number", 1},      {"bad_uuid", 1},       {"diagnosis", 0},        {"icd10", 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.code);
    const std::string en(message_template(c.code, Lang::en)), zh(message_template(c.code, Lang::zh));
    CHECK(en != c.code);  // known
    CHECK(zh != c.code);
    CHECK(zh != en);
    std::vector<std::string> args;
    for (int i = 0; i < c.nargs; ++i) args.push_back("ARG" + std::to_string(i));
    FieldError e{"name", c.code, args};
    for (Lang lang : {Lang::zh, Lang::en}) {
      const std::string m = e.message(lang);
      CHECK(m.find("{}") == std::string::npos);
      for (const auto& a : args) CHECK(m.find(a) != std::string::npos);
    }
  }
  CHECK(message_template("no_such_code", Lang::en) == "no_such_code");
}

TEST_CASE("format_message fills {} in order, missing arguments leave nothing, extras are ignored") {
  CHECK(format_message("{} of {}", {"a", "b"}) == "a of b");
  CHECK(format_message("{} of {}", {"a"}) == "a of ");
  CHECK(format_message("{}", {"a", "b"}) == "a");
  CHECK(format_message("no placeholders {", {"a"}) == "no placeholders {");
  CHECK(format_message("{x}", {"a"}) == "{x}");
}

TEST_CASE("field_label: known fields in both languages, unknown ones as themselves") {
  CHECK(field_label("id_number", Lang::zh) == "身份证号");
  CHECK(field_label("id_number", Lang::en) == "ID number");
  CHECK(field_label("birth_date", Lang::zh) == "出生日期");
  CHECK(field_label("nonexistent", Lang::zh) == "nonexistent");
}

TEST_CASE("ValidationError: what() is the English message of the first problem, all are kept") {
  ValidationError e(std::vector<FieldError>{{"name", "required"}, {"sex", "bad_option", {"M|F"}}});
  CHECK(std::string(e.what()) == "name: is required");
  REQUIRE(e.errors().size() == 2);
  CHECK(e.errors()[1].field == "sex");
  CHECK(e.errors()[1].message(Lang::en) == "sex: must be one of: M|F");
  NotFound nf("patient", "abc");
  CHECK(nf.entity() == "patient");
  CHECK(nf.id() == "abc");
  CHECK(std::string(nf.what()).find("abc") != std::string::npos);
}
