// The closed loop: a screening writes its referral and follow-up in the same
// transaction through the store (outbox rows included); follow-up and referral
// statuses move only along allowed transitions; overdue detection offline as
// of a date; chronic patients get their next periodic follow-up; worklists
// per village and due date.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include "core/base/clock.h"
#include "core/care/follow_up.h"
#include "core/care/referral.h"
#include "core/care/screening.h"
#include "core/queries/worklist.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::count_rows;
using yz_test::first_error;

namespace {

struct Loop {
  ManualClock clock{ms_of_date("2026-06-01") + 10 * 3600 * 1000LL};
  Store store = open();
  std::string lhasa_v1, lhasa_v2, nagqu_v1;
  std::string tashi, zhuoma, dawa;

  Store open() {
    StoreOptions o;
    o.clock = &clock;
    return open_store(":memory:", o);
  }
  Loop() {
    // Two villages of one township in 城关区, one village elsewhere.
    lhasa_v1 = "540102001001";
    lhasa_v2 = "540102001002";
    nagqu_v1 = "540602003001";
    store.transact([&](Writer& w) {
      w.create("place", {{"code", "540102001"}, {"name", "蔡公堂乡"}, {"level", "township"}});
      w.create("place", {{"code", lhasa_v1}, {"name", "白定村"}, {"level", "village"}});
      w.create("place", {{"code", lhasa_v2}, {"name", "扎西岗村"}, {"level", "village"}});
      tashi = w.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"birth_date", "1970-03-01"},
                                   {"village_code", lhasa_v1}, {"phone", "13908912345"}});
      zhuoma = w.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"birth_date", "1980-05-05"},
                                    {"village_code", lhasa_v2}});
      dawa = w.create("patient", {{"name", "达瓦"}, {"sex", "M"}, {"birth_date", "1960-01-01"},
                                  {"village_code", nagqu_v1}});
    });
  }
  RecordedScreening screen(const std::string& patient, const char* program, const json& answers,
                           const char* at = "2026-06-01 10:00") {
    ScreeningInput in;
    in.patient_id = patient;
    in.program_id = program;
    in.answers = answers;
    in.screened_at = at;
    return record_screening(store, in);
  }
  std::string status(const char* entity, const std::string& id) {
    return (*store.get(entity, id))["status"].get<std::string>();
  }
};

}  // namespace

TEST_CASE("follow-up: a positive screening writes screening, referral and follow-up in one transaction") {
  Loop t;
  const int64_t outbox_before = count_rows(t.store.db(), "outbox");
  const auto r = t.screen(t.tashi, "hypertension", {{"sbp", 185}, {"dbp", 100}});
  REQUIRE_FALSE(r.referral_id.empty());
  REQUIRE_FALSE(r.follow_up_id.empty());
  const json s = *t.store.get("screening", r.screening_id);
  CHECK(s["program_id"] == "hypertension");
  CHECK(s["program_version"] == 1);
  CHECK(s["result"] == "positive");
  CHECK(s["risk_grade"] == "grade3");
  CHECK(s["answers"]["sbp"] == 185.0);
  CHECK(s["next_step"] == "立即降压治疗，转县级医院进一步诊治");
  const json ref = *t.store.get("referral", r.referral_id);
  CHECK(ref["screening_id"] == r.screening_id);
  CHECK(ref["urgency"] == "urgent");
  CHECK(ref["status"] == "advised");
  CHECK(ref["appointment_date"] == "2026-06-04");
  const json fu = *t.store.get("follow_up", r.follow_up_id);
  CHECK(fu["due_date"] == "2026-06-15");
  CHECK(fu["status"] == "due");
  CHECK(fu["referral_id"] == r.referral_id);
  CHECK(fu["screening_id"] == r.screening_id);
  // Outbox (sync) rows for all three, written with them.
  CHECK(count_rows(t.store.db(), "outbox") == outbox_before + 3);
  CHECK(count_rows(t.store.db(), "audit", "entity = 'follow_up' AND record_id = '" + r.follow_up_id + "'") == 1);
  // GI: derived score is kept with the answers.
  const auto gi = t.screen(t.tashi, "gi-early-cancer", {{"hp", "positive"}, {"pg1", 50}, {"pg2", 20}, {"g17", 15}});
  CHECK((*t.store.get("screening", gi.screening_id))["answers"]["_derived"]["score"] == 18);  // 56 y: 5+4+1+3+5
}

