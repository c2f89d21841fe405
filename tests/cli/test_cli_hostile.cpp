// Issue 12, holes 10 and 11: hostile text in names and numbers is refused
// at the door, and text that reaches a CSV export cannot become a formula.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/base/files.h"
#include "tests/cli/cli_helpers.h"
#include "tests/support/process.h"

using nlohmann::json;
using yz::test::TempDir;
using namespace yz_cli_test;

TEST_CASE("Hole 11: names with control characters, direction overrides or nothing visible are refused, --age 1e2 too") {
  TempDir dir;
  const std::string db = dir.file("c.db");
  REQUIRE(ctl(db, {"init", "--plain"}).code == 0);
  auto add = [&](const std::string& name, const std::string& age = "52") {
    return ctl(db, {"patient", "add", "--name", name, "--sex", "F", "--age", age, "--village", "540102001001"});
  };
  for (const std::string& name : {std::string("卓玛\x1b[31m"), std::string("卓\n玛"), std::string("卓玛\u202Eexe.txt"),
                                 std::string("\u2066卓玛"), std::string("\u200B"), std::string("\u200B\u3000\u200B")}) {
    auto r = add(name);
    CHECK(r.code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("name") != std::string::npos);
  }
  auto e = add("卓玛", "1e2");
  CHECK(e.code == 2);
  CHECK(e.err.find("age") != std::string::npos);
  CHECK(lines(e.err) == 1);
  // Nothing was written; ordinary names, Tibetan and Uyghur script among them, still are.
  CHECK(add("卓玛").code == 0);
  CHECK(add("ཚེ་རིང་").code == 0);
  CHECK(add("ئايگۈل").code == 0);
  auto list = ctl(db, {"patient", "search", "卓", "--json"});
  CHECK(list.code == 0);
}

TEST_CASE("Hole 10: CSV cells beginning with = + - @ tab or CR are neutralised") {
  TempDir dir;
  const std::string db = dir.file("c.db");
  REQUIRE(ctl(db, {"init", "--plain"}).code == 0);
  for (const char* name : {"=HYPERLINK(\"http://x.invalid\",\"点我\")", "+1+2", "-3+4", "@SUM(A1)"}) {
    auto r = ctl(db, {"patient", "add", "--name", name, "--sex", "F", "--age", "40", "--village", "540102001001"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const std::string pid = r.out.substr(0, r.out.find('\n'));
    auto s = ctl(db, {"screen", "--patient", pid, "--program", "hypertension", "--answers",
                      json{{"sbp", 170}, {"dbp", 100}}.dump()});
    REQUIRE_MESSAGE(s.code == 0, s.err);
  }
  const std::string csv = dir.file("list.csv");
  auto r = ctl(db, {"export", "screening-list", "--program", "hypertension", "--format", "csv", "--out", csv});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::string text = yz::read_file(csv);
  CHECK(text.find("\"'=HYPERLINK(\"\"http://x.invalid\"\",\"\"点我\"\")\"") != std::string::npos);
  CHECK(text.find("\"'+1+2\"") != std::string::npos);
  CHECK(text.find("\"'-3+4\"") != std::string::npos);
  CHECK(text.find("\"'@SUM(A1)\"") != std::string::npos);
  for (const char* raw : {",=HYPERLINK", ",+1+2", ",-3+4", ",@SUM"}) CHECK(text.find(raw) == std::string::npos);
}
