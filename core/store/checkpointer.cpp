#include "core/store/checkpointer.h"

#include "core/store/encryption.h"

namespace yz {

WalCheckpointer::WalCheckpointer(sqlite3* writer, std::string path, int pages)
    : writer_(writer), path_(std::move(path)), pages_(pages) {
  thread_ = std::thread([this] { run(); });
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mu_);
  return done_;
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (wal_pages >= kInlineFactor * c->pages_) {
    // Commits back to back (a long push, demo data) leave the thread's
    // checkpoints never complete, and the WAL only restarts after a complete
    // one: here the writer finishes the copying, as SQLite's default would.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (wal_pages >= c->pages_) {
    {
      std::lock_guard lock(c->mu_);
      c->due_ = true;
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  sqlite3* db = nullptr;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return due_ || stop_; });
      if (stop_) break;
      due_ = false;
    }
    // Opened on first need: most short-lived stores (the CLI) never need it.
    if (!db) {
      const char* vfs = nullptr;
      try {
        vfs = vfs_for(path_);  // the writer's own VFS (encrypted or not)
      } catch (const EncryptionError&) {
        continue;  // the key was dropped: the writer's close checkpoints in the end
      }
      if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, vfs) != SQLITE_OK) {
        sqlite3_close(db);
        db = nullptr;
        continue;  // the writer's close checkpoints in the end
      }
      sqlite3_busy_timeout(db, 1000);
    }
    // A connection learns that the file is in WAL mode when it first reads
    // it; until then a checkpoint finds no WAL and copies nothing.
    if (sqlite3_exec(db, "SELECT 1 FROM sqlite_master LIMIT 1", nullptr, nullptr, nullptr) != SQLITE_OK) continue;
    int copied = 0;
    if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, &copied) != SQLITE_OK || copied <= 0)
      continue;
    std::lock_guard lock(mu_);
    ++done_;
  }
  sqlite3_close(db);
}

}  // namespace yz
