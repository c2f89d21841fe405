// Forms: what typing does (身份证 fills birth date and sex), where errors
// land, the records a save writes.
#include <doctest/doctest.h>

#include "tests/support/id_cards.h"
#include "app/yizhen/model/forms.h"
#include "core/care/clinic_day.h"
#include "core/queries/views.h"
#include "core/domain/open_store.h"
#include "tests/support/process.h"

using namespace yz;
using namespace yz::app;

namespace {
// GB 11643 check digit of a valid card: 540102198503020020 (卓玛, F).
using yz::test::kCard;  // a woman born 1985-03-02
}

TEST_CASE("typing a valid ID number fills birth date and sex") {
  PatientForm f;
  f.name = "卓玛";
  f.id_number = "54010219850302002";  // 17 characters: still typing
  CHECK_FALSE(f.on_id_number_changed("2026-01-01"));
  CHECK(f.birth_date.empty());
  f.id_number = kCard;
  CHECK(f.on_id_number_changed("2026-01-01"));
  CHECK(f.birth_date == "1985-03-02");
  CHECK(f.sex == "F");
  CHECK(f.filled_from_id);
  CHECK(f.errors.empty());
}

TEST_CASE("a wrong check digit is shown under the ID field in the user's language") {
  PatientForm f;
  f.id_number = "540102198503020021";
  f.on_id_number_changed("2026-01-01");
  REQUIRE(f.errors.count("id_number") == 1);
  CHECK(f.errors["id_number"](Lang::zh).find("校验不符") != std::string::npos);
  CHECK(f.errors["id_number"](Lang::en).find("does not add up") != std::string::npos);
  CHECK(f.birth_date.empty());
}

TEST_CASE("registration check names each missing field") {
  PatientForm f;
  CHECK_FALSE(f.check("2026-01-01"));
  CHECK(f.errors.count("name"));
  CHECK(f.errors.count("sex"));
  CHECK(f.errors.count("birth_date"));
  f.name = "扎西顿珠";
  f.sex = "M";
  f.age = "67";
  f.phone = "123";
  CHECK_FALSE(f.check("2026-01-01"));
  CHECK(f.errors.count("phone"));
  f.phone = "13912345678";
  // Not saved without a village nor without consent: each named.
  CHECK_FALSE(f.check("2026-01-01"));
  CHECK(f.errors.size() == 2);
  CHECK(f.errors.count("village_code"));
  CHECK(f.errors.count("consent"));
  f.village_code = "540127100202";
  CHECK_FALSE(f.check("2026-01-01"));
  CHECK(f.errors.size() == 1);
  CHECK(f.errors.count("consent"));
  f.consent = true;
  f.village_code = " ";
  CHECK_FALSE(f.check("2026-01-01"));
  CHECK(f.errors.count("village_code"));
  f.village_code = "540127100202";
  CHECK(f.check("2026-01-01"));
  CHECK(f.to_fields()["age"] == 67);
}

TEST_CASE("a patient saved from the form reads back with the card's birth date") {
  Store s = open_store(":memory:");
  PatientForm f;
  f.name = "卓玛";
  f.id_number = kCard;
  f.on_id_number_changed(s.today());
  const std::string id = f.save(s);
  auto p = s.get("patient", id);
  REQUIRE(p);
  CHECK((*p)["name"] == "卓玛");
  CHECK((*p)["birth_date"] == "1985-03-02");
  CHECK((*p)["sex"] == "F");
}

TEST_CASE("store errors of a patient land under the form's fields") {
  Store s = open_store(":memory:");
  PatientForm f;
  f.name = "热依汗古丽";
  f.sex = "M";  // the card says a woman
  f.id_number = kCard;
  try {
    f.save(s);
    FAIL("should be refused");
  } catch (const ValidationError& e) {
    FieldErrors out;
    place_errors(e.errors(), out);
    CHECK(out.count("sex"));
  }
}

