// Issue 12: the server trusts a device only inside its team's area. Each
// case is an attack by an enrolled device of a second team against the real
// yizhen-server on 127.0.0.1: nothing of the other team is read or changed,
// and the server keeps serving and enrolling.
#include <httplib.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <atomic>
#include <chrono>
#include <climits>
#include <filesystem>
#include <thread>

#include "core/base/clock.h"
#include "core/base/files.h"
#include "core/base/hlc.h"
#include "core/base/uuid.h"
#include "core/replication/changes.h"
#include "sync/client/batch_files.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/crypto.h"
#include "tests/sync/raw_socket.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;
using Steady = std::chrono::steady_clock;

namespace {

int64_t now_ms() { return SystemClock().now_ms(); }

std::string one(Device& d, const std::string& sql) {
  SQLite::Statement q(d.store.db(), sql);
  return q.executeStep() && !q.getColumn(0).isNull() ? q.getColumn(0).getString() : std::string();
}

std::string add_patient(Store& s, const std::string& village) {
  std::string pid;
  s.transact([&](Writer& w) {
    pid = w.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 52}, {"village_code", village}});
    w.create("encounter", {{"patient_id", pid}, {"station", "内科"}, {"complaint", "头晕"}});
  });
  return pid;
}

int port_of(const Server& s) { return yz_sync_test::port_of(s.url); }

// A device that writes its own batches, as an attacker holding an enrolled
// laptop and its token would.
struct Crafter {
  std::string token, sign_secret, device_id;
  int64_t seq = 1000;
  IdSource ids;

  explicit Crafter(Device& d)
      : token(*d.store.setting(sync::kTokenKey)),
        sign_secret(*d.store.setting(sync::kSignSecretKey)),
        device_id(d.store.device_id()) {}

  std::string stamp(int64_t ms = 0) { return Hlc{ms ? ms : now_ms(), 0, device_id}.str(); }
  std::string new_id() { return ids.next(now_ms()); }

  httplib::Result post(const Server& s, const json& changes, int64_t created_ms = 0) {
    sync::BatchHeader h{new_id(), device_id, "", seq++, 1};
    const json batch = sync::seal_batch(changes, h, created_ms ? created_ms : now_ms(), sign_secret);
    httplib::Client http(s.url);
    return http.Post("/v1/batches", {{"Authorization", "Bearer " + token}}, batch.dump(), "application/json");
  }

  // The receipt of a batch the server must accept.
  json push(const Server& s, const json& changes, int64_t created_ms = 0) {
    auto r = post(s, changes, created_ms);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    return json::parse(r->body);
  }
};

// The codes of a receipt's quarantined changes, in order.
std::vector<std::string> refusal_codes(const json& receipt) {
  std::vector<std::string> out;
  for (const auto& q : receipt["quarantined"]) out.push_back(q["errors"][0]["code"].get<std::string>());
  return out;
}

json record_of(Device& d, const std::string& entity, const std::string& id) {
  ChangeReader r(d.store.db());
  auto c = r.read(*find_entity(entity), id);
  r.release();
  REQUIRE(c.has_value());
  return *c;
}

