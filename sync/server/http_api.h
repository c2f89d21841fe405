#pragma once
// The HTTP API of docs/sync-protocol.md on cpp-httplib, over a CentralStore.
//
// Order of checks on every request (DESIGN.md §5, "Trust"):
//  1. framing, from the headers alone: two Content-Length headers, or one
//     with Transfer-Encoding, 400 bad_framing; any Content-Encoding 415
//     unsupported_encoding (a compressed body could expand past every limit);
//  2. the bearer token (batches, changes) or the address's enrollment
//     lockout (enroll), before a byte of the body is read;
//  3. the body, read into memory only up to the limit, chunked or not (413);
//  4. depth and record count by parse_limited (413), then the types and
//     ranges of every member (400 with a problem code).
// Every error is JSON problem details; no exception text is ever sent.
//
// The log line: UTC time, client address, method, path, status, device id
// and problem code. Never a token, a code or patient data.

#include <cstdint>
#include <functional>
#include <string>

#include "sync/protocol/limits.h"
#include "sync/server/central_store.h"

namespace httplib {
class Server;
struct Response;
}

namespace yz::sync {

using LogFn = std::function<void(const std::string& line)>;

// Connection handling for hundreds of devices on a field network.
struct ServerTuning {
  int workers = 128;            // requests served at once (a slow client holds one)
  int backlog = 1024;           // connections waiting to be accepted
  int read_timeout_s = 10;      // silence from a client before it is dropped
  int write_timeout_s = 10;
  int keep_alive_s = 5;
  // Enrollment: after `enroll_failures` wrong codes from one address within
  // `enroll_window_s`, that address is refused (429) for `enroll_lockout_s`.
  int enroll_failures = 5;
  int enroll_window_s = 600;
  int enroll_lockout_s = 900;
};

void install_routes(httplib::Server& server, CentralStore& store, const JsonLimits& limits, LogFn log,
                    const ServerTuning& tuning = {});

// Binds `host:port` (0: any free port) with the tuning's listen backlog.
// Returns the port, or -1 when it cannot be bound.
int bind_server(httplib::Server& server, const std::string& host, int port, const ServerTuning& tuning = {});

// The response header naming an answer's problem code (the log line and
// the console's audit read it).
inline constexpr const char* kProblemHeader = "X-Yizhen-Problem";
// Answers `status` with a JSON problem detail ({"type", "title", "status",
// "code", "detail"}), as every error of the API is answered.
void send_problem(httplib::Response& res, int status, const std::string& code, const std::string& detail);

}  // namespace yz::sync
