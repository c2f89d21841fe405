// The commands that write patients, encounters, households and home visits
// (core/care/patient.h, encounter.h, home_visit.h): validation stays the
// store's (the same a synced change meets), problems name their field and
// nothing is written, an edit changes only what it names, a correction
// supersedes and keeps the audit, a home visit can register its household.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include "core/base/clock.h"
#include "core/care/encounter.h"
#include "core/care/home_visit.h"
#include "core/care/patient.h"
#include "core/domain/open_store.h"
#include "core/domain/validate.h"
#include "core/queries/views.h"
#include "core/store/store.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::count_rows;
using yz_test::first_error;
using yz_test::has_error;
using yz_test::make_id;
using yz_test::validation_errors;

namespace {

struct Desk {
  ManualClock clock{ms_of_date("2026-06-01") + 10 * 3600 * 1000LL};
  Store store = open();
  std::string village = "540102001001";

  Store open() {
    StoreOptions o;
    o.clock = &clock;
    return open_store(":memory:", o);
  }
  std::string tashi() {
    return register_patient(store, {{"name", "扎西"},
                                    {"sex", "M"},
                                    {"birth_date", "1970-03-01"},
                                    {"village_code", village},
                                    {"phone", "13908912345"}});
  }
  long long audit(const std::string& entity, const std::string& id, const std::string& action) {
    return count_rows(store.db(), "audit",
                      "entity = '" + entity + "' AND record_id = '" + id + "' AND action = '" + action + "'");
  }
};

}  // namespace

TEST_CASE("register_patient: the store's rules, an age for a birth date, the 身份证 fills sex and birth") {
  Desk d;
  const std::string idn = make_id("540102", "19850412", "123");
  const std::string id = register_patient(d.store, {{"name", "卓玛"}, {"id_number", idn}});
  auto p = d.store.get("patient", id);
  REQUIRE(p);
  CHECK((*p)["birth_date"] == "1985-04-12");
  CHECK((*p)["sex"] == "M");

  const std::string aged = register_patient(d.store, {{"name", "次仁"}, {"sex", "F"}, {"age", 60}});
  CHECK(d.store.get("patient", aged)->at("birth_estimated") == true);

  // A 身份证 that contradicts the sex given: refused, naming the field.
  const auto before = count_rows(d.store.db(), "patient");
  auto e = first_error([&] {
    register_patient(d.store, {{"name", "拉姆"}, {"sex", "F"}, {"id_number", make_id("540102", "19900101", "011")}});
  });
  CHECK(e.field == "sex");
  CHECK(e.code == "id_says_male");
  CHECK(count_rows(d.store.db(), "patient") == before);
}

TEST_CASE("edit_patient: changes what it names, reports it, and syncs like any change") {
  Desk d;
  const std::string id = d.tashi();
  const auto outbox = count_rows(d.store.db(), "outbox");
  auto changed = edit_patient(d.store, id, {{"phone", "13800138000"}, {"name", "扎西"}});
  CHECK(changed == std::vector<std::string>{"phone"});
  CHECK(d.store.get("patient", id)->at("phone") == "13800138000");
  CHECK(count_rows(d.store.db(), "outbox") == outbox + 1);
  CHECK(d.audit("patient", id, "update") == 1);

  // The same values again: nothing written.
  CHECK(edit_patient(d.store, id, {{"phone", "13800138000"}}).empty());
  CHECK(count_rows(d.store.db(), "outbox") == outbox + 1);

  // A typed birth date is exact, even where an age was given before.
  const std::string aged = register_patient(d.store, {{"name", "次仁"}, {"sex", "F"}, {"age", 60}});
  edit_patient(d.store, aged, {{"birth_date", "1966-02-02"}});
  CHECK(d.store.get("patient", aged)->at("birth_estimated") == false);

  CHECK_THROWS_AS(edit_patient(d.store, "no-such-patient", {{"phone", "13800138000"}}), NotFound);
}

