#pragma once
// The background sync engine the field app runs (DESIGN.md §5).
//
// It probes the server with backoff, and when the server answers it pushes
// every pending batch, then pulls changes after the device's cursor. Saving
// never waits for it: it touches the database only through `WriterExec`,
// which runs a short job on the thread that owns the device's one writer
// connection (DESIGN.md §3: one writer per file). Network calls run on the
// engine's own thread. Any failure is reported in `SyncStatus` in plain
// words and retried later; nothing is lost by a failed or cut-off sync.
//
// Threads: every public member may be called from any thread. status() is a
// cheap copy for the UI to draw from each frame.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/base/errors.h"
#include "core/store/store.h"
#include "sync/client/client.h"

namespace yz::sync {

enum class SyncState {
  not_enrolled,  // no server or token yet: enroll first
  idle,          // nothing to do, or waiting for the next probe
  offline,       // the server cannot be reached; probing with backoff
  syncing,       // pushing or pulling
  error,         // the last round failed for another reason (see last_error)
  revoked,       // the server refused this device: a coordinator must re-enroll it
};

struct SyncStatus {
  SyncState state = SyncState::not_enrolled;
  std::string server;                   // base URL, empty when not enrolled
  int64_t pending = 0;                  // local changes not yet confirmed
  int64_t quarantined = 0;              // records the server set aside (see list_quarantine)
  int64_t conflicts = 0;                // concurrent edits logged on this device
  std::optional<int64_t> last_success_ms;  // end of the last full round (device clock)
  std::optional<int64_t> next_attempt_ms;  // when offline/error: the next probe
  std::string last_error;               // plain words in the store's language, empty when fine
  double progress = 0;                  // 0..1 within the current round
};

struct EngineOptions {
  Lang lang = Lang::zh;                 // language of last_error
  int64_t min_backoff_ms = 2'000;       // first retry after a failure
  int64_t max_backoff_ms = 5 * 60'000;  // backoff doubles up to this
  int64_t idle_poll_ms = 60'000;        // pull this often when all is well
  int64_t after_save_ms = 5'000;        // push this long after a save, when online
  // Makes the transport for a base URL; default: HTTP (cpp-httplib).
  std::function<std::unique_ptr<Transport>(const std::string& base_url)> transport;
};

class SyncEngine {
 public:
  SyncEngine(WriterExec exec, EngineOptions options = {});
  ~SyncEngine();  // stops the thread; an interrupted round resumes next time
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  void start();
  void stop();
  // Try now instead of waiting for the next probe (the "sync now" button).
  void sync_now();
  // The local database changed (a save): refresh `pending` soon.
  void notify_saved();
  SyncStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Human words for a state, in `lang` (for the sync screen).
std::string state_words(SyncState state, Lang lang);

}  // namespace yz::sync
