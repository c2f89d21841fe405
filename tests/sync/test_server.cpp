// The real yizhen-server on 127.0.0.1 with several devices: records reach
// other devices, conflicts are logged, revoked devices are refused, batch
// files travel by "USB stick", and limits hold before parsing.
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "core/base/clock.h"
#include "core/base/files.h"
#include "core/replication/outbox.h"
#include "core/programs/programs.h"
#include "sync/protocol/batch.h"
#include "sync/client/batch_files.h"
#include "sync/protocol/crypto.h"
#include "sync/server/central_store.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;
namespace fs = std::filesystem;

namespace {

std::string add_visit(Store& s, const std::string& village = "540102001001") {
  std::string pid;
  s.transact([&](Writer& w) {
    pid = w.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 52}, {"village_code", village}});
    const std::string eid = w.create("encounter", {{"patient_id", pid}, {"station", "内科"}, {"complaint", "头晕"}});
    for (auto [kind, value, unit] : {std::tuple{"sbp", 152.0, "mmHg"}, {"dbp", 96.0, "mmHg"}, {"spo2", 86.0, "%"}})
      w.create("observation", {{"patient_id", pid}, {"encounter_id", eid}, {"kind", kind}, {"value", value}, {"unit", unit}});
  });
  return pid;
}

}  // namespace

TEST_CASE_TEMPLATE("What one device records reaches another device of the team, once", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code());
  const std::string pid = add_visit(a.store);
  CHECK(pending_changes(a.store.db()) == 5);
  a.sync(server);
  CHECK(pending_changes(a.store.db()) == 0);
  // The server's files are its own alone (DESIGN.md §7).
  if constexpr (T::kind == StoreKind::sqlite) {
    CHECK(yz::test::file_mode(server.db) == 0600);
    CHECK(yz::test::file_mode(server.db + "-wal") == 0600);
  }
  b.sync(server);
  auto got = b.store.get("patient", pid);
  REQUIRE(got.has_value());
  CHECK((*got)["name"] == "卓玛");
  CHECK(b.count("SELECT count(*) FROM observation") == 3);
  CHECK(b.count("SELECT count(*) FROM encounter") == 1);
  // The devices' databases are encrypted (server_fixture.h): neither the
  // name nor the schema is in their files.
  for (const std::string& f : {dir.file("b.db"), dir.file("b.db-wal")}) {
    const std::string bytes = yz::test::slurp(f);
    CHECK(bytes.size() >= 4096);
    CHECK(bytes.find("卓玛") == std::string::npos);
    CHECK(bytes.find("CREATE TABLE") == std::string::npos);
  }
  // Syncing again moves nothing and the server holds each record once.
  a.sync(server);
  b.sync(server);
  const json st = admin_json(server, {"stats"});
  CHECK(st["patient"] == 1);
  CHECK(st["observation"] == 3);
  CHECK(st["batches"] == 1);
  CHECK(st["devices"] == 2);
  // What arrived, per device and per day and team (the dashboard's figures).
  for (const auto& d : admin_json(server, {"devices"})) {
    const bool sender = d["device_id"] == a.store.device_id();
    CHECK(d["batches"] == (sender ? 1 : 0));
    CHECK(d["by_usb"] == 0);
    CHECK(d["records"] == (sender ? 5 : 0));
    CHECK(d["applied"] == (sender ? 5 : 0));
    CHECK(d["quarantined"] == 0);
    CHECK(d["quarantine_open"] == 0);
  }
  const auto arrived = server.admin({"arrivals", "--days", "1", "--json"});
  REQUIRE_MESSAGE(arrived.code == 0, arrived.err);
  const json days = json::parse(arrived.out);
  REQUIRE(days.size() == 1);
  CHECK(days[0]["date"] == date_of_ms(SystemClock().now_ms()));
  CHECK(days[0]["team"] == "上海援藏医疗队");
  CHECK(days[0]["batches"] == 1);
  CHECK(days[0]["records"] == 5);
  CHECK(server.admin({"arrivals", "--days", "0"}).code == 2);
}

