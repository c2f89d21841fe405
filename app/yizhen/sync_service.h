#pragma once
// The background sync engine (sync/engine.h) as the field app runs it: the
// engine's database work goes to the DbWorker (the one writer) through
// WriterExec, which blocks the engine's own thread, never the UI. Also the
// Sync screen's lists (quarantined records, conflicts) and "export to USB
// folder", both run on the DbWorker with results back on the UiQueue.
//
// Threads: UI thread, except the engine's internals.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/yizhen/db_worker.h"
#include "core/changes.h"
#include "sync/engine.h"

namespace yz::app {

struct SyncView {
  sync::SyncStatus status;
  std::vector<QuarantineRow> quarantine;
  std::vector<ConflictRow> conflicts;
  bool exporting = false;
  std::string export_result;  // plain words, after an export
  bool export_failed = false;
};

class SyncService {
 public:
  SyncService(DbWorker& db, Lang lang, bool start);
  ~SyncService();
  // Copy the engine's status (cheap; each frame the Sync screen shows).
  void poll();
  void sync_now();
  void saved() { engine_->notify_saved(); }
  void load_lists();
  void export_to(const std::string& dir, Lang lang);
  const SyncView& view() const { return view_; }

 private:
  DbWorker& db_;
  std::unique_ptr<sync::SyncEngine> engine_;
  SyncView view_;
};

}  // namespace yz::app