// Bytes sent on a fresh connection, and what came back within `timeout_ms`
// (until the server closed the connection or went quiet).
std::string send_raw(int port, const std::string& request, int timeout_ms = 3000, const std::string& body = "") {
  const int fd = connect_loopback(port);
  if (fd < 0) return "";
  auto send_all = [&](const std::string& data) {
    for (size_t at = 0; at < data.size();) {
      const ssize_t n = ::send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return;
      at += static_cast<size_t>(n);
    }
  };
  send_all(request);
  send_all(body);
  std::string out;
  const auto deadline = Steady::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (Steady::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) {
      if (out.find("\r\n\r\n") != std::string::npos && out.find("Content-Length") != std::string::npos) {
        const auto head_end = out.find("\r\n\r\n") + 4;
        const auto cl = out.find("Content-Length: ");
        if (out.size() - head_end >= std::stoul(out.substr(cl + 16))) break;
      }
      continue;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

int status_of(const std::string& response) {
  return response.size() > 12 && response.compare(0, 5, "HTTP/") == 0 ? std::stoi(response.substr(9, 3)) : 0;
}

}  // namespace

TEST_CASE_TEMPLATE("Hole 1: team, device and another team's staff records pushed by a device are not_allowed", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device lhasa(dir.file("a.db")), kashgar(dir.file("b.db"));
  lhasa.enroll(server, server.enroll_code("拉萨队", "540102"));
  kashgar.enroll(server, server.enroll_code("喀什队", "653101"));
  add_patient(lhasa.store, "540102001001");
  lhasa.sync(server);
  lhasa.store.create("member", {{"team_id", one(lhasa, "SELECT id FROM team")}, {"name", "次仁"}, {"role", "nurse"}});
  lhasa.sync(server);
  kashgar.sync(server);
  // Each device holds its own team record, and no other team's staff.
  CHECK(kashgar.count("SELECT count(*) FROM team") == 1);
  CHECK(kashgar.count("SELECT count(*) FROM member") == 0);
  const std::string team_a = one(lhasa, "SELECT id FROM team"), team_b = one(kashgar, "SELECT id FROM team");
  REQUIRE(team_a != team_b);

  Crafter k(kashgar);
  json own_team = record_of(kashgar, "team", team_b);
  own_team["hlc"] = k.stamp();
  own_team["fields"]["area_code"] = nullptr;  // "every area"
  own_team["stamps"]["area_code"] = own_team["hlc"];
  json their_team = record_of(lhasa, "team", team_a);
  their_team["hlc"] = k.stamp();
  their_team["fields"]["area_code"] = "653101";
  their_team["stamps"]["area_code"] = their_team["hlc"];
  json their_device = record_of(lhasa, "device", lhasa.store.device_id());
  their_device["hlc"] = k.stamp();
  their_device["fields"]["team_id"] = team_b;
  their_device["stamps"]["team_id"] = their_device["hlc"];
  const json their_member = {{"entity", "member"}, {"id", k.new_id()}, {"hlc", k.stamp()}, {"deleted", false},
                             {"fields", {{"team_id", team_a}, {"name", "假人"}, {"role", "admin"}}}};
  const json own_member = {{"entity", "member"}, {"id", k.new_id()}, {"hlc", k.stamp()}, {"deleted", false},
                           {"fields", {{"team_id", team_b}, {"name", "阿依古丽"}, {"role", "nurse"}}}};
  const json receipt = k.push(server, json::array({own_team, their_team, their_device, their_member, own_member}));
  CHECK(refusal_codes(receipt) == std::vector<std::string>{"not_allowed", "not_allowed", "not_allowed", "not_allowed"});
  CHECK(receipt["applied"] == 1);  // its own staff member

  // Its next full pull still brings nothing of Lhasa.
  kashgar.store.set_setting(sync::kCursorKey, "0");
  kashgar.sync(server);
  CHECK(kashgar.count("SELECT count(*) FROM patient") == 0);
  CHECK(kashgar.count("SELECT count(*) FROM member WHERE team_id <> '" + team_b + "'") == 0);
  // The server's teams are as the coordinator made them.
  const json teams = admin_json(server, {"teams"});
  REQUIRE(teams.size() == 2);
  for (const auto& t : teams) CHECK(t["area"] == (t["name"] == "拉萨队" ? "540102" : "653101"));
  // Lhasa's devices see their own staff, not Kashgar's; a new one still enrolls.
  Device lhasa2(dir.file("c.db"));
  lhasa2.enroll(server, server.enroll_code("拉萨队", ""));
  lhasa2.sync(server);
  CHECK(lhasa2.count("SELECT count(*) FROM patient") == 1);
  CHECK(lhasa2.count("SELECT count(*) FROM member") == 1);
  CHECK(lhasa2.count("SELECT count(*) FROM team") == 1);
  CHECK(one(lhasa2, "SELECT team_id FROM device WHERE id = '" + lhasa.store.device_id() + "'") == team_a);
}

TEST_CASE_TEMPLATE("Hole 2: a device cannot create, change or tombstone records outside its team's area", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device lhasa(dir.file("a.db")), kashgar(dir.file("b.db"));
  lhasa.enroll(server, server.enroll_code("拉萨队", "540102"));
  kashgar.enroll(server, server.enroll_code("喀什队", "653101"));
  const std::string pid = add_patient(lhasa.store, "540102001001");
  lhasa.sync(server);
  kashgar.sync(server);

  Crafter k(kashgar);
  const json original = record_of(lhasa, "patient", pid);
  json overwrite = original;
  overwrite["hlc"] = k.stamp();
  overwrite["fields"]["phone"] = "13900000000";
  overwrite["stamps"]["phone"] = overwrite["hlc"];
  json moved = original;  // "moved" into the attacker's area, to pull it back whole
  moved["hlc"] = k.stamp();
  moved["fields"]["village_code"] = "653101001001";
  moved["stamps"]["village_code"] = moved["hlc"];
  json tombstone = original;
  tombstone["hlc"] = k.stamp();
  tombstone["deleted"] = true;
  const json child = {{"entity", "encounter"}, {"id", k.new_id()}, {"hlc", k.stamp()}, {"deleted", false},
                      {"fields", {{"patient_id", pid}, {"station", "内科"}, {"complaint", "伪造"}}}};
  const json foreign = {{"entity", "patient"}, {"id", k.new_id()}, {"hlc", k.stamp()}, {"deleted", false},
                        {"fields", {{"name", "假名"}, {"sex", "M"}, {"birth_date", "1970-01-01"},
                                    {"village_code", "540102001002"}}}};
  const json own = {{"entity", "patient"}, {"id", k.new_id()}, {"hlc", k.stamp()}, {"deleted", false},
                    {"fields", {{"name", "阿依古丽"}, {"sex", "F"}, {"birth_date", "1980-05-01"},
                                {"village_code", "653101001001"}}}};
  const json receipt = k.push(server, json::array({overwrite, moved, tombstone, child, foreign, own}));
  CHECK(refusal_codes(receipt) ==
        std::vector<std::string>(5, "outside_area"));
  CHECK(receipt["applied"] == 1);

  // Lhasa's records are as Lhasa left them; Kashgar pulled none of them.
  Device lhasa2(dir.file("c.db"));
  lhasa2.enroll(server, server.enroll_code("拉萨队", ""));
  lhasa2.sync(server);
  const auto held = lhasa2.store.get("patient", pid);
  REQUIRE(held.has_value());
  CHECK((*held)["phone"].is_null());
  CHECK((*held)["village_code"] == "540102001001");
  CHECK((*held)["deleted"] == false);
  CHECK(lhasa2.count("SELECT count(*) FROM encounter") == 1);
  CHECK(lhasa2.count("SELECT count(*) FROM patient") == 1);
  kashgar.store.set_setting(sync::kCursorKey, "0");
  kashgar.sync(server);
  CHECK(kashgar.count("SELECT count(*) FROM patient WHERE village_code LIKE '5401%'") == 0);
  CHECK(kashgar.count("SELECT count(*) FROM encounter") == 0);
  CHECK(admin_json(server, {"stats"})["patient"] == 2);
  // Quarantine names the reason (one row per record and batch).
  const json q = admin_json(server, {"quarantine"});
  CHECK(q.size() == 3);
  CHECK(q[0]["errors"][0]["code"] == "outside_area");
}

TEST_CASE_TEMPLATE("Hole 3: a stamp far ahead never moves the server's clock, a fast laptop's edit loses to a later one", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  ManualClock ahead(now_ms() + int64_t{3} * 365 * 86'400'000);
  StoreOptions fast_opts;
  fast_opts.clock = &ahead;
  Device normal(dir.file("a.db")), fast(dir.file("b.db"), fast_opts), third(dir.file("c.db"));
  for (Device* d : {&normal, &fast, &third}) d->enroll(server, server.enroll_code());
  const std::string pid = add_patient(normal.store, "540102001001");
  normal.sync(server);
  fast.sync(server);

  // A forged stamp in the year 2286, from a device whose batch says its
  // clock is right: refused, and the server's clock does not follow it.
  Crafter f(fast);
  json poisoned = record_of(normal, "patient", pid);
  poisoned["hlc"] = "9999999999999.99999." + f.device_id;
  poisoned["fields"]["phone"] = "13900000000";
  poisoned["stamps"]["phone"] = poisoned["hlc"];
  const json receipt = f.push(server, json::array({poisoned}), now_ms());
  CHECK(refusal_codes(receipt) == std::vector<std::string>{"stamp_ahead"});
  // A batch whose created_ms is the lowest int64 is taken; the skew saturates.
  CHECK(f.push(server, json::array(), INT64_MIN)["applied"] == 0);

  // The fast laptop edits, then a correct laptop edits later: the later wins everywhere.
  fast.store.update("patient", pid, {{"phone", "13911111111"}});
  fast.sync(server);
  normal.sync(server);
  CHECK((*normal.store.get("patient", pid))["phone"] == "13911111111");
  normal.store.update("patient", pid, {{"phone", "13922222222"}});
  normal.sync(server);
  third.sync(server);
  CHECK((*third.store.get("patient", pid))["phone"] == "13922222222");
  // Nobody's clock went to the year 2286 or three years ahead.
  for (Device* d : {&normal, &third}) {
    const std::string h = d->store.setting("hlc").value_or("");
    INFO("hlc of a device: " << h);
    REQUIRE(h.size() > 14);
    CHECK(h[13] == '.');
    CHECK(std::stoll(h.substr(0, 13)) < now_ms() + 600'000);
  }
  // The server still enrolls new teams after a restart, and coordinators see the skew.
  server.kill();
  server.start();
  Device later(dir.file("d.db"));
  later.enroll(server, server.enroll_code("新队", "6531"));
  bool seen = false;
  for (const auto& d : admin_json(server, {"devices"}))
    if (d["device_id"] == fast.store.device_id()) {
      seen = true;
      CHECK(d["clock_skew_ms"].get<int64_t>() > int64_t{2} * 365 * 86'400'000);
    }
  CHECK(seen);
}

TEST_CASE("Hole 3: a database poisoned by a stamp far ahead is repaired when the server opens it") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code());
  const std::string pid = add_patient(a.store, "540102001001");
  a.sync(server);
  server.kill();
  {
    SQLite::Database db(server.db, SQLite::OPEN_READWRITE);
    db.exec("UPDATE settings SET value = '9999999999999.99999.' || (SELECT value FROM settings WHERE key = "
            "'device_id') WHERE key = 'hlc'");
    db.exec("UPDATE patient SET hlc = '9999999999999.00000.' || substr(hlc, 21)");
  }
  server.start();
  std::string log;
  for (int i = 0; i < 100 && log.find("repaired: clock") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log = read_file(server.db + ".log");
  }
  CHECK(log.find("repaired: clock: 1 stamps ahead") != std::string::npos);
  CHECK(log.find("repaired: clock: the server's clock stood at 9999999999999") != std::string::npos);
  // Enrollment works again, and a later edit of the repaired record wins.
  Device c(dir.file("c.db"));
  c.enroll(server, server.enroll_code("新队", "65"));
  b.sync(server);
  b.store.update("patient", pid, {{"phone", "13922222222"}});
  b.sync(server);
  a.sync(server);
  CHECK((*a.store.get("patient", pid))["phone"] == "13922222222");
}