TEST_CASE_TEMPLATE("Concurrent edits on two devices land in the server's conflict log", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code());
  const std::string pid = add_visit(a.store);
  a.sync(server);
  b.sync(server);
  a.store.update("patient", pid, {{"phone", "13800000001"}});
  b.store.update("patient", pid, {{"phone", "13800000002"}});
  a.sync(server);
  b.sync(server);
  a.sync(server);
  const json conflicts = admin_json(server, {"conflicts"});
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0]["field"] == "phone");
  // Both devices end with the same value as the server.
  CHECK((*a.store.get("patient", pid))["phone"] == (*b.store.get("patient", pid))["phone"]);
}

TEST_CASE_TEMPLATE("A revoked device is refused from its next contact, others carry on", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code());
  CHECK(server.admin({"revoke", a.store.device_id()}).code == 0);
  CHECK(server.admin({"revoke", "01a2089d-0000-7000-8000-000000000000"}).code == 1);
  add_visit(a.store);
  try {
    a.sync(server);
    FAIL("a revoked device synced");
  } catch (const sync::SyncError& e) {
    CHECK(e.kind() == sync::SyncError::Kind::revoked);
  }
  CHECK(pending_changes(a.store.db()) == 5);  // nothing lost on the device
  add_visit(b.store);
  CHECK_NOTHROW(b.sync(server));
  CHECK(admin_json(server, {"stats"})["patient"] == 1);
  // A used code cannot enroll anyone else.
  const std::string code = server.enroll_code();
  Device c(dir.file("c.db")), d(dir.file("d.db"));
  c.enroll(server, code);
  CHECK_THROWS_AS(d.enroll(server, code), sync::SyncError);
}

TEST_CASE_TEMPLATE("The same batch id with other content is refused with 409, the same batch gets the same receipt", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  add_visit(a.store);
  sync::seal_pending(a.exec);
  const auto batches = undelivered_batches(a.store.db());
  REQUIRE(batches.size() == 1);
  const std::string token = *a.store.setting(sync::kTokenKey);
  httplib::Client http(server.url);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  auto first = http.Post("/v1/batches", auth, batches[0].body, "application/json");
  auto again = http.Post("/v1/batches", auth, batches[0].body, "application/json");
  REQUIRE(first);
  REQUIRE(again);
  CHECK(first->status == 200);
  CHECK(again->body == first->body);
  json other = json::parse(batches[0].body);
  other["changes"][0]["fields"]["name"] = "央金";
  sync::BatchHeader h = sync::check_batch(json::parse(batches[0].body));
  const json resealed = sync::seal_batch(other["changes"], h, 0, *a.store.setting(sync::kSignSecretKey));
  auto conflict = http.Post("/v1/batches", auth, resealed.dump(), "application/json");
  REQUIRE(conflict);
  CHECK(conflict->status == 409);
  CHECK(json::parse(conflict->body)["code"] == "batch_conflict");
  // No token, a wrong token, a token in the URL: refused, and never logged.
  auto none = http.Post("/v1/batches", batches[0].body, "application/json");
  CHECK(none->status == 401);
  auto in_url = http.Get(("/v1/changes?after=0&token=" + token).c_str());
  CHECK(in_url->status == 401);
  // The server logs a request after answering it: wait for the line.
  std::string text;
  for (int i = 0; i < 250 && text.find("GET /v1/changes 401") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    text = read_file(server.db + ".log");
  }
  CHECK(text.find(token) == std::string::npos);
  CHECK(text.find("POST /v1/batches 409") != std::string::npos);
}

TEST_CASE("Deep, huge or malformed bodies are refused before parsing, with problem details") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  const std::string token = *a.store.setting(sync::kTokenKey);
  httplib::Client http(server.url);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  auto deep = http.Post("/v1/batches", auth, std::string(200000, '[') + std::string(200000, ']'), "application/json");
  REQUIRE(deep);
  CHECK(deep->status == 413);
  CHECK(deep->get_header_value("Content-Type") == "application/problem+json");
  CHECK(json::parse(deep->body)["code"] == "too_deep");
  auto huge = http.Post("/v1/batches", auth, std::string(17u << 20, ' '), "application/json");
  CHECK((!huge || huge->status == 413));
  auto junk = http.Post("/v1/batches", auth, "{\"format\": \"yizhen-batch\"", "application/json");
  CHECK(junk->status == 400);
  auto health = http.Get("/v1/health");
  CHECK(health->status == 200);  // still serving
}

