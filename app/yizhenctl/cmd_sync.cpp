// Verbs of sync (DESIGN.md §6): enroll, sync, batch export, batch receipts,
// and the lists a device keeps for people to review (quarantine, conflicts).
// Exit codes: 0 done; 2 bad input; 3 the server could not be reached or
// refused (the reason in plain words on stderr); 4 sync finished but changes
// saved meanwhile are still pending.

#include <sstream>
#include <unistd.h>

#include "app/yizhenctl/cli.h"
#include "core/replication/changes.h"
#include "core/base/clock.h"
#include "core/base/messages.h"
#include "core/replication/outbox.h"
#include "sync/client/batch_files.h"
#include "sync/client/client.h"

namespace yz::cli {

namespace {

// `words`: error_words, or enroll_error_words for an enrollment.
// `refused_status`: the exit status when the server refused the request
// (3, a failure; 2 for an enrollment, whose code the user typed: bad input).
int sync_guarded(const Context& ctx, const std::function<int()>& body,
                 std::string (*words)(const sync::SyncError&, Lang) = &sync::error_words, int refused_status = 3) {
  return guarded(ctx, [&] {
    try {
      return body();
    } catch (const sync::SyncError& e) {
      // The refused/server words already quote the server; the others get
      // the technical reason in brackets.
      const bool quoted = e.kind() == sync::SyncError::Kind::refused || e.kind() == sync::SyncError::Kind::server;
      std::cerr << "error: " << words(e, ctx.language());
      if (!quoted) std::cerr << " (" << e.what() << ")";
      std::cerr << "\n";
      return e.kind() == sync::SyncError::Kind::refused ? refused_status : 3;
    }
  });
}

std::string server_url(const std::string& given) {
  if (given.rfind("http://", 0) != 0 && given.rfind("https://", 0) != 0)
    throw UsageError("--server", "must start with http:// or https://");
  return given;
}

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

}  // namespace

void add_sync_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* enroll = app.add_subcommand("enroll", "Enroll this device with a server using a one-time code");
  auto enroll_server = std::make_shared<std::string>();
  auto code = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  enroll->add_option("--server", *enroll_server, "Server address, e.g. http://10.0.0.5:8470")->required();
  enroll->add_option("--code", *code, "The one-time code from the coordinator")->required();
  enroll->add_option("--name", *name, "A name for this device (default: the host name)");
  auto fingerprint = std::make_shared<std::string>();
  enroll->add_option("--fingerprint", *fingerprint,
                     "For https: the server certificate's SHA-256, as admin enroll-code prints it (at least 16 hex)");
  enroll->callback([&, enroll_server, code, name, fingerprint] {
    exit_code = sync_guarded(ctx, [&] {
      Store store = ctx.open_store();
      std::string url = server_url(*enroll_server);
      if (!fingerprint->empty()) url = sync::pinned_url(url, *fingerprint);
      std::unique_ptr<sync::Transport> transport;
      try {
        transport = sync::make_http_transport(url);
      } catch (const sync::TransportError& e) {  // a malformed address or fingerprint
        throw UsageError(fingerprint->empty() ? "--server" : "--fingerprint", e.what());
      }
      auto r = sync::enroll(sync::direct_exec(store), *transport, url, *code, name->empty() ? host_name() : *name);
      emit(ctx,
           {{"device_id", r.device_id},
            {"team_id", r.team_id},
            {"team", r.team_name},
            {"server_id", r.server_id},
            {"server", r.server_url}},
           "enrolled device " + r.device_id + " in team " + r.team_name);
      return 0;
    }, &sync::enroll_error_words, 2);
  });