TEST_CASE("Hole 4/5/7: the token is checked before the body, framing, encoding and types are refused with 400s") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  const int port = port_of(server);
  const std::string token = *a.store.setting(sync::kTokenKey);
  // 256 MiB announced, none sent: no token, answered at once.
  const auto t0 = Steady::now();
  std::string r = send_raw(port, "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Length: 268435456\r\n\r\n");
  CHECK(status_of(r) == 401);
  r = send_raw(port, "POST /v1/batches HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK(status_of(r) == 401);
  CHECK(Steady::now() - t0 < std::chrono::seconds(2));
  const std::string auth = "Authorization: Bearer " + token + "\r\n";
  // Compressed bodies, two lengths, a length with chunks: refused from the headers.
  r = send_raw(port, "POST /v1/batches HTTP/1.1\r\nHost: x\r\n" + auth +
                         "Content-Encoding: gzip\r\nContent-Length: 10\r\n\r\n");
  CHECK(status_of(r) == 415);
  CHECK(r.find("unsupported_encoding") != std::string::npos);
  r = send_raw(port, "POST /v1/batches HTTP/1.1\r\nHost: x\r\n" + auth +
                         "Content-Length: 2\r\nContent-Length: 200\r\n\r\n{}");
  CHECK(status_of(r) == 400);
  CHECK(r.find("bad_framing") != std::string::npos);
  r = send_raw(port, "POST /v1/batches HTTP/1.1\r\nHost: x\r\n" + auth +
                         "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}");
  CHECK(status_of(r) == 400);
  // A chunked body over the limit, from an enrolled device: 413, not 17 MiB in memory.
  std::string chunks;
  const std::string mib(1 << 20, ' ');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", mib.size());
  for (int i = 0; i < 17; ++i) chunks += size_line + mib + "\r\n";
  chunks += "0\r\n\r\n";
  r = send_raw(port, "POST /v1/batches HTTP/1.1\r\nHost: x\r\n" + auth + "Transfer-Encoding: chunked\r\n\r\n", 10000,
               chunks);
  CHECK((status_of(r) == 413 || r.empty()));
  // Wrong types and out-of-range numbers: 400 with a problem code, never 500.
  Crafter c(a);
  const json good = sync::seal_batch(json::array(), {c.new_id(), c.device_id, "", 1, 1}, now_ms(), c.sign_secret);
  httplib::Client http(server.url);
  for (const auto& entry : {std::pair<const char*, json>{"version", 3067200000.0},
                               {"version", "1"},
                               {"sig", 5},
                               {"format", 7},
                               {"seq", 1e300},
                               {"seq", 18446744073709551615ull},
                               {"count", "0"},
                               {"created_ms", 1.5},
                               {"schema", -1}}) {
    const char* member = entry.first;  // not a structured binding: doctest's message is a lambda
    const json& value = entry.second;
    json bad = good;
    bad[member] = value;
    auto res = http.Post("/v1/batches", {{"Authorization", "Bearer " + token}}, bad.dump(), "application/json");
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 400, member << " = " << value.dump() << ": " << res->body);
    CHECK(json::parse(res->body)["code"] == "bad_format");
    CHECK(res->body.find("json.exception") == std::string::npos);
  }
  // The server serves and enrolls on.
  CHECK(http.Get("/v1/health")->status == 200);
  Device b(dir.file("b.db"));
  b.enroll(server, server.enroll_code());
}

