// yizhenctl end to end: the real binary on temporary databases, checking the
// command-line contract of DESIGN.md §6 (output, --json anywhere, exit codes,
// one-line errors that name the field, nothing written on bad input).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <SQLiteCpp/Database.h>

#include <filesystem>

#include "core/base/uuid.h"
#include "tests/cli/cli_helpers.h"
#include "tests/support/process.h"

using nlohmann::json;
using yz::test::run;
using yz::test::RunResult;
using yz::test::TempDir;
using namespace yz_cli_test;

namespace {


// A valid 身份证 number for a woman born 1985-03-02 in 城关区, Lhasa.
const char* kIdNumber = "540102198503020020";

}  // namespace

TEST_CASE("init creates the database and reports the device id") {
  TempDir dir;
  auto r = ctl(dir.file("a.db"), {"init", "--plain", "--json"});
  REQUIRE(r.code == 0);
  const json j = json::parse(r.out);
  CHECK(yz::is_uuid(j["device_id"].get<std::string>()));
  CHECK(j["schema_version"].get<int>() >= 2);
  // A second init keeps the same device.
  auto again = ctl(dir.file("a.db"), {"--json", "init"});
  CHECK(json::parse(again.out)["device_id"] == j["device_id"]);
}

TEST_CASE("patient add, show and search with a Chinese name and a 身份证 number") {
  TempDir dir;
  const std::string db = plain_db(dir.file("p.db"));
  auto add = ctl(db, {"patient", "add", "--name", "卓玛", "--sex", "F", "--id-number", kIdNumber, "--phone",
                      "139 0891 2345", "--village", "540102001001", "--ethnicity", "04"});
  REQUIRE_MESSAGE(add.code == 0, add.err);
  std::string id = add.out.substr(0, add.out.find('\n'));
  REQUIRE(yz::is_uuid(id));

  auto show = ctl(db, {"patient", "show", id, "--json"});
  REQUIRE(show.code == 0);
  const json p = json::parse(show.out)["patient"];
  CHECK(p["name"] == "卓玛");
  CHECK(p["birth_date"] == "1985-03-02");  // derived from the ID number
  CHECK(p["sex"] == "F");
  CHECK(p["phone"] == "13908912345");
  CHECK(p["ethnicity"] == "04");

  auto text = ctl(db, {"patient", "show", id});
  CHECK(text.out.find("卓玛") != std::string::npos);
  CHECK(text.out.find(kIdNumber) != std::string::npos);

  for (const char* q : {"zhuoma", "zm", "卓玛", "5401021985", "1390891"}) {
    auto s = ctl(db, {"--json", "patient", "search", q});
    REQUIRE(s.code == 0);
    const json hits = json::parse(s.out);
    REQUIRE_MESSAGE(hits.size() == 1, q);
    CHECK(hits[0]["id"] == id);
  }
  auto none = ctl(db, {"patient", "search", "wangmu", "--json"});
  CHECK(json::parse(none.out).empty());
}

TEST_CASE("patient add with an age estimates the birth date") {
  TempDir dir;
  const std::string db = plain_db(dir.file("p.db"));
  auto add = ctl(db, {"--json", "patient", "add", "--name", "扎西顿珠", "--sex", "M", "--age", "67"});
  REQUIRE_MESSAGE(add.code == 0, add.err);
  const std::string id = json::parse(add.out)["id"];
  const json p = json::parse(ctl(db, {"patient", "show", id, "--json"}).out)["patient"];
  CHECK(p["birth_estimated"] == true);
  CHECK(p["birth_date"].get<std::string>().size() == 10);
}

