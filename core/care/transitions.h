#pragma once
// One transition table per status (DESIGN.md §4), the only place that says
// which status may follow which. The commands of core/care check every move
// here before they write it (Writer::set_status); nothing else writes a
// status (Writer::update refuses status fields).
//
//   clinic_day: open → closed.
//   follow_up:  due → done | overdue | lost | due (rescheduled);
//               overdue → done | lost | due (rescheduled).
//               done and lost are final.
//   referral:   advised → contacted → arrived → outcome (steps may be
//               skipped, never undone); advised | contacted | arrived → lost.
//               outcome and lost are final.
//
// Errors: ValidationError on field "status": "bad_option" for a status the
// kind does not have, "bad_transition" (from, to) for a move not allowed.

#include <string_view>
#include <vector>

namespace yz {

// The statuses of a kind ("clinic_day", "follow_up", "referral"), initial
// first; empty for a kind without a status.
const std::vector<std::string_view>& statuses_of(std::string_view entity);
// Whether a record of `entity` may go from `from` to `to`.
bool transition_allowed(std::string_view entity, std::string_view from, std::string_view to);
// Throws unless the move is allowed (see above).
void check_transition(std::string_view entity, std::string_view from, std::string_view to);

}  // namespace yz
