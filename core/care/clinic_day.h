#pragma once
// Clinic day commands (义诊 / 巡回医疗 / screening sessions): a day opens
// when the team sets up and closes when it packs up (transitions.h:
// open → closed, final).
//
// Threads: the writer's thread. Errors: ValidationError (bad fields or a
// transition not allowed; nothing written), NotFound, SQLite::Exception.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/store/store.h"

namespace yz {

// Open a clinic day: `fields` are those of the clinic_day record (date,
// place_code, team_id, kind, campaign, stations, staff, notes); it starts
// open. A "status" among them is refused (field "status", "status_field").
// Returns the new id.
std::string open_clinic_day(Writer& w, const json& fields);
std::string open_clinic_day(Store& store, const json& fields);

// Close an open clinic day, stamping closed_at (`closed_at` as
// "YYYY-MM-DD HH:MM"; empty: now on the store clock); non-empty `notes`
// replace the day's notes.
void close_clinic_day(Store& store, Writer& w, std::string_view id, std::string_view notes = {},
                      std::string_view closed_at = {});
void close_clinic_day(Store& store, std::string_view id, std::string_view notes = {},
                      std::string_view closed_at = {});

}  // namespace yz
