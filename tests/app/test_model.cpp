// The app model against a real temporary database, with its worker threads:
// what an action does and what the screens then show.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/support/id_cards.h"
#include "app/yizhen/model/app_model.h"
#include "app/yizhen/model/summary.h"
#include "app/yizhen/model/patient_edit.h"
#include "core/care/follow_up.h"
#include "core/care/places.h"
#include "core/care/team.h"
#include "core/domain/open_store.h"
#include "core/domain/places.h"
#include "core/care/screening.h"
#include "core/queries/field_queries.h"
#include "tests/support/process.h"

using namespace yz;
using namespace yz::app;

namespace {
using yz::test::kCard;  // a woman born 1985-03-02

PatientForm zhuoma() {
  PatientForm f;
  f.name = "卓玛";
  f.id_number = kCard;
  f.village_code = "540102001001";
  f.on_id_number_changed("2026-01-01");
  return f;
}
}  // namespace

TEST_CASE("register, search and open a patient through the workers") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.load_all();
  m.settle();
  CHECK(m.view().ready);
  std::string saved;
  m.register_patient(zhuoma(), [&](std::string id) { saved = id; }, {});
  m.settle();
  REQUIRE_FALSE(saved.empty());
  REQUIRE(m.view().card);
  CHECK((*m.view().card)["patient"]["name"] == "卓玛");
  CHECK(m.view().pending > 0);

  m.search("zhuoma");
  m.settle();
  REQUIRE(m.view().hits.size() == 1);
  CHECK(m.view().hits[0].id == saved);
  m.search(kCard);
  m.settle();
  CHECK(m.view().hits.size() == 1);
  m.search("");
  CHECK(m.view().hits.empty());
}

TEST_CASE("the newest query wins") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.register_patient(zhuoma(), {}, {});
  m.settle();
  m.search("zzzz");
  m.search("zhuo");
  m.settle();
  CHECK(m.view().query == "zhuo");
  CHECK(m.view().hits.size() == 1);
}

TEST_CASE("a second registration with the same card shows the first as a duplicate") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.register_patient(zhuoma(), {}, {});
  m.settle();
  m.check_duplicates(zhuoma());
  m.settle();
  REQUIRE(m.view().duplicates.size() == 1);
  CHECK(m.view().duplicates[0].match.matched == std::vector<std::string>{"same_id_number"});
  // Same name, born the same year, same village, no card: similar.
  PatientForm f;
  f.name = "卓玛";
  f.sex = "F";
  f.birth_date = "1985-07-01";
  f.village_code = "540102001001";
  m.check_duplicates(f);
  m.settle();
  REQUIRE(m.view().duplicates.size() == 1);
  CHECK(m.view().duplicates[0].match.matched ==
        std::vector<std::string>{"same_name", "same_sex", "same_birth_year", "same_village"});
  f.birth_date = "1995-07-01";
  m.check_duplicates(f);
  m.settle();
  CHECK(m.view().duplicates.empty());
  // An age instead of the birth date counts as its year: a woman ten years
  // younger is not "similar" (the age was left out, and every namesake of
  // the village was shown as of a similar age).
  const int year = std::stoi(m.view().today.substr(0, 4));
  f.birth_date.clear();
  f.age = std::to_string(year - 1995);
  m.check_duplicates(f);
  m.settle();
  CHECK(m.view().duplicates.empty());
  f.age = std::to_string(year - 1985);
  m.check_duplicates(f);
  m.settle();
  REQUIRE(m.view().duplicates.size() == 1);
  const auto& by_age = m.view().duplicates[0].match.matched;  // the birth year estimated from the age
  REQUIRE(by_age.size() == 4);
  CHECK(by_age[0] == "same_name");
  CHECK(by_age[3] == "same_village");
  // What is not typed is not claimed: no sex, no age, no village.
  PatientForm name_only;
  name_only.name = "卓玛";
  m.check_duplicates(name_only);
  m.settle();
  REQUIRE(m.view().duplicates.size() == 1);
  CHECK(m.view().duplicates[0].match.matched == std::vector<std::string>{"same_name"});
}