TEST_CASE_TEMPLATE("Pull is scoped to the team's area", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device lhasa(dir.file("a.db")), kashgar(dir.file("b.db")), lhasa2(dir.file("c.db"));
  lhasa.enroll(server, server.enroll_code("拉萨队", "540102"));
  lhasa2.enroll(server, server.enroll_code("拉萨队", ""));
  kashgar.enroll(server, server.enroll_code("喀什队", "653101"));
  add_visit(lhasa.store, "540102001001");
  add_visit(kashgar.store, "653101001001");
  lhasa.sync(server);
  kashgar.sync(server);
  lhasa2.sync(server);
  CHECK(lhasa2.count("SELECT count(*) FROM patient") == 1);
  CHECK(lhasa2.count("SELECT count(*) FROM patient WHERE village_code LIKE '540102%'") == 1);
  kashgar.sync(server);
  CHECK(kashgar.count("SELECT count(*) FROM patient") == 1);
}

TEST_CASE_TEMPLATE("Batch files travel on a USB stick, damaged files are refused, receipts close the loop", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  server.kill();  // no network at all from here on
  for (int i = 0; i < 3; ++i) add_visit(a.store);
  fs::create_directories(dir.file("usb"));
  fs::create_directories(dir.file("bad"));
  fs::create_directories(dir.file("receipts"));
  const auto exported = sync::export_batches(a.exec, dir.file("usb"));
  REQUIRE(exported.files == 1);
  CHECK(exported.changes == 15);
  // Damaged copies: cut short, and one bit flipped in the middle.
  const std::string good = read_file(exported.paths[0]);
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x04;
  write_file_durably(dir.file("bad/a.batch.json"), good.substr(0, good.size() * 2 / 3));
  write_file_durably(dir.file("bad/b.batch.json"), flipped);
  auto bad = server.admin({"import-batches", dir.file("bad"), "--receipts-to", dir.file("receipts")});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("a.batch.json") != std::string::npos);
  CHECK(bad.err.find("b.batch.json") != std::string::npos);
  CHECK(admin_json(server, {"stats"})["patient"] == 0);
  CHECK(fs::is_empty(dir.file("receipts")));

  auto ok = server.admin({"import-batches", dir.file("usb"), "--receipts-to", dir.file("receipts")});
  CHECK_MESSAGE(ok.code == 0, ok.err);
  CHECK(ok.out.find("applied 1 batch file(s) now") != std::string::npos);
  // Again, into a receipts folder that does not exist yet: made, and the
  // batch is named as applied before, not as imported again.
  auto twice = server.admin({"--json", "import-batches", dir.file("usb"), "--receipts-to", dir.file("receipts2")});
  CHECK_MESSAGE(twice.code == 0, twice.err);
  const json twice_j = json::parse(twice.out);
  CHECK(twice_j["applied"] == 0);
  CHECK(twice_j["known"] == 1);
  CHECK(fs::exists(dir.file("receipts2")));
  CHECK(!fs::is_empty(dir.file("receipts2")));
  CHECK(admin_json(server, {"stats"})["patient"] == 3);
  CHECK(admin_json(server, {"stats"})["batches"] == 1);
  const json usb_device = admin_json(server, {"devices"})[0];  // what arrived came by stick
  CHECK(usb_device["batches"] == 1);
  CHECK(usb_device["by_usb"] == 1);
  const auto receipts = sync::import_receipts(a.exec, dir.file("receipts"));
  CHECK(receipts.delivered == 1);
  CHECK(receipts.refused.empty());
  CHECK(pending_changes(a.store.db()) == 0);
  // A forged receipt marks nothing.
  add_visit(a.store);
  const auto second = sync::export_batches(a.exec, dir.file("usb"));
  REQUIRE(second.files == 1);
  const json batch = json::parse(read_file(second.paths[0]));
  json forged = {{"format", sync::kReceiptFormat}, {"batch_id", batch["batch_id"]}, {"sig", std::string(88, 'A')}};
  write_file_durably(dir.file("receipts/" + sync::receipt_file_name(batch["batch_id"])), forged.dump());
  const auto refused = sync::import_receipts(a.exec, dir.file("receipts"));
  CHECK(refused.refused.size() == 1);
  CHECK(pending_changes(a.store.db()) == 5);
}

