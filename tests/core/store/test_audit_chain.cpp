// core/store/audit_chain.h: every audit row chains to the one before it; a
// changed field, a removed row or a reordering is found, and where.
#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include "core/domain/open_store.h"
#include "core/domain/record_rules.h"
#include "core/store/audit_chain.h"
#include "core/store/schema.h"
#include "tests/support/process.h"

namespace {

SQLite::Database audit_db(int rows) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(
      "CREATE TABLE audit (rid INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, hlc TEXT NOT NULL, actor TEXT NOT NULL, "
      "action TEXT NOT NULL, entity TEXT NOT NULL, record_id TEXT, detail TEXT, digest TEXT)");
  for (int i = 0; i < rows; ++i) {
    yz::AuditRow r;
    r.at_ms = 1764000000000 + i;
    r.hlc = "1764000000000.0." + std::to_string(i);
    r.actor = i % 2 ? "卓玛" : "扎西";
    r.action = i % 3 ? "update" : "create";
    r.entity = "patient";
    if (i % 5) r.record_id = "id-" + std::to_string(i);
    if (i % 7) r.detail = "phone";
    yz::append_audit_row(db, r);
  }
  return db;
}

}  // namespace

TEST_CASE("an untouched audit chain verifies, row by row") {
  auto db = audit_db(100);
  const auto check = yz::verify_audit_chain(db);
  CHECK(check.ok);
  CHECK(check.rows == 100);
  CHECK(db.execAndGet("SELECT count(DISTINCT digest) FROM audit").getInt() == 100);
}

TEST_CASE("a changed field, a removed row, a swapped pair or a null for an empty value is found") {
  auto db = audit_db(50);
  SUBCASE("changed actor") {
    db.exec("UPDATE audit SET actor = 'someone else' WHERE rid = 20");
    const auto c = yz::verify_audit_chain(db);
    CHECK_FALSE(c.ok);
    CHECK(c.first_bad == 20);
  }
  SUBCASE("a removed row in the middle") {
    db.exec("DELETE FROM audit WHERE rid = 31");
    const auto c = yz::verify_audit_chain(db);
    CHECK_FALSE(c.ok);
    CHECK(c.first_bad == 32);
    CHECK(c.problem.find("missing") != std::string::npos);
  }
  SUBCASE("the first rows removed") {
    db.exec("DELETE FROM audit WHERE rid <= 3");
    CHECK(yz::verify_audit_chain(db).first_bad == 4);
  }
  SUBCASE("two rows' contents swapped, digests and all") {
    db.exec("UPDATE audit SET rid = -10 WHERE rid = 10; UPDATE audit SET rid = 10 WHERE rid = 11; "
            "UPDATE audit SET rid = 11 WHERE rid = -10");
    CHECK(yz::verify_audit_chain(db).first_bad == 10);
  }
  SUBCASE("an absent record id made empty") {
    db.exec("UPDATE audit SET record_id = '' WHERE rid = 1");  // row 1 (i = 0) had none
    CHECK(yz::verify_audit_chain(db).first_bad == 1);
  }
}

TEST_CASE("every save of a store chains its audit row, and an edit made behind its back is found") {
  yz::test::TempDir dir;
  yz::Store store = yz::open_store(dir.file("audit.db"));
  const std::string id = store.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"age", 40}, {"consent", true}});
  for (int i = 0; i < 5; ++i) store.update("patient", id, {{"phone", "1390891000" + std::to_string(i)}});
  store.remove("patient", id);
  auto check = yz::verify_audit_chain(store.db());
  CHECK(check.ok);
  CHECK(check.rows == 7);
  store.db().exec("UPDATE audit SET actor = 'nobody' WHERE rid = 3");
  check = yz::verify_audit_chain(store.db());
  CHECK_FALSE(check.ok);
  CHECK(check.first_bad == 3);
}

TEST_CASE("a database from before the chain (schema v6) gets its audit rows chained when migrated") {
  yz::test::TempDir dir;
  const std::string path = dir.file("v6.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    yz::migrate(db, yz::record_rules(), 6);
    db.exec("INSERT INTO audit (at_ms, hlc, actor, action, entity, record_id, detail) VALUES "
            "(1764000000000, '1764000000000.0.a', 'local', 'create', 'patient', 'p1', NULL), "
            "(1764000000001, '1764000000001.0.a', 'local', 'update', 'patient', 'p1', 'phone')");
  }
  yz::Store store = yz::open_store(path);
  store.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 30}, {"consent", true}});
  const auto check = yz::verify_audit_chain(store.db());
  CHECK(check.ok);
  CHECK(check.rows == 3);
}