TEST_CASE("bad input exits 2 with one line naming the field, and writes nothing") {
  TempDir dir;
  const std::string db = dir.file("bad.db");
  REQUIRE(ctl(db, {"init", "--plain"}).code == 0);
  const json before = stats(db);

  struct Case {
    std::vector<std::string> args;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{"patient", "add", "--name", "卓玛", "--sex", "F", "--id-number", "540102198503020021"}, "id_number"},
      {{"patient", "add", "--name", "卓玛", "--sex", "M", "--id-number", kIdNumber}, "sex"},
      {{"patient", "add", "--name", "卓玛", "--sex", "F", "--birth", "1985-02-30"}, "birth_date"},
      {{"patient", "add", "--name", "卓玛", "--sex", "F", "--birth", "2990-01-01"}, "birth_date"},
      {{"patient", "add", "--name", "卓玛", "--sex", "X", "--age", "30"}, "sex"},
      {{"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "130"}, "age"},
      {{"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "30", "--birth", "1990-01-01"}, "age"},
      {{"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "30", "--phone", "12345"}, "phone"},
      {{"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "30", "--village", "999"}, "village_code"},
      {{"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "30", "--ethnicity", "77"}, "ethnicity"},
      {{"patient", "add", "--name", "卓玛", "--sex", "F"}, "birth_date"},
      {{"patient", "add", "--sex", "F", "--age", "30"}, "--name"},
      {{"patient", "add", "--name", " ", "--sex", "F", "--age", "30"}, "name"},
      {{"patient", "search", "x", "--limit", "0"}, "--limit"},
      {{"patient", "frobnicate"}, "frobnicate"},
  };
  for (const auto& c : cases) {
    auto r = ctl(db, c.args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find(c.field) != std::string::npos);
    CHECK(r.out.empty());
  }
  CHECK(stats(db) == before);
}

TEST_CASE("errors can be in Chinese") {
  TempDir dir;
  auto r = ctl(plain_db(dir.file("zh.db")), {"--lang", "zh", "patient", "add", "--name", "卓玛", "--sex", "F", "--id-number",
                                   "540102198503020021"});
  CHECK(r.code == 2);
  CHECK(r.err.find("身份证号") != std::string::npos);
  CHECK(r.err.find("校验不符") != std::string::npos);
}

TEST_CASE("patient show of an unknown id exits 1") {
  TempDir dir;
  REQUIRE(ctl(dir.file("u.db"), {"init", "--plain"}).code == 0);
  auto r = ctl(dir.file("u.db"), {"patient", "show", "0190f1a2-0000-7000-8000-000000000000"});
  CHECK(r.code == 1);
  CHECK(lines(r.err) == 1);
}

TEST_CASE("reading verbs refuse a database that does not exist, and create none") {
  TempDir dir;
  const std::string db = dir.file("typo.db");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"stats"}, {"patient", "search", "zhuoma"}, {"patient", "show", "0190f1a2-0000-7000-8000-000000000000"}}) {
    auto r = ctl(db, args);
    CHECK(r.code == 3);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("typo.db") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("stats --json has one key per record kind and the pending count") {
  TempDir dir;
  const std::string db = plain_db(dir.file("s.db"));
  REQUIRE(ctl(db, {"patient", "add", "--name", "热依汗古丽", "--sex", "F", "--age", "34"}).code == 0);
  const json s = stats(db);
  for (const char* k : {"team", "member", "device", "place", "clinic_day", "patient", "household", "encounter",
                        "observation", "dispense", "screening", "referral", "follow_up", "home_visit", "audit",
                        "pending"})
    CHECK_MESSAGE(s.contains(k), k);
  CHECK(s["patient"] == 1);
  CHECK(s["pending"] == 1);
  CHECK(s["audit"] == 1);
}

TEST_CASE("audit verify finds an audit row changed behind the store's back (exit 3, the row named)") {
  TempDir dir;
  const std::string db = plain_db(dir.file("a.db"));
  REQUIRE(ctl(db, {"patient", "add", "--name", "次仁", "--sex", "M", "--age", "50"}).code == 0);
  REQUIRE(ctl(db, {"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "40"}).code == 0);
  auto ok = ctl(db, {"audit", "verify", "--json"});
  REQUIRE_MESSAGE(ok.code == 0, ok.err);
  CHECK(json::parse(ok.out)["rows"] == 2);
  CHECK(json::parse(ok.out)["ok"] == true);
  {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec("UPDATE audit SET actor = 'someone' WHERE rid = 1");
  }
  auto bad = ctl(db, {"audit", "verify"});
  CHECK(bad.code == 3);
  CHECK(bad.out.find("audit row 1") != std::string::npos);
  // A missing database is an error, never created.
  CHECK(ctl(dir.file("none.db"), {"audit", "verify"}).code == 3);
  CHECK_FALSE(std::filesystem::exists(dir.file("none.db")));
}

TEST_CASE("demo is deterministic by seed and fills every record kind") {
  TempDir dir;
  auto a = ctl(dir.file("a.db"), {"demo", "--plain", "--patients", "50", "--seed", "7"});
  REQUIRE_MESSAGE(a.code == 0, a.err);
  REQUIRE(ctl(dir.file("b.db"), {"demo", "--plain", "--patients", "50", "--seed", "7"}).code == 0);
  REQUIRE(ctl(dir.file("c.db"), {"demo", "--plain", "--patients", "50", "--seed", "8"}).code == 0);
  const json sa = stats(dir.file("a.db")), sb = stats(dir.file("b.db")), sc = stats(dir.file("c.db"));
  CHECK(sa == sb);
  CHECK(sa["patient"] == 50);
  for (const auto& item : sa.items()) {
    const std::string kind = item.key();  // not a structured binding: doctest's message is a lambda
    if (kind != "audit" && kind != "pending") CHECK_MESSAGE(item.value().get<int>() > 0, kind);
  }
  // Same seed, same records: the same search gives the same ids.
  auto ha = ctl(dir.file("a.db"), {"patient", "search", "zhuo", "--json"});
  auto hb = ctl(dir.file("b.db"), {"patient", "search", "zhuo", "--json"});
  CHECK(ha.out == hb.out);
  CHECK(sa != sc);
}

TEST_CASE("a failed enrollment says to enroll again, never that this laptop will sync by itself") {
  TempDir dir;
  plain_db(dir.file("a.db"));
  // Nothing listens on port 1 of the loopback: the connection is refused.
  for (const char* lang : {"en", "zh"}) {
    auto r = ctl(dir.file("a.db"), {"--lang", lang, "enroll", "--server", "http://127.0.0.1:1", "--code", "K7Q2-9XM4"});
    CAPTURE(r.err);
    CHECK(r.code == 3);
    CHECK(r.err.find(std::string(lang) == "en" ? "does not sync until it is enrolled" : "登记之前本机不会同步") !=
          std::string::npos);
    CHECK(r.err.find(std::string(lang) == "en" ? "will sync when" : "有网时会自动同步") == std::string::npos);
  }
}
