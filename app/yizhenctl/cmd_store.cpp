// Verbs on the store as a whole: init, demo, stats, audit verify.

#include <filesystem>
#include <memory>
#include <sstream>

#include "app/yizhenctl/cli.h"
#include "tools/demo/demo.h"
#include "core/store/audit_chain.h"
#include "core/store/key_file.h"
#include "core/store/schema.h"
#include "core/queries/views.h"

namespace yz::cli {

void add_store_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* init = app.add_subcommand("init", "Create (or migrate) the database and give this device its id");
  auto encrypted = std::make_shared<bool>(false), plain = std::make_shared<bool>(false);
  auto* encrypt_flag = init->add_flag(
      "--encrypt", *encrypted,
      "The default, said out loud: refuse an existing plain database (yizhenctl encrypt converts one)");
  init->add_flag("--plain", *plain, "Make a new database without encryption (a scratch or test database)")
      ->excludes(encrypt_flag);
  init->callback([&, encrypted, plain] {
    exit_code = guarded(ctx, [&] {
      const std::string path = ctx.resolved_db();
      if (*encrypted && std::filesystem::exists(path) && !key_file_exists(path))
        throw UsageError("--encrypt", path + " exists and is plain (use yizhenctl encrypt)");
      ctx.make_database(*plain ? Context::NewDatabase::plain : Context::NewDatabase::encrypted);
      Store store = ctx.open_store();
      emit(ctx,
           {{"db", store.path()},
            {"device_id", store.device_id()},
            {"schema_version", current_schema_version()},
            {"encrypted", key_file_exists(store.path())}},
           "database " + store.path() + "\ndevice   " + store.device_id() + "\nschema   v" +
               std::to_string(current_schema_version()));
      return 0;
    });
  });

  auto* demo = app.add_subcommand("demo", "Fill the database with realistic synthetic data");
  auto opts = std::make_shared<DemoOptions>();
  demo->add_option("--patients", opts->patients, "How many patients")->required()->check(CLI::Range(1, 10000000));
  demo->add_option("--seed", opts->seed, "Random seed (same seed, same data)");
  auto demo_plain = std::make_shared<bool>(false);
  demo->add_flag("--plain", *demo_plain, "A new database is made without encryption (synthetic data only)");
  demo->callback([&, opts, demo_plain] {
    exit_code = guarded(ctx, [&] {
      ctx.make_database(*demo_plain ? Context::NewDatabase::plain : Context::NewDatabase::encrypted);
      ctx.unlock(ctx.resolved_db());
      const DemoCounts counts = generate_demo(ctx.resolved_db(), *opts);
      std::ostringstream text;
      for (const auto& [kind, n] : counts.created) text << kind << "\t" << n << "\n";
      emit(ctx, json(counts.created), text.str());
      return 0;
    });
  });

  auto* stats = app.add_subcommand("stats", "Count records of every kind and pending changes");
  stats->callback([&] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const StoreStats s = store_stats(store.db());
      json j = s.counts;
      j["pending"] = s.pending;
      std::ostringstream text;
      for (const auto& [kind, n] : s.counts) text << kind << "\t" << n << "\n";
      text << "pending\t" << s.pending;
      emit(ctx, j, text.str());
      return 0;
    });
  });

  // The hash-chained audit trail (core/store/audit_chain.h): exit 0 when every
  // row holds, 3 with the first row that does not (a row removed or changed).
  auto* audit = app.add_subcommand("audit", "The audit trail");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "Check that no audit row was removed or changed");
  verify->callback([&] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const AuditCheck c = verify_audit_chain(store.db());
      json j = {{"rows", c.rows}, {"ok", c.ok}};
      if (!c.ok) j.update({{"first_bad", c.first_bad}, {"problem", c.problem}});
      emit(ctx, j, c.ok ? "ok: " + std::to_string(c.rows) + " audit rows chain" : c.problem);
      return c.ok ? 0 : 3;
    });
  });
  auto audit_limit = std::make_shared<int>(20);
  auto* list = audit->add_subcommand("list", "The newest audit rows: when, who (actor), what, which record");
  list->add_option("--limit", *audit_limit, "At most this many")->check(CLI::Range(1, 100000));
  list->callback([&, audit_limit] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      json out = json::array();
      std::ostringstream text;
      for (const auto& r : recent_audit_rows(store.db(), *audit_limit)) {
        out.push_back({{"rid", r.rid}, {"at_ms", r.at_ms}, {"actor", r.actor}, {"action", r.action},
                       {"entity", r.entity}, {"record_id", r.record_id ? json(*r.record_id) : json(nullptr)}});
        text << r.rid << "\t" << r.actor << "\t" << r.action << "\t" << r.entity << "\t" << r.record_id.value_or("")
             << "\n";
      }
      emit(ctx, out, text.str());
      return 0;
    });
  });
}

}  // namespace yz::cli
