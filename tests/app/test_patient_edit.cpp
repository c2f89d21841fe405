// Editing a patient and correcting an encounter in the field app: the edit
// form's view logic (what it sends, what it shows while typing, the lines of
// the history), and the model's save through the care commands against a
// real temporary database: a refused edit writes nothing and leaves no
// history, a good one shows on the card; a correction replaces the encounter.
#include <doctest/doctest.h>

#include "tests/support/id_cards.h"
#include "app/yizhen/model/app_model.h"
#include "app/yizhen/model/patient_edit.h"
#include "app/yizhen/strings.h"
#include "tests/support/process.h"

using namespace yz;
using namespace yz::app;

namespace {
using yz::test::kCard;  // a woman born 1985-03-02

json zhuoma_record() {
  return {{"id", "p1"},
          {"name", "卓玛"},
          {"sex", "F"},
          {"birth_date", "1985-03-02"},
          {"birth_estimated", false},
          {"id_number", nullptr},
          {"phone", "13800138000"},
          {"village_code", "540102001001"},
          {"ethnicity", "04"},
          {"household_id", nullptr},
          {"consent", true},
          {"notes", "腿脚不便"},
          {"name_native", nullptr}};
}

// A registered patient in a fresh model, its card open.
std::string registered(AppModel& m) {
  PatientForm f;
  f.name = "卓玛";
  f.sex = "F";
  f.age = "41";
  f.phone = "13800138000";
  f.village_code = "540102001001";
  f.consent = true;
  std::string id;
  m.register_patient(f, [&](std::string saved) { id = saved; }, {});
  m.settle();
  REQUIRE_FALSE(id.empty());
  REQUIRE(m.view().card);
  return id;
}
}  // namespace

TEST_CASE("patient edit form: starts from the record and sends only what differs") {
  PatientEditForm f = PatientEditForm::from_record(zhuoma_record());
  CHECK(f.patient_id == "p1");
  CHECK(f.phone == "13800138000");
  CHECK(f.consent);
  CHECK(f.changes().empty());
  CHECK_FALSE(f.changed());

  f.phone = " 13900139000 ";  // trimmed
  f.notes = "";               // cleared
  f.id_number = kCard;        // brought later
  f.consent = false;
  CHECK(f.changes() == json{{"phone", "13900139000"}, {"notes", ""}, {"id_number", kCard}, {"consent", false}});

  // An age typed stands for the birth date: the birth date is not sent.
  PatientEditForm g = PatientEditForm::from_record(zhuoma_record());
  g.birth_date = "1990-01-01";
  g.age = "40";
  CHECK(g.changes() == json{{"age", "40"}});
}

TEST_CASE("patient edit form: a 身份证 typo shows under the field once typed in full, and fills nothing") {
  PatientEditForm f = PatientEditForm::from_record(zhuoma_record());
  f.id_number = "54010219850302002";  // 17 characters: still typing
  f.on_id_number_changed("2026-06-01");
  CHECK(f.errors.empty());
  f.id_number = "540102198503020021";  // wrong check digit
  f.on_id_number_changed("2026-06-01");
  REQUIRE(f.errors.count("id_number"));
  CHECK_FALSE(say(f.errors["id_number"], Lang::en).empty());
  f.id_number = kCard;
  f.on_id_number_changed("2026-06-01");
  CHECK(f.errors.empty());
  CHECK(f.birth_date == "1985-03-02");  // unchanged: the store reconciles on saving
}

TEST_CASE("history lines: when, who, which field, from and to, with codes by their names") {
  const json phone = {{"at", "2026-06-01 10:01"},
                      {"actor", "local"},
                      {"field", "phone"},
                      {"from", "13800138000"},
                      {"to", "13900139000"}};
  CHECK(change_line(phone, Lang::en) == "2026-06-01 10:01  local  Phone: 13800138000 → 13900139000");
  CHECK(change_line(phone, Lang::zh) == "2026-06-01 10:01  local  电话：13800138000 → 13900139000");
  const json id = {
      {"at", "2026-06-01 10:02"}, {"actor", "local"}, {"field", "id_number"}, {"from", nullptr}, {"to", kCard}};
  CHECK(change_line(id, Lang::en).find("(empty) → " + std::string(kCard)) != std::string::npos);
  const json village = {{"at", "t"}, {"actor", "a"}, {"field", "village_code"}, {"from", "1"}, {"to", "2"}};
  CHECK(change_line(village, Lang::en, [](const std::string& c) {
          return "village " + c;
        }).find("village 1 → village 2") != std::string::npos);
  const json sex = {{"at", "t"}, {"actor", "a"}, {"field", "sex"}, {"from", "M"}, {"to", "F"}};
  CHECK(change_line(sex, Lang::zh).find(std::string(tr(S::pd_male, Lang::zh)) + " → " + tr(S::pd_female, Lang::zh)) !=
        std::string::npos);
  // The labels whole: 别 (E5 88 AB) and 估 (E4 BC B0) hold bytes of "（"
  // (EF BC 88), and a search for any of its bytes cut them in half.
  CHECK(change_line(sex, Lang::zh) == "t  a  性别：男 → 女");
  const json estimated = {{"at", "t"}, {"actor", "a"}, {"field", "birth_estimated"}, {"from", true}, {"to", false}};
  CHECK(change_line(estimated, Lang::zh) == "t  a  出生日期为估计：是 → 否");
  CHECK(patient_field_label("age", Lang::zh) == "或年龄");  // the note in brackets still goes
  CHECK(patient_field_label("age", Lang::en) == "or age");
  // An audit row that kept no values: the field alone.
  const json old = {{"at", "t"}, {"actor", "a"}, {"field", "phone"}, {"from", nullptr}, {"to", nullptr}};
  CHECK(change_line(old, Lang::en) == "t  a  Phone");
}

