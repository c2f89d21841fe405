#include "app/yizhenctl/cli.h"

#include <SQLiteCpp/Exception.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "platform/passphrase.h"
#include "platform/paths.h"
#include "core/domain/open_store.h"

namespace yz::cli {

Lang Context::language() const {
  if (lang == "zh") return Lang::zh;
  if (lang == "en") return Lang::en;
  const char* env = std::getenv("LANG");
  return env && std::string_view(env).starts_with("zh") ? Lang::zh : Lang::en;
}

std::string Context::resolved_db() const { return db_path.empty() ? platform::default_db_path() : db_path; }

void Context::unlock(const std::string& path) const {
  try {
    unlock_database(path, [&] { return platform::read_passphrase("口令 passphrase for " + path + ": "); });
  } catch (const PassphraseError& e) {
    const bool none = std::string_view(e.what()).starts_with("no passphrase");
    throw UsageError("passphrase", none ? "the database is encrypted: set YIZHEN_PASSPHRASE or run on a terminal"
                                        : std::string(e.what()));
  }
}

bool Context::make_database(NewDatabase how) const {
  const std::string path = resolved_db();
  // A key file without its database (stopped between the two): the
  // database is made under that key when it is opened.
  if (std::filesystem::exists(path) || key_file_exists(path)) return false;
  if (how == NewDatabase::plain) {
    yz::open_store(path);
    return true;
  }
  if (!platform::passphrase_available())
    throw UsageError("passphrase", "a new database is encrypted (DESIGN.md §7): set YIZHEN_PASSPHRASE or run on a "
                                   "terminal to choose the team passphrase; for a scratch database without one: "
                                   "yizhenctl --db " + path + " init --plain");
  register_database_key(path, create_key_file(path, new_passphrase(path)));
  return true;
}

std::string new_passphrase(const std::string& path) {
  try {
    return platform::read_new_passphrase(path);
  } catch (const std::invalid_argument& e) {
    throw UsageError("passphrase", e.what());
  }
}

Store Context::open_store() const {
  const std::string path = resolved_db();
  make_database(NewDatabase::encrypted);
  unlock(path);
  return yz::open_store(path);
}

Store Context::open_existing() const {
  const std::string path = resolved_db();
  if (!std::filesystem::exists(path))
    throw StoreError("no database at " + path + " (create one with: yizhenctl --db " + path + " init)");
  unlock(path);
  return yz::open_store(path);
}

void emit(const Context& ctx, const json& j, const std::string& text) {
  if (ctx.json_out) std::cout << j.dump(2) << "\n";
  else std::cout << text << (text.empty() || text.back() == '\n' ? "" : "\n");
}

int guarded(const Context& ctx, const std::function<int()>& body) {
  try {
    return body();
  } catch (const ValidationError& e) {
    std::cerr << "error: " << e.errors().front().message(ctx.language()) << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const NotFound& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const StoreError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  } catch (const SQLite::Exception& e) {
    std::cerr << "error: database: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace yz::cli