TEST_CASE("vital states: refused, low, high, fine") {
  using F = EncounterForm::Flag;
  CHECK(EncounterForm::vital_state("sbp", "", Lang::zh).flag == F::none);
  CHECK(EncounterForm::vital_state("sbp", "120", Lang::zh).flag == F::none);
  CHECK(EncounterForm::vital_state("sbp", "168", Lang::zh).flag == F::high);
  CHECK(EncounterForm::vital_state("spo2", "80", Lang::zh).flag == F::low);  // plausible at 4,500 m
  auto r = EncounterForm::vital_state("sbp", "400", Lang::en);
  CHECK(r.flag == F::refused);
  CHECK(r.message.find("plausible") != std::string::npos);
  CHECK(EncounterForm::vital_state("pulse", "7x", Lang::zh).flag == F::refused);
}

TEST_CASE("an encounter with vitals, diagnosis, medicines, referral and follow-up saves in one go") {
  Store s = open_store(":memory:");
  const std::string pid = s.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 40}});
  EncounterForm f;
  f.patient_id = pid;
  f.station = "内科";
  f.complaint = "头晕";
  f.vitals = {{"sbp", "160"}, {"dbp", "95"}, {"spo2", ""}};
  f.add_diagnosis("I10", "原发性高血压");
  f.add_diagnosis("I10", "原发性高血压");  // once only
  f.add_dispense({"氨氯地平片", "medicine", "盒", 1, 12.8});
  f.add_dispense({"氨氯地平片", "medicine", "盒", 1, 12.8});  // one more of the same
  f.add_dispense({"电子血压计", "device", "台", 1, 199});
  CHECK(f.dispensed_value() == doctest::Approx(224.6));
  f.refer = true;
  f.refer_to = "县人民医院";
  f.refer_reason = "血压控制不佳";
  f.follow_up = true;
  f.follow_up_date = "2030-01-01";
  f.follow_up_reason = "复测血压";
  REQUIRE(f.check(s.today()));
  f.save(s);
  auto h = patient_history(s.db(), pid);
  REQUIRE(h);
  REQUIRE((*h)["encounters"].size() == 1);
  const auto& e = (*h)["encounters"][0];
  CHECK(e["diagnoses"][0]["code"] == "I10");
  CHECK(e["observations"].size() == 2);
  CHECK(e["dispenses"].size() == 2);
  CHECK(e["dispenses"][0]["quantity"] == 2.0);
  CHECK((*h)["referrals"].size() == 1);
  CHECK((*h)["follow_ups"].size() == 1);
}

TEST_CASE("a refused vital names the vital and saves nothing") {
  Store s = open_store(":memory:");
  const std::string pid = s.create("patient", {{"name", "旺姆"}, {"sex", "F"}, {"age", 30}});
  EncounterForm f;
  f.patient_id = pid;
  f.vitals = {{"temperature", "52"}};
  CHECK_FALSE(f.check(s.today()));
  CHECK(f.errors.count("vital.temperature"));
  try {
    f.save(s);
    FAIL("should be refused");
  } catch (const ValidationError& e) {
    CHECK(e.errors().front().field == "vital.temperature");
  }
  CHECK((*patient_history(s.db(), pid))["encounters"].empty());
}

TEST_CASE("dispense problems are placed under their line") {
  Store s = open_store(":memory:");
  const std::string pid = s.create("patient", {{"name", "阿依古丽"}, {"sex", "F"}, {"age", 30}});
  EncounterForm f;
  f.patient_id = pid;
  f.dispenses.push_back({"", "medicine", "盒", 1, 5});
  try {
    f.save(s);
    FAIL("should be refused");
  } catch (const ValidationError& e) {
    FieldErrors out;
    place_errors(e.errors(), out);
    CHECK(out.count("dispense.0.item"));
  }
}

TEST_CASE("forms survive a round trip through their draft JSON") {
  PatientForm p;
  p.name = "热依汗古丽";
  p.id_number = "6531";
  p.consent = true;
  auto p2 = PatientForm::from_json(json::parse(p.to_json().dump()));
  CHECK(p2.name == p.name);
  CHECK(p2.id_number == p.id_number);
  CHECK(p2.consent);
  EncounterForm e;
  e.patient_id = "x";
  e.vitals["sbp"] = "150";
  e.add_diagnosis("E11.9", "2型糖尿病");
  e.add_dispense({"二甲双胍片", "medicine", "盒", 2, 9.8});
  e.refer = true;
  auto e2 = EncounterForm::from_json(json::parse(e.to_json().dump()));
  CHECK(e2.vitals["sbp"] == "150");
  CHECK(e2.diagnoses.size() == 1);
  CHECK(e2.dispenses[0].quantity == 2);
  CHECK(e2.refer);
  CHECK(EncounterForm::from_json(json("garbage")).patient_id.empty());
}

