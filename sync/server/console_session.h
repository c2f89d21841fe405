#pragma once
// The coordinators' console (DESIGN.md §6): the rules of its sessions and
// roles, apart from HTTP. console_api.cpp applies them to every request.
//
// A session is a random token (libsodium, crypto.h random_token) in an
// HttpOnly, SameSite=Strict cookie; the server keeps only its hash
// (crypto.h token_key). The CSRF token a page sends back in a header on
// every non-GET request is derived from the session token, so it needs no
// storage and dies with the session.

#include <cstdint>
#include <string>
#include <string_view>

#include "sync/server/accounts.h"

namespace yz::sync {

inline constexpr const char* kConsoleCookie = "yz_console";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";
// A session unused this long is over (sign in again).
inline constexpr int64_t kConsoleIdleMs = 30 * 60'000;

// What a request does to its session's last use (both central stores):
// over (unused longer than idle_ms: the session ends), moved on to now (at
// most every 30 s, so that a page's burst of requests is not a write
// each), or left as it is.
enum class SessionUse { expired, touch, keep };
SessionUse session_use(int64_t last_ms, int64_t now_ms, int64_t idle_ms);

struct ConsoleToken {
  std::string token;  // goes to the browser only, in the cookie
  std::string key;    // what the store keeps (token_key of the token)
};
ConsoleToken new_console_token();
// The store's key of a cookie's token.
std::string console_session_key(std::string_view token);
// The CSRF token of a session (hex), from its cookie token.
std::string console_csrf(std::string_view token);
// True when `sent` is the CSRF token of the session `token` (constant time).
bool console_csrf_matches(std::string_view token, std::string_view sent);

// The Set-Cookie value that holds `token` (Secure under TLS), and the one
// that clears it.
std::string session_cookie(std::string_view token, bool secure);
std::string cleared_cookie(bool secure);
// The session token in a Cookie header, "" when there is none.
std::string cookie_token(std::string_view cookie_header);

// A browser's Origin header is this server: "http(s)://" + the Host header.
bool same_origin(std::string_view origin, std::string_view host, bool secure);

// What a role may do. admin: everything; coordinator: the data of their
// area (arrivals, conflicts, quarantine, duplicates); viewer: reports only.
enum class ConsoleRight {
  reports,      // every role
  coordinate,   // admin, coordinator (narrowed to the area)
  administer,   // admin: teams, devices, accounts, audit
};
bool has_right(const AccountInfo& who, ConsoleRight right);
// Whether `who` sees data whose place code (or team area) is `code`:
// admin everything, coordinator inside their area (teams.h area_covers),
// viewer nothing of the kind.
bool sees_area(const AccountInfo& who, std::string_view code);

}  // namespace yz::sync
