// Verbs on encryption at rest (DESIGN.md §7): encrypt, rekey (init's
// choice of a new database: Context::make_database).
// The passphrase comes from YIZHEN_PASSPHRASE or the terminal, never from
// the command line (it would stand in the shell history and in ps).

#include <filesystem>
#include <memory>

#include "app/yizhenctl/cli.h"
#include "core/store/encrypt_database.h"
#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "core/store/schema.h"
#include "platform/passphrase.h"

namespace yz::cli {

void add_crypto_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* encrypt = app.add_subcommand("encrypt", "Encrypt a plain database under a team passphrase, nothing lost");
  encrypt->callback([&] {
    exit_code = guarded(ctx, [&] {
      const std::string path = ctx.resolved_db();
      if (!std::filesystem::exists(path)) throw StoreError("no database at " + path);
      if (key_file_exists(path)) throw UsageError("--db", path + " is already encrypted");
      const EncryptResult r = encrypt_database(path, new_passphrase(path));
      emit(ctx, {{"db", path}, {"tables", r.tables}, {"rows", r.rows}, {"key_file", key_file_path(path)}},
           "encrypted " + path + ": " + std::to_string(r.rows) + " rows in " + std::to_string(r.tables) +
               " tables\nkey file " + key_file_path(path) + " (keep it with the database; without it and the "
               "passphrase the data cannot be read)");
      return 0;
    });
  });

  auto* rekey = app.add_subcommand("rekey", "Change the team passphrase of an encrypted database");
  rekey->callback([&] {
    exit_code = guarded(ctx, [&] {
      const std::string path = ctx.resolved_db();
      if (!key_file_exists(path)) throw UsageError("--db", path + " is not encrypted (see yizhenctl encrypt)");
      const auto old = platform::read_passphrase("旧口令 current passphrase for " + path + ": ");
      if (!old) throw UsageError("passphrase", "set YIZHEN_PASSPHRASE and YIZHEN_NEW_PASSPHRASE, or use a terminal");
      std::string fresh;
      if (const char* env = std::getenv("YIZHEN_NEW_PASSPHRASE")) fresh = env;
      else fresh = new_passphrase(path);
      if (fresh.empty()) throw UsageError("passphrase", "the new passphrase must not be empty");
      try {
        rewrap_key_file(path, *old, fresh);
      } catch (const PassphraseError&) {
        throw UsageError("passphrase", "wrong passphrase for " + path + "; nothing was changed");
      }
      emit(ctx, {{"db", path}, {"rekeyed", true}}, "passphrase changed for " + path);
      return 0;
    });
  });
}

}  // namespace yz::cli
