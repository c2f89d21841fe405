// Issue 16, sync protocol 2: devices sign batches with their own Ed25519
// keys, the server signs receipts with a key kept outside central.db, and
// batch files on a USB stick are sealed to the server. Against the real
// yizhen-server on 127.0.0.1.
#include <httplib.h>
#include <sys/stat.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <filesystem>

#include "core/base/clock.h"
#include "core/base/files.h"
#include "core/base/hlc.h"
#include "core/base/uuid.h"
#include "core/domain/idcard.h"
#include "core/replication/outbox.h"
#include "core/store/schema.h"
#include "sync/client/batch_files.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/crypto.h"
#include "sync/server/server_keys.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;
namespace fs = std::filesystem;

namespace {

int64_t now_ms() { return SystemClock().now_ms(); }

// A canary patient: a name and a 身份证 number found nowhere else.
const std::string kCanaryName = "金丝雀测试央宗";
std::string canary_id() {
  const std::string first17 = "54010219770419" + std::string("731");
  return first17 + id_check_digit(first17);
}

std::string add_canary(Store& s) {
  return s.create("patient", {{"name", kCanaryName},
                              {"sex", "M"},
                              {"id_number", canary_id()},
                              {"village_code", "540102001001"}});
}

std::string add_patient(Store& s, const std::string& name = "卓玛") {
  return s.create("patient", {{"name", name}, {"sex", "F"}, {"age", 52}, {"village_code", "540102001001"}});
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Every file under `dir`, read whole.
std::string all_bytes(const std::string& dir) {
  std::string out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out += read_file(e.path().string());
  return out;
}

// A batch of one new patient from `device_id`, signed with `sign_secret`.
json crafted_batch(const std::string& device_id, const std::string& sign_secret, const std::string& name) {
  IdSource ids;
  const json change = {{"entity", "patient"},
                       {"id", ids.next(now_ms())},
                       {"hlc", Hlc{now_ms(), 0, device_id}.str()},
                       {"deleted", false},
                       {"fields", {{"name", name}, {"sex", "F"}, {"age", 40}, {"village_code", "540102001001"}}}};
  sync::BatchHeader h{ids.next(now_ms()), device_id, "", 900, current_schema_version()};
  return sync::seal_batch(json::array({change}), h, now_ms(), sign_secret);
}

void write_sealed(const std::string& dir, const json& batch, const std::string& box_public) {
  fs::create_directories(dir);
  write_file_durably((fs::path(dir) / sync::batch_file_name(batch["batch_id"])).string(),
                     sync::seal_batch_file(batch, box_public).dump());
}

int64_t patients_named(const Server& s, const std::string& name) {
  SQLite::Database db(s.db, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT count(*) FROM patient WHERE name = ?");
  q.bind(1, name);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

}  // namespace

TEST_CASE("A byte-for-byte copy of central.db forges neither a batch nor a receipt") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code());
  add_patient(a.store);
  a.sync(server);  // the server holds a batch and its receipt
  add_patient(a.store, "次仁");
  sync::seal_pending(a.exec);  // sealed, not delivered yet
  const auto waiting = undelivered_batches(a.store.db());
  REQUIRE(waiting.size() == 1);

  // The thief's copy: the database and its WAL as they are on disk, without
  // the key file beside them.
  server.kill();
  fs::create_directories(dir.file("stolen"));
  for (const char* suffix : {"", "-wal"})
    if (fs::exists(server.db + suffix)) fs::copy_file(server.db + suffix, dir.file(std::string("stolen/central.db") + suffix));
  server.start();

  // No secret is in it: not the server's keys, not a device's, not a token.
  const sync::ServerKeys keys = sync::load_server_keys(sync::server_keys_path(server.db), false);
  const std::string stolen = all_bytes(dir.file("stolen"));
  for (const std::string& secret : {keys.sign.secret_key, keys.box.secret_key, *a.store.setting(sync::kSignSecretKey),
                                    *a.store.setting(sync::kTokenKey)})
    CHECK_FALSE(contains(stolen, secret));
  // yizhen-server itself will not run on the copy without its key file.
  auto refused = yz::test::run({YIZHEN_SERVER, "--db", dir.file("stolen/central.db"), "admin", "stats"});
  CHECK(refused.code != 0);
  CHECK(contains(refused.err, "central.db.keys"));

  // What the copy holds of device A: its token hash (protocol 1's MAC key)
  // and its public key.
  std::string token_hash, public_key;
  {
    SQLite::Database db(dir.file("stolen/central.db"), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT key, sign_key FROM srv_device WHERE device_id = ?");
    q.bind(1, a.store.device_id());
    REQUIRE(q.executeStep());
    token_hash = q.getColumn(0).getString();
    public_key = q.getColumn(1).getString();
  }
  CHECK(public_key == sync::signing_public_key(*a.store.setting(sync::kSignSecretKey)));
  const std::string box_public = *a.store.setting(sync::kServerBoxKey);  // public: a thief may know it

  // Forged batches as device A, on a stick: signed with a key of the thief's
  // own, and protocol 1's way (an HMAC under the token hash).
  const json forged = crafted_batch(a.store.device_id(), sync::make_signing_keys().secret_key, "伪造甲");
  write_sealed(dir.file("forged"), forged, box_public);
  json old_way = crafted_batch(a.store.device_id(), sync::make_signing_keys().secret_key, "伪造乙");
  old_way.erase("sig");
  old_way["version"] = 1;
  json head = old_way;
  head.erase("changes");
  old_way["mac"] = sync::hmac_hex(token_hash, head.dump());
  write_file_durably(dir.file("forged/" + sync::batch_file_name(old_way["batch_id"])),
                     json{{"format", sync::kSealedBatchFormat},
                          {"version", sync::kFormatVersion},
                          {"batch_id", old_way["batch_id"]},
                          {"device_id", old_way["device_id"]},
                          {"sealed", sync::seal_to(box_public, old_way.dump())}}
                         .dump());
  fs::create_directories(dir.file("receipts"));
  auto r = server.admin({"import-batches", dir.file("forged"), "--receipts-to", dir.file("receipts")});
  CHECK(r.code == 2);
  CHECK(contains(r.err, forged["batch_id"].get<std::string>() + ".batch.json: the batch is not signed by this device"));
  CHECK(contains(r.err, old_way["batch_id"].get<std::string>() + ".batch.json: this batch was made by an older yizhen"));
  CHECK(fs::is_empty(dir.file("receipts")));
  CHECK(patients_named(server, "伪造甲") == 0);
  CHECK(patients_named(server, "伪造乙") == 0);
  // The token hash is no bearer token.
  httplib::Client http(server.url);
  auto as_a = http.Post("/v1/batches", {{"Authorization", "Bearer " + token_hash}}, forged.dump(), "application/json");
  REQUIRE(as_a);
  CHECK(as_a->status == 401);

  // A forged receipt for A's waiting batch, made from a receipt the copy
  // keeps: signed with the thief's own key, or not at all.
  json receipt;
  {
    SQLite::Database db(dir.file("stolen/central.db"), SQLite::OPEN_READONLY);
    receipt = json::parse(db.execAndGet("SELECT receipt FROM srv_batch LIMIT 1").getString());
  }
  const json batch = json::parse(waiting[0].body);
  receipt["batch_id"] = batch["batch_id"];
  receipt["seq"] = batch["seq"];
  receipt["digest"] = batch["digest"];
  fs::create_directories(dir.file("stick"));
  json unsigned_receipt = receipt;
  unsigned_receipt.erase("sig");
  sync::sign_receipt(receipt, sync::make_signing_keys().secret_key);
  write_file_durably(dir.file("stick/" + sync::receipt_file_name(batch["batch_id"])), receipt.dump());
  write_file_durably(dir.file("stick/x.receipt.json"), unsigned_receipt.dump());
  const auto got = sync::import_receipts(a.exec, dir.file("stick"));
  CHECK(got.delivered == 0);
  REQUIRE(got.refused.size() == 2);
  CHECK(contains(got.refused[0] + got.refused[1], "not signed by this device's server"));
  CHECK(undelivered_batches(a.store.db()).size() == 1);

  // The thief runs a server on the copy with keys of their own and lures A
  // to it: A's batch is taken there, but its receipt is refused and the
  // batch stays undelivered (it goes to the real server later).
  sync::load_server_keys(sync::server_keys_path(dir.file("stolen/central.db")), true);
  {
    Server impostor(dir.file("stolen/central.db"));
    try {
      a.sync(impostor);
      FAIL("a receipt signed by another key was taken");
    } catch (const sync::SyncError& e) {
      CHECK(e.kind() == sync::SyncError::Kind::server);
      CHECK(contains(e.what(), "not signed by this device's server"));
    }
    CHECK(undelivered_batches(a.store.db()).size() == 1);
  }
  a.sync(server);
  CHECK(undelivered_batches(a.store.db()).empty());
  CHECK(patients_named(server, "次仁") == 1);
}

TEST_CASE("A USB batch file holds neither the patient's name nor 身份证 number, and imports") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  const std::string pid = add_canary(a.store);
  fs::create_directories(dir.file("usb"));
  fs::create_directories(dir.file("receipts"));
  const auto exported = sync::export_batches(a.exec, dir.file("usb"));
  REQUIRE(exported.files == 1);
  const std::string bytes = all_bytes(dir.file("usb"));
  CHECK_FALSE(contains(bytes, kCanaryName));
  CHECK_FALSE(contains(bytes, canary_id()));
  CHECK_FALSE(contains(bytes, canary_id().substr(6, 8)));  // not even the birth date
  const json envelope = json::parse(read_file(exported.paths[0]));
  CHECK(envelope["format"] == sync::kSealedBatchFormat);
  CHECK(envelope["version"] == sync::kFormatVersion);
  CHECK(envelope["device_id"] == a.store.device_id());

  auto r = server.admin({"import-batches", dir.file("usb"), "--receipts-to", dir.file("receipts")});
  CHECK_MESSAGE(r.code == 0, r.err);
  CHECK(patients_named(server, kCanaryName) == 1);
  const auto receipts = sync::import_receipts(a.exec, dir.file("receipts"));
  CHECK(receipts.delivered == 1);
  CHECK(pending_changes(a.store.db()) == 0);
  // The server's key file: owner-only.
  struct stat st{};
  REQUIRE(stat(sync::server_keys_path(server.db).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("A tampered sealed file and a batch signed by another device's key are refused") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code());
  add_patient(a.store, "拉姆");
  fs::create_directories(dir.file("usb"));
  fs::create_directories(dir.file("bad"));
  fs::create_directories(dir.file("receipts"));
  const auto exported = sync::export_batches(a.exec, dir.file("usb"));
  REQUIRE(exported.files == 1);
  // One character of the sealed bytes changed: the box does not open.
  json envelope = json::parse(read_file(exported.paths[0]));
  std::string sealed = envelope["sealed"];
  sealed[sealed.size() / 2] = sealed[sealed.size() / 2] == 'Q' ? 'R' : 'Q';
  envelope["sealed"] = sealed;
  write_file_durably(dir.file("bad/tampered.batch.json"), envelope.dump());
  // B signs a batch that names A (B is enrolled: its key is real, just not A's).
  const json as_a = crafted_batch(a.store.device_id(), *b.store.setting(sync::kSignSecretKey), "冒名");
  write_sealed(dir.file("bad"), as_a, *b.store.setting(sync::kServerBoxKey));
  // Sealed to another server.
  write_file_durably(dir.file("bad/elsewhere.batch.json"),
                     sync::seal_batch_file(crafted_batch(a.store.device_id(), *a.store.setting(sync::kSignSecretKey),
                                                         "别处"),
                                           sync::make_box_keys().public_key)
                         .dump());
  auto r = server.admin({"import-batches", dir.file("bad"), "--receipts-to", dir.file("receipts")});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "tampered.batch.json: the sealed batch does not open with this server's key"));
  CHECK(contains(r.err, "elsewhere.batch.json: the sealed batch does not open"));
  CHECK(contains(r.err, as_a["batch_id"].get<std::string>() + ".batch.json: the batch is not signed by this device"));
  CHECK(fs::is_empty(dir.file("receipts")));
  CHECK(admin_json(server, {"stats"})["patient"] == 0);
  // Over HTTP with A's own token, B's signature is refused too.
  httplib::Client http(server.url);
  auto res = http.Post("/v1/batches", {{"Authorization", "Bearer " + *a.store.setting(sync::kTokenKey)}}, as_a.dump(),
                       "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(json::parse(res->body)["code"] == "bad_signature");
  // The untouched file still imports.
  r = server.admin({"import-batches", dir.file("usb"), "--receipts-to", dir.file("receipts")});
  CHECK_MESSAGE(r.code == 0, r.err);
  CHECK(patients_named(server, "拉姆") == 1);
  CHECK(patients_named(server, "冒名") == 0);
}

TEST_CASE("A device enrolled under protocol 1 registers its key on its next sync, and old clients are told to update") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  add_patient(a.store, "旧协议");
  sync::seal_pending(a.exec);
  // Make A what protocol 1 left: a token and no key pair on either side,
  // and a batch sealed with an HMAC under the token hash.
  const std::string token = *a.store.setting(sync::kTokenKey);
  server.kill();
  {
    SQLite::Database db(server.db, SQLite::OPEN_READWRITE);
    db.exec("UPDATE srv_device SET sign_key = ''");
  }
  server.start();
  a.store.db().exec("DELETE FROM settings WHERE key IN ('sync.sign_secret', 'sync.server_sign_key', 'sync.server_box_key')");
  const auto batches = undelivered_batches(a.store.db());
  REQUIRE(batches.size() == 1);
  json v1 = json::parse(batches[0].body);
  v1.erase("sig");
  v1["version"] = 1;
  json head = v1;
  head.erase("changes");
  v1["mac"] = sync::hmac_hex(sync::token_key(token), head.dump());
  replace_batch_body(a.store.db(), batches[0].batch_id, v1.dump());