  auto* sync_cmd = app.add_subcommand("sync", "Push pending changes, then pull the team's changes");
  auto sync_server = std::make_shared<std::string>();
  sync_cmd->add_option("--server", *sync_server, "Server address (default: the one enrolled with)");
  sync_cmd->callback([&, sync_server] {
    exit_code = sync_guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const std::string enrolled = store.setting(sync::kServerKey).value_or("");
      std::string url = sync_server->empty() ? enrolled : server_url(*sync_server);
      if (url.empty()) throw UsageError("--server", "is required: this device has not been enrolled with a server");
      // A server that moved keeps its certificate: the pin taken at
      // enrollment still applies to an address given here without one.
      if (const auto pin = enrolled.find("#sha256="); pin != std::string::npos && url.find('#') == std::string::npos)
        url += enrolled.substr(pin);
      auto transport = sync::make_http_transport(url);
      const auto exec = sync::direct_exec(store);
      const auto pushed = sync::push(exec, *transport);
      const auto pulled = sync::pull(exec, *transport);
      store.set_setting(sync::kLastSuccessKey, std::to_string(store.now_ms()));
      const int64_t pending = pending_changes(store.db());
      emit(ctx,
           {{"pushed_batches", pushed.batches},
            {"pushed", pushed.changes},
            {"quarantined", pushed.quarantined},
            {"pulled", pulled.changes},
            {"conflicts", pulled.conflicts},
            {"reset", pulled.reset},
            {"pending", pending}},
           "pushed " + std::to_string(pushed.changes) + " changes in " + std::to_string(pushed.batches) +
               " batches (" + std::to_string(pushed.quarantined) + " quarantined), pulled " +
               std::to_string(pulled.changes) + ", " + std::to_string(pending) + " pending");
      return pending == 0 ? 0 : 4;
    });
  });

  auto* batch = app.add_subcommand("batch", "Batch files for a USB stick");
  batch->require_subcommand(1);
  auto* exp = batch->add_subcommand("export", "Write pending batches as files into a folder");
  auto to = std::make_shared<std::string>();
  exp->add_option("--to", *to, "Folder (e.g. the USB stick)")->required();
  exp->callback([&, to] {
    exit_code = sync_guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const auto r = sync::export_batches(store, *to);
      emit(ctx, {{"files", r.files}, {"changes", r.changes}, {"paths", r.paths}},
           "wrote " + std::to_string(r.files) + " batch files (" + std::to_string(r.changes) + " changes) to " + *to);
      return 0;
    });
  });
  auto* rec = batch->add_subcommand("receipts", "Mark delivered what the server's receipt files confirm");
  auto from = std::make_shared<std::string>();
  rec->add_option("--from", *from, "Folder with the server's receipt files")->required();
  rec->callback([&, from] {
    exit_code = sync_guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const auto r = sync::import_receipts(sync::direct_exec(store), *from);
      for (const auto& line : r.refused) std::cerr << "refused: " << line << "\n";
      emit(ctx,
           {{"delivered", r.delivered}, {"already", r.already}, {"quarantined", r.quarantined}, {"refused", r.refused},
            {"pending", pending_changes(store.db())}},
           "marked " + std::to_string(r.delivered) + " batches delivered (" + std::to_string(r.already) +
               " already), " + std::to_string(r.quarantined) + " records quarantined, " +
               std::to_string(r.refused.size()) + " files refused");
      return r.refused.empty() ? 0 : 2;
    });
  });

  auto* quarantine = app.add_subcommand("quarantine", "Records the server set aside, with reasons");
  quarantine->callback([&] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      json j = json::array();
      std::ostringstream text;
      // Open rows, and those a coordinator retried or discarded on the server.
      for (const auto& q : list_quarantine(store.db(), 1000, true)) {
        const std::string outcome = q.outcome.empty() ? "open" : q.outcome;
        json row = {{"entity", q.entity}, {"id", q.record_id}, {"batch_id", q.batch_id}, {"errors", q.errors},
                    {"at", datetime_of_ms(q.at_ms)}, {"outcome", outcome}};
        if (!q.note.empty()) row["reason"] = q.note;
        j.push_back(std::move(row));
        text << q.entity << "\t" << q.record_id << "\t" << word("quarantine_outcome", outcome, ctx.language());
        if (!q.note.empty()) text << " (" << q.note << ")";
        for (const auto& e : q.errors)
          text << "\t" << error_from_json(e).message(ctx.language());
        text << "\n";
      }
      emit(ctx, j, text.str());
      return 0;
    });
  });

  auto* conflicts = app.add_subcommand("conflicts", "Concurrent edits of one field, for review");
  conflicts->callback([&] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      json j = json::array();
      std::ostringstream text;
      for (const auto& c : list_conflicts(store.db())) {
        j.push_back({{"entity", c.entity}, {"id", c.record_id}, {"field", c.field}, {"kept", c.kept_value},
                     {"kept_hlc", c.kept_hlc}, {"other", c.other_value}, {"other_hlc", c.other_hlc}});
        text << c.entity << "\t" << c.record_id << "\t" << c.field << "\tkept " << c.kept_value.dump() << "\tother "
             << c.other_value.dump() << "\n";
      }
      emit(ctx, j, text.str());
      return 0;
    });
  });
}

}  // namespace yz::cli
