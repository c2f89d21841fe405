#pragma once
// Inside core/care only: the one door to a status field. Every command that
// moves a status calls move_status, which checks the kind's transition table
// (transitions.h) and writes with the store's StatusKey (store.h).

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/care/transitions.h"
#include "core/store/store.h"

namespace yz {

struct CareStatusAccess {
  static StatusKey key() { return StatusKey(); }
};

// Move the record `id` of `entity` from `from` (its stored status) to `to`,
// writing `fields` with it. Throws ValidationError when the move is not in
// the table; nothing is written then.
inline void move_status(Writer& w, std::string_view entity, std::string_view id, std::string_view from,
                        std::string_view to, nlohmann::json fields = nlohmann::json::object()) {
  check_transition(entity, from, to);
  fields["status"] = std::string(to);
  w.set_status(CareStatusAccess::key(), entity, id, fields);
}

}  // namespace yz
