// yizhen-server: the central sync server (DESIGN.md §5, §6) and its admin
// verbs. `yizhen-server --db central.db --listen 127.0.0.1:8470` serves the
// HTTP API of docs/sync-protocol.md until SIGINT/SIGTERM; `admin ...` verbs
// work on the same database file. The admin verbs may run while the server
// runs: their connection never checkpoints, so the server's writer stays the
// only one that does (DESIGN.md §3).
//
// The server's own key pairs (receipt signing, sealed batch files) live in
// "<db>.keys" beside the database (sync/server/server_keys.h), made on first
// start; once devices hold its public keys, a missing or damaged key file
// stops the server and every admin verb (exit 3) instead of new keys.
//
// Exit codes: 0 done, 1 unknown device or team, 2 bad input, 3 storage or I/O failure.

#include <httplib.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "core/base/errors.h"
#include "app/yizhen-server/admin_accounts.h"
#include "app/yizhen-server/admin_lists.h"
#include "app/yizhen-server/admin_conflicts.h"
#include "app/yizhen-server/admin_duplicates.h"
#include "app/yizhen-server/admin_patients.h"
#include "app/yizhen-server/admin_places.h"
#include "app/yizhen-server/admin_migrate.h"
#include "core/base/files.h"
#include "sync/server/central_store.h"
#include "sync/server/console_api.h"
#include "sync/server/http_api.h"
#include "sync/server/import.h"
#include "sync/server/tls.h"
#include "app/yizhen-server/admin_common.h"
#include "core/store/encrypt_database.h"
#include "core/store/key_file.h"
#include "platform/passphrase.h"
#include "platform/paths.h"

using yz::server_admin::guarded;
using yz::server_admin::print;

