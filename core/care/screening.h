#pragma once
// Screening under a program: the first step of the closed loop of DESIGN.md
// §1 (筛查 → 诊断 → 指导/转诊 → 随访). record_screening evaluates answers
// under a program (core/programs/programs.h) and writes the screening with
// the referral and follow-up its result triggers, in the caller's
// transaction, through the Store write API (outbox, audit and search stay
// consistent).
//
// Threads: the writer's thread. Errors: ValidationError (nothing written),
// SQLite::Exception.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/programs/programs.h"
#include "core/store/store.h"

namespace yz {

struct ScreeningInput {
  std::string patient_id;
  std::string program_id;
  int program_version = 0;         // 0: the latest version this device knows
  json answers = json::object();   // {field id: value}
  std::string clinic_day_id;       // optional
  std::string encounter_id;        // optional
  std::string screened_at;         // "YYYY-MM-DD HH:MM"; empty: now (store clock)
  std::string referral_to;         // facility named by the team; empty: the program's default
  std::string clinician_id;        // who screened (a member); optional
};

struct RecordedScreening {
  std::string screening_id;
  std::string referral_id;   // empty when none was triggered
  std::string follow_up_id;  // empty when none was triggered
  ProgramPtr program;
  Evaluation evaluation;
};

// Evaluate and write the screening (with program id and version, normalised
// answers plus "_derived" values, result, risk grade code, next step in
// Chinese), then the referral (appointment date = screening date +
// appointment_days when the rule sets one) and the follow-up (due = screening
// date + days), all through `w`, so in the caller's transaction.
// Errors: unknown program or version (field "program"), unknown patient
// (field "patient_id"), ineligible patient, bad answers — ValidationError.
RecordedScreening record_screening(Store& store, Writer& w, const ScreeningInput& in);
// The same in a transaction of its own.
RecordedScreening record_screening(Store& store, const ScreeningInput& in);

// Label of a screening result for lists and reports.
std::string_view result_label(std::string_view result, Lang lang);

}  // namespace yz
