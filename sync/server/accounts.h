#pragma once
// Console accounts (DESIGN.md §6): server configuration, never synced to
// devices. Roles: admin (teams, devices, accounts), coordinator (the data
// of one area), viewer (reports only). Passwords are kept only as Argon2id
// hashes (core/store/password_hash.h). The rules every central store and
// the admin verbs share.

#include <string>
#include <string_view>

namespace yz::sync {

inline constexpr size_t kMinPasswordChars = 10;

struct AccountInfo {
  std::string name, role, area;
  bool disabled = false;
};

// Checks a new account's fields; returns the name trimmed. Throws
// CentralError 400: bad_name (empty or over 50 characters), bad_role,
// area_required (a coordinator has one), area_not_allowed (admin and viewer
// see every area), bad_area (central_store.h teams.h is_area_code).
std::string checked_account(std::string_view name, std::string_view role, std::string_view area);
// Throws CentralError 400 weak_password: shorter than kMinPasswordChars.
void check_password(std::string_view password);
// The key two account names must not share (teams.h team_name_key's rule).
std::string account_name_key(std::string_view name);

}  // namespace yz::sync
