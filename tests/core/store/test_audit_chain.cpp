// core/store/audit_chain.h: every audit row chains to the one before it; a
// changed field, a removed row or a reordering is found, and where.
#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include "core/store/audit_chain.h"

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
