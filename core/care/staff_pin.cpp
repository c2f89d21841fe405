#include "core/care/staff_pin.h"

#include <stdexcept>

#include "core/care/team.h"
#include "core/store/password_hash.h"

namespace yz {

namespace {

// The member's stored record, if an active member of this device's team.
json active_member(Store& store, std::string_view member_id) {
  auto m = store.get("member", member_id);
  const auto team = current_team(store);
  auto truthy = [&](const char* k, bool absent) {
    const json& v = m->contains(k) ? (*m)[k] : json(absent);
    return v.is_boolean() ? v.get<bool>() : v.is_number() ? v.get<double>() != 0 : absent;
  };
  const bool ok = m && !truthy("deleted", false) && truthy("active", true) &&
                  (!team || m->value("team_id", "") == team->id);
  if (!ok) throw ValidationError(FieldError{"member", "not_member", {std::string(member_id)}});
  return *m;
}

}  // namespace

std::optional<FieldError> check_pin(std::string_view pin) {
  bool digits = pin.size() >= kPinMinDigits && pin.size() <= kPinMaxDigits;
  for (char c : pin) digits = digits && c >= '0' && c <= '9';
  if (!digits) return FieldError{"pin", "pin_format"};
  return std::nullopt;
}

std::string hash_pin(std::string_view pin) {
  if (auto e = check_pin(pin)) throw ValidationError(*e);
  return argon2id_hash(pin);
}

bool pin_matches(std::string_view hash, std::string_view pin) { return argon2id_matches(hash, pin); }

void set_member_pin(Store& store, std::string_view member_id, std::string_view pin) {
  if (auto e = check_pin(pin)) throw ValidationError(*e);
  active_member(store, member_id);
  store.update("member", member_id, json{{"pin_hash", hash_pin(pin)}});
}

PinCheck check_member_pin(Store& store, std::string_view member_id, std::string_view pin) {
  const json m = active_member(store, member_id);
  const std::string hash = m["pin_hash"].is_string() ? m["pin_hash"].get<std::string>() : std::string();
  if (hash.empty()) return PinCheck::no_pin;
  return pin_matches(hash, pin) ? PinCheck::ok : PinCheck::wrong;
}

}  // namespace yz
