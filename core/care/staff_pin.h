#pragma once
// Staff PINs (DESIGN.md §7): each member of a team signs in on the field app
// with a PIN of 4 to 8 digits. Only its Argon2id hash is kept, in the
// member's "pin_hash" field (core/store/password_hash.h argon2id_hash: a few
// tenths of a second on a 2-core field laptop), which syncs with the member
// like its other fields. Hashing and checking run on the writer's thread,
// never the UI's.
//
// Threads: the writer's thread (Store). Errors: ValidationError naming the
// field ("pin": pin_format; "member": not_member), nothing written;
// std::runtime_error when libsodium cannot hash (out of memory).

#include <optional>
#include <string>
#include <string_view>

#include "core/base/errors.h"
#include "core/store/store.h"

namespace yz {

inline constexpr size_t kPinMinDigits = 4, kPinMaxDigits = 8;

// The problem with `pin` (field "pin", code "pin_format"), or nullopt.
std::optional<FieldError> check_pin(std::string_view pin);
// The Argon2id hash string of a PIN that passes check_pin (else
// ValidationError). A fresh salt each call: two hashes of one PIN differ.
std::string hash_pin(std::string_view pin);
// Whether `pin` is the PIN `hash` (from hash_pin) was made from. A malformed
// or empty hash matches nothing.
bool pin_matches(std::string_view hash, std::string_view pin);

// Set or reset the PIN of `member_id`, an active member of this device's
// team (core/care/team.h current_team; any team's on a device with none):
// one update of the member, synced and audited like any change.
void set_member_pin(Store& store, std::string_view member_id, std::string_view pin);

enum class PinCheck { ok, wrong, no_pin };
// Check a sign-in: `no_pin` when the member has none yet (they set one),
// `wrong` when `pin` is not theirs. ValidationError "member" (not_member)
// when `member_id` is not an active member of this device's team.
PinCheck check_member_pin(Store& store, std::string_view member_id, std::string_view pin);

}  // namespace yz
