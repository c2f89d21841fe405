// yizhenctl patient edit (DESIGN.md §8): the real binary changes the fields it
// is given through the care command (core/care/patient.h), the change syncs
// like any other, and bad input exits 2 with one line naming the field and
// changes nothing.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/base/uuid.h"
#include "tests/cli/cli_helpers.h"
#include "tests/core/helpers.h"
#include "tests/support/process.h"

using nlohmann::json;
using yz::test::TempDir;
using yz_test::make_id;
using namespace yz_cli_test;

namespace {

std::string add(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"--json", "patient", "add"});
  auto r = ctl(db, args);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return json::parse(r.out)["id"];
}

json patient(const std::string& db, const std::string& id) {
  auto r = ctl(db, {"patient", "show", id, "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return json::parse(r.out)["patient"];
}

long long pending(const std::string& db) {
  auto r = ctl(db, {"stats", "--json"});
  REQUIRE(r.code == 0);
  return json::parse(r.out)["pending"].get<long long>();
}

}  // namespace

TEST_CASE("patient edit changes the fields given and syncs like any change") {
  TempDir dir;
  const std::string db = plain_db(dir.file("e.db"));
  const std::string id = add(db, {"--name", "卓玛", "--sex", "F", "--age", "40", "--phone", "13908912345"});
  const long long before = pending(db);

  auto r = ctl(db, {"patient", "edit", id, "--phone", "138 0013 8000", "--village", "540102001001", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const json out = json::parse(r.out);
  CHECK(out["id"] == id);
  CHECK(out["changed"] == json::array({"phone", "village_code"}));
  json p = patient(db, id);
  CHECK(p["phone"] == "13800138000");
  CHECK(p["village_code"] == "540102001001");
  CHECK(p["name"] == "卓玛");
  CHECK(pending(db) == before + 1);

  // A 身份证 number given later: the card's birth date replaces the estimate.
  const std::string card = make_id("540102", "19850302", "002");
  r = ctl(db, {"patient", "edit", id, "--id-number", card});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  p = patient(db, id);
  CHECK(p["id_number"] == card);
  CHECK(p["birth_date"] == "1985-03-02");
  CHECK(p["birth_estimated"] == false);

  // The same value again changes nothing; a name in Chinese; clearing a phone.
  r = ctl(db, {"patient", "edit", id, "--phone", "13800138000"});
  CHECK(r.code == 0);
  CHECK(r.out == "nothing changed\n");
  REQUIRE(ctl(db, {"patient", "edit", id, "--name", "卓玛央金", "--phone", ""}).code == 0);
  p = patient(db, id);
  CHECK(p["name"] == "卓玛央金");
  CHECK(p["phone"].is_null());

  // An age for a patient without a card: the birth date is estimated from it.
  const std::string aged = add(db, {"--name", "扎西", "--sex", "M", "--birth", "1970-03-01"});
  REQUIRE(ctl(db, {"patient", "edit", aged, "--age", "60"}).code == 0);
  CHECK(patient(db, aged)["birth_estimated"] == true);
  // The history of changes, in patient show, names each field with its old and new value.
  auto shown = ctl(db, {"patient", "show", id, "--json"});
  REQUIRE(shown.code == 0);
  const json changes = json::parse(shown.out)["changes"];
  REQUIRE(changes.size() == 7);  // phone, village; 身份证 with the birth date it fixed and its mark; name, phone
  CHECK(changes[0]["field"] == "name");
  CHECK(changes[0]["from"] == "卓玛");
  CHECK(changes[0]["to"] == "卓玛央金");
}

TEST_CASE("patient edit refuses bad input with one line naming the field, and changes nothing") {
  TempDir dir;
  const std::string db = plain_db(dir.file("bad.db"));
  // A woman with an exact birth date and her 身份证.
  const std::string card = make_id("540102", "19850302", "002");
  const std::string id = add(db, {"--name", "卓玛", "--sex", "F", "--id-number", card, "--phone", "13908912345"});
  // A man with an exact birth date and no card.
  const std::string tashi = add(db, {"--name", "扎西", "--sex", "M", "--birth", "1970-03-01"});
  const json before = patient(db, id), before_tashi = patient(db, tashi);
  const long long pend = pending(db);

  struct Case {
    std::vector<std::string> args;
    std::string field;
  };
  const std::vector<Case> cases = {
      // A card contradicting his sex, then one contradicting his birth date.
      {{"patient", "edit", tashi, "--id-number", make_id("540102", "19700301", "002")}, "sex"},
      {{"patient", "edit", tashi, "--id-number", make_id("540102", "19710301", "001")}, "birth_date"},
      // Her card says woman and 1985-03-02.
      {{"patient", "edit", id, "--sex", "M"}, "sex"},
      {{"patient", "edit", id, "--birth", "1986-01-01"}, "birth_date"},
      {{"patient", "edit", id, "--id-number", "540102198503020021"}, "id_number"},
      {{"patient", "edit", id, "--phone", "12345"}, "phone"},
      {{"patient", "edit", id, "--village", "999"}, "village_code"},
      {{"patient", "edit", id, "--ethnicity", "77"}, "ethnicity"},
      {{"patient", "edit", id, "--name", " "}, "name"},
      {{"patient", "edit", id, "--birth", "2990-01-01"}, "birth_date"},
      {{"patient", "edit", id, "--household", "0190f1a2-0000-7000-8000-000000000000"}, "household_id"},
      {{"patient", "edit", id}, "patient edit"},
      // An age and a birth date at once; an impossible age.
      {{"patient", "edit", tashi, "--age", "50", "--birth", "1976-01-01"}, "age"},
      {{"patient", "edit", tashi, "--age", "300"}, "age"},
      // The phone is fine, the card is not: nothing of the two is written.
      {{"patient", "edit", tashi, "--phone", "13800138000", "--id-number", make_id("540102", "19700301", "002")},
       "sex"},
  };
  for (const auto& c : cases) {
    auto r = ctl(db, c.args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find(c.field) != std::string::npos);
    CHECK(r.out.empty());
  }
  CHECK(patient(db, id) == before);
  CHECK(patient(db, tashi) == before_tashi);
  CHECK(pending(db) == pend);

  // An unknown patient: exit 1.
  auto r = ctl(db, {"patient", "edit", "0190f1a2-0000-7000-8000-000000000000", "--phone", "13800138000"});
  CHECK(r.code == 1);
  CHECK(lines(r.err) == 1);
}
