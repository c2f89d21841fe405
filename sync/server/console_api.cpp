#include "sync/server/console_api.h"

#include <httplib.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string_view>

#include "core/base/clock.h"
#include "core/base/errors.h"
#include "core/base/files.h"
#include "core/base/messages.h"
#include "core/care/follow_up.h"
#include "core/care/referral.h"
#include "core/care/screening.h"
#include "core/domain/idcard.h"
#include "core/domain/vitals.h"
#include "core/store/entities.h"
#include "sync/protocol/crypto.h"
#include "sync/server/central_rules.h"
#include "sync/server/console_assets.h"
#include "sync/server/console_session.h"
#include "sync/server/teams.h"

namespace yz::sync {

namespace {

constexpr const char* kApi = "/api/v1/console";
constexpr size_t kMaxBody = 64 * 1024;

// What every console answer carries: no framing by other sites, no script
// or style from anywhere but this server, no guessing of content types.
void security_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
}

// A text in both console languages, {"zh", "en"} (the page shows its own).
template <typename Words>
json both(Words words) {
  return {{"zh", words(Lang::zh)}, {"en", words(Lang::en)}};
}

// A problem (http_api.h send_problem) with the field problems behind it,
// each in both languages: "errors": [{"field", "code", "en", "zh"}] (the
// page says its own).
void send_problem_with_errors(httplib::Response& res, int status, const std::string& code, const std::string& detail,
                              const std::vector<FieldError>& field_errors) {
  send_problem(res, status, code, detail);
  if (field_errors.empty()) return;
  json errors = json::array();
  for (const auto& fe : field_errors)
    errors.push_back(
        {{"field", fe.field}, {"code", fe.code}, {"en", fe.plain_message(Lang::en)}, {"zh", fe.plain_message(Lang::zh)}});
  json body = json::parse(res.body);
  body["errors"] = errors;
  res.set_content(body.dump(), "application/problem+json");
}

void answer(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

// A request's text member: trimmed of nothing (the store trims what it
// keeps), required unless `optional`.
std::string text(const json& body, const char* field, bool required = true) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    if (required) throw CentralError(400, "bad_request", std::string(field) + ": required");
    return {};
  }
  if (!it->is_string()) throw CentralError(400, "bad_request", std::string(field) + ": must be text");
  return it->get<std::string>();
}