TEST_CASE("follow-up: negative and incomplete screenings trigger nothing, and a failed screening writes nothing") {
  Loop t;
  auto neg = t.screen(t.tashi, "hypertension", {{"sbp", 118}, {"dbp", 70}});
  CHECK(neg.referral_id.empty());
  CHECK(neg.follow_up_id.empty());
  auto inc = t.screen(t.tashi, "hypertension", {{"sbp", 150}});
  CHECK((*t.store.get("screening", inc.screening_id))["result"] == "incomplete");
  CHECK(inc.follow_up_id.empty());
  CHECK(count_rows(t.store.db(), "referral") == 0);
  CHECK(count_rows(t.store.db(), "follow_up") == 0);
  const int64_t screenings = count_rows(t.store.db(), "screening");
  // Unknown program, unknown patient, ineligible, bad clinic day: nothing written.
  CHECK(first_error([&] { t.screen(t.tashi, "malaria", json::object()); }).code == "unknown_program");
  CHECK(first_error([&] { t.screen("01900000-0000-7000-8000-000000000000", "hypertension", json::object()); })
            .field == "patient_id");
  CHECK(first_error([&] { t.screen(t.tashi, "cervical-breast-cancer", json::object()); }).field == "sex");
  ScreeningInput in;
  in.patient_id = t.tashi;
  in.program_id = "hypertension";
  in.answers = {{"sbp", 190}, {"dbp", 120}};
  in.clinic_day_id = "01900000-0000-7000-8000-000000000000";
  CHECK(first_error([&] { record_screening(t.store, in); }).field == "clinic_day_id");
  in.clinic_day_id.clear();
  in.program_version = 7;
  CHECK(first_error([&] { record_screening(t.store, in); }).code == "unknown_program_version");
  CHECK(count_rows(t.store.db(), "screening") == screenings);
  CHECK(count_rows(t.store.db(), "referral") == 0);
  CHECK(count_rows(t.store.db(), "follow_up") == 0);
}

TEST_CASE("follow-up: a screening keeps its program version when a new version is installed") {
  Loop t;
  auto v1 = t.screen(t.tashi, "hypertension", {{"sbp", 145}, {"dbp", 85}});
  json def = builtin_program("hypertension")->definition;
  def["version"] = 2;
  // v2 moves grade 1 to 150 mmHg (an illustration, not a guideline).
  for (auto& o : def["outcomes"])
    if (o["id"] == "grade1") o["when"] = {{"or", {{{">=", {{{"var", "sbp"}}, 150}}}, {{">=", {{{"var", "dbp"}}, 95}}}}}};
  t.store.transact([&](Writer&) { install_program(t.store.db(), def); });
  auto v2 = t.screen(t.tashi, "hypertension", {{"sbp", 145}, {"dbp", 85}});
  CHECK((*t.store.get("screening", v1.screening_id))["program_version"] == 1);
  CHECK((*t.store.get("screening", v1.screening_id))["result"] == "positive");
  CHECK((*t.store.get("screening", v2.screening_id))["program_version"] == 2);
  CHECK((*t.store.get("screening", v2.screening_id))["result"] == "negative");
  // Asking for v1 explicitly still works.
  ScreeningInput in;
  in.patient_id = t.tashi;
  in.program_id = "hypertension";
  in.program_version = 1;
  in.answers = {{"sbp", 145}, {"dbp", 85}};
  CHECK(record_screening(t.store, in).evaluation.result == "positive");
}

