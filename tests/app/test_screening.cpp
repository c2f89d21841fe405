// The Sync screen's enrollment form and the encounter's screening form
// (any program, drawn from its definition): what is offered, which fields
// show, the live result, and what a save writes.
#include <doctest/doctest.h>

#include "tests/support/id_cards.h"
#include "app/yizhen/model/app_model.h"
#include "app/yizhen/model/enroll.h"
#include "app/yizhen/model/forms.h"
#include "app/yizhen/model/screening.h"
#include "tests/support/process.h"
#include "core/domain/open_store.h"

using namespace yz;
using namespace yz::app;

namespace {
using yz::test::kCard;  // a woman born 1985-03-02

std::string add_zhuoma(Store& s) {
  PatientForm f;
  f.name = "卓玛";
  f.id_number = kCard;
  f.village_code = "540102001001";
  f.on_id_number_changed(s.today());
  return f.save(s);
}

int64_t count(Store& s, const char* sql) { return s.db().execAndGet(sql).getInt64(); }

ScreeningForm hypertension(const std::map<std::string, std::string>& vitals = {}) {
  ScreeningForm f;
  f.start(builtin_program("hypertension"), vitals);
  return f;
}
}  // namespace

TEST_CASE("the enrollment form wants an http or https URL and a code") {
  EnrollForm f;
  CHECK_FALSE(f.check());
  CHECK(f.errors.count("url"));
  CHECK(f.errors.count("code"));
  CHECK(f.errors.count("device_name"));

  f.default_device_name("", "0123456789abcdef");
  CHECK(f.device_name == "yizhen-01234567");
  f.default_device_name("护士站一号", "0123456789abcdef");
  CHECK(f.device_name == "yizhen-01234567");  // a name already there is kept
  EnrollForm g;
  g.default_device_name("护士站一号", "0123");
  CHECK(g.device_name == "护士站一号");

  for (const char* bad : {"192.168.1.10:8080", "ftp://server", "http://", "https:///x", "http:// host"}) {
    f.url = bad;
    f.code = "K7Q2-9XM4";
    CHECK_MESSAGE(!f.check(), bad);
    CHECK(f.errors.count("url"));
    CHECK_FALSE(f.errors.count("code"));
  }
  f.url = "  http://192.168.1.10:8080/ ";
  CHECK(f.check());
  CHECK(f.server_url() == "http://192.168.1.10:8080");
  f.url = "https://yizhen.example.org";
  f.code = "   ";
  CHECK_FALSE(f.check());
  CHECK(f.errors.count("code"));
  CHECK_FALSE(f.errors.count("url"));
  CHECK(f.errors.count("fingerprint"));  // https without the certificate it pins
}

TEST_CASE("the enrollment form pins an https server to the fingerprint printed with the code") {
  EnrollForm f;
  f.code = "K7Q2-9XM4";
  f.device_name = "护士站一号";
  f.url = "https://10.0.0.5:8470/";
  const std::string fp = "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";
  f.fingerprint = " " + fp + " ";
  REQUIRE(f.check());
  CHECK(f.server_url() == "https://10.0.0.5:8470#sha256=abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  for (const char* bad : {"xyz", "abcd", "ab:cd:zz:01:23:45:67:89:ab"}) {
    f.fingerprint = bad;
    CHECK_MESSAGE(!f.check(), bad);
    CHECK(f.errors.count("fingerprint"));
    CHECK(f.errors.size() == 1);
  }
  f.url = "http://10.0.0.5:8470";
  f.fingerprint = fp;
  CHECK_FALSE(f.check());  // a pin on plain http means a mistyped address
  CHECK(f.errors.count("fingerprint"));
  f.fingerprint = "";
  CHECK(f.check());
  CHECK(f.server_url() == "http://10.0.0.5:8470");
}

