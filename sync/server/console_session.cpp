#include "sync/server/console_session.h"

#include <algorithm>
#include <cctype>

#include "sync/protocol/crypto.h"
#include "sync/server/teams.h"

namespace yz::sync {

SessionUse session_use(int64_t last_ms, int64_t now_ms, int64_t idle_ms) {
  if (now_ms - last_ms > idle_ms) return SessionUse::expired;
  return now_ms - last_ms > 30'000 ? SessionUse::touch : SessionUse::keep;
}

ConsoleToken new_console_token() {
  ConsoleToken t;
  t.token = random_token(32);
  t.key = console_session_key(t.token);
  return t;
}

std::string console_session_key(std::string_view token) { return token_key(token); }

std::string console_csrf(std::string_view token) {
  // A separate hash of the token: the stored key alone cannot give it.
  return token_key(std::string(token) + "|csrf");
}

bool console_csrf_matches(std::string_view token, std::string_view sent) {
  const std::string want = console_csrf(token);
  return sent.size() == want.size() && same_secret(want, sent);
}

std::string session_cookie(std::string_view token, bool secure) {
  // No Max-Age: the server's idle expiry decides; the browser drops it on close.
  return std::string(kConsoleCookie) + "=" + std::string(token) + "; Path=/; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

std::string cleared_cookie(bool secure) {
  return std::string(kConsoleCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "");
}

std::string cookie_token(std::string_view header) {
  const std::string_view name = kConsoleCookie;
  size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
    const size_t end = std::min(header.find(';', at), header.size());
    const std::string_view pair = header.substr(at, end - at);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      const std::string_view value = pair.substr(name.size() + 1);
      // random_token's alphabet (base64url) only, bounded.
      if (value.empty() || value.size() > 100) return {};
      for (char c : value)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return {};
      return std::string(value);
    }
    at = end;
  }
  return {};
}

bool same_origin(std::string_view origin, std::string_view host, bool secure) {
  if (host.empty()) return false;
  return origin == std::string(secure ? "https://" : "http://") + std::string(host);
}

bool has_right(const AccountInfo& who, ConsoleRight right) {
  if (who.disabled) return false;
  if (who.role == "admin") return true;
  switch (right) {
    case ConsoleRight::reports: return who.role == "coordinator" || who.role == "viewer";
    case ConsoleRight::coordinate: return who.role == "coordinator";
    case ConsoleRight::administer: return false;
  }
  return false;
}

bool sees_area(const AccountInfo& who, std::string_view code) {
  if (who.disabled) return false;
  if (who.role == "admin") return true;
  return who.role == "coordinator" && area_covers(who.area, code);
}

}  // namespace yz::sync
