#include "app/yizhen-server/admin_migrate.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/yizhen-server/admin_common.h"
#include "sync/server/pg_migrate_sqlite.h"
#include "sync/server/server_keys.h"

using yz::server_admin::guarded;
using yz::sync::CentralError;

void add_migrate_admin(CLI::App& admin, const bool& as_json, int& code) {
  auto from = std::make_shared<std::string>();
  auto* migrate = admin.add_subcommand(
      "migrate", "Copy the embedded (SQLite) central store into an empty PostgreSQL database (--pg), nothing lost");
  migrate->add_option("--from", *from, "The SQLite central database to copy (stop its server first)")->required();
  migrate->callback([&as_json, &code, from] {
    code = guarded([&] {
      if (!yz::server_admin::on_pg())
        throw CentralError(400, "pg_required", "--pg: admin migrate needs the PostgreSQL database to copy into");
      if (!std::filesystem::exists(*from))
        throw CentralError(400, "no_database", "--from: no central database at " + *from);
      yz::server_admin::unlock_sqlite(*from);
      const auto t0 = std::chrono::steady_clock::now();
      const yz::sync::MigrateReport r = yz::sync::migrate_sqlite_to_pg(*from, yz::server_admin::pg_conninfo());
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const std::string keys = yz::sync::server_keys_path(*from);
      if (as_json) {
        nlohmann::json tables = nlohmann::json::array();
        for (const auto& t : r.tables) tables.push_back({{"table", t.table}, {"rows", t.rows}, {"digest", t.digest}});
        std::cout << nlohmann::json{{"server_id", r.server_id}, {"feed_seq", r.feed_seq}, {"seconds", seconds},
                                    {"keys", keys}, {"tables", tables}}
                         .dump(2)
                  << "\n";
        return 0;
      }
      std::cout << "table\trows\tsha256\n";
      for (const auto& t : r.tables) std::cout << t.table << "\t" << t.rows << "\t" << t.digest << "\n";
      std::cout << "migrated server " << r.server_id << " (feed up to " << r.feed_seq << ") in " << seconds
                << " s; start it with: yizhen-server --pg CONNINFO --keys " << keys << "\n";
      return 0;
    });
  });
}
