#include "app/yizhen/db_worker.h"
#include "core/domain/open_store.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

#include "app/yizhen/strings.h"

namespace yz::app {

DbWorker::DbWorker(std::string db_path, UiQueue& ui, bool open_now) : ui_(ui), path_(std::move(db_path)) {
  if (open_now) {
    running_ = true;  // until the store is open: busy() covers the open
    jobs_.push_back([this](Store*) { open_store(); });
  } else {
    open_error_ = "the database is locked";
  }
  thread_ = std::thread([this] { loop(); });
}

void DbWorker::open_store() {
  try {
    // One record at a time: a 4 MB page cache holds the inner pages of
    // every index a save or a card touches; the rest is a pread from the OS
    // cache away. The store's 16 MB default, filled by one scan (counting
    // 10^7 pending changes), would stay resident for the app's life.
    StoreOptions options;
    options.cache_kib = 4000;
    store_.emplace(yz::open_store(path_, options));
    std::lock_guard lock(mu_);
    open_error_.clear();
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    open_error_ = e.what();
    throw;
  }
}

void DbWorker::open(std::function<void()> prepare, std::function<void(std::exception_ptr)> done) {
  enqueue([this, prepare = std::move(prepare), done = std::move(done)](Store*) {
    std::exception_ptr error;
    try {
      if (prepare) prepare();
      if (!store_) open_store();
    } catch (...) {
      error = std::current_exception();
    }
    ui_.post([done, error] { done(error); });
  });
}

DbWorker::~DbWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void DbWorker::enqueue(RawJob job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void DbWorker::post(Job job) {
  enqueue([this, job = std::move(job)](Store* s) { job(usable(s)); });
}

Store& DbWorker::usable(Store* s) const {
  if (!s) throw StoreError(open_error());
  return *s;
}

void DbWorker::run(const Job& job) {
  std::mutex m;
  std::condition_variable done_cv;
  bool done = false;
  std::exception_ptr error;
  enqueue([&](Store* s) {
    try {
      job(usable(s));
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(m);
    done = true;
    done_cv.notify_one();
  });
  std::unique_lock lock(m);
  done_cv.wait(lock, [&] { return done; });
  if (error) std::rethrow_exception(error);
}

bool DbWorker::busy() const {
  std::lock_guard lock(mu_);
  return running_ || !jobs_.empty();
}

void DbWorker::wait_idle() const {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return !running_ && jobs_.empty(); });
}

std::string DbWorker::open_error() const {
  std::lock_guard lock(mu_);
  return open_error_;
}

void DbWorker::report(std::exception_ptr e) { std::fprintf(stderr, "yizhen: %s\n", error_text(e, Lang::en).c_str()); }

void DbWorker::loop() {
  for (;;) {
    RawJob job;
    {
      std::unique_lock lock(mu_);
      running_ = false;
      if (jobs_.empty()) idle_cv_.notify_all();
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) break;  // stopping, and everything queued has run
      job = std::move(jobs_.front());
      jobs_.pop_front();
      running_ = true;
    }
    try {
      job(store_ ? &*store_ : nullptr);
    } catch (...) {
      // The first job of an app opening at once is the open: its error is
      // open_error(), which every later job reports.
      if (store_) report(std::current_exception());
    }
  }
  store_.reset();  // closed on the thread that used it
  std::lock_guard lock(mu_);
  running_ = false;
  idle_cv_.notify_all();
}

}  // namespace yz::app

namespace yz::app {

std::string error_text(std::exception_ptr e, Lang lang) {
  try {
    std::rethrow_exception(e);
  } catch (const ValidationError& v) {
    return v.errors().empty() ? v.what() : v.errors().front().plain_message(lang);
  } catch (const NotFound& n) {
    return trf(lang, S::err_no_record, n.id().c_str());
  } catch (const StoreError& s) {
    return trf(lang, S::err_database, s.what());
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return tr(S::err_unknown, lang);
  }
}

}  // namespace yz::app
