// core/base/dates and core/base/utf8: the one calendar and the one trim.
#include <doctest/doctest.h>

#include "core/base/clock.h"
#include "core/base/dates.h"
#include "core/base/utf8.h"

using namespace yz;

TEST_CASE("dates: parse and format YYYY-MM-DD") {
  using namespace std::chrono;
  REQUIRE(parse_date("2024-02-29"));
  CHECK(*parse_date("2024-02-29") == year{2024} / February / 29);
  CHECK(format_date(year{7} / 3 / 9) == "0007-03-09");
  CHECK(format_date(year{2026} / 12 / 3) == "2026-12-03");
  CHECK(format_date(year{1999} / 10 / 31) == "1999-10-31");
  CHECK(format_date(year{12026} / 1 / 2) == "12026-01-02");  // beyond four digits: as printf writes it
  for (const char* bad : {"2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "0000-01-01",
                          "2026-1-01", "2026/01/01", "+026-01-01", "2026-01-0x", "", "2026-01-011"})
    CHECK_FALSE_MESSAGE(parse_date(bad), bad);
  CHECK(is_real_date("2000-02-29"));
}

TEST_CASE("dates: add days, months and years") {
  CHECK(add_days("2026-12-31", 1) == "2027-01-01");
  CHECK(add_days("2024-03-01", -1) == "2024-02-29");
  CHECK(add_days("2026-06-01", 90) == "2026-08-30");
  CHECK(add_months("2026-01-31", 1) == "2026-02-28");
  CHECK(add_months("2024-01-31", 1) == "2024-02-29");
  CHECK(add_months("2026-11-15", 3) == "2027-02-15");
  CHECK(add_months("2026-03-31", -1) == "2026-02-28");
  CHECK(add_years("2024-02-29", 1) == "2025-02-28");
  CHECK(add_years("2024-02-29", -4) == "2020-02-29");
  CHECK_THROWS_AS(add_days("2026-02-30", 1), std::invalid_argument);
  CHECK(days_between("2026-02-27", "2026-03-01") == 2);
  CHECK(days_between("2026-03-01", "2026-02-27") == -2);
}

TEST_CASE("dates: age in years and weekday") {
  CHECK(age_in_years("1980-06-01", "2026-06-01") == 46);
  CHECK(age_in_years("1980-06-02", "2026-06-01") == 45);
  CHECK(age_in_years("2024-02-29", "2025-02-28") == 0);
  CHECK(age_in_years("2024-02-29", "2025-03-01") == 1);
  CHECK(weekday_of("2026-12-01") == 2);  // a Tuesday
  CHECK(weekday_of("2000-01-01") == 6);  // a Saturday
}

TEST_CASE("clock: China Standard Time dates from Unix ms and back") {
  CHECK(date_of_ms(0) == "1970-01-01");
  CHECK(datetime_of_ms(0) == "1970-01-01 08:00");
  CHECK(datetime_of_ms(16LL * 3600 * 1000 - 60000) == "1970-01-01 23:59");
  CHECK(date_of_ms(16LL * 3600 * 1000) == "1970-01-02");
  CHECK(date_of_ms(-1) == "1970-01-01");                  // 07:59:59.999 local
  CHECK(date_of_ms(-8LL * 3600 * 1000 - 1) == "1969-12-31");
  CHECK(ms_of_date("1970-01-01") == -8LL * 3600 * 1000);
  for (const char* d : {"2024-02-29", "1950-07-15", "2026-12-31"}) CHECK(date_of_ms(ms_of_date(d)) == d);
  CHECK_THROWS_AS(ms_of_date("2026-02-30"), std::invalid_argument);
}

TEST_CASE("utf8: trim removes every Unicode white space, and only that") {
  CHECK(trim("\xE3\x80\x80张三\xE3\x80\x80") == "张三");      // U+3000 ideographic space
  CHECK(trim("\xC2\xA0 卓玛\t\r\n") == "卓玛");                 // U+00A0 no-break space
  CHECK(trim("\xE2\x80\x83x\xE2\x80\xA8") == "x");              // U+2003 em space, U+2028 line separator
  CHECK(trim("张 三") == "张 三");
  CHECK(trim("") == "");
  CHECK(trim("\xE3\x80\x80 ") == "");
  CHECK(trim("\xFF a \xFE") == "\xFF a \xFE");  // invalid bytes are not white space
  // Text that starts and ends with printable ASCII is taken as it is;
  // anything else at either end is decoded.
  CHECK(trim("a b") == "a b");
  CHECK(trim(" a") == "a");
  CHECK(trim("a\t") == "a");
  CHECK(trim("a\xE3\x80\x80") == "a");
  CHECK(trim("\xC2\xA0" "a") == "a");
  CHECK(trim("x") == "x");
  CHECK(is_blank(" \xE3\x80\x80"));
  CHECK_FALSE(is_blank("a"));
}

TEST_CASE("utf8: length, prefix and code points through ICU") {
  CHECK(utf8_length("张三a") == 3);
  CHECK(utf8_length("\xF0\x9F\x98\x80") == 1);  // one code point outside the BMP
  CHECK(utf8_length("a\xFF" "b") == 3);         // an invalid byte counts as one
  CHECK(utf8_prefix("张三李四", 2) == "张三");
  CHECK(utf8_prefix("ab", 5) == "ab");
  // The upper bound of a prefix range: the last code point raised, valid UTF-8.
  CHECK(utf8_prefix_upper_bound("zhang") == "zhanh");
  CHECK(utf8_prefix_upper_bound("张") == "\u5F21");
  CHECK(utf8_prefix_upper_bound("a\u07FF") == "a\u0800");  // into a longer sequence
  CHECK(utf8_prefix_upper_bound("a\U0010FFFF") == "b");     // the highest: the one before is raised
  CHECK(utf8_prefix_upper_bound("\uD7FF") == "\uE000");    // no surrogates
  CHECK("张三" < utf8_prefix_upper_bound("张"));
  std::u32string cps;
  for_each_code_point("a张\xFF\xF0\x9F\x98\x80", [&](char32_t c) { cps += c; });
  CHECK(cps == U"a张\U0001F600");
}
