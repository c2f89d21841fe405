#include "app/yizhen/db_worker.h"
#include "core/domain/open_store.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

#include "app/yizhen/strings.h"

namespace yz::app {

DbWorker::DbWorker(std::string db_path, UiQueue& ui) : ui_(ui) {
  running_ = true;  // until the store is open: busy() covers the open
  thread_ = std::thread([this, p = std::move(db_path)]() mutable { loop(std::move(p)); });
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

void DbWorker::loop(std::string path) {
  std::optional<Store> store;
  try {
    // One record at a time: a 4 MB page cache holds the inner pages of
    // every index a save or a card touches; the rest is a pread from the OS
    // cache away. The store's 16 MB default, filled by one scan (counting
    // 10^7 pending changes), would stay resident for the app's life.
    StoreOptions options;
    options.cache_kib = 4000;
    store.emplace(open_store(path, options));
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    open_error_ = e.what();
  }
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
      job(store ? &*store : nullptr);
    } catch (...) {
      report(std::current_exception());
    }
  }
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
    return v.errors().empty() ? v.what() : v.errors().front().message(lang);
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
