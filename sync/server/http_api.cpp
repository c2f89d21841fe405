#include "sync/server/http_api.h"

#include <httplib.h>

#include <charconv>
#include <chrono>

#include "sync/protocol/batch.h"

namespace yz::sync {

namespace {

void problem(httplib::Response& res, int status, const std::string& code, const std::string& detail) {
  static const std::map<int, std::string> kTitles = {
      {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},           {404, "Not Found"},
      {405, "Method Not Allowed"}, {409, "Conflict"}, {413, "Payload Too Large"}, {500, "Internal Server Error"}};
  const auto it = kTitles.find(status);
  const json body = {{"type", "https://yizhen.invalid/problems/" + code},
                     {"title", it != kTitles.end() ? it->second : "Error"},
                     {"status", status},
                     {"code", code},
                     {"detail", detail}};
  res.status = status;
  res.set_content(body.dump(), "application/problem+json");
}

void ok(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// The device behind the request's bearer token, or a problem answered.
std::optional<DeviceInfo> authenticate(CentralStore& store, const httplib::Request& req, httplib::Response& res) {
  const std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (auth.compare(0, prefix.size(), prefix) != 0 || auth.size() == prefix.size()) {
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
  res.set_header("X-Yizhen-Device", device->device_id);  // for the log line
  return device;
}

// Runs a handler, turning every failure into a problem detail.
template <typename Fn>
httplib::Server::Handler guarded(Fn fn) {
  return [fn](const httplib::Request& req, httplib::Response& res) {
    try {
      fn(req, res);
    } catch (const LimitError& e) {
      problem(res, e.code() == "bad_json" ? 400 : 413, e.code(), e.what());
    } catch (const BatchError& e) {
      problem(res, 400, e.code(), e.what());
    } catch (const CentralError& e) {
      problem(res, e.status(), e.code(), e.what());
    } catch (const std::exception& e) {
      problem(res, 500, "internal", e.what());
    }
  };
}

}  // namespace

void install_routes(httplib::Server& server, CentralStore& store, const JsonLimits& limits, LogFn log) {
  // httplib refuses longer bodies with 413 before reading them.
  server.set_payload_max_length(limits.max_bytes);

  server.Get("/v1/health", guarded([&store](const httplib::Request&, httplib::Response& res) {
               const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
               ok(res, 200, {{"status", "ok"}, {"server_id", store.server_id()}, {"time_ms", now}});
             }));

  server.Post("/v1/enroll", guarded([&store](const httplib::Request& req, httplib::Response& res) {
                const json body = parse_limited(req.body, JsonLimits{4096, 4, 0});
                if (!body.is_object() || !body.contains("code") || !body["code"].is_string() ||
                    !body.contains("device_id") || !body["device_id"].is_string())
                  return problem(res, 400, "bad_request", "send {\"code\", \"device_id\", \"name\"}");
                const std::string name = body.contains("name") && body["name"].is_string() ? body["name"].get<std::string>() : "";
                Enrollment e = store.enroll(body["code"], body["device_id"], name);
                ok(res, 201,
                   {{"device_id", e.device.device_id},
                    {"token", e.token},
                    {"team_id", e.device.team_id},
                    {"team_name", e.team_name},
                    {"server_id", store.server_id()}});
              }));

  server.Post("/v1/batches", guarded([&store, limits](const httplib::Request& req, httplib::Response& res) {
                auto device = authenticate(store, req, res);
                if (!device) return;
                const json batch = parse_limited(req.body, limits);
                check_batch(batch, device->key);
                if (batch["device_id"] != device->device_id)
                  return problem(res, 403, "wrong_device", "the batch names another device");
                ok(res, 200, store.apply_batch(batch, *device, "http"));
              }));

  server.Get("/v1/changes", guarded([&store](const httplib::Request& req, httplib::Response& res) {
               auto device = authenticate(store, req, res);
               if (!device) return;
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
               if (limit < 1 || limit > 5000) return problem(res, 400, "bad_limit", "limit must be 1 to 5000");
               ok(res, 200, store.changes_after(*device, after, limit));
             }));

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
    std::string line = req.method + " " + req.path + " " + std::to_string(res.status);
    const std::string device = res.get_header_value("X-Yizhen-Device");
    if (!device.empty()) line += " device=" + device;
    log(line);
  });
}

}  // namespace yz::sync
