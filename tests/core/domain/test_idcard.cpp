// 身份证 numbers (GB 11643-1999): core/idcard.h.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/domain/idcard.h"
#include "core/base/messages.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::gb11643_check;
using yz_test::make_id;

namespace {
constexpr const char* kToday = "2026-06-01";

FieldError error_of(const std::string& raw, const char* today = kToday) {
  IdCheck r = check_id_number(raw, today);
  REQUIRE_FALSE(r.info.has_value());
  REQUIRE(r.error.has_value());
  CHECK(r.error->field == "id_number");
  return *r.error;
}

IdInfo info_of(const std::string& raw, const char* today = kToday) {
  IdCheck r = check_id_number(raw, today);
  const std::string problem = r.error ? r.error->message(Lang::en) : std::string();
  INFO("id: ", raw, " problem: ", problem);
  REQUIRE_FALSE(r.error.has_value());
  REQUIRE(r.info.has_value());
  return *r.info;
}
}  // namespace

TEST_CASE("idcard: test helper agrees with the published GB 11643 example") {
  // The example number of the standard, with check digit X.
  CHECK(gb11643_check("11010519491231002") == 'X');
  // The first-generation example upgraded to 18 digits: weighted sum 195,
  // 195 mod 11 = 8 -> '4'.
  CHECK(gb11643_check("44052418800101001") == '4');
}

TEST_CASE("idcard: the standard's example number is valid and read correctly") {
  IdInfo i = info_of("11010519491231002X");
  CHECK(i.number == "11010519491231002X");
  CHECK(i.birth_date == "1949-12-31");
  CHECK(i.sex == 'F');  // 17th digit 2: even
  CHECK(i.region == "110105");
}

TEST_CASE("idcard: many valid numbers across regions, dates and sequences") {
  const std::vector<std::string> regions = {"110101", "540102", "542621", "650102", "653101",
                                            "632801", "513221", "820000", "710000", "152502"};
  const std::vector<std::string> births = {"19000101", "19360229", "19491001", "19800615", "19991231",
                                           "20000229", "20120731", "20260601"};
  const std::vector<std::string> seqs = {"000", "001", "017", "118", "299", "555", "990", "999"};
  int checked = 0, with_x = 0;
  for (const auto& r : regions)
    for (const auto& b : births)
      for (const auto& s : seqs) {
        const std::string id = make_id(r, b, s);
        IdInfo i = info_of(id);
        CHECK(i.number == id);
        CHECK(i.region == r);
        CHECK(i.birth_date == b.substr(0, 4) + "-" + b.substr(4, 2) + "-" + b.substr(6, 2));
        CHECK(i.sex == ((s[2] - '0') % 2 == 1 ? 'M' : 'F'));
        CHECK(id_check_digit(id.substr(0, 17)) == id[17]);
        if (id[17] == 'X') ++with_x;
        ++checked;
      }
  CHECK(checked == 640);
  CHECK(with_x > 0);  // the set exercises the X check digit too
}

TEST_CASE("idcard: lowercase x is accepted and normalised to X, spaces are trimmed") {
  const std::string upper = "11010519491231002X";
  std::string lower = upper;
  lower[17] = 'x';
  IdInfo i = info_of(lower);
  CHECK(i.number == upper);
  CHECK(info_of("  " + upper + " ").number == upper);
  CHECK(info_of("\xE3\x80\x80" + lower).number == upper);  // ideographic space
}

TEST_CASE("idcard: wrong length is refused, including 15-digit first-generation numbers") {
  FieldError e = error_of("110105491231002");  // 15 digits: pre-1999 format
  CHECK(e.code == "id_length");
  REQUIRE(e.args.size() == 1);
  CHECK(e.args[0] == "15");
  CHECK(error_of("11010519491231002").code == "id_length");      // 17
  CHECK(error_of("11010519491231002X1").args[0] == "19");        // 19
  CHECK(error_of("").code == "id_length");
  CHECK(error_of("1101 0519 4912 3100 2X").code == "id_length");  // inner spaces are not removed
}