TEST_CASE("a refused registration reports the problems to the form and writes nothing") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  PatientForm f = zhuoma();
  f.sex = "M";
  std::vector<FieldError> errs;
  bool ok = false;
  m.register_patient(f, [&](std::string) { ok = true; }, [&](const std::vector<FieldError>& e) { errs = e; });
  m.settle();
  CHECK_FALSE(ok);
  REQUIRE_FALSE(errs.empty());
  CHECK(errs[0].field == "sex");
  int64_t patients = 0;
  m.db().run([&](Store& s) { patients = s.db().execAndGet("SELECT COUNT(*) FROM patient").getInt64(); });
  CHECK(patients == 0);
}

TEST_CASE("drafts are written after the pause and come back on the next start") {
  test::TempDir dir;
  {
    AppModel m(dir.file("t.db"), {});
    m.load_prefs();
    PatientForm f;
    f.name = "热依汗古丽";
    m.keep_draft("patient", f.to_json(), 1000);
    m.flush_drafts(1100);  // too early
    m.settle();
    m.flush_drafts(1400);
    m.settle();
  }
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  REQUIRE(m.view().drafts.count("patient"));
  CHECK(PatientForm::from_json(m.view().drafts.at("patient")).name == "热依汗古丽");
  m.clear_draft("patient");
  m.settle();
  AppModel again(dir.file("t.db"), {});
  again.load_prefs();
  CHECK(again.view().drafts.count("patient") == 0);
}

TEST_CASE("open a clinic day, save an encounter, see it in the summary, then close the day") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  std::string team;
  m.db().run([&](Store& s) { team = s.create("team", {{"name", "援藏医疗队"}}); });
  m.load_all();
  m.settle();
  ClinicDayForm d;
  d.date = m.view().today;
  d.place_code = "540102001001";
  d.team_id = team;
  m.open_day(d, {}, {});
  m.register_patient(zhuoma(), {}, {});
  m.settle();
  REQUIRE(m.view().day);
  EncounterForm e;
  e.patient_id = (*m.view().card)["patient"]["id"];
  e.clinic_day_id = m.view().prefs.day_id;
  e.vitals["sbp"] = "150";
  e.add_dispense({"氨氯地平片", "medicine", "盒", 2, 12.8});
  m.save_encounter(e, {}, {});
  m.settle();
  REQUIRE(m.view().summary);
  CHECK(m.view().summary->figures.visits == 1);
  CHECK(m.view().summary->figures.value == doctest::Approx(25.6));
  CHECK(m.view().dispensed.at("氨氯地平片") == 2);
  m.close_day(m.view().prefs.day_id);
  m.settle();
  CHECK((*m.view().day)["status"] == "closed");
  CHECK((*m.view().day)["notes"].get<std::string>().find("诊疗 1 人次") != std::string::npos);
}

TEST_CASE("follow-ups due in a village, and marking one done") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  std::string fu;
  m.db().run([&](Store& s) {
    const std::string p = s.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"age", 60}, {"village_code", "540102001001"}});
    fu = s.create("follow_up", {{"patient_id", p}, {"due_date", s.today()}, {"reason", "复查血压"}});
    const std::string q = s.create("patient", {{"name", "央金"}, {"sex", "F"}, {"age", 60}, {"village_code", "540102002001"}});
    s.create("follow_up", {{"patient_id", q}, {"due_date", s.today()}, {"reason", "复查血糖"}});
  });
  m.load_follow_ups("540102001");
  m.settle();
  REQUIRE(m.view().follow_ups.size() == 1);
  CHECK(m.view().follow_ups[0].name == "次仁");
  m.follow_up_done(fu, "血压 130/80");
  m.settle();
  CHECK(m.view().follow_ups.empty());
}