TEST_CASE("programs that fit the patient are offered first and the others say why") {
  const auto all = builtin_programs();
  std::vector<ProgramPtr> programs(all.begin(), all.end());
  const auto man = offer_programs(programs, {50, "M"}, Lang::zh);
  REQUIRE(man.size() == programs.size());
  bool seen_unfit = false;
  for (const auto& c : man) {
    if (!c.problem.empty()) seen_unfit = true;
    else CHECK_MESSAGE(!seen_unfit, c.program->id);  // no fitting one after an unfit one
    if (c.program->id == "hypertension") CHECK(c.problem.empty());
    if (c.program->id == "cervical-breast-cancer") CHECK_FALSE(c.problem.empty());
    if (c.program->id == "scoliosis") CHECK_FALSE(c.problem.empty());
  }
  CHECK(man.front().problem.empty());
  for (const auto& c : offer_programs(programs, {8, "F"}, Lang::zh))
    if (c.program->id == "hypertension") CHECK_FALSE(c.problem.empty());
    else if (c.program->id == "scoliosis") CHECK(c.problem.empty());

  const Subject s = subject_of(json{{"birth_date", "1985-03-02"}, {"sex", "F"}}, "2026-03-01");
  CHECK(s.age == 40);
  CHECK(s.sex == "F");
  CHECK(subject_of(json{{"sex", "M"}}, "2026-03-01").age == 0);
}

TEST_CASE("skip logic hides a field until what it depends on is answered") {
  ScreeningForm f = hypertension();
  const Program& p = *f.program;
  const Subject who{50, "M"};
  f.update(who);
  CHECK(f.visible(*p.field("sbp"), who));
  CHECK(f.visible(*p.field("known"), who));
  CHECK_FALSE(f.visible(*p.field("on_treatment"), who));
  f.set_boolean("known", true);
  f.update(who);
  CHECK(f.visible(*p.field("on_treatment"), who));
  f.set_boolean("known", false);
  f.update(who);
  CHECK_FALSE(f.visible(*p.field("on_treatment"), who));
  f.set_boolean("known", std::nullopt);
  CHECK_FALSE(f.answers().contains("known"));
}

TEST_CASE("hypertension answers give the guideline result as they are typed") {
  const Subject who{50, "M"};
  // Prefilled from the encounter's vitals.
  ScreeningForm f = hypertension({{"sbp", "168"}, {"dbp", " 98"}, {"pulse", "80"}});
  CHECK(f.typed["sbp"] == "168");
  CHECK(f.typed["dbp"] == "98");
  CHECK(f.refresh(who));
  CHECK_FALSE(f.refresh(who));  // nothing changed: not evaluated again
  REQUIRE(f.evaluation);
  CHECK(f.evaluation->result == "positive");
  CHECK(f.evaluation->grade == "grade2");
  REQUIRE(f.evaluation->follow_up);
  CHECK(f.evaluation->follow_up->days == 14);
  CHECK_FALSE(f.evaluation->referral);

  // Grade 3 with an acute symptom: emergency referral.
  f.typed["sbp"] = "186";
  f.toggle_multi("symptoms", "chest_pain");
  CHECK(f.refresh(who));
  REQUIRE(f.evaluation);
  CHECK(f.evaluation->grade == "grade3");
  REQUIRE(f.evaluation->referral);
  CHECK(f.evaluation->referral->urgency == "emergency");
  CHECK(f.evaluation->referral->reason.zh.find("186/98") != std::string::npos);
  f.toggle_multi("symptoms", "chest_pain");
  CHECK(f.answers()["symptoms"] == json::array());
  f.update(who);
  CHECK(f.evaluation->referral->urgency == "urgent");

  // Half typed: "1" is below the range; the problem sits under sbp and the
  // rest is still evaluated (incomplete, sbp missing).
  f.typed["sbp"] = "1";
  f.update(who);
  CHECK(f.errors.count("sbp"));
  REQUIRE(f.evaluation);
  CHECK(f.evaluation->result == "incomplete");
  CHECK(f.evaluation->missing == std::vector<std::string>{"sbp"});

  // Normal.
  f.typed["sbp"] = "118";
  f.typed["dbp"] = "76";
  f.update(who);
  CHECK(f.errors.empty());
  CHECK(f.evaluation->result == "negative");
  CHECK(f.evaluation->grade == "normal");

  // Too young: a problem with the screening, named by the program's name.
  f.update({20, "M"});
  CHECK_FALSE(f.evaluation);
  CHECK(f.problem(Lang::zh).find("高血压筛查") != std::string::npos);
}