TEST_CASE("idcard: non-digits in the first 17 characters or a bad last character are refused") {
  CHECK(error_of("11010519A91231002X").code == "id_chars");
  CHECK(error_of("X10105194912310021").code == "id_chars");
  CHECK(error_of("1101051949123100X2").code == "id_chars");  // X only as the last character
  CHECK(error_of("11010519491231002Y").code == "id_chars");
  CHECK(error_of("11010519491231002-").code == "id_chars");
}

TEST_CASE("idcard: a region that is not a province is refused") {
  for (const char* region : {"000000", "100000", "160101", "200000", "390000", "470000", "550000",
                             "600000", "660000", "720000", "840000", "990000"}) {
    CAPTURE(region);
    FieldError e = error_of(make_id(region, "19800101", "123"));
    CHECK(e.code == "id_region");
    REQUIRE(e.args.size() == 1);
    CHECK(e.args[0] == std::string(region).substr(0, 2));
  }
}

TEST_CASE("idcard: impossible birth dates are refused even with a correct check digit") {
  for (const char* birth : {"19990230", "20230229", "19000229", "18991231", "18800101", "19991301",
                            "19990001", "19990100", "19990431", "00000000"}) {
    CAPTURE(birth);
    FieldError e = error_of(make_id("540102", birth, "123"));
    CHECK(e.code == "id_birth");
    const std::string b(birth);
    CHECK(e.args == std::vector<std::string>{b.substr(0, 4) + "-" + b.substr(4, 2) + "-" + b.substr(6, 2)});
  }
}

TEST_CASE("idcard: a birth date after `today` is refused, today itself is accepted") {
  CHECK(info_of(make_id("540102", "20260601", "123")).birth_date == "2026-06-01");
  FieldError e = error_of(make_id("540102", "20260602", "123"));
  CHECK(e.code == "id_birth_future");
  CHECK(e.args == std::vector<std::string>{"2026-06-02"});
  // Same number, later `today`: fine.
  CHECK(info_of(make_id("540102", "20260602", "123"), "2026-06-02").birth_date == "2026-06-02");
  CHECK(error_of(make_id("540102", "20300101", "123")).code == "id_birth_future");
}

TEST_CASE("idcard: a wrong check digit is refused and the message names the right one") {
  const std::string good = make_id("540102", "19850317", "352");
  const char right = good[17];
  for (char c : std::string("0123456789X")) {
    if (c == right) continue;
    std::string bad = good;
    bad[17] = c;
    CAPTURE(bad);
    FieldError e = error_of(bad);
    CHECK(e.code == "id_checksum");
    CHECK(e.args == std::vector<std::string>{std::string(1, right)});
    CHECK(e.message(Lang::en).find(std::string("the last would be ") + right) != std::string::npos);
    CHECK(e.message(Lang::zh).find(std::string("末位应为 ") + right) != std::string::npos);
    // A typo may be anywhere: the message does not send the nurse to the last digit alone.
    CHECK(e.message(Lang::en).find("not only the last") != std::string::npos);
    CHECK(e.message(Lang::zh).find("不一定是最后一位") != std::string::npos);
  }
  // Swapping two digits of the body ("1231" -> "1213", still a real date)
  // changes the weighted sum by 10 (mod 11), so the check digit catches it.
  std::string swapped = "11010519491231002X";
  std::swap(swapped[12], swapped[13]);
  CHECK(swapped == "11010519491213002X");
  CHECK(error_of(swapped).code == "id_checksum");
}

TEST_CASE("idcard: sex comes from the 17th digit, odd = male") {
  for (char d = '0'; d <= '9'; ++d) {
    const std::string id = make_id("650102", "19700505", std::string("12") + d);
    CAPTURE(id);
    CHECK(info_of(id).sex == ((d - '0') % 2 == 1 ? 'M' : 'F'));
  }
}

TEST_CASE("id: a masked number keeps its first 6 and last 4 characters") {
  CHECK(mask_id_number("540102198503020020") == "540102********0020");
  CHECK(mask_id_number("65310119790101123X") == "653101********123X");
  CHECK(mask_id_number("1234567890") == "**********");  // too short to show any of it
  CHECK(mask_id_number("") == "");
}
