#pragma once
// The background sync engine (sync/engine.h) as the field app runs it: the
// engine's database work goes to the DbWorker (the one writer) through
// WriterExec, which blocks the engine's own thread, never the UI. Also the
// Sync screen's lists (quarantined records, conflicts) and "export to USB
// folder", both run on the DbWorker with results back on the UiQueue; and
// enrolling the device, whose network call runs on a thread of its own
// (its database writes go through WriterExec to the DbWorker) with the
// result back on the UiQueue.
//
// Threads: UI thread, except the engine's internals.

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/yizhen/db_worker.h"
#include "core/replication/changes.h"
#include "sync/client/engine.h"

namespace yz::app {

struct SyncView {
  sync::SyncStatus status;
  std::vector<QuarantineRow> quarantine;
  std::vector<ConflictRow> conflicts;
  bool exporting = false;
  std::string export_result;  // plain words, after an export
  bool export_failed = false;
  bool enrolling = false;
  std::string enroll_error;  // plain words, after a failed enrollment
  std::string enrolled_team, enrolled_device;  // after a successful one
};

class SyncService {
 public:
  // `ui` receives results (enrollment) to run on the UI thread.
  // `start`: start the engine now (else with start()).
  SyncService(DbWorker& db, UiQueue& ui, Lang lang, bool start);
  // Waits for an enrollment under way (bounded by the transport's timeouts).
  ~SyncService();
  // Start the engine's thread (once; later calls do nothing).
  void start() { engine_->start(); }
  // Copy the engine's status (cheap; each frame the Sync screen shows).
  void poll();
  void sync_now();
  void saved() { engine_->notify_saved(); }
  void load_lists();
  void export_to(const std::string& dir, Lang lang);
  // Enroll with `server_url` (checked by EnrollForm) on a worker thread;
  // then view().enrolling turns false with enroll_error or enrolled_team
  // set, and on success the engine syncs at once. Ignored while one runs.
  void enroll(const std::string& server_url, const std::string& code, const std::string& device_name, Lang lang);
  const SyncView& view() const { return view_; }

 private:
  DbWorker& db_;
  UiQueue& ui_;
  std::thread enroll_thread_;
  std::unique_ptr<sync::SyncEngine> engine_;
  SyncView view_;
};

}  // namespace yz::app