TEST_CASE("follow-up: status transitions due to done, overdue, lost, and refusals") {
  Loop t;
  auto a = t.screen(t.tashi, "tuberculosis", {{"cough_2w", true}, {"hemoptysis", false}});
  auto b = t.screen(t.zhuoma, "tuberculosis", {{"cough_2w", true}, {"hemoptysis", false}});
  auto c = t.screen(t.dawa, "tuberculosis", {{"cough_2w", true}, {"hemoptysis", false}});
  const std::string fa = a.follow_up_id, fb = b.follow_up_id, fc = c.follow_up_id;  // due 2026-06-15
  // Not overdue before its date.
  CHECK(first_error([&] { t.store.transact([&](Writer& w) { mark_follow_up_overdue(t.store, w, fa, "2026-06-15"); }); })
            .code == "not_due_yet");
  t.store.transact([&](Writer& w) { mark_follow_up_overdue(t.store, w, fa, "2026-06-16"); });
  CHECK(t.status("follow_up", fa) == "overdue");
  // done needs a result; overdue -> done.
  CHECK(first_error([&] { t.store.transact([&](Writer& w) { complete_follow_up(t.store, w, fa, "  "); }); }).field ==
        "result");
  t.store.transact([&](Writer& w) { complete_follow_up(t.store, w, fa, "痰涂片阴性，排除肺结核", "2026-06-01"); });
  const json done = *t.store.get("follow_up", fa);
  CHECK(done["status"] == "done");
  CHECK(done["done_date"] == "2026-06-01");
  // done is final.
  for (auto fn : {+[](Store& s, Writer& w, const std::string& id) { mark_follow_up_lost(s, w, id, "迁居"); },
                  +[](Store& s, Writer& w, const std::string& id) { complete_follow_up(s, w, id, "again"); },
                  +[](Store& s, Writer& w, const std::string& id) { reschedule_follow_up(s, w, id, "2026-07-01"); }}) {
    const FieldError e = first_error([&] { t.store.transact([&](Writer& w) { fn(t.store, w, fa); }); });
    CHECK(e.code == "bad_transition");
  }
  // lost needs a reason; due -> lost.
  CHECK(first_error([&] { t.store.transact([&](Writer& w) { mark_follow_up_lost(t.store, w, fb, ""); }); }).field ==
        "reason");
  t.store.transact([&](Writer& w) { mark_follow_up_lost(t.store, w, fb, "转场放牧，联系不上"); });
  CHECK(t.status("follow_up", fb) == "lost");
  CHECK((*t.store.get("follow_up", fb))["result"] == "转场放牧，联系不上");
  // Reschedule: not into the past; an overdue one becomes due again.
  CHECK(first_error([&] { t.store.transact([&](Writer& w) { reschedule_follow_up(t.store, w, fc, "2026-05-01"); }); })
            .code == "date_before");
  t.store.transact([&](Writer& w) { reschedule_follow_up(t.store, w, fc, "2099-07-20"); });
  CHECK((*t.store.get("follow_up", fc))["due_date"] == "2099-07-20");
  // Done in the future (the store's today never precedes the build date) is refused by the store (done_date is a past date).
  CHECK(first_error([&] {
          t.store.transact([&](Writer& w) { complete_follow_up(t.store, w, fc, "ok", "2099-06-30"); });
        }).field == "done_date");
  CHECK_THROWS_AS(t.store.transact([&](Writer& w) { complete_follow_up(t.store, w, "01900000-0000-7000-8000-000000000000", "x"); }),
                  NotFound);
}

TEST_CASE("follow-up: overdue sweep as of a date marks exactly the due ones past their date") {
  Loop t;
  // Due dates 06-15 (TB), 07-01 (diabetes 30 d), 08-30 (prediabetes 90 d).
  t.screen(t.tashi, "tuberculosis", {{"cough_2w", true}, {"hemoptysis", false}});
  t.screen(t.zhuoma, "diabetes", {{"fasting", true}, {"glucose", 8.0}});
  t.screen(t.dawa, "diabetes", {{"fasting", true}, {"glucose", 6.5}});
  auto count_due_before = [&](const char* d) {
    return count_rows(t.store.db(), "follow_up", std::string("status = 'due' AND due_date < '") + d + "'");
  };
  CHECK(count_due_before("2026-07-02") == 2);
  t.clock.set(ms_of_date("2026-07-02") + 3600 * 1000);
  CHECK(mark_overdue_follow_ups(t.store, "2026-07-02") == 2);
  CHECK(count_rows(t.store.db(), "follow_up", "status = 'overdue'") == 2);
  CHECK(count_rows(t.store.db(), "follow_up", "status = 'due'") == 1);
  CHECK(mark_overdue_follow_ups(t.store, "2026-07-02") == 0);  // nothing more
  CHECK(first_error([&] { mark_overdue_follow_ups(t.store, "2026-13-01"); }).field == "as_of");
}

TEST_CASE("follow-up: chronic patients get the next quarterly follow-up when one is done") {
  Loop t;
  auto r = t.screen(t.tashi, "hypertension", {{"sbp", 150}, {"dbp", 95}});  // grade 1: recheck in 28 days
  t.clock.set(ms_of_date("2026-06-29") + 3600 * 1000);
  std::string next;
  t.store.transact([&](Writer& w) { next = complete_follow_up(t.store, w, r.follow_up_id, "血压148/92，已服药", "2026-06-29"); });
  REQUIRE_FALSE(next.empty());
  const json n = *t.store.get("follow_up", next);
  CHECK(n["due_date"] == "2026-09-27");  // done 06-29 + 90
  CHECK(n["reason"] == "高血压患者季度随访");
  CHECK(n["screening_id"] == r.screening_id);
  // Not for a program without a chronic rule.
  auto tb = t.screen(t.zhuoma, "tuberculosis", {{"cough_2w", true}, {"hemoptysis", false}});
  t.store.transact([&](Writer& w) { next = complete_follow_up(t.store, w, tb.follow_up_id, "排除"); });
  CHECK(next.empty());
}

