#include "app/yizhen/sync_service.h"

#include "app/yizhen/strings.h"
#include "sync/client/batch_files.h"
#include "sync/client/client.h"
#include "sync/client/transport.h"

namespace yz::app {

SyncService::SyncService(DbWorker& db, UiQueue& ui, Lang lang, bool start) : db_(db), ui_(ui) {
  sync::EngineOptions o;
  o.lang = lang;
  engine_ = std::make_unique<sync::SyncEngine>([this](const std::function<void(Store&)>& job) { db_.run(job); }, o);
  if (start) engine_->start();
}

SyncService::~SyncService() {
  if (enroll_thread_.joinable()) enroll_thread_.join();
  engine_->stop();
}

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
        view_.export_result = trf(lang, S::sy_export_done, r.files, static_cast<long long>(r.changes));
      },
      [this, lang](std::exception_ptr e) {
        view_.exporting = false;
        view_.export_failed = true;
        view_.export_result = error_text(e, lang);
      });
}

void SyncService::enroll(const std::string& server_url, const std::string& code, const std::string& device_name,
                         Lang lang) {
  if (view_.enrolling) return;
  if (enroll_thread_.joinable()) enroll_thread_.join();  // the last one has posted its result
  view_.enrolling = true;
  view_.enroll_error.clear();
  view_.enrolled_team.clear();
  view_.enrolled_device.clear();
  // The network call must not block the UI thread nor the DbWorker (saves
  // keep working while a slow server answers): a thread of its own, writes
  // through the DbWorker, the outcome back through the UI queue.
  enroll_thread_ = std::thread([this, server_url, code, device_name, lang] {
    std::string error, team, device;
    try {
      auto transport = sync::make_http_transport(server_url, 5, 20);
      const sync::WriterExec exec = [this](const std::function<void(Store&)>& job) { db_.run(job); };
      sync::EnrollResult r = sync::enroll(exec, *transport, server_url, code, device_name);
      team = r.team_name.empty() ? r.team_id : r.team_name;
      device = r.device_id;
    } catch (const sync::SyncError& e) {
      error = sync::enroll_error_words(e, lang);
    } catch (...) {
      error = error_text(std::current_exception(), lang);
    }
    ui_.post([this, error, team, device] {
      view_.enrolling = false;
      view_.enroll_error = error;
      if (error.empty()) {
        view_.enrolled_team = team;
        view_.enrolled_device = device;
        engine_->sync_now();
      }
    });
  });
}

}  // namespace yz::app
