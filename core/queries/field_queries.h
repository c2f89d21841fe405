#pragma once
// Read-only queries the field app needs besides views.h: reference lists
// (places, teams, members), clinic days, households, possible duplicate
// patients before a registration, what a clinic day has dispensed, and the
// characters used in names (so the app's font holds every glyph). Each takes
// any connection (reader or writer) and runs prepared statements only.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/search.h"
#include "core/queries/duplicates.h"

namespace yz {

using json = nlohmann::json;

struct PlaceRow {
  std::string code, name, level, parent_code;
};
// Live places, by code (a county has at most a few thousand).
std::vector<PlaceRow> list_places(SQLite::Database& db);

struct TeamRow {
  std::string id, name, origin_hospital;
};
std::vector<TeamRow> list_teams(SQLite::Database& db);

struct MemberRow {
  std::string id, team_id, name, role, specialty;
  bool has_pin = false;  // a sign-in PIN is set (core/care/staff_pin.h)
};
// Active members of a team (all teams when `team_id` is empty), by name.
std::vector<MemberRow> list_members(SQLite::Database& db, std::string_view team_id);

// Clinic days, newest first (date, then creation), at most `limit`.
std::vector<json> recent_clinic_days(SQLite::Database& db, int limit);

struct HouseholdRow {
  std::string id, village_code, head_name, address, phone;
  std::vector<PatientHit> members;  // live patients of the household
};
// Households of a village (code prefix), by head name, at most `limit`.
std::vector<HouseholdRow> households_in(SQLite::Database& db, std::string_view village_prefix, int limit);

// Possible duplicates of a patient about to be registered (`typed`: what the
// form holds so far; its id is skipped): patients on file that the rule of
// duplicates.h (match_registration) finds may be the same person, comparing
// only what has been typed. Candidates: the same 身份证 number, and the
// patients the search finds by the name's reading or the native name. At
// most `limit`, the surest first.
struct DuplicateHit {
  PatientHit patient;
  DuplicateMatch match;  // its reason and what matched (match.matched)
};
std::vector<DuplicateHit> possible_duplicates(SQLite::Database& db, const PatientFacts& typed, int limit = 5);

// Quantity dispensed per item (name) on a clinic day, its encounters and
// home visits.
std::map<std::string, double> dispensed_on_day(SQLite::Database& db, std::string_view clinic_day_id);

// Distinct Unicode code points above U+007F in the names of patients,
// places, members and households, ascending. Scans those tables: run it off
// the UI thread.
std::vector<uint32_t> name_code_points(SQLite::Database& db);

// Code points above U+007F in UTF-8 text, in order of first appearance.
std::vector<uint32_t> utf8_code_points(std::string_view text);

}  // namespace yz