TEST_CASE_TEMPLATE("An unknown pull cursor leads to a clean full resync", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code());
  add_visit(a.store);
  a.sync(server);
  b.store.set_setting(sync::kCursorKey, "987654321");  // from a restored backup of another server's era
  auto t = sync::make_http_transport(server.url);
  const auto pulled = sync::pull(b.exec, *t);
  CHECK(pulled.reset);
  CHECK(b.count("SELECT count(*) FROM observation") == 3);
  CHECK(std::stoll(*b.store.setting(sync::kCursorKey)) < 987654321);
}

TEST_CASE_TEMPLATE("Devices with clocks at 1970 and three years ahead merge through the server", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  ManualClock epoch(0), ahead(SystemClock().now_ms() + int64_t{3} * 365 * 86'400'000);
  StoreOptions o1, o2;
  o1.clock = &epoch;
  o2.clock = &ahead;
  Device old_laptop(dir.file("a.db"), o1), fast_laptop(dir.file("b.db"), o2), normal(dir.file("c.db"));
  for (Device* d : {&old_laptop, &fast_laptop, &normal}) d->enroll(server, server.enroll_code());
  const std::string p_fast = add_visit(fast_laptop.store);
  fast_laptop.sync(server);
  old_laptop.sync(server);
  // The 1970 laptop edits what it pulled: its edit is ordered after it.
  old_laptop.store.update("patient", p_fast, {{"phone", "13912345678"}});
  const std::string p_old = add_visit(old_laptop.store);
  old_laptop.sync(server);
  normal.sync(server);
  fast_laptop.sync(server);
  for (Device* d : {&old_laptop, &fast_laptop, &normal}) {
    CHECK((*d->store.get("patient", p_fast))["phone"] == "13912345678");
    CHECK(d->store.get("patient", p_old).has_value());
  }
  CHECK(admin_json(server, {"quarantine"}).empty());
  CHECK(admin_json(server, {"conflicts"}).empty());
  // Coordinators see which laptops' clocks are off.
  int64_t skew_epoch = 0, skew_ahead = 0;
  for (const auto& d : admin_json(server, {"devices"})) {
    if (d["device_id"] == old_laptop.store.device_id()) skew_epoch = d["clock_skew_ms"].get<int64_t>();
    if (d["device_id"] == fast_laptop.store.device_id()) skew_ahead = d["clock_skew_ms"].get<int64_t>();
  }
  CHECK(skew_epoch < -int64_t{50} * 365 * 86'400'000);
  // A device that only pulls is seen too: last contact counts pulls.
  Device quiet(dir.file("d.db"));
  quiet.enroll(server, server.enroll_code());
  const json batches_before = admin_json(server, {"stats"})["batches"];
  quiet.sync(server);
  CHECK(admin_json(server, {"stats"})["batches"] == batches_before);  // it sent nothing: only pulled
  bool seen = false;
  for (const auto& d : admin_json(server, {"devices"}))
    if (d["device_id"] == quiet.store.device_id()) seen = d["last_seen_at"].is_string();
  CHECK(seen);
  CHECK(skew_ahead > int64_t{2} * 365 * 86'400'000);
  // The normal laptop's date did not jump three years ahead.
  CHECK(normal.store.today() == date_of_ms(SystemClock().now_ms()));
}

TEST_CASE_TEMPLATE("A revoked device enrolled again delivers what it sealed under its old token", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  add_visit(a.store);
  sync::seal_pending(a.exec);  // sealed and signed with the first token, never sent
  REQUIRE(server.admin({"revoke", a.store.device_id()}).code == 0);
  CHECK_THROWS_AS(a.sync(server), sync::SyncError);
  a.enroll(server, server.enroll_code());
  a.sync(server);
  CHECK(pending_changes(a.store.db()) == 0);
  CHECK(admin_json(server, {"stats"})["patient"] == 1);
  // A live device cannot be enrolled twice.
  CHECK_THROWS_AS(a.enroll(server, server.enroll_code()), sync::SyncError);
  httplib::Client http(server.url);
  auto nowhere = http.Get("/v2/nothing");
  CHECK(nowhere->status == 404);
  CHECK(json::parse(nowhere->body)["code"] == "not_found");
}

