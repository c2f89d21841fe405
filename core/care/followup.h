#pragma once
// The closed loop of DESIGN.md §1: 筛查 → 诊断 → 指导/转诊 → 随访.
//
// record_screening evaluates answers under a program (core/programs.h) and
// writes the screening with the referral and follow-up its result triggers,
// in the caller's transaction, through the Store write API (outbox, audit and
// search stay consistent). The status verbs below move follow-ups and
// referrals along their allowed transitions; the worklist reads what is due
// in a village, township or county, offline.
//
//   follow_up: due → done | overdue | lost;  overdue → done | lost;
//              due | overdue → due again when rescheduled to a new date.
//              Done follow-ups of chronic patients (program "chronic" rule)
//              create the next one, every_days after the day it was done.
//   referral:  advised → contacted → arrived → outcome (steps may be
//              skipped, never undone); any open referral → lost.
//
// Threads: the writer's thread (Store and Writer belong to one thread).
// Errors: ValidationError (bad input or a transition not allowed; nothing
// written), NotFound (no such follow-up or referral), SQLite::Exception.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// ---- follow-ups ------------------------------------------------------------
// Mark done with its result (required) on `done_date` (default today; not in
// the future). Returns the id of the next periodic follow-up when the
// screening's program says the patient is followed every N days, else "".
std::string complete_follow_up(Store& store, Writer& w, std::string_view id, std::string_view result,
                               std::string_view done_date = {});
// Patient cannot be reached or refuses: `reason` (required) goes to result.
void mark_follow_up_lost(Store& store, Writer& w, std::string_view id, std::string_view reason);
// Mark one open follow-up overdue; refused unless its due date is before
// `as_of` (default today).
void mark_follow_up_overdue(Store& store, Writer& w, std::string_view id, std::string_view as_of = {});
// A new due date (today or later) for an open follow-up; it becomes due again.
void reschedule_follow_up(Store& store, Writer& w, std::string_view id, std::string_view due_date);
// Mark every follow-up still "due" whose due date is before `as_of` as
// overdue, in one transaction; returns how many. Works offline: `as_of` is
// the device's idea of today (Store::today by default).
int64_t mark_overdue_follow_ups(Store& store, std::string_view as_of = {});

// ---- referrals -------------------------------------------------------------
// Move a referral to `status` (contacted | arrived | outcome | lost).
// "outcome" needs `outcome` text (what the hospital found or did), "lost" a
// reason (kept in outcome). Setting the status it already has changes
// nothing and returns false.
bool set_referral_status(Store& store, Writer& w, std::string_view id, std::string_view status,
                         std::string_view outcome = {}, std::string_view appointment_date = {});

// ---- worklists -------------------------------------------------------------
struct WorklistQuery {
  std::string place;    // village, township or county code prefix of the patient's village; empty: all
  std::string from;     // due on or after (YYYY-MM-DD); empty: no lower bound
  std::string until;    // due on or before; empty: no upper bound
  std::string as_of;    // "today" for overdue; empty: the caller must set it (Store::today)
  std::vector<std::string> statuses{"due", "overdue"};  // effective statuses to list
  std::string program;  // only follow-ups of screenings under this program; empty: all
  int64_t limit = 0;    // 0: no limit
};

struct WorklistRow {
  std::string follow_up_id, patient_id, name, sex, birth_date, id_number, phone;
  std::string village_code, village_name, township_code, township_name;
  std::string due_date, reason, status;  // status as stored
  std::string effective_status;          // "overdue" when due before as_of
  int days_overdue = 0;
  int age = 0;                           // on as_of
  std::string program_id, screening_result, risk_grade, screened_on;
  int program_version = 0;
  std::string referral_id, referral_to, referral_status;
  std::string done_date, result;
};

// Check a query (dates, place code, statuses, program); throws ValidationError.
void check_worklist_query(SQLite::Database& db, const WorklistQuery& q);
// Rows in due-date order (then township, village, name), one call per row.
int64_t for_each_worklist_row(SQLite::Database& db, const WorklistQuery& q,
                              const std::function<void(const WorklistRow&)>& fn);
std::vector<WorklistRow> follow_up_worklist(SQLite::Database& db, const WorklistQuery& q);

// Labels of statuses and results for lists and reports.
std::string_view follow_up_status_label(std::string_view status, Lang lang);
std::string_view referral_status_label(std::string_view status, Lang lang);
std::string_view result_label(std::string_view result, Lang lang);

// Check a YYYY-MM-DD date given for `field` (empty allowed when `optional`).
void check_date_arg(std::string_view field, std::string_view value);

}  // namespace yz