TEST_CASE("follow-up: referral advised to contacted to arrived to outcome, or lost") {
  Loop t;
  auto r = t.screen(t.tashi, "hypertension", {{"sbp", 190}, {"dbp", 100}});
  auto r2 = t.screen(t.zhuoma, "hypertension", {{"sbp", 190}, {"dbp", 100}});
  auto move = [&](const std::string& id, const char* status, const char* outcome = "") {
    bool changed = false;
    t.store.transact([&](Writer& w) { changed = set_referral_status(t.store, w, id, status, outcome); });
    return changed;
  };
  CHECK(move(r.referral_id, "contacted"));
  CHECK_FALSE(move(r.referral_id, "contacted"));  // already there: nothing written
  CHECK(move(r.referral_id, "arrived"));
  CHECK(first_error([&] { move(r.referral_id, "contacted"); }).code == "bad_transition");  // never backwards
  CHECK(first_error([&] { move(r.referral_id, "outcome"); }).field == "outcome");          // needs the outcome
  CHECK(move(r.referral_id, "outcome", "县医院调整降压方案，血压控制可"));
  CHECK(t.status("referral", r.referral_id) == "outcome");
  CHECK(first_error([&] { move(r.referral_id, "lost", "x"); }).code == "bad_transition");  // final
  CHECK(first_error([&] { move(r2.referral_id, "lost"); }).field == "reason");
  CHECK(first_error([&] { move(r2.referral_id, "cured"); }).code == "bad_option");
  CHECK(move(r2.referral_id, "lost", "电话无法接通"));
  CHECK((*t.store.get("referral", r2.referral_id))["outcome"] == "电话无法接通");
  CHECK_THROWS_AS(move("01900000-0000-7000-8000-000000000000", "contacted"), NotFound);
}

TEST_CASE("follow-up: worklists per village, township and due date, overdue as of a date") {
  Loop t;
  auto a = t.screen(t.tashi, "tuberculosis", {{"cough_2w", true}, {"hemoptysis", false}});     // 06-15, v1
  auto b = t.screen(t.zhuoma, "diabetes", {{"fasting", true}, {"glucose", 8.0}});              // 07-01, v2
  auto c = t.screen(t.dawa, "tuberculosis", {{"cough_2w", true}, {"hemoptysis", false}});      // 06-15, nagqu
  auto d = t.screen(t.zhuoma, "hypertension", {{"sbp", 150}, {"dbp", 95}}, "2026-06-02 09:00");  // 06-30, v2
  WorklistQuery q;
  q.as_of = "2026-06-20";
  // The township 540102001: both of its villages, due-date order.
  q.place = "540102001";
  auto rows = follow_up_worklist(t.store.db(), q);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].follow_up_id == a.follow_up_id);
  CHECK(rows[0].effective_status == "overdue");
  CHECK(rows[0].status == "due");
  CHECK(rows[0].days_overdue == 5);
  CHECK(rows[0].village_name == "白定村");
  CHECK(rows[0].township_name == "蔡公堂乡");
  CHECK(rows[0].program_id == "tuberculosis");
  CHECK(rows[0].referral_status == "advised");
  CHECK(rows[1].follow_up_id == d.follow_up_id);
  CHECK(rows[2].follow_up_id == b.follow_up_id);
  CHECK(rows[2].effective_status == "due");
  // One village.
  q.place = t.lhasa_v2;
  CHECK(follow_up_worklist(t.store.db(), q).size() == 2);
  // By due date window, and by status.
  q.place.clear();
  q.until = "2026-06-20";
  CHECK(follow_up_worklist(t.store.db(), q).size() == 2);  // a and c
  q.until.clear();
  q.statuses = {"overdue"};
  CHECK(follow_up_worklist(t.store.db(), q).size() == 2);
  q.statuses = {"due", "overdue"};
  q.program = "diabetes";
  CHECK(follow_up_worklist(t.store.db(), q).size() == 1);
  q.program.clear();
  // Done ones leave the default list.
  t.store.transact([&](Writer& w) { complete_follow_up(t.store, w, c.follow_up_id, "排除肺结核"); });
  CHECK(follow_up_worklist(t.store.db(), q).size() == 3);
  q.statuses = {"done"};
  CHECK(follow_up_worklist(t.store.db(), q).size() == 1);
  // Bad input.
  q.statuses = {"pending"};
  CHECK(first_error([&] { follow_up_worklist(t.store.db(), q); }).field == "status");
  q.statuses = {"due"};
  q.from = "2026-02-30";
  CHECK(first_error([&] { follow_up_worklist(t.store.db(), q); }).field == "from");
  q.from = "2026-07-01";
  q.until = "2026-06-01";
  CHECK(first_error([&] { follow_up_worklist(t.store.db(), q); }).code == "date_order");
  q.from = q.until = "";
  q.place = "12x";
  CHECK(first_error([&] { follow_up_worklist(t.store.db(), q); }).field == "village");
}
