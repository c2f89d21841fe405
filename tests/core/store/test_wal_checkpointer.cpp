// WAL checkpoints off the save path (core/wal_checkpointer.h).

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/store/checkpointer.h"
#include "tests/core/helpers.h"

using namespace yz;

namespace {

int64_t wal_bytes(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path + "-wal", ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

}  // namespace

TEST_CASE("WAL checkpointer: commits past the threshold are checkpointed by its thread, and the WAL restarts") {
  yz::test::TempDir dir;
  const std::string path = dir.file("wal.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
  db.exec("CREATE TABLE t (x TEXT)");
  int64_t done = 0;
  int64_t largest = 0;
  {
    WalCheckpointer cp(db.getHandle(), path, 20);
    for (int i = 0; i < 200; ++i) {
      SQLite::Transaction txn(db);
      db.exec("INSERT INTO t VALUES (hex(randomblob(2000)))");
      txn.commit();
      largest = std::max(largest, wal_bytes(path));
    }
    // The thread runs after the commits that woke it.
    for (int i = 0; i < 200 && cp.checkpoints() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    done = cp.checkpoints();
  }
  CHECK(done > 0);
  // 200 commits of ~4 kB each without a checkpoint would leave ~1.6 MB of
  // WAL (two pages a commit, and the automatic checkpoint is replaced): a
  // restarted WAL stays near the threshold.
  CHECK(largest < 1'000'000);
  CHECK(db.execAndGet("SELECT count(*) FROM t").getInt() == 200);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("WAL checkpointer: nothing due, it stops at once and leaves the WAL to the writer's close") {
  yz::test::TempDir dir;
  const std::string path = dir.file("idle.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode = WAL");
  WalCheckpointer cp(db.getHandle(), path, 1000);
  db.exec("CREATE TABLE t (x)");
  CHECK(cp.checkpoints() == 0);
}