TEST_CASE_TEMPLATE("A device enrolled again into another team pulls that team's area from the start", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  // 林芝 (5404)'s team has a patient on the server before the laptop, in
  // 拉萨 (5401)'s team, ever pulls.
  Device nyingchi(dir.file("n.db"));
  nyingchi.enroll(server, server.enroll_code("林芝医疗队", "5404"));
  const std::string patient = add_patient_at(nyingchi.store, "次仁", "540402001001");
  nyingchi.sync(server);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code("拉萨医疗队", "5401"));
  a.sync(server);  // its cursor now past 林芝's records, which were not its to pull
  CHECK_FALSE(a.store.get("patient", patient).has_value());
  // The laptop given to 林芝's team: revoked, enrolled with their code.
  REQUIRE(server.admin({"revoke", a.store.device_id()}).code == 0);
  a.enroll(server, server.enroll_code("林芝医疗队", "5404"));
  a.sync(server);
  CHECK(a.store.get("patient", patient).has_value());  // the cursor began again: a full pull
  CHECK(a.count("SELECT COUNT(*) FROM team WHERE name = '林芝医疗队'") == 1);
}

TEST_CASE_TEMPLATE("A program version published on the server reaches devices with their next pull", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  json v2 = builtin_program("hypertension")->definition;
  v2["version"] = 2;
  v2["name"]["en"] = "Hypertension screening (2027 revision)";
  write_file_durably(dir.file("htn-v2.json"), v2.dump());
  auto published = server.admin({"publish-program", dir.file("htn-v2.json")});
  CHECK_MESSAGE(published.code == 0, published.err);
  CHECK(server.admin({"publish-program", dir.file("htn-v2.json")}).out.find("already") != std::string::npos);
  json changed = v2;
  changed["name"]["en"] = "Something else";
  write_file_durably(dir.file("htn-v2b.json"), changed.dump());
  CHECK(server.admin({"publish-program", dir.file("htn-v2b.json")}).code == 2);  // same version, other body

  CHECK(latest_program(a.store.db(), "hypertension")->version == 1);
  auto t = sync::make_http_transport(server.url);
  const auto pulled = sync::pull(a.exec, *t);
  CHECK(pulled.programs == 1);
  const ProgramPtr now = latest_program(a.store.db(), "hypertension");
  REQUIRE(now);
  CHECK(now->version == 2);
  CHECK(now->name.en == "Hypertension screening (2027 revision)");
  CHECK(find_program(a.store.db(), "hypertension", 1) != nullptr);  // old records keep their version
}

TEST_CASE("admin verbs: a mistyped --db makes nothing and says so, an unknown verb is named, init makes the database") {
  yz::test::TempDir dir;
  const std::string missing = dir.file("centrl.db");
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"stats"}, {"devices"}, {"teams"},
                                               {"enroll-code", "--team", "上海援藏医疗队", "--area", "54"},
                                               {"places", "reconcile", "540127100QKD", "540127100202"}}) {
    std::vector<std::string> args = {YIZHEN_SERVER, "--db", missing, "admin"};
    args.insert(args.end(), verb.begin(), verb.end());
    const auto r = yz::test::run(args);
    CAPTURE(verb[0]);
    CHECK(r.code == 2);
    CHECK(r.err.find("no central database at " + missing) != std::string::npos);
    CHECK_FALSE(fs::exists(missing));
  }
  const auto unknown = yz::test::run({YIZHEN_SERVER, "--db", missing, "admin", "frobnicate"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("unknown admin verb 'frobnicate'") != std::string::npos);
  const auto init = yz::test::run({YIZHEN_SERVER, "--db", missing, "--json", "admin", "init"});
  REQUIRE_MESSAGE(init.code == 0, init.err);
  CHECK(json::parse(init.out)["created"] == true);
  CHECK(fs::exists(missing));
  // Readable without --json: a table with a header, not raw JSON.
  const auto teams = yz::test::run({YIZHEN_SERVER, "--db", missing, "admin", "enroll-code", "--team", "上海援藏医疗队",
                                    "--area", "54"});
  REQUIRE(teams.code == 0);
  const auto listed = yz::test::run({YIZHEN_SERVER, "--db", missing, "admin", "teams"});
  REQUIRE(listed.code == 0);
  CHECK(listed.out.rfind("area\tdevices\tname\tteam_id\n", 0) == 0);
  CHECK(listed.out.find("54\t0\t上海援藏医疗队\t") != std::string::npos);
  CHECK(listed.out.find('{') == std::string::npos);
}