TEST_CASE("the screening input is what record_screening needs and a draft keeps it") {
  ScreeningForm f = hypertension({{"sbp", "150"}, {"dbp", "92"}});
  f.set_boolean("known", true);
  f.typed["dbp"] = "";  // cleared: left out
  const ScreeningInput in = f.input("p1", "d1", "e1");
  CHECK(in.patient_id == "p1");
  CHECK(in.clinic_day_id == "d1");
  CHECK(in.encounter_id == "e1");
  CHECK(in.program_id == "hypertension");
  CHECK(in.program_version == f.program->version);
  CHECK(in.answers == json{{"sbp", "150"}, {"known", true}});

  ScreeningForm back = ScreeningForm::from_json(f.to_json());
  CHECK_FALSE(back.program);
  back.resolve({builtin_program("diabetes"), builtin_program("hypertension")});
  REQUIRE(back.program);
  CHECK(back.program->id == "hypertension");
  CHECK(back.answers() == f.answers());
  CHECK_FALSE(ScreeningForm{}.active());
}

TEST_CASE("an encounter with a screening saves both in one transaction") {
  Store s = open_store(":memory:");
  const std::string pid = add_zhuoma(s);
  EncounterForm e;
  e.patient_id = pid;
  e.complaint = "头晕";
  e.vitals = {{"sbp", "168"}, {"dbp", "98"}};
  e.screening.start(builtin_program("hypertension"), e.vitals);
  CHECK_FALSE(e.empty());
  CHECK(EncounterForm::from_json(e.to_json()).screening.program_id == "hypertension");

  const std::string eid = e.save(s);
  auto row = s.db().execAndGet("SELECT program_id || '|' || result || '|' || risk_grade || '|' || encounter_id FROM screening");
  CHECK(row.getString() == "hypertension|positive|grade2|" + eid);
  CHECK(count(s, "SELECT count(*) FROM follow_up") == 1);

  // A refused answer: nothing of the encounter is written either, and the
  // problem comes back under the screening field's key.
  EncounterForm bad = e;
  bad.screening.typed["sbp"] = "999";
  try {
    bad.save(s);
    FAIL("saved");
  } catch (const ValidationError& err) {
    REQUIRE_FALSE(err.errors().empty());
    CHECK(err.errors()[0].field == "screening.sbp");
  }
  CHECK(count(s, "SELECT count(*) FROM encounter") == 1);
  CHECK(count(s, "SELECT count(*) FROM screening") == 1);

  // check() refuses it before it gets to the writer.
  bad.screening.update({41, "F"});
  CHECK_FALSE(bad.check(s.today()));
  CHECK(bad.errors.count("screening.sbp"));
}

TEST_CASE("the model loads programs on the worker and saves a screening on its own") {
  test::TempDir dir;
  AppModel m(dir.file("t.db"), {});
  m.load_prefs();
  m.load_all();
  m.settle();
  REQUIRE(m.view().programs.size() >= 10);
  CHECK(m.view().programs.front()->builtin);

  std::string pid;
  PatientForm f;
  f.name = "卓玛";
  f.id_number = kCard;
  f.village_code = "540102001001";
  f.on_id_number_changed(m.view().today.empty() ? "2026-01-01" : m.view().today);
  m.register_patient(f, [&](std::string id) { pid = id; }, {});
  m.settle();
  REQUIRE_FALSE(pid.empty());

  ScreeningForm sc;
  sc.start(m.view().programs[0], {});
  for (const auto& p : m.view().programs)
    if (p->id == "hypertension") sc.start(p, {{"sbp", "185"}, {"dbp", "100"}});
  std::optional<RecordedScreening> saved;
  m.save_screening(sc.input(pid, "", ""), [&](RecordedScreening r) { saved = std::move(r); }, {});
  m.settle();
  REQUIRE(saved);
  CHECK(saved->evaluation.grade == "grade3");
  CHECK_FALSE(saved->referral_id.empty());
  CHECK_FALSE(saved->follow_up_id.empty());
  CHECK(m.view().pending > 0);

  std::vector<FieldError> problems;
  sc.typed["dbp"] = "abc";
  m.save_screening(sc.input(pid, "", ""), {}, [&](const std::vector<FieldError>& e) { problems = e; });
  m.settle();
  REQUIRE_FALSE(problems.empty());
  CHECK(problems[0].field == "screening.dbp");
}
