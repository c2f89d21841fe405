// The background sync engine against the real server: it notices when the
// server becomes reachable, pushes then pulls, never blocks saving, and
// reports its state in plain words. Also the CLI verbs' exit codes.
#include <chrono>
#include <mutex>
#include <thread>

#include "core/replication/outbox.h"
#include "sync/client/engine.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

namespace {

// Polls `pred` for up to `ms`.
template <typename Pred>
bool eventually(Pred pred, int ms = 20000) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace

TEST_CASE("The engine waits out an unreachable server, then syncs in the background while saves go on") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  const std::string url = server.url;
  server.kill();

  // The app's writer thread: saves and engine jobs share one connection.
  std::mutex writer;
  sync::WriterExec exec = [&](const std::function<void(Store&)>& job) {
    std::lock_guard lock(writer);
    job(a.store);
  };
  sync::EngineOptions opts;
  opts.lang = Lang::en;
  opts.min_backoff_ms = 100;
  opts.max_backoff_ms = 400;
  opts.after_save_ms = 50;
  sync::SyncEngine engine(exec, opts);
  engine.start();
  CHECK(eventually([&] { return engine.status().state == sync::SyncState::offline; }));
  const auto offline = engine.status();
  CHECK(offline.last_error.find("Cannot reach the server") != std::string::npos);
  CHECK(offline.next_attempt_ms.has_value());
  CHECK(sync::state_words(offline.state, Lang::zh).find("离线") != std::string::npos);

  // Saving goes on while offline.
  for (int i = 0; i < 3; ++i) {
    std::lock_guard lock(writer);
    a.store.create("patient", {{"name", "德吉"}, {"sex", "F"}, {"age", 40 + i}});
  }
  engine.notify_saved();
  CHECK(eventually([&] { return engine.status().pending == 3; }));

  // The server comes back on the same port: the engine finds it by itself.
  const std::string port = url.substr(url.rfind(':') + 1);
  yz::test::Child again({YIZHEN_SERVER, "--db", server.db, "--listen", "127.0.0.1:" + port}, server.db + ".log");
  REQUIRE(again.read_line().find("listening") != std::string::npos);
  CHECK(eventually([&] {
    auto s = engine.status();
    return s.state == sync::SyncState::idle && s.pending == 0;
  }));
  CHECK(engine.status().last_success_ms.has_value());
  CHECK(engine.status().last_error.empty());

  // A save while online is pushed shortly after, without "sync now".
  {
    std::lock_guard lock(writer);
    a.store.create("patient", {{"name", "边巴"}, {"sex", "M"}, {"age", 61}});
  }
  engine.notify_saved();
  CHECK(eventually([&] {
    SQLite::Database central(server.db, SQLite::OPEN_READONLY);
    return central.execAndGet("SELECT count(*) FROM patient").getInt() == 4;
  }));
  CHECK(eventually([&] { return engine.status().pending == 0; }));
  engine.stop();
}

TEST_CASE("yizhenctl enroll and sync: exit 0 when nothing is pending, 3 with plain words when unreachable") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  const std::string db = encrypted(dir.file("a.db"));  // as every new database is
  auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--lang", "en"});
    return device_ctl(db, args);
  };
  REQUIRE(ctl({"init", "--encrypt"}).code == 0);
  CHECK(ctl({"enroll", "--server", server.url, "--code", "WRONG-CODE0"}).code == 2);  // a code mistyped: bad input
  CHECK(ctl({"enroll", "--server", "ftp://x", "--code", "X"}).code == 2);
  auto enrolled = ctl({"enroll", "--server", server.url, "--code", server.enroll_code()});
  REQUIRE_MESSAGE(enrolled.code == 0, enrolled.err);
  REQUIRE(ctl({"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "40"}).code == 0);
  auto synced = ctl({"sync", "--json"});
  CHECK_MESSAGE(synced.code == 0, synced.err);
  CHECK(nlohmann::json::parse(synced.out)["pushed"] == 1);
  server.kill();
  REQUIRE(ctl({"patient", "add", "--name", "旺堆", "--sex", "M", "--age", "50"}).code == 0);
  auto offline = ctl({"sync"});
  CHECK(offline.code == 3);
  CHECK(offline.err.find("Cannot reach the server") != std::string::npos);
  CHECK(std::count(offline.err.begin(), offline.err.end(), '\n') == 1);
}