namespace {

httplib::Server* g_server = nullptr;

void on_signal(int) {
  if (g_server) g_server->stop();
}

// An admin verb's store: the database must exist (admin_common.h).
std::unique_ptr<yz::sync::CentralStore> open_store(const std::string& path) {
  return yz::server_admin::open_central(path, true);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace yz::sync;
  yz::platform::make_new_files_private();
  CLI::App app{"yizhen-server — central sync server of yizhen"};
  app.fallthrough();
  std::string db = "central.db", listen = "127.0.0.1:8470", pg;
  bool as_json = false;
  app.add_option("--db", db, "Central SQLite database (the embedded default)");
  std::string keys;
  app.add_option("--pg", pg,
                 "PostgreSQL connection string (libpq): serve and administer the central store there instead of --db; "
                 "several servers may share one database");
  app.add_option("--keys", keys, "With --pg: the server's key file (default: <--db>.keys); every server of one "
                                 "database needs a copy of the same file");
  std::string pg_read;
  app.add_option("--pg-read", pg_read,
                 "With --pg: a hot standby of that database (libpq connection string); pulls and read-only lists go "
                 "there while it keeps up with the device's cursor, else to --pg (docs/sync-protocol.md §11)");
  yz::server_admin::set_pg_target(&pg, &keys, &pg_read);
  app.add_option("--listen", listen, "HOST:PORT to serve on (port 0: any free port, printed)");
  app.add_flag("--json", as_json, "Machine-readable output of admin verbs");
  std::string tls_cert, tls_key;
  app.add_option("--tls-cert", tls_cert,
                 "PEM certificate: serve HTTPS (devices pin it; admin enroll-code prints its fingerprint)");
  app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert");
  int code = 0;

  auto* admin = app.add_subcommand("admin", "Administration on the central database");
  admin->require_subcommand(1);
  auto* init = admin->add_subcommand("init", "Make a new central database (every other verb needs one)");
  init->callback([&] {
    code = guarded([&] {
      if (yz::server_admin::on_pg()) {
        auto store = yz::server_admin::open_central(db, false);  // migrates the database
        print(as_json, {{"pg", true}, {"server_id", store->server_id()}});
        return 0;
      }
      const bool existed = std::filesystem::exists(db);
      auto store = yz::server_admin::open_central(db, false);
      print(as_json, {{"db", db}, {"server_id", store->server_id()}, {"created", !existed}});
      return 0;
    });
  });
  auto* enroll = admin->add_subcommand("enroll-code", "Print a one-time enrollment code for a team's device");
  std::string team, area;
  int valid_days = 7;
  enroll->add_option("--team", team, "Team name (created if new)")->required();
  enroll->add_option("--area", area,
                     "GB/T 2260 code (2, 4, 6, 9 or 12 digits) of the team's area: required for a new team; for an "
                     "existing one it must be its area (change it with admin team set-area)");
  enroll->add_option("--valid-days", valid_days, "Days the code stays valid")->check(CLI::Range(1, 90));
  int code_count = 1;
  enroll->add_option("--count", code_count, "How many codes to print, one a line (a team's laptops at once)")
      ->check(CLI::Range(1, 1000));
  enroll->callback([&] {
    code = guarded([&] {
      auto store = open_store(db);
      // The fingerprint first: a bad --tls-cert makes no code.
      const std::string fingerprint = tls_cert.empty() ? "" : certificate_sha256(tls_cert);
      for (int i = 0; i < code_count; ++i)
        std::cout << store->create_enroll_code(team, area, int64_t{valid_days} * 86'400'000, yz::sync::AuditBy{}) << "\n";
      if (!fingerprint.empty()) std::cout << "sha256 " << fingerprint << "\n";
      return 0;
    });
  });
  auto* teams = admin->add_subcommand("teams", "Teams: name, area, live devices");
  teams->callback([&] { code = guarded([&] { return print(as_json, open_store(db)->teams()), 0; }); });
  auto* team_cmd = admin->add_subcommand("team", "Change a team (server configuration; devices never can)");
  team_cmd->require_subcommand(1);
  std::string team_ref, new_value;
  auto* set_area = team_cmd->add_subcommand("set-area", "Set the area a team's devices pull and push in");
  set_area->add_option("TEAM", team_ref, "Team name or id")->required();
  set_area->add_option("AREA", new_value, "GB/T 2260 code of 2, 4, 6, 9 or 12 digits")->required();
  set_area->callback([&] {
    code = guarded([&] {
      open_store(db)->set_team_area(team_ref, new_value);
      std::cout << "area of " << team_ref << " set to " << new_value << "\n";
      return 0;
    });
  });
  auto* rename = team_cmd->add_subcommand("rename", "Rename a team");
  rename->add_option("TEAM", team_ref, "Team name or id")->required();
  rename->add_option("NAME", new_value, "The new name")->required();
  rename->callback([&] {
    code = guarded([&] {
      open_store(db)->rename_team(team_ref, new_value);
      std::cout << "renamed " << team_ref << "\n";
      return 0;
    });
  });
  auto* revoke = admin->add_subcommand("revoke", "Refuse a device from its next contact");
  std::string device;
  revoke->add_option("DEVICE_ID", device, "The device's id")->required();
  revoke->callback([&] {
    code = guarded([&] {
      auto store = open_store(db);
      if (!store->revoke(device, yz::sync::AuditBy{})) {
        std::cerr << "error: no enrolled device " << device << "\n";
        return 1;
      }
      std::cout << "revoked " << device << "\n";
      return 0;
    });
  });
  auto* import = admin->add_subcommand("import-batches", "Import batch files and write receipt files");
  std::string from, receipts;
  import->add_option("DIR", from, "Folder with *.batch.json files")->required();
  import->add_option("--receipts-to", receipts, "Folder to write receipt files to")->required();
  import->callback([&] {
    code = guarded([&] {
      auto store = open_store(db);
      const BatchImport r = import_batch_files(*store, from, receipts);
      for (const auto& line : r.refused) std::cerr << "refused: " << line << "\n";
      if (as_json)
        print(true, {{"applied", r.applied}, {"known", r.known}, {"quarantined", r.quarantined},
                     {"refused", r.refused.size()}, {"receipts", receipts}});
      else
        std::cout << "applied " << r.applied << " batch file(s) now (" << r.quarantined << " record(s) set aside), "
                  << r.known << " applied before, " << r.refused.size() << " refused; receipts in " << receipts
                  << "\n";
      return r.refused.empty() ? 0 : 2;
    });
  });
  auto* publish = admin->add_subcommand("publish-program", "Publish a screening program version to every device");
  std::string program_file;
  publish->add_option("FILE", program_file, "Program definition (JSON, docs/programs.md)")->required();
  publish->callback([&] {
    code = guarded([&] {
      const auto definition = nlohmann::json::parse(yz::read_file(program_file), nullptr, false);
      if (definition.is_discarded()) {
        std::cerr << "error: " << program_file << ": not valid JSON\n";
        return 2;
      }
      const bool added = open_store(db)->publish_program(definition);
      std::cout << (added ? "published " : "already published ") << definition.value("id", "") << " v"
                << definition.value("version", 0) << "\n";
      return 0;
    });
  });
  auto* stats = admin->add_subcommand("stats", "Counts of every record kind");
  stats->callback([&] { code = guarded([&] { return print(as_json, open_store(db)->stats()), 0; }); });
  auto* devices = admin->add_subcommand("devices", "Enrolled devices: team, last contact, clock skew, what arrived");
  devices->callback([&] { code = guarded([&] { return print(as_json, open_store(db)->devices()), 0; }); });
  int arrival_days = 30;
  auto* arrivals = admin->add_subcommand("arrivals", "What arrived per day and team: batches, records, quarantined");
  arrivals->add_option("--days", arrival_days, "How many days back (default 30)")->check(CLI::Range(1, 3660));
  arrivals->callback([&] { code = guarded([&] { return print(as_json, open_store(db)->arrivals(arrival_days)), 0; }); });
  bool closed_conflicts = false;
  auto* conflicts = admin->add_subcommand("conflicts", "Concurrent edits logged for review (open ones; --all: closed too)");
  conflicts->add_flag("--all", closed_conflicts, "Closed conflicts too, with how each closed");
  conflicts->callback([&] {
    code = guarded([&] { return print(as_json, open_store(db)->conflicts(1000, closed_conflicts)), 0; });
  });
  auto* quarantine = admin->add_subcommand("quarantine", "Records set aside, with their reasons");
  quarantine->callback([&] {
    code = guarded([&] {
      auto store = open_store(db);
      const json rows = store->quarantine(1000);
      print(as_json, rows);
      // The newest 1000: say when there are more.
      if (const int64_t open = store->stats().value("quarantined", int64_t{0}); open > static_cast<int64_t>(rows.size()))
        std::cerr << "the newest " << rows.size() << " of " << open << " shown (admin retry --all retries every one)\n";
      return 0;
    });
  });

  // The server's hash-chained audit trail: `audit verify` exits 0 when every
  // row holds, 3 naming the first row that does not (removed or changed).
  auto* audit = admin->add_subcommand("audit", "The server's audit trail: who did what, chained");
  audit->require_subcommand(1);
  int audit_limit = 100;
  auto* audit_list = audit->add_subcommand("list", "The newest audit rows, newest first");
  audit_list->add_option("--limit", audit_limit, "How many rows")->check(CLI::Range(1, 100000));
  audit_list->callback([&] { code = guarded([&] { return print(as_json, open_store(db)->audit_log(audit_limit)), 0; }); });
  auto* audit_verify = audit->add_subcommand("verify", "Check that no audit row was removed or changed");
  audit_verify->callback([&] {
    code = guarded([&] {
      const json c = open_store(db)->verify_audit();
      if (as_json)
        std::cout << c.dump(2) << "\n";
      else if (c["ok"] == true)
        std::cout << "ok: " << c["rows"] << " audit rows chain\n";
      else
        std::cout << c["problem"].get<std::string>() << "\n";
      return c["ok"] == true ? 0 : 3;
    });
  });

  // Encryption at rest of the central database (the server stopped): the
  // same page encryption and key file as a device's (yizhenctl encrypt);
  // every later start and admin verb asks the passphrase (YIZHEN_PASSPHRASE
  // or the terminal).
  auto* encrypt = admin->add_subcommand("encrypt", "Encrypt the central database under a passphrase, nothing lost");
  encrypt->callback([&] {
    code = guarded([&] {
      yz::server_admin::refuse_on_pg("admin encrypt (PostgreSQL encrypts at rest with its own means)");
      if (!std::filesystem::exists(db)) throw CentralError(404, "no_database", "no database at " + db);
      if (yz::key_file_exists(db)) throw CentralError(400, "encrypted", db + " is already encrypted");
      std::string passphrase;
      try {
        passphrase = yz::platform::read_new_passphrase(db);
      } catch (const std::invalid_argument& e) {
        throw CentralError(400, "passphrase", std::string("passphrase: ") + e.what());
      }
      const yz::EncryptResult r = yz::encrypt_database(db, passphrase);
      print(as_json, {{"db", db}, {"tables", r.tables}, {"rows", r.rows}, {"key_file", yz::key_file_path(db)}});
      return 0;
    });
  });

  add_places_admin(*admin, db, as_json, code);
  add_account_admin(*admin, db, as_json, code);
  add_lists_admin(*admin, db, as_json, code);
  add_conflict_admin(*admin, db, as_json, code);
  add_duplicates_admin(*admin, db, as_json, code);
  add_patient_admin(*admin, db, as_json, code);
  add_migrate_admin(*admin, as_json, code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::vector<std::string> verbs;
    for (const auto* sub : admin->get_subcommands({})) verbs.push_back(sub->get_name());
    if (const std::string verb = yz::server_admin::unknown_admin_verb(argc, argv, verbs); !verb.empty()) {
      std::cerr << "error: unknown admin verb '" << verb << "' (see yizhen-server admin --help)\n";
      return 2;
    }
    std::string msg = e.what();
    for (char& c : msg)
      if (c == '\n') c = ' ';
    std::cerr << "error: " << msg << " (see yizhen-server --help)\n";
    return 2;
  }
  if (admin->parsed()) return code;
  if (!pg_read.empty() && pg.empty()) {
    std::cerr << "error: --pg-read: goes with --pg (a standby of that database)\n";
    return 2;
  }

  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "error: --listen: must be HOST:PORT\n";
    return 2;
  }
  const std::string host = listen.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    std::cerr << "error: --listen: port must be a number\n";
    return 2;
  }
  if (tls_cert.empty() != tls_key.empty()) {
    std::cerr << "error: --tls-cert and --tls-key go together\n";
    return 2;
  }
  return guarded([&] {
    std::string fingerprint;
    std::unique_ptr<httplib::Server> owned;
    if (!tls_cert.empty()) {
      fingerprint = certificate_sha256(tls_cert);
      auto tls = std::make_unique<httplib::SSLServer>(tls_cert.c_str(), tls_key.c_str());
      if (!tls->is_valid()) throw std::runtime_error("--tls-key: cannot load " + tls_key + " for " + tls_cert);
      owned = std::move(tls);
    } else {
      owned = std::make_unique<httplib::Server>();
    }
    httplib::Server& server = *owned;
    auto store = yz::server_admin::open_central(db, false);  // the first start makes the database (--pg: migrates it)
    static std::mutex log_mu;
    const LogFn log = [](const std::string& line) {
      std::lock_guard lock(log_mu);
      std::cerr << line << std::endl;
    };
    install_routes(server, *store, JsonLimits{}, log);
    install_console_routes(server, *store, log, ConsoleOptions{.secure = !tls_cert.empty()});
    port = bind_server(server, host, port);
    if (port < 0) throw std::runtime_error("cannot listen on " + listen);
    g_server = &server;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    // The first start: say how coordinators get in (before the line that
    // says the server is up, which scripts wait for).
    bool has_admin = false;
    for (const auto& a : store->accounts()) has_admin |= a["role"] == "admin" && a["disabled_at"].is_null();
    if (!has_admin)
      std::cerr << "no admin account yet: make the first one with\n  yizhen-server " << (pg.empty() ? "--db " + db : std::string("--pg CONNINFO"))
                << " admin account add --name NAME --role admin   (the password is asked, or read from stdin)"
                << std::endl;
    std::cout << "yizhen-server " << store->server_id() << " listening on " << (fingerprint.empty() ? "http" : "https")
              << "://" << host << ":" << port;
    if (!fingerprint.empty()) std::cout << " (certificate sha256 " << fingerprint << ")";
    std::cout << std::endl;
    // After the line scripts wait for, and with no address in it (they take
    // the first one printed).
    std::cerr << "the coordinators' console is at / on the same address (open it in a browser)" << std::endl;
    server.listen_after_bind();
    return 0;
  });
}
