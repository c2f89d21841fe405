#include "core/care/followup.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <array>
#include <functional>

#include "core/base/clock.h"
#include "core/base/messages.h"
#include "core/domain/validate.h"

namespace yz {

namespace {

std::string col(SQLite::Statement& st, int i) {
  return st.getColumn(i).isNull() ? std::string() : st.getColumn(i).getString();
}

struct Row {
  std::string status, due_date, screening_id;
};

Row follow_up_row(SQLite::Database& db, std::string_view id) {
  SQLite::Statement st(db, "SELECT status, due_date, COALESCE(screening_id, '') FROM follow_up "
                           "WHERE id = ? AND deleted = 0");
  st.bind(1, std::string(id));
  if (!st.executeStep()) throw NotFound("follow_up", std::string(id));
  return {col(st, 0), col(st, 1), col(st, 2)};
}

[[noreturn]] void refuse(std::string_view from, std::string_view to) {
  throw ValidationError(FieldError{"status", "bad_transition", {std::string(from), std::string(to)}});
}

bool open_status(std::string_view s) { return s == "due" || s == "overdue"; }

std::string today_or(Store& store, std::string_view date) { return date.empty() ? store.today() : std::string(date); }

}  // namespace

void check_date_arg(std::string_view field, std::string_view value) {
  if (value.empty()) return;
  if (!is_real_date(value)) throw ValidationError(FieldError{std::string(field), "bad_date", {std::string(value)}});
}

RecordedScreening record_screening(Store& store, Writer& w, const ScreeningInput& in) {
  SQLite::Database& db = store.db();
  RecordedScreening out;
  out.program = in.program_version > 0 ? find_program(db, in.program_id, in.program_version)
                                       : latest_program(db, in.program_id);
  if (!out.program) {
    if (in.program_version > 0 && latest_program(db, in.program_id))
      throw ValidationError(
          FieldError{"program", "unknown_program_version", {in.program_id, std::to_string(in.program_version)}});
    throw ValidationError(FieldError{"program", "unknown_program", {in.program_id}});
  }
  const Program& p = *out.program;
  SQLite::Statement pat(db, "SELECT sex, birth_date FROM patient WHERE id = ? AND deleted = 0");
  pat.bind(1, in.patient_id);
  if (!pat.executeStep())
    throw ValidationError(FieldError{"patient_id", "ref_missing", {"patient", in.patient_id}});
  const std::string at = in.screened_at.empty() ? datetime_of_ms(store.now_ms()) : in.screened_at;
  if (!is_datetime(at)) throw ValidationError(FieldError{"screened_at", "bad_datetime", {at}});
  const std::string day = at.substr(0, 10);
  const Subject subject{age_on(col(pat, 1), day), col(pat, 0)};

  out.evaluation = evaluate(p, subject, in.answers);
  const Evaluation& ev = out.evaluation;
  json answers = ev.answers;
  bool any_derived = false;
  for (const auto& [k, v] : ev.derived.items()) any_derived |= !v.is_null();
  if (any_derived) answers["_derived"] = ev.derived;

  json s = {{"patient_id", in.patient_id}, {"program_id", p.id},   {"program_version", p.version},
            {"answers", answers},          {"result", ev.result}, {"screened_at", at}};
  if (!in.clinic_day_id.empty()) s["clinic_day_id"] = in.clinic_day_id;
  if (!in.encounter_id.empty()) s["encounter_id"] = in.encounter_id;
  if (!ev.grade.empty()) s["risk_grade"] = ev.grade;
  if (!ev.next_step.zh.empty()) s["next_step"] = ev.next_step.zh;
  out.screening_id = w.create("screening", s);

  if (ev.referral) {
    json r = {{"patient_id", in.patient_id},
              {"screening_id", out.screening_id},
              {"to_facility", in.referral_to.empty() ? ev.referral->to.zh : in.referral_to},
              {"reason", ev.referral->reason.zh},
              {"urgency", ev.referral->urgency}};
    if (!in.encounter_id.empty()) r["encounter_id"] = in.encounter_id;
    if (ev.referral->appointment_days > 0) r["appointment_date"] = add_days(day, ev.referral->appointment_days);
    out.referral_id = w.create("referral", r);
  }
  if (ev.follow_up) {
    json f = {{"patient_id", in.patient_id},
              {"screening_id", out.screening_id},
              {"due_date", add_days(day, ev.follow_up->days)},
              {"reason", ev.follow_up->reason.zh}};
    if (!out.referral_id.empty()) f["referral_id"] = out.referral_id;
    out.follow_up_id = w.create("follow_up", f);
  }
  return out;
}

RecordedScreening record_screening(Store& store, const ScreeningInput& in) {
  RecordedScreening out;
  store.transact([&](Writer& w) { out = record_screening(store, w, in); });
  return out;
}

std::string complete_follow_up(Store& store, Writer& w, std::string_view id, std::string_view result,
                               std::string_view done_date) {
  SQLite::Database& db = store.db();
  const Row row = follow_up_row(db, id);
  if (!open_status(row.status)) refuse(row.status, "done");
  const std::string text = trim(result);
  if (text.empty()) throw ValidationError(FieldError{"result", "required"});
  check_date_arg("done_date", done_date);
  const std::string done = today_or(store, done_date);
  w.update("follow_up", id, {{"status", "done"}, {"result", text}, {"done_date", done}});

  // A chronic patient's next periodic follow-up.
  if (row.screening_id.empty()) return {};
  SQLite::Statement sc(db, "SELECT patient_id, program_id, program_version, result FROM screening "
                           "WHERE id = ? AND deleted = 0");
  sc.bind(1, row.screening_id);
  if (!sc.executeStep()) return {};
  ProgramPtr p = find_program(db, col(sc, 1), sc.getColumn(2).getInt());
  if (!p || !p->chronic) return {};
  const auto& results = p->chronic->results;
  if (std::find(results.begin(), results.end(), col(sc, 3)) == results.end()) return {};
  return w.create("follow_up", {{"patient_id", col(sc, 0)},
                                {"screening_id", row.screening_id},
                                {"due_date", add_days(done, p->chronic->every_days)},
                                {"reason", p->chronic->reason.zh}});
}

void mark_follow_up_lost(Store& store, Writer& w, std::string_view id, std::string_view reason) {
  const Row row = follow_up_row(store.db(), id);
  if (!open_status(row.status)) refuse(row.status, "lost");
  const std::string text = trim(reason);
  if (text.empty()) throw ValidationError(FieldError{"reason", "required"});
  w.update("follow_up", id, {{"status", "lost"}, {"result", text}});
}

void mark_follow_up_overdue(Store& store, Writer& w, std::string_view id, std::string_view as_of) {
  const Row row = follow_up_row(store.db(), id);
  if (row.status != "due") refuse(row.status, "overdue");
  check_date_arg("as_of", as_of);
  const std::string today = today_or(store, as_of);
  if (!(row.due_date < today)) throw ValidationError(FieldError{"due_date", "not_due_yet", {row.due_date, today}});
  w.update("follow_up", id, {{"status", "overdue"}});
}

void reschedule_follow_up(Store& store, Writer& w, std::string_view id, std::string_view due_date) {
  const Row row = follow_up_row(store.db(), id);
  if (!open_status(row.status)) refuse(row.status, "due");
  if (due_date.empty()) throw ValidationError(FieldError{"due_date", "required"});
  check_date_arg("due_date", due_date);
  const std::string today = store.today();
  if (std::string(due_date) < today) throw ValidationError(FieldError{"due_date", "date_before", {today}});
  w.update("follow_up", id, {{"status", "due"}, {"due_date", std::string(due_date)}});
}

int64_t mark_overdue_follow_ups(Store& store, std::string_view as_of) {
  check_date_arg("as_of", as_of);
  const std::string today = today_or(store, as_of);
  int64_t n = 0;
  store.transact([&](Writer& w) {
    std::vector<std::string> ids;
    {
      SQLite::Statement st(store.db(),
                           "SELECT id FROM follow_up WHERE deleted = 0 AND status = 'due' AND due_date < ?");
      st.bind(1, today);
      while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
    }
    for (const auto& id : ids) w.update("follow_up", id, {{"status", "overdue"}});
    n = static_cast<int64_t>(ids.size());
  });
  return n;
}

bool set_referral_status(Store& store, Writer& w, std::string_view id, std::string_view status,
                         std::string_view outcome, std::string_view appointment_date) {
  static constexpr std::array<std::string_view, 4> kOrder{"advised", "contacted", "arrived", "outcome"};
  auto rank = [](std::string_view s) {
    for (size_t i = 0; i < kOrder.size(); ++i)
      if (kOrder[i] == s) return static_cast<int>(i);
    return s == "lost" ? 100 : -1;
  };
  if (rank(status) < 0)
    throw ValidationError(FieldError{"status", "bad_option", {"advised, contacted, arrived, outcome, lost"}});
  SQLite::Statement st(store.db(), "SELECT status FROM referral WHERE id = ? AND deleted = 0");
  st.bind(1, std::string(id));
  if (!st.executeStep()) throw NotFound("referral", std::string(id));
  const std::string from = col(st, 0);
  check_date_arg("appointment_date", appointment_date);
  json changes = json::object();
  if (!appointment_date.empty()) changes["appointment_date"] = std::string(appointment_date);
  const std::string text = trim(outcome);
  if (from != status) {
    if (from == "outcome" || from == "lost" || (status != "lost" && rank(status) < rank(from))) refuse(from, status);
    if (status == "outcome" && text.empty()) throw ValidationError(FieldError{"outcome", "required"});
    if (status == "lost" && text.empty()) throw ValidationError(FieldError{"reason", "required"});
    changes["status"] = std::string(status);
  }
  if (!text.empty()) changes["outcome"] = text;
  if (changes.empty()) return false;
  w.update("referral", id, changes);
  return from != status;
}

// ---------------------------------------------------------------------------

void check_worklist_query(SQLite::Database& db, const WorklistQuery& q) {
  check_date_arg("from", q.from);
  check_date_arg("to", q.until);
  check_date_arg("as_of", q.as_of);
  if (q.as_of.empty()) throw ValidationError(FieldError{"as_of", "required"});
  if (!q.from.empty() && !q.until.empty() && q.from > q.until)
    throw ValidationError(FieldError{"from", "date_order", {q.from, q.until}});
  if (!q.place.empty()) {
    const auto checked = check_place_code("village", q.place);
    if (const auto* e = std::get_if<FieldError>(&checked)) throw ValidationError(*e);
  }
  for (const auto& s : q.statuses)
    if (s != "due" && s != "overdue" && s != "done" && s != "lost")
      throw ValidationError(FieldError{"status", "bad_option", {"due, overdue, done, lost"}});
  if (!q.program.empty() && !latest_program(db, q.program))
    throw ValidationError(FieldError{"program", "unknown_program", {q.program}});
}

int64_t for_each_worklist_row(SQLite::Database& db, const WorklistQuery& q,
                              const std::function<void(const WorklistRow&)>& fn) {
  check_worklist_query(db, q);
  json statuses = q.statuses;
  SQLite::Statement st(db, R"SQL(
    SELECT f.id, f.patient_id, p.name, p.sex, p.birth_date, COALESCE(p.id_number, ''), COALESCE(p.phone, ''),
           COALESCE(p.village_code, ''),
           COALESCE((SELECT name FROM place WHERE code = p.village_code AND deleted = 0 LIMIT 1), ''),
           substr(COALESCE(p.village_code, ''), 1, 9),
           COALESCE((SELECT name FROM place WHERE code = substr(p.village_code, 1, 9) AND deleted = 0 LIMIT 1), ''),
           f.due_date, f.reason, f.status,
           CASE WHEN f.status = 'due' AND f.due_date < ?1 THEN 'overdue' ELSE f.status END AS eff,
           COALESCE(s.program_id, ''), COALESCE(s.program_version, 0), COALESCE(s.result, ''),
           COALESCE(s.risk_grade, ''), COALESCE(substr(s.screened_at, 1, 10), ''),
           COALESCE(r.id, ''), COALESCE(r.to_facility, ''), COALESCE(r.status, ''),
           COALESCE(f.done_date, ''), COALESCE(f.result, '')
    FROM follow_up f
    JOIN patient p ON p.id = f.patient_id AND p.deleted = 0
    LEFT JOIN screening s ON s.id = f.screening_id AND s.deleted = 0
    LEFT JOIN referral r ON r.id = f.referral_id AND r.deleted = 0
    WHERE f.deleted = 0
      AND (?2 = '' OR (p.village_code >= ?2 AND p.village_code < ?2 || char(127)))
      AND (?3 = '' OR f.due_date >= ?3) AND (?4 = '' OR f.due_date <= ?4)
      AND (?5 = '' OR s.program_id = ?5)
      AND eff IN (SELECT value FROM json_each(?6))
    ORDER BY f.due_date, substr(COALESCE(p.village_code, ''), 1, 9), p.village_code, p.name, f.rid
  )SQL");
  st.bind(1, q.as_of);
  st.bind(2, q.place);
  st.bind(3, q.from);
  st.bind(4, q.until);
  st.bind(5, q.program);
  st.bind(6, statuses.dump());
  int64_t n = 0;
  WorklistRow r;
  while (st.executeStep()) {
    r.follow_up_id = col(st, 0);
    r.patient_id = col(st, 1);
    r.name = col(st, 2);
    r.sex = col(st, 3);
    r.birth_date = col(st, 4);
    r.id_number = col(st, 5);
    r.phone = col(st, 6);
    r.village_code = col(st, 7);
    r.village_name = col(st, 8);
    r.township_code = col(st, 9);
    r.township_name = col(st, 10);
    r.due_date = col(st, 11);
    r.reason = col(st, 12);
    r.status = col(st, 13);
    r.effective_status = col(st, 14);
    r.program_id = col(st, 15);
    r.program_version = st.getColumn(16).getInt();
    r.screening_result = col(st, 17);
    r.risk_grade = col(st, 18);
    r.screened_on = col(st, 19);
    r.referral_id = col(st, 20);
    r.referral_to = col(st, 21);
    r.referral_status = col(st, 22);
    r.done_date = col(st, 23);
    r.result = col(st, 24);
    r.age = r.birth_date.size() == 10 ? age_on(r.birth_date, q.as_of) : 0;
    r.days_overdue = r.effective_status == "overdue" ? days_between(r.due_date, q.as_of) : 0;
    fn(r);
    if (++n == q.limit) break;
  }
  return n;
}

std::vector<WorklistRow> follow_up_worklist(SQLite::Database& db, const WorklistQuery& q) {
  std::vector<WorklistRow> out;
  for_each_worklist_row(db, q, [&](const WorklistRow& r) { out.push_back(r); });
  return out;
}

std::string_view follow_up_status_label(std::string_view s, Lang lang) { return word("follow_up_status", s, lang); }

std::string_view referral_status_label(std::string_view s, Lang lang) { return word("referral_status", s, lang); }

std::string_view result_label(std::string_view s, Lang lang) { return word("result", s, lang); }

}  // namespace yz