TEST_CASE("clinic day opens, then closes with its summary in the notes") {
  Store s = open_store(":memory:");
  const std::string team = s.create("team", {{"name", "上海第十批援藏医疗队"}});
  ClinicDayForm f;
  CHECK_FALSE(f.check());
  f.date = s.today();
  f.place_code = "540102001001";
  f.team_id = team;
  f.stations = {"内科", "药房"};
  REQUIRE(f.check());
  const std::string id = f.save(s);
  close_clinic_day(s, id, "诊疗 0 人次");
  auto d = s.get("clinic_day", id);
  CHECK((*d)["status"] == "closed");
  CHECK((*d)["notes"] == "诊疗 0 人次");
  CHECK((*d)["stations"].size() == 2);
}

TEST_CASE("a home visit with items saves the visit and its dispenses") {
  Store s = open_store(":memory:");
  const std::string hh = s.create("household", {{"village_code", "540102001001"}, {"head_name", "次仁"}});
  const std::string pid = s.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"age", 80}, {"household_id", hh}});
  HomeVisitForm f;
  CHECK_FALSE(f.check());
  f.household_id = hh;
  f.patients = {pid};
  f.services = {"送药上门"};
  f.items.push_back({"氨氯地平片", "medicine", "盒", 2, 12.8});
  REQUIRE(f.check());
  const std::string id = f.save(s);
  auto h = patient_history(s.db(), pid);
  CHECK((*h)["home_visits"].size() == 1);
  CHECK(s.db().execAndGet("SELECT COUNT(*) FROM dispense WHERE home_visit_id = '" + id + "'").getInt() == 1);

  // An item the store refuses is placed under its line; nothing is saved.
  f.items.push_back({"", "medicine", "盒", 1, 5});
  try {
    f.save(s);
    FAIL("should be refused");
  } catch (const ValidationError& e) {
    FieldErrors out;
    place_errors(e.errors(), out);
    CHECK(out.count("item.1.item"));
  }
  CHECK(s.db().execAndGet("SELECT COUNT(*) FROM home_visit").getInt() == 1);
}

TEST_CASE("a home visit to a family met for the first time registers its household with the visit") {
  Store s = open_store(":memory:");
  HomeVisitForm f;
  f.new_household = true;
  CHECK_FALSE(f.check());  // no village, no head or address
  CHECK(f.errors.count("household.village_code"));
  CHECK(f.errors.count("household.head_name"));
  f.village_code = "540102001001";
  f.head_name = " 卓玛 ";
  f.phone = "13800000000";
  f.services = {"健康宣教"};
  REQUIRE(f.check());
  // A draft keeps the new household's fields.
  const HomeVisitForm back = HomeVisitForm::from_json(f.to_json());
  CHECK(back.new_household);
  CHECK(back.head_name == " 卓玛 ");
  CHECK(back.village_code == "540102001001");
  const std::string id = f.save(s);
  const auto visit = s.get("home_visit", id);
  REQUIRE(visit);
  const auto hh = s.get("household", (*visit)["household_id"].get<std::string>());
  REQUIRE(hh);
  CHECK((*hh)["head_name"] == "卓玛");
  CHECK((*hh)["village_code"] == "540102001001");
  CHECK((*hh)["phone"] == "13800000000");

  // A bad phone is refused under the household's field; nothing is saved.
  f.phone = "12";
  try {
    f.save(s);
    FAIL("should be refused");
  } catch (const ValidationError& e) {
    FieldErrors out;
    place_errors(e.errors(), out);
    CHECK(out.count("household.phone"));
  }
  CHECK(s.db().execAndGet("SELECT COUNT(*) FROM household").getInt() == 1);
  CHECK(s.db().execAndGet("SELECT COUNT(*) FROM home_visit").getInt() == 1);
}
