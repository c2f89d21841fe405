#pragma once
// Search as you type: a thread with its own read connection (open_reader),
// so typing never waits behind a save. The newest query wins: queries typed
// while one runs replace each other, and only the last one runs next.
//
// Threads: search()/read() from the UI thread; callbacks come back through
// the UiQueue on the UI thread.

#include <SQLiteCpp/Database.h>

#include <condition_variable>
#include <deque>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/yizhen/ui_queue.h"
#include "core/domain/search.h"

namespace yz::app {

struct SearchResult {
  uint64_t generation = 0;  // of the query this answers
  std::string query;
  std::vector<PatientHit> hits;
  double ms = 0;            // time the query took
  std::string error;
};

class SearchWorker {
 public:
  // The reader connection opens lazily (the writer creates the file first).
  SearchWorker(std::string db_path, UiQueue& ui);
  ~SearchWorker();
  SearchWorker(const SearchWorker&) = delete;
  SearchWorker& operator=(const SearchWorker&) = delete;

  // Queue `query`; returns its generation. `done` gets the result.
  uint64_t search(std::string query, int limit, std::function<void(SearchResult)> done);
  // Build ICU's pinyin transliterators (warm_pinyin, ~90 ms each) and the
  // reference searches' keys now, instead of at the first keystroke.
  void warm_up();
  // Run a read-only job on the reader connection (after any pending
  // search); it posts its own results. Long scans go here, not on the writer.
  void read(std::function<void(SQLite::Database&)> job);
  bool busy() const;

 private:
  void loop();
  std::string path_;
  UiQueue& ui_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Pending {
    uint64_t generation;
    std::string query;
    int limit;
    std::function<void(SearchResult)> done;
  };
  std::optional<Pending> pending_;
  std::deque<std::function<void(SQLite::Database&)>> reads_;
  bool warm_ = false, stopping_ = false, running_ = false;
  uint64_t generation_ = 0;
  std::thread thread_;
};

}  // namespace yz::app
