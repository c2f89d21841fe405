#pragma once
// A team without a server yet (DESIGN.md §1): a new laptop names its team,
// origin hospital and county, and its staff, offline. Teams are server
// configuration (§4): when the laptop later enrolls, the server's team is
// authoritative and attach_to_server_team moves this device's own records
// onto it, so nothing made before enrollment is lost.
//
// This device's team: the one enrollment named (setting "sync.team_id"),
// else the one init_team made (setting "team.id").
//
// Threads: the writer's thread for writes; reads take any connection.
// Errors: ValidationError (bad input; nothing written), SQLite::Exception.

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.h"

namespace yz {

struct TeamInit {
  std::string name;      // required
  std::string hospital;  // origin hospital, optional
  std::string county;    // GB/T 2260 code of the county it works in, required
  std::vector<std::string> stations;  // the stations it runs (内科, 外科, …), optional
};

// Create this device's team. ValidationError: "name" empty; "county" not a
// known county-level place ("unknown_place", "not_county"); "team" when this
// device already has one ("team_exists"). Returns the team's id.
std::string init_team(Store& store, const TeamInit& init);

struct TeamInfo {
  std::string id, name, origin_hospital, area_code;
  std::vector<std::string> stations;
  bool enrolled = false;  // named by the server at enrollment
};
// This device's team, or nullopt. Takes the writer or a reader connection
// (the stations are a setting: `stations_json` from Store::setting).
std::optional<TeamInfo> current_team(Store& store);

// True on a device with no team yet (no team record, none named by
// enrollment or init_team): the field app's first start shows its wizard.
bool needs_first_start(Store& store);

// The roles add_member takes.
inline constexpr std::string_view kFieldRoles = "clinician|nurse|coordinator|village_doctor";

// Add a staff member to this device's team; returns the member's id.
// ValidationError: "team" when there is none ("no_team"); "name" empty or
// too long; "role" not one of kFieldRoles.
std::string add_member(Store& store, std::string_view name, std::string_view role, std::string_view specialty = {});

// Teams and staff written within the caller's transaction, for a database
// that holds several teams (synthetic demo data, tools/demo; a device's own
// team is init_team's). create_team: `name` required, `area_code` the GB/T
// 2260 code of the area it works in. add_team_member: the roles of
// add_member, on team `team_id`; `phone` optional. Same errors as above.
std::string create_team(Writer& w, std::string_view name, std::string_view hospital, std::string_view area_code);
std::string add_team_member(Writer& w, std::string_view team_id, std::string_view name, std::string_view role,
                            std::string_view specialty = {}, std::string_view phone = {});

// After enrollment into the server's team `server_team_id`: the records this
// device made under its own offline team (members, clinic days, devices)
// now belong to the server's team, and the offline team record, never sent,
// is dropped with its outbox rows (the server refuses teams from devices).
// Records already sealed into a batch are left as they are; a team that came
// from a server (an earlier enrollment) is never dropped. Returns how many
// records moved. A device without an offline team, or whose team is the
// server's, changes nothing. Call in no transaction.
int attach_to_server_team(Store& store, const std::string& server_team_id);

}  // namespace yz
