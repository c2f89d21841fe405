#pragma once
// Referral commands: 转诊 along its transition table (transitions.h:
// advised → contacted → arrived → outcome, steps may be skipped, never
// undone; any open referral → lost), in the caller's transaction.
//
// Threads: the writer's thread. Errors: ValidationError (bad input or a
// transition not allowed; nothing written), NotFound, SQLite::Exception.

#include <string>
#include <string_view>

#include "core/store/store.h"

namespace yz {

// Refer a patient: a new referral from the referral record's fields
// (patient_id, to_facility and reason required; encounter_id, screening_id,
// urgency, appointment_date, outcome). It starts "advised": a status given
// here other than that is refused ("status", "not_initial_status"); later
// statuses move by set_referral_status. Returns the new id.
std::string create_referral(Writer& w, const json& fields);

// Move a referral to `status` (contacted | arrived | outcome | lost).
// "outcome" needs `outcome` text (what the hospital found or did), "lost" a
// reason (kept in outcome). Setting the status it already has changes
// nothing and returns false.
bool set_referral_status(Store& store, Writer& w, std::string_view id, std::string_view status,
                         std::string_view outcome = {}, std::string_view appointment_date = {});

// Label of a referral status for lists and reports.
std::string_view referral_status_label(std::string_view status, Lang lang);

}  // namespace yz