TEST_CASE("the app marks follow-ups done through the care command: a chronic patient's next one, refusals") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  std::string chronic, lost;
  m.db().run([&](Store& s) {
    const std::string p = s.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"age", 60}, {"village_code", "540102001001"}});
    ScreeningInput in;
    in.patient_id = p;
    in.program_id = "hypertension";
    in.answers = {{"sbp", 150}, {"dbp", 95}};  // grade 1: a recheck, then quarterly follow-ups
    chronic = record_screening(s, in).follow_up_id;
    lost = s.create("follow_up", {{"patient_id", p}, {"due_date", s.today()}, {"reason", "复查血糖"}});
    s.transact([&](Writer& w) { mark_follow_up_lost(s, w, lost, "迁居外地"); });
  });
  REQUIRE_FALSE(chronic.empty());
  auto follow_up = [&](const std::string& id) {
    json f;
    m.db().run([&](Store& s) { f = *s.get("follow_up", id); });
    return f;
  };
  auto count = [&] {
    int64_t n = 0;
    m.db().run([&](Store& s) { n = s.db().execAndGet("SELECT count(*) FROM follow_up").getInt64(); });
    return n;
  };
  // Done with an empty result is refused; nothing changes.
  m.follow_up_done(chronic, "  ");
  m.settle();
  CHECK(follow_up(chronic)["status"] == "due");
  CHECK(count() == 2);
  // Lost is final: lost -> done is refused.
  m.follow_up_done(lost, "已复查");
  m.settle();
  CHECK(follow_up(lost)["status"] == "lost");
  // Done: the hypertension program's chronic rule makes the next follow-up.
  m.follow_up_done(chronic, "血压 135/85，已服药");
  m.settle();
  CHECK(follow_up(chronic)["status"] == "done");
  REQUIRE(count() == 3);
  json next;
  m.db().run([&](Store& s) {
    next = *s.get("follow_up", s.db().execAndGet("SELECT id FROM follow_up ORDER BY rid DESC LIMIT 1").getString());
  });
  CHECK(next["status"] == "due");
  CHECK(next["reason"] == "高血压患者季度随访");
  CHECK(next["screening_id"] == follow_up(chronic)["screening_id"]);
}

TEST_CASE("a database that cannot be opened is reported, not a hang") {
  AppModel m("/nonexistent-dir/x/y.db", {});
  m.load_prefs();
  CHECK(m.view().db_error);
  bool failed = false;
  m.db().request<int>([](Store&) { return 1; }, [](int) {}, [&](std::exception_ptr) { failed = true; });
  m.settle();
  CHECK(failed);
}

TEST_CASE("a program that arrives by sync is named in the app from its definition, not shown as a bare id") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.load_all();
  m.settle();
  json def = builtin_program("hypertension")->definition;
  def["id"] = "village-hypertension";
  def["version"] = 1;
  def["name"] = {{"zh", "村级高血压筛查"}, {"en", "Village hypertension screening"}};
  // What the sync client does with a program in a pulled page (sync/client/client.cpp).
  m.db().run([&](Store& s) { REQUIRE(install_program(s.db(), def)); });
  m.load_programs();
  m.settle();
  CHECK(program_name(m.view().programs, "village-hypertension", Lang::zh) == "村级高血压筛查");
  DaySummary day;
  day.figures.screenings = 2;
  day.figures.by_program["village-hypertension"] = {2, 1, 0};
  bool named = false;
  for (const auto& r : summary_rows(day, m.view().programs, Lang::en))
    named |= r.label == "Village hypertension screening" && r.value == "2 screened, 1 positive";
  CHECK(named);
}