TEST_CASE_TEMPLATE("admin account: add with a password from standard input, list, a bad role or weak password refused, disable, passwd, audited without the password", T, Stores) {
  yz::test::TempDir dir;
  const std::string db = dir.file("central.db");
  const std::string pg = T::kind == StoreKind::pg ? fresh_pg_database() : std::string();
  const std::vector<std::string> store = T::kind == StoreKind::pg
                                             ? std::vector<std::string>{"--pg", pg, "--keys", db + ".keys"}
                                             : std::vector<std::string>{"--db", db};
  auto admin = [&](std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), "admin");
    args.insert(args.begin(), store.begin(), store.end());
    args.insert(args.begin(), YIZHEN_SERVER);
    return yz::test::run(args, input);
  };
  auto open_store = [&] {
    return T::kind == StoreKind::pg ? yz::sync::open_pg_central_store(pg, db + ".keys")
                                    : yz::sync::open_sqlite_central_store(db);
  };
  REQUIRE(admin({"init"}).code == 0);
  // The first start says how to make the first admin; with one, it does not.
  auto first_start_says = [&] {
    std::filesystem::remove(db + ".log");
    if (T::kind == StoreKind::pg) {
      Server started(db, pg, db + ".log");
    } else {
      Server started(db);
    }
    return yz::test::slurp(db + ".log").find("no admin account yet: make the first one with") != std::string::npos;
  };
  CHECK(first_start_says());
  const std::string password = "拉萨-county-2026";
  auto added = admin({"account", "add", "--name", "次仁卓玛", "--role", "coordinator", "--area", "540127"}, password + "\n");
  REQUIRE_MESSAGE(added.code == 0, added.err);
  REQUIRE(admin({"account", "add", "--name", "王主任", "--role", "admin"}, "another-long-one\n").code == 0);
  CHECK_FALSE(first_start_says());
  // Refused, each naming its field, nothing added.
  auto bad_role = admin({"account", "add", "--name", "x", "--role", "boss"}, "another-long-one\n");
  CHECK(bad_role.code == 2);
  CHECK(bad_role.err.find("--role") != std::string::npos);
  auto no_area = admin({"account", "add", "--name", "y", "--role", "coordinator"}, "another-long-one\n");
  CHECK(no_area.code == 2);
  CHECK(no_area.err.find("--area") != std::string::npos);
  auto weak = admin({"account", "add", "--name", "z", "--role", "viewer"}, "short\n");
  CHECK(weak.code == 2);
  CHECK(weak.err.find("password") != std::string::npos);
  auto taken = admin({"account", "add", "--name", " 次仁卓玛", "--role", "viewer"}, "another-long-one\n");
  CHECK(taken.code == 2);
  auto listed = admin({"--json", "account", "list"});
  REQUIRE(listed.code == 0);
  const json accounts = json::parse(listed.out);
  REQUIRE(accounts.size() == 2);
  CHECK(accounts[0]["name"] == "次仁卓玛");
  CHECK(accounts[0]["role"] == "coordinator");
  CHECK(accounts[0]["area"] == "540127");
  CHECK(accounts[0]["disabled_at"].is_null());
  // As a table, no cell is blank: an admin's empty area shows "-", as an empty date does.
  auto table = admin({"account", "list"});
  REQUIRE(table.code == 0);
  CHECK(table.out.find("\t\t") == std::string::npos);
  CHECK(table.out.find("\t\n") == std::string::npos);

  // The store signs in with the password only, then not once disabled.
  {
    auto central = open_store();
    const auto ok = central->sign_in("次仁卓玛", password);
    REQUIRE(ok.has_value());
    CHECK(ok->role == "coordinator");
    CHECK(ok->area == "540127");
    CHECK_FALSE(central->sign_in("次仁卓玛", "wrong password").has_value());
    CHECK_FALSE(central->sign_in("nobody", password).has_value());
  }
  REQUIRE(admin({"account", "passwd", "次仁卓玛"}, "a-new-password-9\n").code == 0);
  CHECK(admin({"account", "passwd", "nobody"}, "a-new-password-9\n").code == 1);
  REQUIRE(admin({"account", "disable", "次仁卓玛"}).code == 0);
  {
    auto central = open_store();
    CHECK_FALSE(central->sign_in("次仁卓玛", "a-new-password-9").has_value());
    CHECK(central->sign_in("王主任", "another-long-one").has_value());
  }
  // The audit names each change; no password nor hash is in it or in the database's text.
  const json audit = json::parse(admin({"--json", "audit", "list"}).out);
  int account_rows = 0;
  for (const auto& row : audit) account_rows += row["entity"] == "account";
  CHECK(account_rows == 4);  // two added, a password set, one disabled
  if (T::kind == StoreKind::sqlite) CHECK(yz::test::slurp(db).find(password) == std::string::npos);
  CHECK(audit.dump().find("$argon2id$") == std::string::npos);
}