TEST_CASE_TEMPLATE("Hole 6: slow clients do not delay a health check, a burst of 200 connections is served", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  const int port = port_of(server);
  std::atomic<bool> done{false};
  std::vector<std::thread> slow;
  for (int i = 0; i < 20; ++i)
    slow.emplace_back([&, port] { dribble_request_head(port, done); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  httplib::Client http(server.url);
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    const auto t = Steady::now();
    auto res = http.Get("/v1/health");
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t).count());
    CHECK((res && res->status == 200));
  }
  std::sort(ms.begin(), ms.end());
  CHECK_MESSAGE(ms.back() < 1000, "slowest health check " << ms.back() << " ms");
  // 200 connections at once, each with one request.
  std::atomic<int> served{0};
  std::vector<std::thread> burst;
  for (int i = 0; i < 200; ++i)
    burst.emplace_back([&] {
      if (status_of(send_raw(port, "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 8000)) == 200)
        ++served;
    });
  for (auto& t : burst) t.join();
  done = true;
  for (auto& t : slow) t.join();
  CHECK(served == 200);
}

TEST_CASE("Hole 8: enrollment codes cannot be guessed at speed, the address is locked out and it is logged") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  const std::string code = server.enroll_code();
  httplib::Client http(server.url);
  IdSource ids;
  int refused = 0, locked = 0;
  for (int i = 0; i < 8; ++i) {
    const json body = {{"code", "AAAAA-AAAA" + std::to_string(i % 10)},
                       {"device_id", ids.next(now_ms())},
                       {"public_key", sync::make_signing_keys().public_key}};
    auto res = http.Post("/v1/enroll", body.dump(), "application/json");
    REQUIRE(res);
    if (res->status == 403) ++refused;
    if (res->status == 429) ++locked;
  }
  CHECK(refused == 5);
  CHECK(locked == 3);
  // Even the right code waits out the lockout.
  const json right = {{"code", code}, {"device_id", ids.next(now_ms())}, {"public_key", sync::make_signing_keys().public_key}};
  auto res = http.Post("/v1/enroll", right.dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK(json::parse(res->body)["code"] == "locked_out");
  std::string log;
  for (int i = 0; i < 100 && log.find("locked out") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log = read_file(server.db + ".log");
  }
  CHECK(log.find("127.0.0.1 enrollment locked out") != std::string::npos);
  CHECK(log.find(code) == std::string::npos);
  CHECK(log.find("POST /v1/enroll 429") != std::string::npos);
}

TEST_CASE_TEMPLATE("Hole 7/12: quarantine keeps a few KiB, team names are trimmed and unique, areas checked", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code("上海援藏医疗队", "54"));
  // A trailing space names the same team; a name differing only by spaces or width is refused, naming it.
  CHECK(server.admin({"enroll-code", "--team", "上海援藏医疗队 "}).code == 0);
  auto near = server.admin({"enroll-code", "--team", "上海 援藏医疗队", "--area", "54"});
  CHECK(near.code == 2);
  CHECK(near.err.find("\"上海援藏医疗队\"") != std::string::npos);
  // --area on an existing team is not silently ignored; areas are checked.
  auto other_area = server.admin({"enroll-code", "--team", "上海援藏医疗队", "--area", "65"});
  CHECK(other_area.code == 2);
  CHECK(other_area.err.find("set-area") != std::string::npos);
  CHECK(server.admin({"enroll-code", "--team", "新队"}).code == 2);                    // a new team needs an area
  CHECK(server.admin({"enroll-code", "--team", "新队", "--area", "54010"}).code == 2);  // 5 digits
  // A typo: no such division (the list stops at counties; a township or
  // village lies in one), or no province.
  for (const auto& [area, says] : std::vector<std::pair<std::string, std::string>>{
           {"540199", "no province, prefecture or county"}, {"540199001", "lies in no county"}, {"99", "province"}}) {
    auto typo = server.admin({"enroll-code", "--team", "新队", "--area", area});
    CHECK(typo.code == 2);
    CHECK_MESSAGE(typo.err.find(says) != std::string::npos, typo.err);
  }
  CHECK(server.admin({"enroll-code", "--team", "新队", "--area", "540102001"}).code == 0);  // a township of 城关区
  CHECK(server.admin({"team", "set-area", "新队", "5401"}).code == 0);  CHECK(server.admin({"enroll-code", "--team", "新队", "--area", "5401"}).code == 0);   // a prefecture
  CHECK(server.admin({"team", "set-area", "上海援藏医疗队", "540102"}).code == 0);
  CHECK(server.admin({"team", "rename", "新队", "上海援藏医疗队"}).code == 2);
  CHECK(server.admin({"team", "rename", "新队", "拉萨市队"}).code == 0);
  CHECK(server.admin({"team", "set-area", "没有的队", "54"}).code == 1);
  const json teams = admin_json(server, {"teams"});
  REQUIRE(teams.size() == 2);
  CHECK(teams[0]["area"] == "540102");
  // The device sees its team's new area; its pushes follow it.
  a.sync(server);
  CHECK(one(a, "SELECT area_code FROM team") == "540102");

  Crafter c(a);
  const json huge = {{"entity", "patient"}, {"id", c.new_id()}, {"hlc", c.stamp()}, {"deleted", false},
                     {"fields", {{"name", std::string(2'000'000, 'x')}, {"sex", "F"}, {"village_code", "540102001001"}}}};
  const json receipt = c.push(server, json::array({huge}));
  REQUIRE(receipt["quarantined"].size() == 1);
  CHECK(receipt.dump().size() < 8192);
  CHECK(std::stoll(central_query(server, "SELECT max(length(change) + length(errors)) FROM quarantine")) < 8192);
}

TEST_CASE_TEMPLATE("Hole 9: receipt and batch folders yield only regular files within a size cap, names printed escaped", T, Stores) {
  namespace fs = std::filesystem;
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  add_patient(a.store, "540102001001");
  fs::create_directories(dir.file("outside"));
  fs::create_directories(dir.file("usb"));
  const auto exported = sync::export_batches(a.exec, dir.file("outside"));
  REQUIRE(exported.files == 1);
  // On the stick: a link to a good batch outside it, a FIFO, a link to
  // /dev/zero, a sparse 3 GB file, and a file whose name holds a line break
  // and a right-to-left override.
  const std::string usb = dir.file("usb");
  fs::create_symlink(exported.paths[0], usb + "/link.batch.json");
  fs::create_symlink("/dev/zero", usb + "/zero.batch.json");
  REQUIRE(::mkfifo((usb + "/fifo.batch.json").c_str(), 0600) == 0);
  fs::create_symlink("/dev/zero", usb + "/zero.receipt.json");
  REQUIRE(::mkfifo((usb + "/fifo.receipt.json").c_str(), 0600) == 0);
  for (const char* name : {"/big.batch.json", "/big.receipt.json"}) {
    std::ofstream(usb + name).close();
    fs::resize_file(usb + name, 3ull << 30);
  }
  write_file_durably(usb + "/evil\n\u202Egpj.batch.json", "{}");
  write_file_durably(usb + "/evil\n\u202Egpj.receipt.json", "{}");
  fs::create_directories(dir.file("receipts"));

  const auto t0 = Steady::now();
  auto r = server.admin({"import-batches", usb, "--receipts-to", dir.file("receipts")});
  CHECK(r.code == 2);
  CHECK(r.err.find("big.batch.json: file of 3221225472 bytes is over the limit") != std::string::npos);
  CHECK(r.err.find("evil\\x0A\\u{202E}gpj.batch.json") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 2);  // one line per refused file
  CHECK(r.err.find("\u202E") == std::string::npos);
  CHECK(r.err.find("link.batch.json") == std::string::npos);  // not read at all
  CHECK(admin_json(server, {"stats"})["patient"] == 0);       // the linked batch was not imported

  const auto receipts = sync::import_receipts(a.exec, usb);
  CHECK(receipts.delivered == 0);
  REQUIRE(receipts.refused.size() == 2);
  CHECK(receipts.refused[0].find("big.receipt.json: file of 3221225472 bytes") == 0);
  CHECK(receipts.refused[1].find("evil\\x0A\\u{202E}gpj.receipt.json: ") == 0);
  CHECK(Steady::now() - t0 < std::chrono::seconds(20));
}

TEST_CASE_TEMPLATE("One batch sees its own earlier changes: a record twice, an encounter before its patient, a refusal "
                   "then an acceptance", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device lhasa(dir.file("a.db")), scratch(dir.file("s.db"));
  lhasa.enroll(server, server.enroll_code("拉萨队", "540102"));
  lhasa.sync(server);
  // The records, made on a device that never syncs, sent by Lhasa's laptop.
  const std::string p = add_patient(scratch.store, "540102001001");
  const std::string e = one(scratch, "SELECT id FROM encounter WHERE patient_id = '" + p + "'");
  const std::string q = add_patient_at(scratch.store, "格桑", "540102001001");
  const std::string r = add_patient_at(scratch.store, "普布", "653101001001");
  Crafter k(lhasa);
  const int64_t t = now_ms();
  auto made = [&](const std::string& entity, const std::string& id, int64_t at) {
    json c = record_of(scratch, entity, id);
    c["hlc"] = k.stamp(at);
    c.erase("stamps");
    c.erase("bases");
    return c;
  };
  auto edited = [&](json c, const std::string& field, const json& value, int64_t at) {
    c["hlc"] = k.stamp(at);
    c["fields"][field] = value;
    c["stamps"][field] = c["hlc"];
    return c;
  };
  const json p_made = made("patient", p, t), q_made = made("patient", q, t);
  json r_outside = made("patient", r, t);
  const json batch = json::array({
      made("encounter", e, t),                                  // before its patient: no area yet
      p_made,                                                   // made
      edited(p_made, "name", "卓玛拉姆", t + 1),                // and renamed, in the same batch
      made("encounter", e, t),                                  // again: unchanged
      q_made,                                                   // made in the area ...
      edited(q_made, "village_code", "653101001001", t + 2),    // ... moved out of it: refused
      r_outside,                                                // made outside the area: refused ...
      edited(r_outside, "village_code", "540102001001", t + 3)  // ... then inside it: taken
  });
  const json receipt = k.push(server, batch);
  CHECK(refusal_codes(receipt) == std::vector<std::string>{"outside_area", "outside_area"});
  CHECK(receipt["applied"] == 5);
  CHECK(receipt["unchanged"] == 1);
  CHECK(central_query(server, "SELECT count(*) FROM quarantine") == "2");
  // R's refusal closed when its next change was taken; Q's stays open.
  CHECK(central_rows(server, "SELECT record_id FROM quarantine WHERE resolved_ms IS NULL") == std::vector<std::string>{q});
  // The encounter is fed in its patient's area, as held at the end of the
  // batch (the SQLite store fed "-", its team only, as held when it came).
  CHECK(central_query(server, "SELECT area FROM srv_feed WHERE entity = 'encounter' AND record_id = '" + e + "'") ==
        "540102001001");
  CHECK(central_query(server, "SELECT count(*) FROM srv_feed WHERE record_id = '" + p + "'") == "1");
  // Another laptop of the team gets each record as merged.
  Device lhasa2(dir.file("c.db"));
  lhasa2.enroll(server, server.enroll_code("拉萨队", ""));
  lhasa2.sync(server);
  CHECK(one(lhasa2, "SELECT name FROM patient WHERE id = '" + p + "'") == "卓玛拉姆");
  CHECK(one(lhasa2, "SELECT village_code FROM patient WHERE id = '" + q + "'") == "540102001001");
  CHECK(one(lhasa2, "SELECT village_code FROM patient WHERE id = '" + r + "'") == "540102001001");
  CHECK(one(lhasa2, "SELECT patient_id FROM encounter WHERE id = '" + e + "'") == p);
  // The search index follows the rename.
  CHECK(admin_json(server, {"patient", "search", "卓玛拉姆"}).size() == 1);

  // A later batch, while Q's refusal is open: Q taken (renamed) closes it; S
  // refused then taken in this batch closes its own; T, refused here, and
  // nothing else stays open.
  const std::string s_id = add_patient_at(scratch.store, "次仁", "653101001001");
  const std::string t_id = add_patient_at(scratch.store, "尼玛", "653101001001");
  const json s_made = made("patient", s_id, t + 10);
  const json receipt2 = k.push(server, json::array({
                                           edited(q_made, "name", "格桑曲珍", t + 11),
                                           s_made,
                                           made("patient", t_id, t + 12),
                                           edited(s_made, "village_code", "540102001001", t + 13),
                                       }));
  CHECK(refusal_codes(receipt2) == std::vector<std::string>{"outside_area", "outside_area"});
  CHECK(receipt2["applied"] == 2);
  CHECK(central_query(server, "SELECT count(*) FROM quarantine") == "4");
  CHECK(central_rows(server, "SELECT record_id FROM quarantine WHERE resolved_ms IS NULL") ==
        std::vector<std::string>{t_id});
  CHECK(central_query(server, "SELECT outcome FROM quarantine WHERE record_id = '" + q + "'") == "accepted");
  CHECK(central_query(server, "SELECT outcome FROM quarantine WHERE record_id = '" + s_id + "'") == "accepted");

  // A batch naming fewer records than there are open rows of their kind
  // (the SQLite store then looks its records up one by one instead of
  // reading every open row): T taken closes its row; U's stays open.
  const std::string u_id = add_patient_at(scratch.store, "拉巴", "653101001001");
  CHECK(refusal_codes(k.push(server, json::array({made("patient", u_id, t + 14)}))) ==
        std::vector<std::string>{"outside_area"});
  const json receipt3 =
      k.push(server, json::array({edited(made("patient", t_id, t + 12), "village_code", "540102001001", t + 15)}));
  CHECK(receipt3["applied"] == 1);
  CHECK(central_rows(server, "SELECT record_id FROM quarantine WHERE resolved_ms IS NULL") ==
        std::vector<std::string>{u_id});
  CHECK(central_query(server, "SELECT outcome FROM quarantine WHERE record_id = '" + t_id + "'") == "accepted");
}

TEST_CASE("A laptop keeps what the server set aside and closes it once the server takes a later change of the record") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device lhasa(dir.file("a.db"));
  lhasa.enroll(server, server.enroll_code("拉萨队", "540102"));
  // Two patients entered in a Xinjiang village by mistake, one in the area.
  const std::string x = add_patient_at(lhasa.store, "格桑", "653101001001");
  const std::string y = add_patient_at(lhasa.store, "普布", "653101001001");
  const std::string z = add_patient_at(lhasa.store, "卓玛", "540102001001");
  lhasa.sync(server);
  auto open_rows = [&](const std::string& id) {
    return lhasa.count("SELECT count(*) FROM quarantine WHERE resolved_ms IS NULL AND record_id = '" + id + "'");
  };
  CHECK(open_rows(x) == 1);
  CHECK(open_rows(y) == 1);
  CHECK(open_rows(z) == 0);
  CHECK(lhasa.count("SELECT count(*) FROM quarantine WHERE record_id = '" + x + "' AND change LIKE '%653101001001%'") == 1);
  // X's village corrected: taken, and its row closes; Y edited but still
  // outside: refused again, both its rows open; Z's edit touches no row.
  lhasa.store.update("patient", x, {{"village_code", "540102001001"}});
  lhasa.store.update("patient", y, {{"phone", "13800000000"}});
  lhasa.store.update("patient", z, {{"phone", "13800000001"}});
  lhasa.sync(server);
  CHECK(open_rows(x) == 0);
  CHECK(lhasa.count("SELECT count(*) FROM quarantine WHERE record_id = '" + x + "' AND outcome = 'accepted'") == 1);
  CHECK(open_rows(y) == 2);
  CHECK(lhasa.count("SELECT count(*) FROM quarantine") == 3);
  CHECK(lhasa.count("SELECT count(*) FROM outbox WHERE acked = 0") == 0);
}
