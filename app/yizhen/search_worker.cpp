#include "app/yizhen/search_worker.h"

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "app/yizhen/model/catalog.h"
#include "core/domain/icd10.h"
#include "core/domain/pinyin.h"
#include "core/store/store.h"

namespace yz::app {

SearchWorker::SearchWorker(std::string db_path, UiQueue& ui) : path_(std::move(db_path)), ui_(ui) {
  thread_ = std::thread([this] { loop(); });
}

SearchWorker::~SearchWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t SearchWorker::search(std::string query, int limit, std::function<void(SearchResult)> done) {
  uint64_t g;
  {
    std::lock_guard lock(mu_);
    g = ++generation_;
    pending_ = Pending{g, std::move(query), limit, std::move(done)};
  }
  cv_.notify_one();
  return g;
}

void SearchWorker::warm_up() {
  {
    std::lock_guard lock(mu_);
    warm_ = true;
  }
  cv_.notify_one();
}

void SearchWorker::read(std::function<void(SQLite::Database&)> job) {
  {
    std::lock_guard lock(mu_);
    reads_.push_back(std::move(job));
  }
  cv_.notify_one();
}

bool SearchWorker::busy() const {
  std::lock_guard lock(mu_);
  return running_ || pending_ || warm_ || !reads_.empty();
}

void SearchWorker::loop() {
  std::unique_ptr<SQLite::Database> db;
  for (;;) {
    std::optional<Pending> job;
    std::function<void(SQLite::Database&)> read;
    bool warm = false;
    {
      std::unique_lock lock(mu_);
      running_ = false;
      cv_.wait(lock, [&] { return stopping_ || pending_ || warm_ || !reads_.empty(); });
      if (stopping_) return;
      job.swap(pending_);
      if (!job && !reads_.empty()) {
        read = std::move(reads_.front());
        reads_.pop_front();
      }
      warm = warm_;
      warm_ = false;
      running_ = true;
    }
    if (warm) {
      warm_pinyin();
      // The reference searches' keys (~0.3 s), built here rather than at the first keystroke.
      search_icd10("", 1);
      prepare_stock_search(formulary());
    }
    if (read) {
      try {
        if (!db) db = std::make_unique<SQLite::Database>(open_reader(path_));
        read(*db);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "yizhen: background read: %s\n", e.what());
        db.reset();
      }
      continue;
    }
    if (!job) continue;
    SearchResult r;
    r.generation = job->generation;
    r.query = job->query;
    const auto t0 = std::chrono::steady_clock::now();
    try {
      if (!db) db = std::make_unique<SQLite::Database>(open_reader(path_));
      r.hits = search_patients(*db, job->query, job->limit);
    } catch (const std::exception& e) {
      r.error = e.what();
      db.reset();  // reopen next time (the file may not have existed yet)
    }
    r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ui_.post([done = std::move(job->done), r = std::move(r)]() mutable { done(std::move(r)); });
  }
}

}  // namespace yz::app