int64_t number_in_path(const httplib::Request& req, const char* what) {
  try {
    size_t used = 0;
    const std::string s = req.matches[1];
    const long long v = std::stoll(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw CentralError(400, "bad_request", std::string(what) + ": must be a number");
}

int int_param(const httplib::Request& req, const char* name, int fallback, int lo, int hi) {
  if (!req.has_param(name)) return fallback;
  try {
    size_t used = 0;
    const std::string s = req.get_param_value(name);
    const int v = std::stoi(s, &used);
    if (used == s.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  throw CentralError(400, "bad_request",
                     std::string(name) + ": must be a number from " + std::to_string(lo) + " to " + std::to_string(hi));
}

std::string_view content_type_of(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

// One request of a signed-in account.
struct Call {
  AccountInfo who;
  std::string token;  // the session's cookie token
  json body = json::object();
  // Its audit row: the action word, entity, record and what was done.
  std::string action = "update";
  std::string entity = "console";
  std::string record_id;
  json detail = json::object();
  bool audited = false;  // a GET audited too (an export of patients' data)
  // Who the store members audit the action as (the account, the address):
  // when one did (by.rows) and the action succeeded, that row is the
  // action's one row and the console writes none.
  AuditBy by;
};

using Fn = std::function<void(Call&, const httplib::Request&, httplib::Response&)>;

class Console : public std::enable_shared_from_this<Console> {
 public:
  Console(CentralStore& store, LogFn log, ConsoleOptions o) : store_(store), log_(std::move(log)), o_(o) {
    if (o_.idle_ms <= 0) o_.idle_ms = kConsoleIdleMs;
  }

  void install(httplib::Server& server) {
    auto self = shared_from_this();  // the routes keep the console alive
    server.Get("/", [self](const httplib::Request&, httplib::Response& res) { self->asset(res, "index.html"); });
    server.Get(R"(/console/(.+))",
               [self](const httplib::Request& req, httplib::Response& res) { self->asset(res, req.matches[1]); });

    const std::string api = kApi;
    server.Post(api + "/login", [self](const httplib::Request& req, httplib::Response& res) { self->login(req, res); });
    server.Post(api + "/logout", endpoint("logout", ConsoleRight::reports, [this](Call& c, auto&, auto& res) {
                  store_.close_console_session(console_session_key(c.token));
                  res.set_header("Set-Cookie", cleared_cookie(o_.secure));
                  c.action = "delete";
                  c.entity = "console_session";
                  c.record_id = c.who.name;
                  answer(res, 200, {{"signed_out", true}});
                }));
    server.Get(api + "/me", endpoint("me", ConsoleRight::reports, [](Call& c, auto&, auto& res) {
                 answer(res, 200, {{"name", c.who.name}, {"role", c.who.role}, {"area", c.who.area},
                                   {"csrf", console_csrf(c.token)}});
               }));

    // What arrived (admin: everything and the store's counts; coordinator:
    // the teams of their area).
    server.Get(api + "/dashboard", endpoint("dashboard", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                 const int days = int_param(req, "days", 30, 1, 3660);
                 const auto area = team_areas();
                 auto seen = [&](const json& row) {
                   auto it = area.find(row.value("team", ""));
                   return it != area.end() && sees_area(c.who, it->second);
                 };
                 json out = {{"devices", json::array()}, {"arrivals", json::array()}, {"days", days}};
                 for (auto& d : store_.devices())
                   if (seen(d)) out["devices"].push_back(d);
                 for (auto& a : store_.arrivals(days))
                   if (seen(a)) out["arrivals"].push_back(a);
                 if (c.who.role == "admin") out["stats"] = store_.stats();
                 answer(res, 200, out);
               }));

    // Teams and devices (admin).
    server.Get(api + "/teams", endpoint("teams", ConsoleRight::administer, [this](Call&, auto&, auto& res) {
                 answer(res, 200, {{"teams", store_.teams()}, {"devices", store_.devices()}});
               }));
    server.Post(api + "/enroll-codes", endpoint("enroll_code", ConsoleRight::administer, [this](Call& c, auto&, auto& res) {
                  const std::string team = text(c.body, "team"), area = text(c.body, "area", false);
                  int days = 7;
                  if (c.body.contains("valid_days")) {
                    if (!c.body["valid_days"].is_number_integer() || c.body["valid_days"] < 1 || c.body["valid_days"] > 90)
                      throw CentralError(400, "bad_request", "valid_days: must be a number from 1 to 90");
                    days = c.body["valid_days"];
                  }
                  // Said before the store is asked: a refusal's row is about the code too.
                  c.action = "create";
                  c.entity = "enroll_code";
                  c.detail = {{"team", team}, {"valid_days", days}};  // never the code
                  const std::string code = store_.create_enroll_code(team, area, int64_t{days} * 86'400'000, c.by);
                  answer(res, 201, {{"code", code}, {"team", team}, {"valid_days", days}});
                }));
    server.Post(api + R"(/devices/([0-9a-fA-F-]{1,64})/revoke)",
                endpoint("revoke", ConsoleRight::administer, [this](Call& c, auto& req, auto& res) {
                  const std::string id = req.matches[1];
                  c.entity = "device";
                  c.record_id = id;
                  if (!store_.revoke(id, c.by)) throw CentralError(404, "no_device", "no enrolled device " + id);
                  answer(res, 200, {{"device_id", id}, {"revoked", true}});
                }));

    // Conflicts (admin, coordinator of the record's area).
    server.Get(api + "/conflicts", endpoint("conflicts", ConsoleRight::coordinate, [this](Call& c, auto&, auto& res) {
                 answer(res, 200, described(visible_conflicts(c.who)));
               }));
    server.Post(api + R"(/conflicts/(\d{1,18})/resolve)",
                endpoint("resolve", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                  const int64_t id = number_in_path(req, "conflict");
                  c.entity = "conflict";
                  c.record_id = std::to_string(id);
                  if (c.who.role != "admin") require_visible(visible_conflicts(c.who), "conflict_id", id, "no_conflict");
                  const std::string value = text(c.body, "value"), reason = text(c.body, "reason", false);
                  c.detail = {{"reason", reason}};
                  answer(res, 200, store_.resolve_conflict(id, value, reason, c.by));
                }));

    // Quarantine (admin, coordinator of the sending device's team area).
    server.Get(api + "/quarantine", endpoint("quarantine", ConsoleRight::coordinate, [this](Call& c, auto&, auto& res) {
                 json rows = described(visible_quarantine(c.who));
                 // The sending device by its name (the id on hover).
                 std::map<std::string, std::string> names;
                 for (auto& r : rows) {
                   const std::string device = r.value("device_id", "");
                   auto it = names.find(device);
                   if (it == names.end()) {
                     const auto d = store_.device_by_id(device);
                     it = names.emplace(device, d ? d->name : "").first;
                   }
                   if (!it->second.empty()) r["device_name"] = it->second;
                 }
                 answer(res, 200, rows);
               }));
    server.Post(api + R"(/quarantine/(\d{1,18})/retry)",
                endpoint("retry", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                  const int64_t id = number_in_path(req, "quarantine");
                  c.entity = "quarantine";
                  c.record_id = std::to_string(id);
                  if (c.who.role != "admin")
                    require_visible(visible_quarantine(c.who), "quarantine_id", id, "no_quarantine");
                  answer(res, 200, store_.retry_quarantined(id, c.by));
                }));
    // Every open row the account sees (a coordinator's area; the newest
    // 1000, as listed), oldest first.
    server.Post(api + "/quarantine/retry-all",
                endpoint("retry-all", ConsoleRight::coordinate, [this](Call& c, auto&, auto& res) {
                  c.entity = "quarantine";
                  std::vector<int64_t> ids;
                  for (const auto& r : visible_quarantine(c.who)) ids.push_back(r["quarantine_id"].get<int64_t>());
                  std::sort(ids.begin(), ids.end());
                  answer(res, 200, store_.retry_quarantined(ids, c.by));
                }));
    server.Post(api + R"(/quarantine/(\d{1,18})/discard)",
                endpoint("discard", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                  const int64_t id = number_in_path(req, "quarantine");
                  c.entity = "quarantine";
                  c.record_id = std::to_string(id);
                  if (c.who.role != "admin")
                    require_visible(visible_quarantine(c.who), "quarantine_id", id, "no_quarantine");
                  const std::string reason = text(c.body, "reason", false);
                  c.detail = {{"reason", reason}};
                  answer(res, 200, store_.discard_quarantined(id, reason, c.by));
                }));

    // Duplicates and merges (admin, coordinator of the patients' area).
    server.Get(api + "/duplicates", endpoint("duplicates", ConsoleRight::coordinate, [this](Call& c, auto&, auto& res) {
                 answer(res, 200,
                        {{"pairs", store_.duplicates(c.who.role == "admin" ? "" : c.who.area, 200)},
                         {"merges", merges_described(visible_merges(c.who))}});
               }));
    server.Post(api + "/merges", endpoint("merge", ConsoleRight::coordinate, [this](Call& c, auto&, auto& res) {
                  const std::string keep = text(c.body, "keep"), dup = text(c.body, "duplicate");
                  const std::string reason = text(c.body, "reason", false);
                  c.entity = "patient";
                  c.record_id = dup;
                  c.detail = {{"keep", keep}, {"reason", reason}};
                  for (const auto& id : {keep, dup})
                    if (!sees_area(c.who, store_.record_area("patient", id)))
                      throw CentralError(404, "unknown_patient", "no patient " + id);
                  answer(res, 200, store_.merge_patients(keep, dup, reason, c.by));
                }));
    server.Post(api + R"(/merges/([0-9a-fA-F-]{1,64})/undo)",
                endpoint("undo_merge", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                  const std::string id = req.matches[1];
                  c.entity = "merge";
                  c.record_id = id;
                  if (c.who.role != "admin") {
                    bool found = false;
                    for (const auto& m : visible_merges(c.who)) found |= m.value("merge_id", "") == id;
                    if (!found) throw CentralError(404, "unknown_merge", "no merge " + id);
                  }
                  const std::string reason = text(c.body, "reason", false);
                  c.detail = {{"reason", reason}};
                  answer(res, 200, store_.undo_merge(id, reason, c.by));
                }));

    // Patients (admin, coordinator of the patient's village; a viewer never).
    // Lists mask the 身份证; the opened patient shows it whole, and opening
    // one is audited (its id only, never its data).
    server.Get(api + "/patients", endpoint("patients", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                 const std::string q = req.get_param_value("q");
                 const int limit = int_param(req, "limit", 50, 1, 200);
                 json out = json::array();
                 // A coordinator's hits are narrowed after the search: it
                 // looks further so that other areas' namesakes leave room.
                 for (auto& p : store_.search_patients(q, c.who.role == "admin" ? limit : limit * 4)) {
                   if (static_cast<int>(out.size()) == limit) break;
                   if (!sees_patient(c.who, p.value("id", ""))) continue;
                   p["id_number"] = mask_id_number(p.value("id_number", ""));
                   out.push_back(std::move(p));
                 }
                 answer(res, 200, {{"query", q}, {"patients", out}});
               }));
    server.Get(api + R"(/patients/([0-9A-Za-z-]{1,64}))",
               endpoint("open_patient", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                 const std::string id = req.matches[1];
                 c.audited = true;  // who opened which patient, refused or not
                 c.action = "create";
                 c.entity = "patient_view";
                 c.record_id = id;
                 if (!sees_patient(c.who, id)) throw CentralError(404, "unknown_patient", "no patient " + id + " in your area");
                 json history = store_.patient_history(id);
                 // A referral's and a follow-up's status in words, in both
                 // languages (core's labels; the page shows its own).
                 auto label = [&](const char* list, std::string_view (*words)(std::string_view, Lang)) {
                   if (!history.contains(list)) return;
                   for (auto& r : history[list])
                     if (r.is_object() && r.value("status", json()).is_string()) {
                       const std::string st = r["status"].get<std::string>();
                       r["status_label"] = {{"zh", words(st, Lang::zh)}, {"en", words(st, Lang::en)}};
                     }
                 };
                 label("referrals", &referral_status_label);
                 label("follow_ups", &follow_up_status_label);
                 // A screening's programme, result and risk grade, and an
                 // observation's kind, in words too (the programme's own
                 // name and grades, as this store knows its version).
                 auto each = [](json& list, auto fn) {
                   if (list.is_array())
                     for (auto& r : list)
                       if (r.is_object()) fn(r);
                 };
                 std::map<std::pair<std::string, int>, ProgramPtr> programs;
                 each(history["screenings"], [&](json& s) {
                   const std::string id = s.value("program_id", ""), grade = s.value("risk_grade", "");
                   const json& v = s.value("program_version", json());
                   const int version = v.is_number_integer() ? v.get<int>() : 0;
                   auto it = programs.find({id, version});
                   if (it == programs.end())
                     it = programs.emplace(std::pair(id, version), store_.program(id, version)).first;
                   const Program* p = it->second.get();
                   if (p) s["program_label"] = both([&](Lang l) { return p->name.in(l); });
                   if (const json& r = s.value("result", json()); r.is_string())
                     s["result_label"] =
                         both([&](Lang l) { return std::string(result_label(r.get<std::string>(), l)); });
                   if (!grade.empty())
                     s["risk_grade_label"] = both([&](Lang l) { return p ? p->grade_label(grade, l) : grade; });
                 });
                 each(history["encounters"], [&](json& e) {
                   each(e["observations"], [&](json& o) {
                     if (const VitalKind* k = find_vital(o.value("kind", "")))
                       o["kind_label"] = {{"zh", k->zh}, {"en", k->en}};
                   });
                 });
                 answer(res, 200, history);
               }));
    server.Post(api + R"(/patients/([0-9A-Za-z-]{1,64}))",
                endpoint("edit_patient", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                  const std::string id = req.matches[1];
                  c.entity = "patient";
                  c.record_id = id;
                  if (!sees_patient(c.who, id)) throw CentralError(404, "unknown_patient", "no patient " + id + " in your area");
                  const json fields = c.body.value("fields", json());
                  if (c.who.role != "admin" && fields.is_object() && fields.contains("village_code") &&
                      fields["village_code"].is_string() && !area_covers(c.who.area, fields["village_code"].get<std::string>()))
                    throw CentralError(403, "outside_area", "village_code: outside your area " + c.who.area);
                  c.detail = {{"fields", json::array()}};
                  if (fields.is_object())
                    for (const auto& [k, v] : fields.items()) c.detail["fields"].push_back(k);
                  answer(res, 200, store_.edit_patient(id, fields, c.by));
                }));

    // Reports (every role; a coordinator's narrowed to their area).
    server.Get(api + "/report", endpoint("report", ConsoleRight::reports, [this](Call& c, auto& req, auto& res) {
                 ReportQuery q;
                 q.from = req.get_param_value("from");
                 q.to = req.get_param_value("to");
                 q.township = req.get_param_value("township");
                 if (c.who.role == "coordinator") {
                   if (q.township.empty()) q.township = c.who.area;
                   if (!area_covers(c.who.area, q.township))
                     throw CentralError(403, "outside_area", "township: outside your area " + c.who.area);
                 }
                 answer(res, 200, json::parse(store_.report(req.get_param_value("team"), q, false, Lang::zh)));
               }));

    // What a list may be of: the screening programs (latest versions) and
    // the results a screening list is filtered by, in both languages.
    server.Get(api + "/programs", endpoint("programs", ConsoleRight::coordinate, [this](Call&, auto&, auto& res) {
                 json programs = json::array();
                 for (const ProgramPtr& p : store_.programs())
                   programs.push_back({{"id", p->id},
                                       {"version", p->version},
                                       {"label", both([&](Lang l) { return p->name.in(l); })}});
                 json results = json::array();
                 for (const std::string_view r : kScreeningListResults)
                   results.push_back(
                       {{"value", r}, {"label", both([&](Lang l) { return std::string(result_label(r, l)); })}});
                 answer(res, 200, json{{"programs", programs}, {"results", results}});
               }));

    // Lists of patients to download (admin, coordinator of the place): the
    // store writes the file (and audits the export); it is sent and removed.
    server.Get(api + R"(/exports/(follow-ups|screening-list))",
               endpoint("export", ConsoleRight::coordinate, [this](Call& c, auto& req, auto& res) {
                 const std::string list = req.matches[1];
                 c.audited = true;  // refused or not
                 c.action = "create";
                 c.entity = "export";
                 c.record_id = list;
                 const ExportFormat format = parse_export_format(req.get_param_value("format"));
                 const IdNumbers ids = req.get_param_value("mask") == "0" ? IdNumbers::whole : IdNumbers::masked;
                 const Sheets sheets = req.get_param_value("by_township") == "1" ? Sheets::per_township : Sheets::one;
                 const Lang lang = req.get_param_value("lang") == "en" ? Lang::en : Lang::zh;
                 std::string place = req.get_param_value("place");
                 if (c.who.role == "coordinator") {
                   if (place.empty()) place = c.who.area;
                   if (!area_covers(c.who.area, place))
                     throw CentralError(403, "outside_area", "place: outside your area " + c.who.area);
                 }
                 const std::string ext = format == ExportFormat::xlsx ? ".xlsx" : ".csv";
                 const std::filesystem::path file =
                     std::filesystem::temp_directory_path() / ("yizhen-console-" + random_token(12) + ext);
                 struct Remove {
                   std::filesystem::path p;
                   ~Remove() {
                     std::error_code ec;
                     std::filesystem::remove(p, ec);
                   }
                 } remove{file};
                 ExportSummary done;
                 if (list == "follow-ups") {
                   WorklistQuery q;
                   q.place = place;
                   q.from = req.get_param_value("from");
                   q.until = req.get_param_value("to");
                   q.program = req.get_param_value("program");
                   done = store_.export_follow_ups(q, format, file.string(), lang, ids, sheets, c.by);
                 } else {
                   ScreeningListQuery q;
                   q.program = req.get_param_value("program");
                   q.result = req.get_param_value("result");
                   q.township = place;
                   q.from = req.get_param_value("from");
                   q.to = req.get_param_value("to");
                   done = store_.export_screening_list(q, format, file.string(), lang, ids, sheets, c.by);
                 }
                 c.detail = {{"place", place}, {"rows", done.rows}, {"ids_masked", ids == IdNumbers::masked},
                             {"format", ext.substr(1)}};
                 res.status = 200;
                 res.set_header("Content-Disposition", "attachment; filename=\"" + list + ext + "\"");
                 res.set_header("X-Export-Rows", std::to_string(done.rows));
                 res.set_content(read_file(file.string()),
                                 format == ExportFormat::xlsx
                                     ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                     : "text/csv; charset=utf-8");
               }));

    // Audit and accounts (admin).
    // A row about a kind of record says it in words too ("entity_label",
    // core's), and the record as a person knows it ("gist"); the console's
    // own objects (sessions, exports, ...) the page words itself.
    server.Get(api + "/audit", endpoint("audit", ConsoleRight::administer, [this](Call&, auto& req, auto& res) {
                 json rows = store_.audit_log(int_param(req, "limit", 200, 1, 5000));
                 for (auto& r : rows)
                   if (const std::string e = r.value("entity", ""); find_entity(e))
                     r["entity_label"] = both([&](Lang l) { return std::string(word("entity", e, l)); });
                 answer(res, 200, audit_described(std::move(rows)));
               }));
    server.Get(api + "/accounts", endpoint("accounts", ConsoleRight::administer, [this](Call&, auto&, auto& res) {
                 answer(res, 200, store_.accounts());
               }));
    server.Post(api + "/accounts", endpoint("add_account", ConsoleRight::administer, [this](Call& c, auto&, auto& res) {
                  const std::string name = text(c.body, "name"), role = text(c.body, "role");
                  const std::string area = text(c.body, "area", false);
                  c.action = "create";
                  c.entity = "account";
                  c.record_id = name;
                  c.detail = {{"role", role}, {"area", area}};  // never the password
                  store_.add_account(name, role, area, text(c.body, "password"), c.by);
                  answer(res, 201, {{"name", name}, {"role", role}, {"area", area}});
                }));
    server.Post(api + "/accounts/disable", endpoint("disable_account", ConsoleRight::administer,
                                                    [this](Call& c, auto&, auto& res) {
                                                      const std::string name = text(c.body, "name");
                                                      c.entity = "account";
                                                      c.record_id = name;
                                                      store_.disable_account(name, c.by);
                                                      answer(res, 200, {{"name", name}, {"disabled", true}});
                                                    }));
  }

 private:
  CentralStore& store_;
  LogFn log_;
  ConsoleOptions o_;
  SignInThrottle throttle_;

  void asset(httplib::Response& res, const std::string& path) {
    security_headers(res);
    for (const auto& a : console_assets())
      if (a.path == path) {
        res.set_header("Cache-Control", "no-cache");
        res.set_content(std::string(a.body), std::string(content_type_of(a.path)));
        return;
      }
    send_problem(res, 404, "not_found", "no such page");
  }

  // The checks every API request but login passes, in this order: a
  // session (401), for a POST its JSON type (415), Origin and CSRF token
  // (403), the role's right (403); then the handler, its errors answered as
  // problem details; then, for a POST or a refusal, the audit row.
  httplib::Server::Handler endpoint(const char* verb, ConsoleRight right, Fn fn) {
    return [this, self = shared_from_this(), verb, right, fn](const httplib::Request& req, httplib::Response& res) {
      security_headers(res);
      res.set_header("Cache-Control", "no-store");
      Call c;
      c.token = cookie_token(req.get_header_value("Cookie"));
      std::optional<AccountInfo> who;
      try {
        if (!c.token.empty()) who = store_.console_session(console_session_key(c.token), o_.idle_ms);
      } catch (const std::exception& e) {
        if (log_) log_(std::string("console: session lookup failed: ") + typeid(e).name());
      }
      if (!who) {
        if (!c.token.empty()) res.set_header("Set-Cookie", cleared_cookie(o_.secure));
        return send_problem(res, 401, "unauthenticated", "sign in first (or again: the session ended)");
      }
      c.who = *who;
      c.by = {"console:" + c.who.name, req.remote_addr, verb};
      const bool post = req.method != "GET";
      bool refused = true;
      if (post && !json_body(req)) {
        send_problem(res, 415, "bad_content_type", "send the body as application/json");
      } else if (post && !origin_ok(req)) {
        send_problem(res, 403, "bad_origin", "the request came from another site");
      } else if (post && !console_csrf_matches(c.token, req.get_header_value(kCsrfHeader))) {
        send_problem(res, 403, "csrf", "the request lacks this session's X-CSRF-Token");
      } else if (!has_right(c.who, right)) {
        send_problem(res, 403, "forbidden", "the role " + c.who.role + " may not do this");
      } else {
        refused = false;
        run(c, req, res, fn);
      }
      const bool store_audited = !refused && c.by.rows > 0 && res.status < 300;
      if ((post || refused || c.audited) && !store_audited) {
        json detail = c.detail;
        detail["verb"] = verb;
        detail["status"] = res.status;
        if (const std::string problem = res.get_header_value(kProblemHeader); !problem.empty())
          detail["problem"] = problem;
        audit(c.who.name, req.remote_addr, refused ? "update" : c.action, c.entity, c.record_id, detail);
      }
    };
  }

  void run(Call& c, const httplib::Request& req, httplib::Response& res, const Fn& fn) {
    try {
      if (req.method != "GET" && !req.body.empty()) {
        if (req.body.size() > kMaxBody) return send_problem(res, 413, "too_large", "the body is over 64 KiB");
        c.body = json::parse(req.body, nullptr, false);
        if (!c.body.is_object()) return send_problem(res, 400, "bad_request", "send a JSON object");
      }
      fn(c, req, res);
    } catch (const CentralError& e) {
      send_problem_with_errors(res, e.status(), e.code(), e.what(), e.errors());
    } catch (const ValidationError& e) {
      send_problem_with_errors(res, 400, e.errors().empty() ? "invalid" : e.errors().front().code, e.what(),
                               e.errors());
    } catch (const json::exception&) {
      send_problem(res, 400, "bad_request", "a member of the request has the wrong type or is out of range");
    } catch (const std::exception& e) {
      if (log_) log_(std::string("console: internal error: ") + typeid(e).name());
      send_problem(res, 500, "internal", "the server could not handle this request");
    }
  }

  void login(const httplib::Request& req, httplib::Response& res) {
    security_headers(res);
    res.set_header("Cache-Control", "no-store");
    if (!json_body(req)) return send_problem(res, 415, "bad_content_type", "send the body as application/json");
    if (!origin_ok(req)) return send_problem(res, 403, "bad_origin", "the request came from another site");
    const json body = req.body.size() <= 4096 ? json::parse(req.body, nullptr, false) : json();
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string() || !body.contains("password") ||
        !body["password"].is_string())
      return send_problem(res, 400, "bad_request", "send {\"name\", \"password\"}");
    const std::string name = body["name"];
    const int64_t now = SystemClock().now_ms();
    if (const int64_t wait = throttle_.locked_for(name, now); wait > 0) {
      // Locked (SignInThrottle): refused before the password is looked at.
      res.set_header("Retry-After", std::to_string((wait + 999) / 1000));
      send_problem(res, 429, "locked", "too many failed sign-ins for this name: try again in " +
                                           std::to_string((wait + 59'999) / 60'000) + " minutes");
      audit("", req.remote_addr, "create", "console_session", "",
            {{"verb", "login"}, {"status", 429}, {"problem", "locked"}, {"name", name.substr(0, 60)}});
      return;
    }
    std::optional<AccountInfo> who;
    try {
      who = store_.sign_in(name, body["password"]);
    } catch (const std::exception& e) {
      if (log_) log_(std::string("console: sign-in failed: ") + typeid(e).name());
      return send_problem(res, 500, "internal", "the server could not handle this request");
    }
    if (!who) {
      // One answer for an unknown name, a disabled account and a wrong password.
      send_problem(res, 401, "bad_login", "wrong name or password");
      json detail = {{"verb", "login"}, {"status", 401}, {"problem", "bad_login"}, {"name", name.substr(0, 60)}};
      if (throttle_.failed(name, now)) detail["locked_minutes"] = kSignInLockMs / 60'000;
      audit("", req.remote_addr, "create", "console_session", "", detail);
      return;
    }
    throttle_.succeeded(name);
    const ConsoleToken t = new_console_token();
    try {
      store_.open_console_session(t.key, who->name, req.remote_addr, o_.idle_ms);
    } catch (const CentralError& e) {
      return send_problem(res, e.status(), e.code(), e.what());
    } catch (const std::exception& e) {
      if (log_) log_(std::string("console: session not opened: ") + typeid(e).name());
      return send_problem(res, 500, "internal", "the server could not handle this request");
    }
    res.set_header("Set-Cookie", session_cookie(t.token, o_.secure));
    audit(who->name, req.remote_addr, "create", "console_session", who->name, {{"verb", "login"}, {"status", 200}});
    answer(res, 200, {{"name", who->name}, {"role", who->role}, {"area", who->area}, {"csrf", console_csrf(t.token)}});
  }

  static bool json_body(const httplib::Request& req) {
    return req.get_header_value("Content-Type").rfind("application/json", 0) == 0;
  }

  bool origin_ok(const httplib::Request& req) const {
    // Browsers send Origin with every POST; a script without one still
    // needs the session's CSRF token.
    return !req.has_header("Origin") || same_origin(req.get_header_value("Origin"), req.get_header_value("Host"), o_.secure);
  }

  void audit(const std::string& account, const std::string& address, const std::string& action,
             const std::string& entity, const std::string& record_id, const json& detail) {
    try {
      store_.audit_console(account, address, action, entity, record_id, detail);
    } catch (const std::exception& e) {
      if (log_) log_(std::string("console: audit failed: ") + e.what());
    }
  }

  // Team name -> its area (devices() and arrivals() name the team).
  std::map<std::string, std::string> team_areas() {
    std::map<std::string, std::string> out;
    for (const auto& t : store_.teams()) out[t.value("name", "")] = t.value("area", "");
    return out;
  }

  json visible_conflicts(const AccountInfo& who) {
    json all = store_.conflicts(1000, false);
    if (who.role == "admin") return all;
    json out = json::array();
    for (auto& c : all)
      if (sees_area(who, store_.record_area(c.value("entity", ""), c.value("id", "")))) out.push_back(c);
    return out;
  }

  json visible_quarantine(const AccountInfo& who) {
    json all = store_.quarantine(1000);
    if (who.role == "admin") return all;
    std::map<std::string, bool> by_device;
    json out = json::array();
    for (auto& q : all) {
      const std::string device = q.value("device_id", "");
      auto it = by_device.find(device);
      if (it == by_device.end()) {
        const auto d = store_.device_by_id(device);
        it = by_device.emplace(device, d && sees_area(who, d->team_area)).first;
      }
      if (it->second) out.push_back(q);
    }
    return out;
  }

  json visible_merges(const AccountInfo& who) {
    json all = store_.merges(200);
    if (who.role == "admin") return all;
    json out = json::array();
    for (auto& m : all)
      if (sees_area(who, store_.record_area("patient", m.value("kept", "")))) out.push_back(m);
    return out;
  }

  // Gists with their village's name ("village_name") where the store knows
  // the code: a coordinator knows 甲玛村, not 540127205201.
  std::vector<json> with_village_names(std::vector<json> gists) {
    std::vector<std::string> codes;
    for (const auto& g : gists)
      if (g.contains("village")) codes.push_back(g["village"].get<std::string>());
    const auto names = store_.place_names(codes);
    for (auto& g : gists)
      if (g.contains("village"))
        if (const auto it = names.find(g["village"].get<std::string>()); it != names.end()) g["village_name"] = it->second;
    return gists;
  }

  // Each row's record kind in words (core's) and what a person knows the
  // record by (CentralStore::record_gists): "kind_label", "gist", and a
  // conflict's field in words, "field_label". A quarantined change's fields
  // count, its record may be new.
  json described(json rows) {
    std::vector<CentralStore::GistOf> of;
    for (const auto& r : rows) {
      const json& change = r.contains("change") ? r["change"] : r;
      const json* fields =
          change.is_object() && change.contains("fields") && change["fields"].is_object() ? &change["fields"] : nullptr;
      of.push_back({r.value("entity", ""), r.value("id", ""), fields});
    }
    const std::vector<json> gists = with_village_names(store_.record_gists(of));
    for (size_t i = 0; i < rows.size(); ++i) {
      const std::string kind = of[i].entity;
      rows[i]["kind_label"] = both([&](Lang l) { return std::string(word("entity", kind, l)); });
      rows[i]["gist"] = gists[i];
      if (const json& f = rows[i].value("field", json()); f.is_string())
        rows[i]["field_label"] = both([&](Lang l) { return std::string(field_label(f.get<std::string>(), l)); });
    }
    return rows;
  }
  // Audit rows with the record each is about as a person knows it
  // ("gist"): its own record, a patient opened (patient_view), the team an
  // enrollment code was made for, or the record a coordinator's decision
  // was on (detail.entity, detail.record_id); and the devices and teams a
  // row names by id by their names (their records' gists): "names"
  // {"device_id": …, "team_id": …} for its detail's, "actor_name" for a
  // device's own row (actor "device:<id>").
  json audit_described(json rows) {
    std::vector<CentralStore::GistOf> of;
    struct Into {
      size_t row;
      std::string key;  // "" the row's gist, "actor" its actor_name, else the detail key named
    };
    std::vector<Into> into;
    auto ask = [&](size_t row, std::string kind, std::string id, std::string key) {
      if (!find_entity(kind) || id.empty()) return;
      of.push_back({std::move(kind), std::move(id), nullptr});
      into.push_back({row, std::move(key)});
    };
    for (size_t i = 0; i < rows.size(); ++i) {
      const json& r = rows[i];
      const auto d = r.find("detail");
      const bool detailed = d != r.end() && d->is_object();
      std::string kind = string_member(r, "entity"), id = string_member(r, "record_id");
      if (kind == "patient_view") kind = "patient";
      if (kind == "enroll_code") kind = "team";
      if (!find_entity(kind) && detailed) {
        kind = string_member(*d, "entity");
        id = string_member(*d, "record_id");
      }
      ask(i, kind, id, "");
      if (const std::string actor = string_member(r, "actor"); actor.rfind("device:", 0) == 0)
        ask(i, "device", actor.substr(7), "actor");
      if (detailed) {
        ask(i, "device", string_member(*d, "device_id"), "device_id");
        ask(i, "team", string_member(*d, "team_id"), "team_id");
      }
    }
    const std::vector<json> gists = with_village_names(store_.record_gists(of));
    for (size_t k = 0; k < into.size(); ++k) {
      json& row = rows[into[k].row];
      if (gists[k].empty()) continue;
      if (into[k].key.empty()) {
        row["gist"] = gists[k];
      } else if (const std::string name = string_member(gists[k], "name"); name.empty()) {
        continue;
      } else if (into[k].key == "actor") {
        row["actor_name"] = name;
      } else {
        row["names"][into[k].key] = name;
      }
    }
    return rows;
  }
  // A merge's two patients as a person knows them: "kept_gist", "duplicate_gist".
  json merges_described(json rows) {
    std::vector<CentralStore::GistOf> of;
    for (const auto& m : rows) {
      of.push_back({"patient", m.value("kept", ""), nullptr});
      of.push_back({"patient", m.value("duplicate", ""), nullptr});
    }
    const std::vector<json> gists = with_village_names(store_.record_gists(of));
    for (size_t i = 0; i < rows.size(); ++i) {
      rows[i]["kept_gist"] = gists[2 * i];
      rows[i]["duplicate_gist"] = gists[2 * i + 1];
    }
    return rows;
  }

  bool sees_patient(const AccountInfo& who, const std::string& id) {
    return who.role == "admin" ? true : sees_area(who, store_.record_area("patient", id));
  }

  // A coordinator acts only on rows they can list; another area's row is
  // answered as unknown (its existence is not theirs to learn).
  static void require_visible(const json& rows, const char* key, int64_t id, const char* code) {
    for (const auto& r : rows)
      if (r.value(key, int64_t{-1}) == id) return;
    throw CentralError(404, code, "no such row " + std::to_string(id) + " in your area");
  }
};

}  // namespace

void install_console_routes(httplib::Server& server, CentralStore& store, LogFn log, const ConsoleOptions& options) {
  std::make_shared<Console>(store, std::move(log), options)->install(server);
}

}  // namespace yz::sync
