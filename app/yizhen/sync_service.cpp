#include "app/yizhen/sync_service.h"

#include "sync/batch_files.h"

namespace yz::app {

SyncService::SyncService(DbWorker& db, Lang lang, bool start) : db_(db) {
  sync::EngineOptions o;
  o.lang = lang;
  engine_ = std::make_unique<sync::SyncEngine>([this](const std::function<void(Store&)>& job) { db_.run(job); }, o);
  if (start) engine_->start();
}

SyncService::~SyncService() { engine_->stop(); }

void SyncService::poll() { view_.status = engine_->status(); }

void SyncService::sync_now() { engine_->sync_now(); }

void SyncService::load_lists() {
  struct Lists {
    std::vector<QuarantineRow> q;
    std::vector<ConflictRow> c;
  };
  db_.request<Lists>(
      [](Store& s) { return Lists{list_quarantine(s.db(), 200), list_conflicts(s.db(), 200)}; },
      [this](Lists l) {
        view_.quarantine = std::move(l.q);
        view_.conflicts = std::move(l.c);
      },
      [](std::exception_ptr) {});
}

void SyncService::export_to(const std::string& dir, Lang lang) {
  view_.exporting = true;
  db_.request<sync::ExportResult>(
      [dir](Store& s) { return sync::export_batches(s, dir); },
      [this, lang](sync::ExportResult r) {
        view_.exporting = false;
        view_.export_failed = false;
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      lang == Lang::zh ? "已写入 %d 个文件，共 %lld 条更改" : "Wrote %d files, %lld changes", r.files,
                      static_cast<long long>(r.changes));
        view_.export_result = buf;
      },
      [this, lang](std::exception_ptr e) {
        view_.exporting = false;
        view_.export_failed = true;
        view_.export_result = error_text(e, lang);
      });
}

}  // namespace yz::app