TEST_CASE("model: a refused edit writes nothing, a good one shows on the card with its history") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.load_all();
  m.settle();
  const std::string id = registered(m);
  const int64_t pending = m.view().pending;

  // The 身份证 with a wrong check digit, and a new phone: refused as a whole.
  PatientEditForm f = PatientEditForm::from_record((*m.view().card)["patient"]);
  f.id_number = "540102198503020021";
  f.phone = "13900139000";
  std::vector<FieldError> refused;
  bool ok = false;
  m.edit_patient(
      f, [&](std::vector<std::string>) { ok = true; }, [&](const std::vector<FieldError>& e) { refused = e; });
  m.settle();
  CHECK_FALSE(ok);
  REQUIRE_FALSE(refused.empty());
  CHECK(refused[0].field == "id_number");
  m.open_patient(id);
  m.settle();
  CHECK((*m.view().card)["patient"]["phone"] == "13800138000");
  CHECK((*m.view().card)["patient"]["id_number"].is_null());
  CHECK((*m.view().card)["changes"].empty());
  CHECK(m.view().pending == pending);

  // The right number: sex and the card's birth date agree (the age was an estimate).
  f.id_number = kCard;
  std::vector<std::string> changed;
  m.edit_patient(f, [&](std::vector<std::string> c) { changed = std::move(c); }, {});
  m.settle();
  CHECK(changed == std::vector<std::string>{"birth_date", "birth_estimated", "id_number", "phone"});
  const json& card = *m.view().card;
  CHECK(card["patient"]["id_number"] == kCard);
  CHECK(card["patient"]["birth_date"] == "1985-03-02");
  CHECK(card["patient"]["phone"] == "13900139000");
  REQUIRE(card["changes"].size() == 4);
  CHECK(m.view().pending == pending + 1);
  CHECK(m.view().toast.find("13900139000") == std::string::npos);  // names the fields, not the values
  CHECK(m.view().toast.find(patient_field_label("phone", m.lang())) != std::string::npos);

  // Saving the unchanged form writes nothing.
  PatientEditForm same = PatientEditForm::from_record(card["patient"]);
  m.edit_patient(same, [&](std::vector<std::string> c) { changed = std::move(c); }, {});
  m.settle();
  CHECK(changed.empty());
  CHECK(m.view().toast == tr(S::pe_nothing_changed, m.lang()));
}

TEST_CASE("model: correcting an encounter from the card replaces it with the correction") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.load_all();
  m.settle();
  const std::string id = registered(m);
  EncounterForm e;
  e.patient_id = id;
  e.patient_name = "卓玛";
  e.station = "内科";
  e.complaint = "头晕";
  e.advice = "低盐饮食";
  e.vitals = {{"sbp", "185"}, {"dbp", "95"}};
  e.add_diagnosis("I10", "原发性高血压");
  e.add_dispense({"氨氯地平片", "medicine", "盒", 2, 12.8});
  m.save_encounter(e, {}, {});
  m.settle();
  REQUIRE((*m.view().card)["encounters"].size() == 1);
  const json original = (*m.view().card)["encounters"][0];

  // The form the card's 更正 opens: the encounter as recorded, no dispenses.
  EncounterForm c = EncounterForm::correcting(original, "卓玛");
  CHECK(c.corrects_id == original["id"]);
  CHECK(c.patient_id == id);
  CHECK(c.station == "内科");
  CHECK(c.complaint == "头晕");
  CHECK(c.vitals == std::map<std::string, std::string>{{"sbp", "185"}, {"dbp", "95"}});
  REQUIRE(c.diagnoses.size() == 1);
  CHECK(c.dispenses.empty());
  // The round trip of a draft keeps what it corrects.
  CHECK(EncounterForm::from_json(c.to_json()).corrects_id == c.corrects_id);

  c.vitals["sbp"] = "158";  // the typo corrected
  c.advice = "";            // cleared, not taken from the original
  std::string saved;
  m.save_encounter(c, [&](std::string s) { saved = s; }, {});
  m.settle();
  REQUIRE_FALSE(saved.empty());
  CHECK(m.view().toast == tr(S::pe_correction_saved, m.lang()));
  const json& card = *m.view().card;
  REQUIRE(card["encounters"].size() == 1);  // the correction alone
  const json& now = card["encounters"][0];
  CHECK(now["id"] == saved);
  CHECK(now["supersedes_id"] == original["id"]);
  CHECK(now["complaint"] == "头晕");
  CHECK(now["advice"].is_null());
  bool sbp = false;
  for (const auto& o : now["observations"]) sbp |= o["kind"] == "sbp" && o["value"] == 158.0;
  CHECK(sbp);
  REQUIRE(now["dispenses"].size() == 1);    // given with the original, shown with the correction
  CHECK(card["observations"].size() == 2);  // the superseded vitals are gone
}