TEST_CASE("A browser that accepts brotli gets gzip: Debian's httplib would spend seconds on brotli at quality 11") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  httplib::Client http(server.url);
  http.set_decompress(false);
  auto both = http.Get("/v1/health", {{"Accept-Encoding", "gzip, deflate, br"}});
  REQUIRE(both);
  CHECK(both->status == 200);
  CHECK(both->get_header_value("Content-Encoding") == "gzip");
  auto br_only = http.Get("/v1/health", {{"Accept-Encoding", "br"}});
  REQUIRE(br_only);
  CHECK(br_only->get_header_value("Content-Encoding") == "");
  CHECK(json::parse(br_only->body)["status"] == "ok");
}

TEST_CASE("Two sealers at once (a push's and a USB export's) put each pending change in one batch, numbered without "
          "a gap, and a push sends old and new batches in order") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), StoreKind::sqlite);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  for (int i = 0; i < 60; ++i) add_patient_at(a.store, "患者" + std::to_string(i), "540102001001");
  // Each reads what is pending, seals it outside the store, then keeps it:
  // the other may have kept the same rows in between.
  std::atomic<int> made{0};
  std::vector<std::exception_ptr> errors(2);
  std::vector<std::thread> sealers;
  for (int t = 0; t < 2; ++t)
    sealers.emplace_back([&, t] {
      try {
        made += sync::seal_pending(a.exec, {3, 4u << 20});
      } catch (...) {
        errors[static_cast<size_t>(t)] = std::current_exception();
      }
    });
  for (auto& t : sealers) t.join();
  for (const auto& e : errors) CHECK_FALSE(static_cast<bool>(e));
  const auto batches = undelivered_batches(a.store.db());
  CHECK(static_cast<int>(batches.size()) == made.load());
  CHECK(batches.size() == 20);
  std::set<std::string> ids;
  size_t changes = 0;
  for (size_t i = 0; i < batches.size(); ++i) {
    CHECK(batches[i].seq == static_cast<int64_t>(i) + 1);
    const json body = json::parse(batches[i].body);
    for (const auto& c : body["changes"]) {
      ids.insert(c["id"].get<std::string>());
      ++changes;
    }
  }
  CHECK(changes == 60);
  CHECK(ids.size() == 60);
  CHECK(a.count("SELECT count(*) FROM outbox WHERE batch_id IS NULL") == 0);
  // Twenty batches kept before the push, ten more made during it: all go,
  // in order, and the server takes each once.
  for (int i = 60; i < 90; ++i) add_patient_at(a.store, "患者" + std::to_string(i), "540102001001");
  auto t = sync::make_http_transport(server.url);
  const auto pushed = sync::push(a.exec, *t, {}, {3, 4u << 20});
  CHECK(pushed.batches == 30);
  CHECK(pushed.changes == 90);
  CHECK(pending_changes(a.store.db()) == 0);
  CHECK(undelivered_batches(a.store.db()).empty());
  const auto seqs = central_rows(server, "SELECT seq FROM srv_batch ORDER BY rowid");
  REQUIRE(seqs.size() == 30);
  for (size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == std::to_string(i + 1));
  CHECK(admin_json(server, {"stats"})["patient"] == 90);
}