TEST_CASE("a nurse adds a missing village offline: under a new township, then under a known one") {
  test::TempDir dir;
  const std::string path = dir.file("t.db");
  {
    Store s = open_store(path);
    init_team(s, {"北京援藏医疗队", "北京协和医院", "540127", {}});
  }
  AppModel m(path, {});
  m.load_prefs();
  m.load_all();
  m.settle();
  CHECK(m.view().team_county == "540127");
  const int64_t pending = m.view().pending;

  std::vector<FieldError> errs;
  auto bad = [&](const std::vector<FieldError>& e) { errs = e; };
  std::string code;
  auto ok = [&](std::string c) { code = c; };
  // Nothing written for a bad form: no name, no township.
  m.add_village(" ", "", "", ok, bad);
  m.settle();
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].field == "name");
  CHECK(errs[1].field == "township");
  // A name but a township that is not one (a county's code is not a township).
  errs.clear();
  m.add_village("塔巴村", "540127", "", ok, bad);
  m.settle();
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].field == "township");
  CHECK(code.empty());
  CHECK(m.view().places.empty());

  // A new township typed beside the list, and the village under it.
  errs.clear();
  m.add_village("塔巴村", "", "工卡镇", ok, bad);
  m.settle();
  CHECK(errs.empty());
  REQUIRE(code.size() == 12);
  CHECK(is_provisional_place_code(code));
  REQUIRE(m.view().places.size() == 2);
  const PlaceRow* village = m.view().place(code);
  REQUIRE(village);
  CHECK(village->level == "village");
  const PlaceRow* township = m.view().place(village->parent_code);
  REQUIRE(township);
  CHECK(township->name == "工卡镇");
  CHECK(township->parent_code == "540127");
  CHECK(m.view().place_label(code) == "塔巴村 · 工卡镇");
  CHECK(m.view().pending == pending + 2);  // both sync

  // The same name again under that township is refused, under the name.
  const std::string first = code;
  code.clear();
  m.add_village("塔巴村", township->code, "", ok, bad);
  m.settle();
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].field == "name");
  CHECK(code.empty());
  // Another village under the township now in the list.
  errs.clear();
  m.add_village("甲玛村", township->code, "", ok, bad);
  m.settle();
  CHECK(errs.empty());
  CHECK(code != first);
  CHECK(m.view().places.size() == 3);
  CHECK(m.view().toast.find("甲玛村") != std::string::npos);
}

TEST_CASE("a search that finds more than the list shows says so instead of giving the cap as a count") {
  test::TempDir dir;
  {
    Store s = open_store(dir.file("t.db"));
    s.transact([](Writer& w) {
      for (int i = 0; i < static_cast<int>(kMaxHits) + 5; ++i)
        w.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"age", 20 + i % 50}, {"village_code", "540102001001"}});
    });
  }
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.search("zhaxi");
  m.settle();
  CHECK(m.view().hits.size() == kMaxHits);
  CHECK(m.view().hits_more);
  m.search("");
  CHECK_FALSE(m.view().hits_more);
  m.register_patient(zhuoma(), {}, {});
  m.settle();
  m.search("zhuoma");
  m.settle();
  CHECK(m.view().hits.size() == 1);
  CHECK_FALSE(m.view().hits_more);
}

TEST_CASE("a status line goes after a few seconds, an error after longer, instead of lingering all session") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.toast(S::msg_saved);
  const int64_t at = m.view().toast_ms;
  CHECK_FALSE(m.expire_toast(at + AppModel::kToastMs - 1));
  CHECK(m.view().toast == std::string(tr(S::msg_saved, Lang::zh)));
  CHECK(m.expire_toast(at + AppModel::kToastMs));
  CHECK(m.view().toast.empty());
  CHECK_FALSE(m.expire_toast(at + AppModel::kToastMs + 1));  // nothing left to clear
  m.toast(S::err_unknown, true);
  const int64_t err_at = m.view().toast_ms;
  CHECK_FALSE(m.expire_toast(err_at + AppModel::kToastMs));  // an error stays longer
  CHECK(m.expire_toast(err_at + AppModel::kErrorToastMs));
  CHECK_FALSE(m.view().toast_error);
}

