#pragma once
// The device's one writer (DESIGN.md §3): a thread that owns the Store (the
// only write connection to the database file) and runs posted jobs in order.
// The UI never runs SQL; it posts jobs and gets results back on its UiQueue.
// The sync engine runs its database work here too (run(), which blocks the
// calling thread — never the UI thread).
//
// Errors: a job's exception is caught; request() hands it to `fail` on the UI
// thread, run() rethrows it to the caller, post() drops it after logging to
// stderr. If the database cannot be opened, every job fails with that error.

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/yizhen/ui_queue.h"
#include "core/base/errors.h"
#include "core/store/store.h"

namespace yz::app {

class DbWorker {
 public:
  using Job = std::function<void(Store&)>;

  // Starts the thread, which opens (creating, migrating) the database; with
  // `open_now` false it waits for open() (an encrypted database: its key is
  // unwrapped first), and jobs queued meanwhile fail as "locked".
  DbWorker(std::string db_path, UiQueue& ui, bool open_now = true);
  // Runs what is already queued, then closes the store and joins.
  ~DbWorker();
  DbWorker(const DbWorker&) = delete;
  DbWorker& operator=(const DbWorker&) = delete;

  // Open the database on the worker after `prepare` ran there (unwrapping
  // and registering its key: seconds of Argon2id kept off the UI thread);
  // then `done(nullptr)` on the UI thread, or `done(error)` when `prepare`
  // or the open threw (the database stays closed; open may be tried again).
  // Once open, a further call only runs `prepare` (checking a passphrase).
  void open(std::function<void()> prepare, std::function<void(std::exception_ptr)> done);

  // Queue a job; returns at once.
  void post(Job job);
  // Run `job` on the worker and wait for it; rethrows what it throws.
  void run(const Job& job);
  // Run `fn` on the worker, then `done(result)` on the UI thread; on an
  // exception, `fail(error)` on the UI thread.
  template <class T>
  void request(std::function<T(Store&)> fn, std::function<void(T)> done,
               std::function<void(std::exception_ptr)> fail = {}) {
    enqueue([this, fn = std::move(fn), done = std::move(done), fail = std::move(fail)](Store* s) mutable {
      try {
        auto result = std::make_shared<T>(fn(usable(s)));
        ui_.post([done = std::move(done), result] { done(std::move(*result)); });
      } catch (...) {
        auto e = std::current_exception();
        if (fail) ui_.post([fail = std::move(fail), e] { fail(e); });
        else report(e);
      }
    });
  }

  // Queued or running jobs (for tests and screenshots).
  bool busy() const;
  // Block until nothing is queued or running.
  void wait_idle() const;
  // Why the database could not be opened; empty when it is open.
  std::string open_error() const;

 private:
  using RawJob = std::function<void(Store*)>;  // nullptr: the database could not be opened
  void enqueue(RawJob job);
  // `*s`, or throws StoreError with the open error.
  Store& usable(Store* s) const;
  void loop();
  void open_store();
  static void report(std::exception_ptr e);

  UiQueue& ui_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_, idle_cv_;
  std::deque<RawJob> jobs_;
  bool stopping_ = false, running_ = false;
  std::string path_;
  std::string open_error_;
  std::optional<Store> store_;  // the worker thread's alone
  std::thread thread_;
};

// A readable message for an exception from a job (ValidationError's first
// problem, StoreError, SQLite::Exception, …) in `lang`.
std::string error_text(std::exception_ptr e, Lang lang);

}  // namespace yz::app
