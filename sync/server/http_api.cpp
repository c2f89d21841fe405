#include "sync/server/http_api.h"

#include <httplib.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>

#include "core/domain/pinyin.h"
#include "sync/protocol/batch.h"

namespace yz::sync {

namespace {

// The problem code of a response, for the log line (not sent to clients).
constexpr const char* kOutcomeHeader = kProblemHeader;
constexpr const char* kDeviceHeader = "X-Yizhen-Device";

void problem(httplib::Response& res, int status, const std::string& code, const std::string& detail) {
  static const std::map<int, std::string> kTitles = {
      {400, "Bad Request"},        {401, "Unauthorized"},       {403, "Forbidden"},
      {404, "Not Found"},          {405, "Method Not Allowed"}, {409, "Conflict"},
      {413, "Payload Too Large"},  {415, "Unsupported Media Type"}, {429, "Too Many Requests"},
      {500, "Internal Server Error"}};
  const auto it = kTitles.find(status);
  const json body = {{"type", "https://yizhen.invalid/problems/" + code},
                     {"title", it != kTitles.end() ? it->second : "Error"},
                     {"status", status},
                     {"code", code},
                     {"detail", detail}};
  res.status = status;
  res.set_header(kOutcomeHeader, code);
  res.set_content(body.dump(), "application/problem+json");
}

void ok(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The device behind the request's bearer token, or a problem answered.
std::optional<DeviceInfo> authenticate(CentralStore& store, const httplib::Request& req, httplib::Response& res) {
  const std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (req.get_header_value_count("Authorization") != 1 || auth.compare(0, prefix.size(), prefix) != 0 ||
      auth.size() == prefix.size() || auth.size() > 200) {
    problem(res, 401, "unauthorized", "send the device token as \"Authorization: Bearer TOKEN\"");
    return std::nullopt;
  }
  auto device = store.device_by_token(auth.substr(prefix.size()));
  if (!device) {
    problem(res, 401, "unauthorized", "unknown device token");
    return std::nullopt;
  }
  if (device->revoked) {
    problem(res, 403, "revoked", "this device has been revoked; a coordinator must enroll it again");
    return std::nullopt;
  }
  if (!res.has_header(kDeviceHeader)) res.set_header(kDeviceHeader, device->device_id);  // for the log line
  return device;
}

// The server's public keys and protocol version, as enrollment and key
// registration answer them.
json server_identity(CentralStore& store) {
  return {{"protocol", kFormatVersion},
          {"server_id", store.server_id()},
          {"server_sign_key", store.server_keys().sign.public_key},
          {"server_box_key", store.server_keys().box.public_key}};
}

// A device enrolled under protocol 1 with no signing key registered: only
// an old client still talks like that (a current one registers first).
bool refuse_keyless(const DeviceInfo& device, httplib::Response& res) {
  if (!device.public_key.empty()) return false;
  problem(res, 400, "update_required",
          "this device has no signing key registered with the server (sync protocol " + std::to_string(kFormatVersion) +
              "); update yizhen on this laptop and sync again");
  return true;
}

// A refused body is not read: the connection cannot carry another request.
void close_after(httplib::Response& res) { res.set_header("Connection", "close"); }

// Failed enrollment attempts per client address (in memory: a restart
// forgives, which a lockout of minutes can afford).
class EnrollGuard {
 public:
  explicit EnrollGuard(const ServerTuning& t) : t_(t) {}

  // Seconds until `addr` may try again; 0: now.
  int64_t locked_for(const std::string& addr) {
    std::lock_guard lock(mu_);
    auto it = by_addr_.find(addr);
    if (it == by_addr_.end()) return 0;
    const int64_t now = wall_ms();
    return it->second.until_ms > now ? (it->second.until_ms - now + 999) / 1000 : 0;
  }
  // Counts a wrong code; true when it locks the address out.
  bool failed(const std::string& addr) {
    std::lock_guard lock(mu_);
    const int64_t now = wall_ms();
    if (by_addr_.size() > 100000) by_addr_.clear();  // bounded memory under a flood of addresses
    auto& e = by_addr_[addr];
    if (now - e.first_ms > int64_t{t_.enroll_window_s} * 1000) e = Entry{now, 0, 0};
    if (++e.failures < t_.enroll_failures) return false;
    e = Entry{now, 0, now + int64_t{t_.enroll_lockout_s} * 1000};
    return true;
  }
  void succeeded(const std::string& addr) {
    std::lock_guard lock(mu_);
    by_addr_.erase(addr);
  }

 private:
  struct Entry {
    int64_t first_ms = 0;
    int failures = 0;
    int64_t until_ms = 0;
  };
  ServerTuning t_;
  std::mutex mu_;
  std::map<std::string, Entry> by_addr_;
};

// Reads the body through `reader`, at most `max` bytes whatever the framing
// (httplib itself bounds only a declared Content-Length). False: too large.
bool read_body(const httplib::ContentReader& reader, size_t max, std::string& body) {
  bool too_large = false;
  // The reader fails on a declared length over httplib's limit, too.
  const bool read = reader([&](const char* data, size_t n) {
    if (body.size() + n > max) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  return read && !too_large;
}

// Runs a handler, turning every failure into a problem detail. Exception
// text is sent only for our own errors, whose messages are written for
// clients; anything else is logged by its kind and answered plainly.
template <typename Fn>
auto guarded(Fn fn, const LogFn& log) {
  return [fn, log](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    try {
      fn(req, res, reader);
    } catch (const LimitError& e) {
      problem(res, e.code() == "bad_json" ? 400 : 413, e.code(), e.what());
    } catch (const BatchError& e) {
      problem(res, 400, e.code(), e.what());
    } catch (const CentralError& e) {
      problem(res, e.status(), e.code(), e.what());
    } catch (const json::exception&) {
      problem(res, 400, "bad_request", "a member of the request has the wrong type or is out of range");
    } catch (const std::exception& e) {
      if (log) log(std::string("internal error: ") + typeid(e).name());
      problem(res, 500, "internal", "the server could not handle this request");
    }
  };
}

template <typename Fn>
httplib::Server::Handler guarded_get(Fn fn, const LogFn& log) {
  auto g = guarded([fn](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader&) { fn(req, res); },
                   log);
  return [g](const httplib::Request& req, httplib::Response& res) {
    g(req, res, httplib::ContentReader({}, {}));
  };
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Debian's cpp-httplib (0.11.4, built with brotli) compresses every text or
// JSON answer with brotli at quality 11 whenever the client accepts "br", as
// browsers do: 4.4 s of server CPU for a 1.9 MB township CSV, where gzip
// takes 0.26 s for about the same saving on a slow link. The library has no
// setting for it, so before routing the request's Accept-Encoding is
// rewritten to gzip (or identity) and httplib picks gzip. The Request is a
// local of httplib's connection loop, not a const object: changing it
// through the handler's const reference is well defined.
void prefer_gzip_to_brotli(const httplib::Request& req) {
  auto& headers = const_cast<httplib::Headers&>(req.headers);
  const auto [from, to] = headers.equal_range("Accept-Encoding");
  std::string accepted;
  for (auto it = from; it != to; ++it) accepted += it->second + ",";
  if (accepted.find("br") == std::string::npos) return;
  headers.erase(from, to);
  headers.emplace("Accept-Encoding", accepted.find("gzip") != std::string::npos ? "gzip" : "identity");
}

}  // namespace

void install_routes(httplib::Server& server, CentralStore& store, const JsonLimits& limits, LogFn log,
                    const ServerTuning& tuning) {
  warm_pinyin();  // patients' search keys are made as batches are checked
  // A declared Content-Length over the limit is refused (413) unread;
  // read_body bounds chunked bodies.
  server.set_payload_max_length(limits.max_bytes);
  const int workers = tuning.workers;
  server.new_task_queue = [workers] { return new httplib::ThreadPool(static_cast<size_t>(workers)); };
  server.set_read_timeout(tuning.read_timeout_s, 0);
  server.set_write_timeout(tuning.write_timeout_s, 0);
  server.set_keep_alive_timeout(tuning.keep_alive_s);
  auto guard = std::make_shared<EnrollGuard>(tuning);

  // Before routing, and so before any body is read.
  server.set_pre_routing_handler([&store, guard, log](const httplib::Request& req, httplib::Response& res) {
    using R = httplib::Server::HandlerResponse;
    prefer_gzip_to_brotli(req);
    if (req.get_header_value_count("Content-Length") > 1 ||
        (req.has_header("Content-Length") && req.has_header("Transfer-Encoding")) ||
        req.get_header_value_count("Transfer-Encoding") > 1 ||
        (req.has_header("Transfer-Encoding") && req.get_header_value("Transfer-Encoding") != "chunked")) {
      problem(res, 400, "bad_framing",
              "send one Content-Length, or Transfer-Encoding: chunked alone, never both or twice");
      close_after(res);
      return R::Handled;
    }
    if (req.has_header("Content-Encoding") && req.get_header_value("Content-Encoding") != "identity") {
      problem(res, 415, "unsupported_encoding", "send the body uncompressed (no Content-Encoding)");
      close_after(res);
      return R::Handled;
    }
    if (req.path == "/v1/batches" || req.path == "/v1/changes" || req.path == "/v1/device-key") {
      if (!authenticate(store, req, res)) {
        close_after(res);
        return R::Handled;
      }
    } else if (req.path == "/v1/enroll") {
      if (const int64_t wait = guard->locked_for(req.remote_addr)) {
        problem(res, 429, "locked_out",
                "too many wrong enrollment codes from this address; try again in " + std::to_string(wait) + " s");
        res.set_header("Retry-After", std::to_string(wait));
        close_after(res);
        return R::Handled;
      }
    }
    return R::Unhandled;
  });

  server.Get("/v1/health", guarded_get(
                               [&store](const httplib::Request&, httplib::Response& res) {
                                 ok(res, 200, {{"status", "ok"},
                                               {"server_id", store.server_id()},
                                               {"protocol", kFormatVersion},
                                               {"time_ms", wall_ms()}});
                               },
                               log));

  server.Post("/v1/enroll",
              guarded(
                  [&store, guard, log](const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& reader) {
                    std::string text;
                    if (!read_body(reader, 4096, text))
                      return problem(res, 413, "too_large", "an enrollment request is at most 4096 bytes");
                    const json body = parse_limited(text, JsonLimits{4096, 4, 0});
                    if (!body.is_object() || !body.contains("code") || !body["code"].is_string() ||
                        !body.contains("device_id") || !body["device_id"].is_string())
                      return problem(res, 400, "bad_request",
                                     "send {\"code\", \"device_id\", \"name\", \"public_key\"}");
                    if (!body.contains("public_key"))
                      return problem(res, 400, "update_required",
                                     "this server speaks sync protocol " + std::to_string(kFormatVersion) +
                                         ": update yizhen on this laptop, then enroll");
                    if (!body["public_key"].is_string())
                      return problem(res, 400, "bad_public_key", "public_key must be a string (base64)");
                    const std::string name =
                        body.contains("name") && body["name"].is_string() ? body["name"].get<std::string>() : "";
                    try {
                      Enrollment e = store.enroll(body["code"], body["device_id"], name, body["public_key"]);
                      guard->succeeded(req.remote_addr);
                      json answer = server_identity(store);
                      answer.update({{"device_id", e.device.device_id},
                                     {"token", e.token},
                                     {"team_id", e.device.team_id},
                                     {"team_name", e.team_name}});
                      ok(res, 201, answer);
                    } catch (const CentralError& e) {
                      if (e.code() == "bad_code" && guard->failed(req.remote_addr) && log)
                        log(utc_now() + " " + req.remote_addr + " enrollment locked out after repeated wrong codes");
                      throw;
                    }
                  },
                  log));

  server.Post("/v1/batches",
              guarded(
                  [&store, limits](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
                    auto device = authenticate(store, req, res);  // checked before routing; the record is needed here
                    if (!device) return;
                    std::string text;
                    if (!read_body(reader, limits.max_bytes, text)) {
                      close_after(res);
                      return problem(res, 413, "too_large",
                                     "the body is over the limit of " + std::to_string(limits.max_bytes) + " bytes");
                    }
                    const json batch = parse_limited(text, limits);
                    check_batch(batch, std::nullopt, text);  // an old client's batch: update_required
                    if (refuse_keyless(*device, res)) return;
                    check_batch_signature(batch, device->public_key);  // the digest is checked just above
                    if (batch["device_id"] != device->device_id)
                      return problem(res, 403, "wrong_device", "the batch names another device");
                    ok(res, 200, store.apply_batch(batch, *device, "http"));
                  },
                  log));

  server.Get("/v1/changes", guarded_get(
                                [&store](const httplib::Request& req, httplib::Response& res) {
                                  auto device = authenticate(store, req, res);
                                  if (!device || refuse_keyless(*device, res)) return;
                                  int64_t after = 0;
                                  int limit = 1000;
                                  auto integer = [&](const char* name, auto& out) {
                                    if (!req.has_param(name)) return true;
                                    const std::string v = req.get_param_value(name);
                                    const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
                                    return r.ec == std::errc{} && r.ptr == v.data() + v.size();
                                  };
                                  if (!integer("after", after) || !integer("limit", limit))
                                    return problem(res, 400, "bad_cursor", "after and limit must be integers");
                                  if (limit < 1 || limit > 5000)
                                    return problem(res, 400, "bad_limit", "limit must be 1 to 5000");
                                  ok(res, 200, store.changes_after(*device, after, limit));
                                },
                                log));

  // A device enrolled under protocol 1 registers its Ed25519 public key,
  // authenticated by its token (central_store.h register_device_key).
  server.Post("/v1/device-key",
              guarded(
                  [&store](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
                    auto device = authenticate(store, req, res);
                    if (!device) return;
                    std::string text;
                    if (!read_body(reader, 4096, text)) {
                      close_after(res);
                      return problem(res, 413, "too_large", "a key registration is at most 4096 bytes");
                    }
                    const json body = parse_limited(text, JsonLimits{4096, 4, 0});
                    if (!body.is_object() || !body.contains("public_key") || !body["public_key"].is_string())
                      return problem(res, 400, "bad_request", "send {\"public_key\"}");
                    store.register_device_key(device->device_id, body["public_key"]);
                    ok(res, 200, server_identity(store));
                  },
                  log));

  // Errors httplib answers itself (unknown path, body over the limit) get a
  // problem detail too.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) problem(res, 413, "too_large", "the body is over the size limit");
    else if (res.status == 404) problem(res, 404, "not_found", "no such endpoint");
    else if (res.status == 405) problem(res, 405, "method_not_allowed", "this endpoint does not take that method");
    else problem(res, res.status, "error", "the request could not be served");
  });

  server.set_logger([log](const httplib::Request& req, const httplib::Response& res) {
    if (!log) return;
    std::string line = utc_now() + " " + req.remote_addr + " " + req.method + " " + req.path + " " +
                       std::to_string(res.status);
    const std::string device = res.get_header_value(kDeviceHeader);
    if (!device.empty()) line += " device=" + device;
    const std::string outcome = res.get_header_value(kOutcomeHeader);
    line += " outcome=" + (outcome.empty() ? std::string("ok") : outcome);
    log(line);
  });
}

void send_problem(httplib::Response& res, int status, const std::string& code, const std::string& detail) {
  problem(res, status, code, detail);
}

int bind_server(httplib::Server& server, const std::string& host, int port, const ServerTuning& tuning) {
  // httplib listens with a backlog of 5 (compiled into the Debian library):
  // keep the socket it makes, and listen again with ours (Linux takes a
  // second listen() on a listening socket as a new backlog).
  auto sock = std::make_shared<int>(-1);
  server.set_socket_options([sock](socket_t s) {
    httplib::default_socket_options(s);
    *sock = s;
  });
  if (port == 0) port = server.bind_to_any_port(host);
  else if (!server.bind_to_port(host, port)) port = -1;
  if (port < 0 || *sock < 0) return -1;
  if (::listen(*sock, tuning.backlog) != 0) return -1;
  return port;
}

}  // namespace yz::sync