TEST_CASE("a status line already showing follows a change of language, with what it names") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.settle();
  REQUIRE(m.lang() == Lang::zh);
  m.toast(S::msg_saved);
  const int64_t at = m.view().toast_ms;
  m.set_lang(Lang::en);
  CHECK(m.view().toast == std::string(tr(S::msg_saved, Lang::en)));
  CHECK(m.view().toast_ms == at);  // the same line, not a new one: it goes when it would have
  m.set_lang(Lang::zh);
  CHECK(m.view().toast == std::string(tr(S::msg_saved, Lang::zh)));

  // A refused save (no form to show it): the problem, said again in English.
  m.register_patient(PatientForm{}, {}, {});
  m.settle();
  REQUIRE(m.view().toast_error);
  const std::string zh = m.view().toast;
  m.set_lang(Lang::en);
  CHECK(m.view().toast != zh);
  const auto cps = utf8_code_points(m.view().toast);
  CHECK(std::none_of(cps.begin(), cps.end(), [](uint32_t cp) { return cp >= 0x4E00 && cp <= 0x9FFF; }));  // no Han left

  // An edit's line names the fields that changed: in the new language too.
  std::string id;
  m.register_patient(zhuoma(), [&](std::string saved) { id = saved; }, {});
  m.settle();
  REQUIRE_FALSE(id.empty());
  PatientEditForm edit = PatientEditForm::from_record((*m.view().card)["patient"]);
  edit.phone = "13800138000";
  m.edit_patient(edit, {}, {});
  m.settle();
  CHECK(m.view().toast == trf(Lang::en, S::pe_saved, patient_field_label("phone", Lang::en).c_str()));
  m.set_lang(Lang::zh);
  CHECK(m.view().toast == trf(Lang::zh, S::pe_saved, patient_field_label("phone", Lang::zh).c_str()));

  // Once gone, a change of language brings nothing back.
  CHECK(m.expire_toast(m.view().toast_ms + AppModel::kToastMs));
  m.set_lang(Lang::en);
  CHECK(m.view().toast.empty());
}

namespace {
bool has_han(const std::string& text) {
  const auto cps = utf8_code_points(text);
  return std::any_of(cps.begin(), cps.end(), [](uint32_t cp) { return cp >= 0x4E00 && cp <= 0x9FFF; });
}
}  // namespace

TEST_CASE("a registration form's problems already showing follow a change of language") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.settle();
  REQUIRE(m.lang() == Lang::zh);
  // Checked as typed: 性别 left empty shows 不能为空 under it.
  PatientForm f = zhuoma();
  f.id_number.clear();
  f.sex.clear();
  f.birth_date = "1985-03-02";
  CHECK_FALSE(f.check(m.view().today));
  REQUIRE(f.errors.count("sex"));
  CHECK(say(f.errors["sex"], m.lang()) == "不能为空");
  m.set_lang(Lang::en);
  CHECK(say(f.errors["sex"], m.lang()) == "is required");  // not checked again: the same problem, said again

  // Refused by the store (an empty form saved): placed under their fields,
  // in the language of the moment too.
  PatientForm refused;
  std::vector<FieldError> errs;
  m.register_patient(refused, {}, [&](const std::vector<FieldError>& e) { errs = e; });
  m.settle();
  REQUIRE_FALSE(errs.empty());
  place_errors(errs, refused.errors);
  const std::string field = refused.errors.begin()->first;
  CHECK_FALSE(has_han(say(refused.errors[field], m.lang())));
  m.set_lang(Lang::zh);
  CHECK(has_han(say(refused.errors[field], m.lang())));
}

TEST_CASE("the lock screen's refusal and the database's error follow a change of language") {
  test::TempDir dir;
  {
    AppModel m(dir.file("field.db"), {}, protection_of(dir.file("field.db")));
    REQUIRE(m.view().lock.step() == LockStep::passphrase);
    m.unlock("队口令 2026", "队口令 2025");  // typed twice, differently
    CHECK(say(m.view().lock_error, m.lang()) == tr(S::lk_differ, Lang::zh));
    m.set_lang(Lang::en);
    CHECK(say(m.view().lock_error, m.lang()) == tr(S::lk_differ, Lang::en));
    m.settle();
  }
  AppModel m("/nonexistent-dir/x/y.db", {});
  m.load_prefs();
  REQUIRE(m.view().db_error);
  REQUIRE(m.lang() == Lang::zh);
  const std::string zh = say(m.view().db_error, m.lang());
  CHECK(zh.find(trf(Lang::zh, S::err_database, "").substr(0, 6)) == 0);
  m.set_lang(Lang::en);
  const std::string en = say(m.view().db_error, m.lang());
  CHECK(en.find(trf(Lang::en, S::err_database, "").substr(0, 6)) == 0);
  CHECK(en != zh);
  m.settle();
}
