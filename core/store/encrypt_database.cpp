#include "core/store/encrypt_database.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "core/base/errors.h"
#include "core/store/encryption.h"

namespace yz {

namespace {

namespace fs = std::filesystem;

std::map<std::string, long long> table_rows(SQLite::Database& db) {
  std::map<std::string, long long> out;
  SQLite::Statement q(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  std::vector<std::string> names;
  while (q.executeStep()) names.push_back(q.getColumn(0).getString());
  for (const auto& n : names) {
    std::string quoted = "\"";
    for (char c : n) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    out[n] = db.execAndGet("SELECT count(*) FROM " + quoted + "\"").getInt64();
  }
  return out;
}

void remove_with_sidecars(const std::string& p) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal", ".key"}) fs::remove(p + suffix, ec);
}

}  // namespace

EncryptResult encrypt_database(const std::string& path, const std::string& passphrase, KdfLimits limits) {
  if (key_file_exists(path)) throw EncryptionError("database " + path + " is already encrypted");
  if (!fs::exists(path)) throw StoreError("no database at " + path);
  const std::string tmp = path + ".encrypting";
  remove_with_sidecars(tmp);  // a copy left by an earlier failed attempt
  const DatabaseKey key = random_database_key();
  register_database_key(tmp, key);
  EncryptResult result;
  try {
    std::map<std::string, long long> before;
    {
      SQLite::Database src(path, SQLite::OPEN_READWRITE | SQLite::OPEN_URI);
      src.exec("PRAGMA busy_timeout = 5000");
      src.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      before = table_rows(src);
      // The copy gets room for nonce and tag on every page (VACUUM honours
      // the reserve asked for on the source).
      int reserve = kReservedBytes;
      sqlite3_file_control(src.getHandle(), "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
      SQLite::Statement vacuum(src, "VACUUM INTO ?");
      vacuum.bind(1, "file:" + fs::absolute(tmp).string() + "?vfs=" + encrypted_vfs_name());
      vacuum.exec();
    }
    {
      SQLite::Database copy(tmp, SQLite::OPEN_READWRITE, 0, encrypted_vfs_name());
      prepare_encrypted_connection(copy.getHandle());
      if (copy.execAndGet("PRAGMA integrity_check").getString() != "ok")
        throw StoreError("the encrypted copy of " + path + " failed its integrity check");
      if (table_rows(copy) != before) throw StoreError("the encrypted copy of " + path + " lost rows");
      copy.exec("PRAGMA journal_mode = WAL");
      for (const auto& [t, n] : before) result.rows += n;
      result.tables = static_cast<int>(before.size());
    }
    // Key first, then the database: a crash between the two renames leaves
    // the plain original beside a key file that does not open it, and the
    // encrypted copy under .encrypting with nothing lost.
    write_key_file(tmp, key, passphrase, limits);
    std::error_code ec;
    fs::remove(path + "-wal", ec);
    fs::remove(path + "-shm", ec);
    fs::rename(key_file_path(tmp), key_file_path(path));
    try {
      fs::rename(tmp, path);
    } catch (...) {
      fs::remove(key_file_path(path), ec);  // the plain original stays usable
      throw;
    }
    fs::remove(tmp + "-wal", ec);
    fs::remove(tmp + "-shm", ec);
  } catch (...) {
    forget_database_key(tmp);
    remove_with_sidecars(tmp);
    throw;
  }
  forget_database_key(tmp);
  return result;
}

}  // namespace yz