TEST_CASE("edit_patient: a 身份证 contradicting sex or birth date is refused and nothing changes") {
  Desk d;
  const std::string id = d.tashi();  // M, born 1970-03-01
  const auto snapshot = *d.store.get("patient", id);
  const auto outbox = count_rows(d.store.db(), "outbox");

  // A woman's number (odd sequence digit = man; even = woman).
  auto errs = validation_errors([&] {
    edit_patient(d.store, id, {{"id_number", make_id("540102", "19700301", "022")}});
  });
  CHECK(has_error(errs, "sex", "id_says_female"));
  // Another birth date.
  errs = validation_errors([&] { edit_patient(d.store, id, {{"id_number", make_id("540102", "19710301", "011")}}); });
  CHECK(has_error(errs, "birth_date", "id_birth_mismatch"));
  // A bad check digit is the id number's own problem.
  std::string bad = make_id("540102", "19700301", "011");
  bad.back() = bad.back() == '0' ? '1' : '0';
  CHECK(first_error([&] { edit_patient(d.store, id, {{"id_number", bad}}); }).field == "id_number");
  // A phone that is not one.
  CHECK(first_error([&] { edit_patient(d.store, id, {{"phone", "12345"}}); }).field == "phone");
  // A field that does not exist or does not change after registration.
  CHECK(first_error([&] { edit_patient(d.store, id, {{"colour", "red"}}); }).code == "unknown_field");

  CHECK(*d.store.get("patient", id) == snapshot);
  CHECK(count_rows(d.store.db(), "outbox") == outbox);

  // The matching number is taken.
  edit_patient(d.store, id, {{"id_number", make_id("540102", "19700301", "011")}});
  CHECK(d.store.get("patient", id)->at("id_number") == make_id("540102", "19700301", "011"));
}