  // The old yizhen: its batch, its pull and its enrollment get words that
  // say to update, never a 500.
  httplib::Client http(server.url);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  auto push = http.Post("/v1/batches", auth, v1.dump(), "application/json");
  REQUIRE(push);
  CHECK(push->status == 400);
  CHECK(json::parse(push->body)["code"] == "update_required");
  CHECK(contains(json::parse(push->body)["detail"], "update yizhen"));
  auto pull = http.Get("/v1/changes?after=0", auth);
  REQUIRE(pull);
  CHECK(pull->status == 400);
  CHECK(json::parse(pull->body)["code"] == "update_required");
  IdSource ids;
  auto enroll = http.Post("/v1/enroll", json{{"code", server.enroll_code()}, {"device_id", ids.next(now_ms())}}.dump(),
                          "application/json");
  REQUIRE(enroll);
  CHECK(enroll->status == 400);
  CHECK(json::parse(enroll->body)["code"] == "update_required");
  auto health = http.Get("/v1/health");
  REQUIRE(health);
  CHECK(json::parse(health->body)["protocol"] == sync::kFormatVersion);
  // A plain batch file, as protocol 1 wrote them.
  fs::create_directories(dir.file("old-stick"));
  fs::create_directories(dir.file("receipts"));
  write_file_durably(dir.file("old-stick/" + sync::batch_file_name(v1["batch_id"])), v1.dump());
  auto r = server.admin({"import-batches", dir.file("old-stick"), "--receipts-to", dir.file("receipts")});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "a plain batch file, as an older yizhen wrote them"));
  // The updated device cannot use a stick before it has its keys ...
  fs::create_directories(dir.file("usb"));
  try {
    sync::export_batches(a.exec, dir.file("usb"));
    FAIL("exported without the server's key");
  } catch (const sync::SyncError& e) {
    CHECK(e.kind() == sync::SyncError::Kind::not_enrolled);
    CHECK(contains(e.what(), "sync once over the network"));
  }
  // ... and its next sync registers its key, resigns the waiting batch and
  // delivers it.
  a.sync(server);
  CHECK(undelivered_batches(a.store.db()).empty());
  CHECK(patients_named(server, "旧协议") == 1);
  const std::string secret = *a.store.setting(sync::kSignSecretKey);
  {
    SQLite::Database db(server.db, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT sign_key FROM srv_device WHERE device_id = ?");
    q.bind(1, a.store.device_id());
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getString() == sync::signing_public_key(secret));
  }
  // Once registered, the key cannot be swapped with the token alone; the
  // same key again is fine (a lost answer retried).
  auto swap = http.Post("/v1/device-key", auth, json{{"public_key", sync::make_signing_keys().public_key}}.dump(),
                        "application/json");
  REQUIRE(swap);
  CHECK(swap->status == 409);
  CHECK(json::parse(swap->body)["code"] == "key_exists");
  auto same = http.Post("/v1/device-key", auth, json{{"public_key", sync::signing_public_key(secret)}}.dump(),
                        "application/json");
  REQUIRE(same);
  CHECK(same->status == 200);
  add_patient(a.store, "新协议");
  a.sync(server);
  CHECK(patients_named(server, "新协议") == 1);
}

TEST_CASE("The server refuses to start on a damaged key file rather than make new keys") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  server.kill();
  const std::string keys_path = sync::server_keys_path(server.db);
  const std::string good = read_file(keys_path);
  for (const std::string& bad : {std::string("{\"format\": \"yizhen-server-keys\""), std::string()}) {
    write_file_durably(keys_path, bad);
    auto r = server.admin({"stats"});
    CHECK(r.code != 0);
    CHECK(contains(r.err, keys_path));
    CHECK(read_file(keys_path) == bad);  // left as it was
  }
  fs::remove(keys_path);
  auto r = yz::test::run({YIZHEN_SERVER, "--db", server.db, "--listen", "127.0.0.1:0"});
  CHECK(r.code != 0);
  CHECK(contains(r.err, "missing"));
  CHECK_FALSE(fs::exists(keys_path));
  write_file_durably(keys_path, good);
  server.start();
  add_patient(a.store);
  CHECK_NOTHROW(a.sync(server));
}
