#pragma once
// Checkpoints a database's write-ahead log on a thread of its own, so that a
// save never waits for one (DESIGN.md §7: a durable save's p99).
//
// SQLite's default checkpoints the WAL inside the commit that takes it past
// 1,000 pages: that one save then also writes the pages back into the
// database file and syncs it, which made the save benchmark's p99 four
// times its p95 (BENCHMARKS.md). Installed on the writer connection, this
// replaces that automatic checkpoint (sqlite3_wal_hook): after a commit that
// leaves `pages` or more in the WAL it wakes its thread, which runs a
// PASSIVE checkpoint over a second connection to the same file. PASSIVE
// never blocks the writer or readers; what it cannot copy yet (frames a
// reader still needs) is copied by a later one.
//
// Under commits back to back the thread's checkpoints never complete (the
// writer keeps appending) and the WAL would grow without bound: once it holds
// kInlineFactor × `pages`, the committing writer checkpoints itself, as
// SQLite's default does, mostly with little left to copy.
//
// Durability is unchanged: a commit is durable once its WAL frames are
// synced, before the hook runs. Destroy the checkpointer before the writer
// connection closes (the writer's close checkpoints the rest).

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace yz {

class WalCheckpointer {
 public:
  WalCheckpointer(sqlite3* writer, std::string path, int pages = 1000);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  static constexpr int kInlineFactor = 4;

  // Checkpoints its thread ran so far that copied frames back (for tests).
  int64_t checkpoints() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();

  sqlite3* writer_;
  std::string path_;
  int pages_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool due_ = false, stop_ = false;
  int64_t done_ = 0;
  std::thread thread_;
};

}  // namespace yz
