#pragma once
// Follow-up commands: the last step of the closed loop (随访). Each moves a
// follow-up along its transition table (transitions.h: due → done | overdue
// | lost | due again; overdue → done | lost | due again; done and lost are
// final), in the caller's transaction. A chronic patient's follow-up marked
// done creates the next one, every_days after the day it was done, when the
// screening's program has a "chronic" rule for its result.
//
// Threads: the writer's thread (Store and Writer belong to one thread).
// Errors: ValidationError (bad input or a transition not allowed; nothing
// written), NotFound (no such follow-up), SQLite::Exception.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/store/store.h"

namespace yz {

// Plan a follow-up: a new one from the follow-up record's fields
// (patient_id, due_date and reason required; screening_id, referral_id).
// It starts "due": a status given here other than that is refused
// ("status", "not_initial_status"); later statuses move by the commands
// below. Returns the new id.
std::string create_follow_up(Writer& w, const json& fields);

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

// Label of a follow-up status for lists and reports.
std::string_view follow_up_status_label(std::string_view status, Lang lang);

// Check a YYYY-MM-DD date given for `field` (empty allowed).
void check_date_arg(std::string_view field, std::string_view value);

}  // namespace yz
