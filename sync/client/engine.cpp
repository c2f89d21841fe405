#include "sync/client/engine.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/base/messages.h"
#include "core/replication/changes.h"
#include "core/replication/outbox.h"

namespace yz::sync {

namespace {

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string state_words(SyncState state, Lang lang) {
  switch (state) {
    case SyncState::not_enrolled: return std::string(word("sync_state", "not_enrolled", lang));
    case SyncState::idle: return std::string(word("sync_state", "idle", lang));
    case SyncState::offline: return std::string(word("sync_state", "offline", lang));
    case SyncState::syncing: return std::string(word("sync_state", "syncing", lang));
    case SyncState::error: return std::string(word("sync_state", "error", lang));
    case SyncState::revoked: return std::string(word("sync_state", "revoked", lang));
  }
  return {};
}

struct SyncEngine::Impl {
  WriterExec exec;
  EngineOptions opt;
  std::thread thread;
  mutable std::mutex mu;
  std::condition_variable cv;
  bool stopping = false, kicked = false, saved = false;
  SyncStatus status;
  int64_t backoff_ms = 0;

  Impl(WriterExec e, EngineOptions o) : exec(std::move(e)), opt(std::move(o)) {
    if (!opt.transport) opt.transport = [](const std::string& url) { return make_http_transport(url); };
    backoff_ms = opt.min_backoff_ms;
  }

  template <typename Fn>
  void update(Fn fn) {
    std::lock_guard lock(mu);
    fn(status);
  }

  // Counts and enrollment, read on the writer thread.
  std::pair<std::string, bool> refresh() {
    std::string server;
    bool enrolled = false;
    int64_t pending = 0, quarantined = 0, conflicts = 0;
    std::optional<int64_t> last;
    exec([&](Store& s) {
      server = s.setting(kServerKey).value_or("");
      enrolled = s.setting(kTokenKey).has_value();
      if (auto v = s.setting(kLastSuccessKey)) last = std::stoll(*v);
      pending = pending_changes(s.db());
      quarantined = static_cast<int64_t>(list_quarantine(s.db()).size());
      conflicts = static_cast<int64_t>(list_conflicts(s.db()).size());
    });
    update([&](SyncStatus& st) {
      st.server = server;
      st.pending = pending;
      st.quarantined = quarantined;
      st.conflicts = conflicts;
      if (last) st.last_success_ms = last;
    });
    return {server, enrolled};
  }

  // One round: probe, push, pull. Returns how long to wait before the next.
  int64_t round() {
    auto [server, enrolled] = refresh();
    if (!enrolled || server.empty()) {
      update([](SyncStatus& st) { st.state = SyncState::not_enrolled; });
      return opt.idle_poll_ms;
    }
    update([](SyncStatus& st) {
      st.state = SyncState::syncing;
      st.progress = 0;
    });
    try {
      auto transport = opt.transport(server);
      const HttpResponse probe = [&] {
        try {
          return transport->get("/v1/health", "");
        } catch (const TransportError& e) {
          throw SyncError(SyncError::Kind::offline, e.what());
        }
      }();
      if (probe.status != 200) throw SyncError(SyncError::Kind::server, "health check: HTTP " + std::to_string(probe.status));
      push(exec, *transport, [&](int64_t done, int64_t total) {
        update([&](SyncStatus& st) { st.progress = total ? 0.5 * static_cast<double>(done) / static_cast<double>(total) : 0.5; });
      });
      pull(exec, *transport, [&](int64_t done, int64_t total) {
        update([&](SyncStatus& st) { st.progress = 0.5 + (total ? 0.5 * static_cast<double>(done) / static_cast<double>(total) : 0.5); });
      });
      const int64_t now = wall_ms();
      exec([&](Store& s) { s.set_setting(kLastSuccessKey, std::to_string(now)); });
      refresh();
      backoff_ms = opt.min_backoff_ms;
      update([&](SyncStatus& st) {
        st.state = SyncState::idle;
        st.last_error.clear();
        st.last_success_ms = now;
        st.next_attempt_ms.reset();
        st.progress = 1;
      });
      return opt.idle_poll_ms;
    } catch (const SyncError& e) {
      return failed(e.kind() == SyncError::Kind::offline   ? SyncState::offline
                    : e.kind() == SyncError::Kind::revoked ? SyncState::revoked
                                                           : SyncState::error,
                    error_words(e, opt.lang));
    } catch (const std::exception& e) {
      return failed(SyncState::error, format_message(word("sync_error", "other", opt.lang), {e.what()}));
    }
  }

  int64_t failed(SyncState state, const std::string& words) {
    try {
      refresh();
    } catch (...) {  // the counts can wait for the next round
    }
    const int64_t wait = state == SyncState::revoked ? opt.max_backoff_ms : backoff_ms;
    backoff_ms = std::min(backoff_ms * 2, opt.max_backoff_ms);
    update([&](SyncStatus& st) {
      st.state = state;
      st.last_error = words;
      st.next_attempt_ms = wall_ms() + wait;
    });
    return wait;
  }

  // Rounds until stopped. Between rounds wait for the deadline, "sync now",
  // or a save, which refreshes the counts and, when the server was reachable
  // last time, brings the next round to within after_save_ms.
  void run() {
    std::unique_lock lock(mu);
    while (!stopping) {
      lock.unlock();
      const int64_t wait = round();
      lock.lock();
      auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait);
      while (!stopping && !kicked && std::chrono::steady_clock::now() < next) {
        cv.wait_until(lock, next, [&] { return stopping || kicked || saved; });
        if (!saved) continue;
        saved = false;
        if (status.state == SyncState::idle)
          next = std::min(next, std::chrono::steady_clock::now() + std::chrono::milliseconds(opt.after_save_ms));
        lock.unlock();
        try {
          refresh();
        } catch (...) {  // counts only; the next round reports real failures
        }
        lock.lock();
      }
      kicked = false;
    }
  }
};

SyncEngine::SyncEngine(WriterExec exec, EngineOptions options)
    : impl_(std::make_unique<Impl>(std::move(exec), std::move(options))) {}

SyncEngine::~SyncEngine() { stop(); }

void SyncEngine::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->thread.joinable()) return;
  impl_->stopping = false;
  impl_->thread = std::thread([this] { impl_->run(); });
}

void SyncEngine::stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void SyncEngine::sync_now() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->kicked = true;
  }
  impl_->cv.notify_all();
}

void SyncEngine::notify_saved() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->saved = true;
  }
  impl_->cv.notify_all();
}

SyncStatus SyncEngine::status() const {
  std::lock_guard lock(impl_->mu);
  return impl_->status;
}

}  // namespace yz::sync
