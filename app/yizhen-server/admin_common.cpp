#include "app/yizhen-server/admin_common.h"

#include <filesystem>

#include "core/store/key_file.h"
#include "sync/server/pg_central_store.h"
#include "platform/passphrase.h"

namespace yz::server_admin {

namespace {
const std::string* g_pg = nullptr;
const std::string* g_keys = nullptr;
const std::string* g_pg_read = nullptr;
}  // namespace

void set_pg_target(const std::string* conninfo, const std::string* keys_path, const std::string* read_conninfo) {
  g_pg = conninfo;
  g_keys = keys_path;
  g_pg_read = read_conninfo;
}

bool on_pg() { return g_pg && !g_pg->empty(); }
const std::string& pg_conninfo() {
  static const std::string none;
  return g_pg ? *g_pg : none;
}

void unlock_sqlite(const std::string& path) {
  yz::unlock_database(path, [&] { return yz::platform::read_passphrase("口令 passphrase for " + path + ": "); });
}

void refuse_on_pg(const std::string& verb) {
  if (on_pg())
    throw yz::sync::CentralError(501, "not_supported",
                                 "--pg: " + verb + " is not available on the PostgreSQL central store yet (use --db)");
}

std::unique_ptr<yz::sync::CentralStore> open_central(const std::string& path, bool must_exist) {
  if (on_pg())
    return yz::sync::open_pg_central_store(*g_pg, g_keys && !g_keys->empty() ? *g_keys : yz::sync::server_keys_path(path),
                                           g_pg_read ? *g_pg_read : std::string());
  if (must_exist && !std::filesystem::exists(path))
    throw yz::sync::CentralError(400, "no_database",
                                 "--db: no central database at " + path + " (check the path; yizhen-server --db " +
                                     path + " admin init makes a new one)");
  unlock_sqlite(path);
  auto store = yz::sync::open_sqlite_central_store(path);
  for (const auto& line : store->repairs()) std::cerr << "repaired: " << line << "\n";
  return store;
}

std::string unknown_admin_verb(int argc, char** argv, const std::vector<std::string>& verbs) {
  // Options of yizhen-server that take a value (as a separate argument).
  static const std::vector<std::string> with_value = {"--db", "--pg", "--pg-read", "--keys", "--listen", "--tls-cert", "--tls-key"};
  int i = 1;
  while (i < argc && std::string(argv[i]) != "admin") ++i;
  for (++i; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("-", 0) == 0) {
      if (a.find('=') == std::string::npos && std::find(with_value.begin(), with_value.end(), a) != with_value.end())
        ++i;
      continue;
    }
    return std::find(verbs.begin(), verbs.end(), a) == verbs.end() ? a : std::string();
  }
  return {};
}

}  // namespace yz::server_admin
