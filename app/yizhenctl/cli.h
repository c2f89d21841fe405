#pragma once
// Shared plumbing of yizhenctl's verbs: global options, output in text or
// JSON, and the mapping of errors to exit codes (DESIGN.md §6):
//   0 done, 1 asked-for record not found, 2 bad input (one line on stderr
//   naming the field; nothing written), 3 storage or I/O failure.

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "core/base/errors.h"
#include "core/store/store.h"

namespace yz::cli {

using json = nlohmann::json;

struct Context {
  std::string db_path;  // empty: the per-user default
  bool json_out = false;
  std::string lang;     // "zh" or "en"; empty: from $LANG

  Lang language() const;
  std::string resolved_db() const;
  // Open (creating and migrating) the database: for verbs that write. A
  // missing database is made as make_database(NewDatabase::encrypted) does.
  Store open_store() const;
  // Make the database at resolved_db() unless it exists (DESIGN.md §7):
  //  - encrypted: under a new team passphrase (YIZHEN_PASSPHRASE, or typed
  //    twice on the terminal); with neither to be had, UsageError
  //    "passphrase" (exit 2) that names `init --plain`, and nothing is made;
  //  - plain: not encrypted (init --plain, demo --plain), on purpose.
  // An encrypted one has its key file and registered key (the database
  // itself is made when opened). Returns whether it made one.
  enum class NewDatabase { encrypted, plain };
  bool make_database(NewDatabase how) const;
  // Open an existing database; StoreError (exit 3) when there is none, so
  // that a mistyped --db is reported instead of read as an empty database.
  Store open_existing() const;
  // An encrypted database (a key file beside it) is unlocked with the team
  // passphrase (platform/passphrase.h) before it is opened: every verb that
  // opens the database calls this first. UsageError "passphrase" (exit 2)
  // when none can be had or it is wrong; nothing is changed.
  void unlock(const std::string& path) const;
};

// A bad command line value that is not a record field ("--limit").
struct UsageError : std::runtime_error {
  UsageError(std::string option, std::string problem)
      : std::runtime_error(option + ": " + problem), option(std::move(option)) {}
  std::string option;
};

// A new team passphrase for `path` (platform/passphrase.h
// read_new_passphrase); UsageError "passphrase" when none can be had.
std::string new_passphrase(const std::string& path);

// Print to stdout: `j` when --json, else `text` (a newline is added).
void emit(const Context& ctx, const json& j, const std::string& text);

// Run a verb's body, turning exceptions into a message and an exit code.
int guarded(const Context& ctx, const std::function<int()>& body);

// Each verb file registers its subcommands; the callback sets `*exit_code`.
void add_store_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_patient_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_program_commands(CLI::App& app, Context& ctx, int& exit_code);  // programs, screen, follow-up, referral
void add_export_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_sync_commands(CLI::App& app, Context& ctx, int& exit_code);  // enroll, sync, batch, quarantine, conflicts
void add_report_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_crypto_commands(CLI::App& app, Context& ctx, int& exit_code);  // encrypt, rekey
void add_team_commands(CLI::App& app, Context& ctx, int& exit_code);  // team, member, places, place

}  // namespace yz::cli
