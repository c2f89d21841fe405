// core/store/encryption.h and key_file.h: pages of the database, its WAL and
// its journal are encrypted; a wrong key, a plain file or a changed byte is
// an error, never garbage; a crash mid-WAL recovers every committed row.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/process.h"
#include "core/domain/open_store.h"
#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "core/store/store.h"
#include "tests/core/helpers.h"

namespace {

using yz_test::TempPath;

const std::string kCanaryName = "卓玛央宗测试金丝雀";
const std::string kCanaryId = "540102198503020020";

SQLite::Database open_enc(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0, yz::encrypted_vfs_name());
  yz::prepare_encrypted_connection(db.getHandle());
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA temp_store = MEMORY");
  return db;
}

bool any_file_contains(const std::string& dir, const std::string& needle) {
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && yz::test::slurp(e.path().string()).find(needle) != std::string::npos) return true;
  return false;
}

void fill(SQLite::Database& db, int rows) {
  db.exec("CREATE TABLE IF NOT EXISTS patient (id INTEGER PRIMARY KEY, name TEXT, id_number TEXT)");
  SQLite::Statement ins(db, "INSERT INTO patient (name, id_number) VALUES (?, ?)");
  db.exec("BEGIN");
  for (int i = 0; i < rows; ++i) {
    ins.bind(1, kCanaryName + std::to_string(i));
    ins.bind(2, kCanaryId);
    ins.exec();
    ins.reset();
  }
  db.exec("COMMIT");
}

}  // namespace

TEST_CASE("an encrypted database keeps no record text in its files and reads back whole") {
  TempPath p;
  const auto key = yz::random_database_key();
  yz::register_database_key(p.str(), key);
  {
    auto db = open_enc(p.str());
    db.exec("PRAGMA wal_autocheckpoint = 0");  // keep the rows in the WAL too
    fill(db, 2000);
    const std::string dir = std::filesystem::path(p.str()).parent_path().string();
    CHECK(std::filesystem::file_size(p.str() + "-wal") > 100000);
    CHECK_FALSE(any_file_contains(dir, kCanaryName));
    CHECK_FALSE(any_file_contains(dir, kCanaryId));
    CHECK(db.execAndGet("SELECT count(*) FROM patient WHERE id_number = '" + kCanaryId + "'").getInt() == 2000);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    CHECK_FALSE(any_file_contains(dir, kCanaryName));
  }
  auto db = open_enc(p.str());
  CHECK(db.execAndGet("SELECT name FROM patient WHERE id = 7").getString() == kCanaryName + "6");
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  yz::forget_database_key(p.str());
}

