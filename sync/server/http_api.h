#pragma once
// The HTTP API of docs/sync-protocol.md on cpp-httplib, over a CentralStore.
// Limits are enforced before a body is parsed: the size by httplib as it
// reads (413), depth and record count by parse_limited (413). Errors are
// JSON problem details. The log line names method, path, status and device
// id; the bearer token never appears in it.

#include <functional>
#include <string>

#include "sync/protocol/limits.h"
#include "sync/server/central_store.h"

namespace httplib {
class Server;
}

namespace yz::sync {

using LogFn = std::function<void(const std::string& line)>;

void install_routes(httplib::Server& server, CentralStore& store, const JsonLimits& limits, LogFn log);

}  // namespace yz::sync