TEST_CASE("record_encounter: the encounter with its vitals and dispenses in one transaction") {
  Desk d;
  const std::string p = d.tashi();
  EncounterInput in;
  in.fields = {{"patient_id", p}, {"station", "内科"}, {"seen_at", "2026-06-01 09:30"}, {"complaint", "头晕"}};
  in.observations = {{{"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}},
                     {{"kind", "dbp"}, {"value", 95}, {"unit", "mmHg"}}};
  in.dispenses = {
      {{"item", "硝苯地平缓释片"}, {"item_kind", "medicine"}, {"quantity", 2}, {"unit", "盒"}, {"unit_value", 12.5}}};
  auto r = record_encounter(d.store, in);
  CHECK(r.observation_ids.size() == 2);
  CHECK(r.dispense_ids.size() == 1);
  auto o = d.store.get("observation", r.observation_ids[0]);
  CHECK((*o)["encounter_id"] == r.encounter_id);
  CHECK((*o)["patient_id"] == p);
  CHECK((*o)["taken_at"] == "2026-06-01 09:30");
  auto ds = d.store.get("dispense", r.dispense_ids[0]);
  CHECK((*ds)["patient_id"] == p);
  CHECK((*ds)["encounter_id"] == r.encounter_id);

  // An implausible vital: nothing of the encounter is written, and the
  // problem names the observation it belongs to.
  const auto encounters = count_rows(d.store.db(), "encounter");
  in.observations.push_back({{"kind", "sbp"}, {"value", 900}, {"unit", "mmHg"}});
  auto e = first_error([&] { record_encounter(d.store, in); });
  CHECK(e.field == "observations.2.value");
  in.observations.pop_back();
  in.dispenses[0]["quantity"] = 0;
  CHECK(first_error([&] { record_encounter(d.store, in); }).field == "dispenses.0.quantity");
  CHECK(count_rows(d.store.db(), "encounter") == encounters);
  CHECK(count_rows(d.store.db(), "observation") == 2);

  // The link to a corrected encounter is the correction's alone.
  in.dispenses.clear();
  in.fields["supersedes_id"] = r.encounter_id;
  CHECK(first_error([&] { record_encounter(d.store, in); }).field == "supersedes_id");
}

TEST_CASE("correct_encounter: a new record supersedes, the original and its audit stay") {
  Desk d;
  const std::string p = d.tashi();
  EncounterInput in;
  in.fields = {{"patient_id", p},
               {"station", "内科"},
               {"seen_at", "2026-06-01 09:30"},
               {"complaint", "头晕"},
               {"advice", "低盐饮食"},
               {"diagnoses", json::array({{{"code", "I10"}, {"name", "高血压"}}})}};
  in.observations = {{{"kind", "sbp"}, {"value", 510}, {"unit", "mmHg"}}};  // refused: a typo of 150
  CHECK(first_error([&] { record_encounter(d.store, in); }).field == "observations.0.value");
  in.observations = {{{"kind", "sbp"}, {"value", 105}, {"unit", "mmHg"}}};  // saved: the wrong value
  in.dispenses = {
      {{"item", "硝苯地平缓释片"}, {"item_kind", "medicine"}, {"quantity", 1}, {"unit", "盒"}, {"unit_value", 12.5}}};
  const auto first = record_encounter(d.store, in);

  EncounterInput fix;
  fix.fields = {{"complaint", "头晕、头痛"}, {"advice", nullptr}};
  fix.observations = {{{"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}}};
  d.clock.advance(60'000);
  const auto second = correct_encounter(d.store, first.encounter_id, fix);

  auto now = d.store.get("encounter", second.encounter_id);
  CHECK((*now)["supersedes_id"] == first.encounter_id);
  CHECK((*now)["complaint"] == "头晕、头痛");
  CHECK((*now)["advice"].is_null());
  // What the correction left out is the original's.
  CHECK((*now)["station"] == "内科");
  CHECK((*now)["seen_at"] == "2026-06-01 09:30");
  CHECK((*now)["diagnoses"][0]["code"] == "I10");

  // The original is a tombstone with its values, its vital too, all audited.
  auto was = d.store.get("encounter", first.encounter_id);
  CHECK((*was)["deleted"] == true);
  CHECK((*was)["complaint"] == "头晕");
  CHECK(d.store.get("observation", first.observation_ids[0])->at("deleted") == true);
  CHECK(d.store.get("observation", first.observation_ids[0])->at("value") == 105.0);
  CHECK(d.audit("encounter", first.encounter_id, "create") == 1);
  CHECK(d.audit("encounter", first.encounter_id, "delete") == 1);
  CHECK(d.audit("encounter", second.encounter_id, "create") == 1);
  CHECK(d.audit("observation", first.observation_ids[0], "delete") == 1);

  // The patient's history shows the correction alone.
  auto h = patient_history(d.store.db(), p);
  REQUIRE(h);
  REQUIRE((*h)["encounters"].size() == 1);
  CHECK((*h)["encounters"][0]["id"] == second.encounter_id);
  REQUIRE((*h)["encounters"][0]["observations"].size() == 1);
  CHECK((*h)["encounters"][0]["observations"][0]["value"] == 150.0);
  // What was given stays given, shown with the correction.
  REQUIRE((*h)["encounters"][0]["dispenses"].size() == 1);
  CHECK((*h)["encounters"][0]["dispenses"][0]["id"] == first.dispense_ids[0]);
  CHECK(d.store.get("dispense", first.dispense_ids[0])->at("deleted") == false);

  // A corrected encounter is not corrected twice; another patient is refused.
  CHECK(first_error([&] { correct_encounter(d.store, first.encounter_id, fix); }).field == "encounter_id");
  const std::string other = register_patient(d.store, {{"name", "卓玛"}, {"sex", "F"}, {"age", 30}});
  fix.fields["patient_id"] = other;
  const auto before = count_rows(d.store.db(), "encounter");
  CHECK(first_error([&] { correct_encounter(d.store, second.encounter_id, fix); }).field == "patient_id");
  CHECK(count_rows(d.store.db(), "encounter") == before);
  CHECK_THROWS_AS(correct_encounter(d.store, "no-such-encounter", EncounterInput{}), NotFound);
}

TEST_CASE("record_home_visit: creates its household when it has none, or visits one") {
  Desk d;
  const std::string p = d.tashi();
  HomeVisitInput in;
  in.new_household = {{"village_code", d.village}, {"address", "白定村3组"}, {"head_name", "扎西"}};
  in.fields = {{"patients", json::array({p})}, {"services", json::array({"测血压", "送药上门"})}};
  in.items = {{{"item", "血压计"}, {"item_kind", "device"}, {"quantity", 1}, {"unit", "台"}, {"unit_value", 150}}};
  auto r = record_home_visit(d.store, in);
  CHECK(r.household_created);
  auto hh = d.store.get("household", r.household_id);
  REQUIRE(hh);
  CHECK((*hh)["head_name"] == "扎西");
  auto v = d.store.get("home_visit", r.home_visit_id);
  CHECK((*v)["household_id"] == r.household_id);
  CHECK((*v)["visit_date"] == d.store.today());
  REQUIRE(r.item_ids.size() == 1);
  auto item = d.store.get("dispense", r.item_ids[0]);
  CHECK((*item)["home_visit_id"] == r.home_visit_id);
  CHECK((*item)["patient_id"] == p);  // the one patient seen

  // A second visit to the same household.
  HomeVisitInput again;
  again.household_id = r.household_id;
  auto r2 = record_home_visit(d.store, again);
  CHECK_FALSE(r2.household_created);
  CHECK(r2.household_id == r.household_id);
  CHECK(count_rows(d.store.db(), "household") == 1);

  // A household without its village: nothing is written, the field is named.
  HomeVisitInput bad;
  bad.new_household = {{"address", "白定村3组"}};
  const auto visits = count_rows(d.store.db(), "home_visit");
  CHECK(first_error([&] { record_home_visit(d.store, bad); }).field == "household.village_code");
  CHECK(first_error([&] { record_home_visit(d.store, HomeVisitInput{}); }).field == "household_id");
  bad.household_id = r.household_id;
  bad.new_household = {{"village_code", d.village}};
  CHECK(first_error([&] { record_home_visit(d.store, bad); }).code == "household_twice");
  HomeVisitInput unknown;
  unknown.household_id = "0190a000-0000-7000-8000-000000000000";
  CHECK(first_error([&] { record_home_visit(d.store, unknown); }).code == "ref_missing");
  CHECK(count_rows(d.store.db(), "home_visit") == visits);
  CHECK(count_rows(d.store.db(), "household") == 1);

  CHECK(first_error([&] { create_household(d.store, {{"village_code", "54"}}); }).field == "village_code");
}

TEST_CASE("edit_patient: an age stands for the birth date, as at registration, never both") {
  Desk d;
  const std::string id = d.tashi();  // born 1970-03-01, exact
  CHECK(edit_patient(d.store, id, {{"age", 50}}) == std::vector<std::string>{"birth_date", "birth_estimated"});
  auto p = *d.store.get("patient", id);
  CHECK(p["birth_estimated"] == true);
  CHECK(p["birth_date"] == birth_date_from_age(50, d.store.today()));  // the estimate registration makes
  // Both at once, or an impossible age: refused, naming the field.
  CHECK(has_error(validation_errors([&] { edit_patient(d.store, id, {{"age", 40}, {"birth_date", "1980-01-01"}}); }),
                  "age", "birth_or_age"));
  CHECK(first_error([&] { edit_patient(d.store, id, {{"age", 300}}); }).field == "age");
  CHECK(d.store.get("patient", id)->at("birth_date") == p["birth_date"]);
}

TEST_CASE("edit_patient: the history of changes says who changed which field from what to what") {
  Desk d;
  const std::string id = d.tashi();
  CHECK(record_changes(d.store.db(), "patient", id).empty());  // never edited
  d.clock.advance(60 * 1000);
  edit_patient(d.store, id, {{"phone", "13800138000"}});
  d.clock.advance(60 * 1000);
  const std::string card = make_id("540102", "19700301", "011");
  edit_patient(d.store, id, {{"id_number", card}, {"notes", "身份证后补"}});
  // A refused edit leaves no trace in the history.
  (void)validation_errors([&] { edit_patient(d.store, id, {{"phone", "12345"}}); });

  const json changes = record_changes(d.store.db(), "patient", id);
  REQUIRE(changes.size() == 3);
  // Newest first; one entry per field.
  CHECK(changes[0]["field"] == "id_number");
  CHECK(changes[0]["from"].is_null());
  CHECK(changes[0]["to"] == card);
  CHECK(changes[1]["field"] == "notes");
  CHECK(changes[1]["to"] == "身份证后补");
  CHECK(changes[2]["field"] == "phone");
  CHECK(changes[2]["from"] == "13908912345");
  CHECK(changes[2]["to"] == "13800138000");
  CHECK(changes[2]["at"] == "2026-06-01 10:01");
  CHECK(changes[2]["actor"] == "local");
  // The patient's history carries them (the app's card, yizhenctl patient show).
  CHECK(patient_history(d.store.db(), id)->at("changes") == changes);
}