TEST_CASE("an encrypted database does not open without its key, with another key, or in clear") {
  TempPath p;
  yz::register_database_key(p.str(), yz::random_database_key());
  {
    auto db = open_enc(p.str());
    fill(db, 50);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  SUBCASE("no key registered: the VFS refuses to open it") {
    yz::forget_database_key(p.str());
    CHECK_THROWS(SQLite::Database(p.str(), SQLite::OPEN_READWRITE, 0, yz::encrypted_vfs_name()));
  }
  SUBCASE("another key: a clear error at open, not garbage") {
    yz::register_database_key(p.str(), yz::random_database_key());
    SQLite::Database db(p.str(), SQLite::OPEN_READWRITE, 0, yz::encrypted_vfs_name());
    CHECK_THROWS_AS(yz::prepare_encrypted_connection(db.getHandle()), yz::EncryptionError);
  }
  SUBCASE("the plain VFS reads no rows") {
    SQLite::Database db(p.str(), SQLite::OPEN_READONLY);
    CHECK_THROWS(db.execAndGet("SELECT count(*) FROM patient").getInt());
  }
  yz::forget_database_key(p.str());
}

TEST_CASE("a plain database opened as encrypted is refused and left unchanged") {
  TempPath p;
  {
    SQLite::Database db(p.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    fill(db, 10);
  }
  const std::string before = yz::test::slurp(p.str());
  yz::register_database_key(p.str(), yz::random_database_key());
  {
    SQLite::Database db(p.str(), SQLite::OPEN_READWRITE, 0, yz::encrypted_vfs_name());
    CHECK_THROWS_AS(yz::prepare_encrypted_connection(db.getHandle()), yz::EncryptionError);
  }
  CHECK(yz::test::slurp(p.str()) == before);
  yz::forget_database_key(p.str());
}

TEST_CASE("a changed byte in an encrypted page is an I/O error, never wrong data") {
  TempPath p;
  yz::register_database_key(p.str(), yz::random_database_key());
  {
    auto db = open_enc(p.str());
    fill(db, 300);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  {
    std::fstream f(p.str(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 2 + 500);  // inside page 3
    char c = 0;
    f.read(&c, 1);
    f.seekp(4096 * 2 + 500);
    c = static_cast<char>(c ^ 0x01);
    f.write(&c, 1);
  }
  auto db = open_enc(p.str());
  CHECK_THROWS(db.execAndGet("SELECT count(*), max(length(name)) FROM patient").getInt());
  yz::forget_database_key(p.str());
}

TEST_CASE("a process killed after commit leaves an encrypted WAL that recovers every committed row") {
  TempPath p;
  yz::register_database_key(p.str(), yz::random_database_key());
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      auto db = open_enc(p.str());
      db.exec("PRAGMA wal_autocheckpoint = 0");
      db.exec("PRAGMA synchronous = FULL");
      fill(db, 500);
      fill(db, 500);
      _exit(0);  // no close, no checkpoint: the rows are only in the WAL
    } catch (...) {
      _exit(3);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  // The connection never closed: the WAL is still there (the child's exit
  // skipped SQLite's clean-up), so reopening must recover it.
  REQUIRE(std::filesystem::exists(p.str() + "-wal"));
  auto db = open_enc(p.str());
  CHECK(db.execAndGet("SELECT count(*) FROM patient").getInt() == 1000);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  yz::forget_database_key(p.str());
}

TEST_CASE("the key file: the right passphrase opens it, a wrong one is a clear error, rekey keeps the key") {
  TempPath p;
  const auto key = yz::create_key_file(p.str(), "雪域高原 2026", yz::kKdfTesting);
  struct stat st {};
  REQUIRE(stat(yz::key_file_path(p.str()).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(yz::unlock_key_file(p.str(), "雪域高原 2026") == key);
  CHECK_THROWS_AS(yz::unlock_key_file(p.str(), "雪域高原 2025"), yz::PassphraseError);
  CHECK_THROWS(yz::create_key_file(p.str(), "again", yz::kKdfTesting));  // never overwrite a key
  CHECK_THROWS(yz::create_key_file(p.str() + "2", "", yz::kKdfTesting));

  const std::string before = yz::test::slurp(yz::key_file_path(p.str()));
  CHECK_THROWS_AS(yz::rewrap_key_file(p.str(), "wrong", "new", yz::kKdfTesting), yz::PassphraseError);
  CHECK(yz::test::slurp(yz::key_file_path(p.str())) == before);  // nothing changed
  yz::rewrap_key_file(p.str(), "雪域高原 2026", "新口令", yz::kKdfTesting);
  CHECK(yz::unlock_key_file(p.str(), "新口令") == key);
  CHECK_THROWS_AS(yz::unlock_key_file(p.str(), "雪域高原 2026"), yz::PassphraseError);
  // The key itself never appears in the file.
  CHECK(yz::test::slurp(yz::key_file_path(p.str())).find(std::string(key.begin(), key.end())) == std::string::npos);
}

TEST_CASE("a Store on an encrypted database: saves, search index, readers and checkpoints stay sealed") {
  TempPath p;
  const auto key = yz::create_key_file(p.str(), "pass", yz::kKdfTesting);
  yz::register_database_key(p.str(), key);
  const std::string dir = std::filesystem::path(p.str()).parent_path().string();
  std::string id;
  {
    auto store = yz::open_store(p.str());
    id = store.create("patient", {{"name", "卓玛央宗"}, {"sex", "F"}, {"id_number", kCanaryId}});
    for (int i = 0; i < 300; ++i)  // enough to wake the checkpointer thread
      store.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"age", 40}});
    auto reader = yz::open_reader(p.str());
    CHECK(reader.execAndGet("SELECT count(*) FROM patient").getInt() == 301);
  }
  CHECK_FALSE(any_file_contains(dir, "卓玛央宗"));
  CHECK_FALSE(any_file_contains(dir, kCanaryId));
  CHECK_FALSE(any_file_contains(dir, "zhuoma"));  // the pinyin search keys too

  yz::forget_database_key(p.str());
  try {
    yz::open_store(p.str());
    FAIL("a locked database opened");
  } catch (const yz::StoreError& e) {
    CHECK(std::string(e.what()).find("encrypted") != std::string::npos);
  }
  CHECK_THROWS(yz::open_reader(p.str()));

  yz::register_database_key(p.str(), yz::unlock_key_file(p.str(), "pass"));
  auto store = yz::open_store(p.str());
  CHECK(store.get("patient", id)->at("id_number") == kCanaryId);
  yz::forget_database_key(p.str());
}
