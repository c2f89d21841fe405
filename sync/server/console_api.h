#pragma once
// The coordinators' web console (DESIGN.md §6, docs/console-api.md): its
// pages (sync/server/console/, embedded at build time) at "/" and its JSON
// API under /api/v1/console, on cpp-httplib beside the device API
// (http_api.h), over the same CentralStore members the admin verbs call.
//
// Every API request but login needs a session cookie (console_session.h);
// every one but a GET also needs Content-Type application/json, the
// session's CSRF token in X-CSRF-Token and, when the browser sends one, an
// Origin of this server. Roles are checked on every endpoint, and a
// coordinator's lists and actions are narrowed to their area. Every action
// (login, logout, each POST, refused or not) is one row of the server's
// audit, actor "console:ACCOUNT", with the client's address.

#include "sync/server/central_store.h"
#include "sync/server/http_api.h"

namespace httplib {
class Server;
}

namespace yz::sync {

struct ConsoleOptions {
  bool secure = false;  // served over TLS: the cookie is Secure, Origin https
  int64_t idle_ms = 0;  // 0: console_session.h kConsoleIdleMs
};

// Adds the console's routes to `server` (after install_routes).
void install_console_routes(httplib::Server& server, CentralStore& store, LogFn log, const ConsoleOptions& options = {});

}  // namespace yz::sync
