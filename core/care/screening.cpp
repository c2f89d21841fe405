#include "core/care/screening.h"

#include <SQLiteCpp/Statement.h>

#include "core/base/clock.h"
#include "core/base/messages.h"
#include "core/care/follow_up.h"
#include "core/care/referral.h"
#include "core/domain/validate.h"
#include "core/store/column_text.h"

namespace yz {

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
  const Subject subject{age_on(column_text(pat, 1), day), column_text(pat, 0)};

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
  if (!in.clinician_id.empty()) s["clinician_id"] = in.clinician_id;
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
    out.referral_id = create_referral(w, r);
  }
  if (ev.follow_up) {
    json f = {{"patient_id", in.patient_id},
              {"screening_id", out.screening_id},
              {"due_date", add_days(day, ev.follow_up->days)},
              {"reason", ev.follow_up->reason.zh}};
    if (!out.referral_id.empty()) f["referral_id"] = out.referral_id;
    out.follow_up_id = create_follow_up(w, f);
  }
  return out;
}

RecordedScreening record_screening(Store& store, const ScreeningInput& in) {
  RecordedScreening out;
  store.transact([&](Writer& w) { out = record_screening(store, w, in); });
  return out;
}

std::string_view result_label(std::string_view s, Lang lang) { return word("result", s, lang); }

}  // namespace yz
