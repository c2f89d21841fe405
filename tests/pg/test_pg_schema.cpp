// The PostgreSQL central store's libpq layer and schema
// (sync/server/pg_connection.h, pg_schema.h) on a throwaway cluster: the
// record tables come from the entity descriptors, migrations are versioned
// and idempotent, a newer database is refused, errors carry their SQLSTATE.
#include <doctest/doctest.h>

#include <set>

#include "core/domain/search.h"
#include "core/store/entities.h"
#include "sync/server/central_store.h"
#include "sync/server/pg_connection.h"
#include "sync/server/pg_reader.h"
#include "sync/server/pg_schema.h"
#include "tests/support/pg_cluster.h"

using namespace yz;
using namespace yz::sync;

TEST_CASE("PostgreSQL schema: record tables from the entity descriptors, versioned migrations, errors mapped") {
  yz::test::PgCluster cluster;
  const std::string conninfo = cluster.create_database("schema_test");
  pg::Connection c(conninfo);
  pg::pg_migrate(c);
  pg::pg_migrate(c);  // again: nothing to do, nothing fails
  CHECK(c.exec("SELECT version FROM srv_schema").int64(0, 0) == pg::pg_schema_version());
  // Every field of every kind has its column, with the stored form's type.
  for (const EntitySpec* spec : entities()) {
    pg::Result cols = c.exec(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
        std::string(spec->name));
    REQUIRE(cols.rows() == static_cast<int>(spec->fields.size()) + 4);  // rid, id, hlc, deleted
    for (size_t i = 0; i < spec->fields.size(); ++i) {
      const FieldSpec& f = spec->fields[i];
      CHECK(cols.text(static_cast<int>(i) + 4, 0) == f.name);
      const std::string type = cols.text(static_cast<int>(i) + 4, 1);
      if (f.type == FieldType::integer || f.type == FieldType::boolean) CHECK(type == "bigint");
      else if (f.type == FieldType::real) CHECK(type == "double precision");
      else CHECK(type == "text");
    }
  }
  // A unique violation comes back with its SQLSTATE; a transaction not
  // committed leaves nothing.
  {
    pg::Transaction txn(c);
    c.exec("INSERT INTO srv_meta (key, value) VALUES ('k', 'v')");
  }
  CHECK(c.exec("SELECT count(*) FROM srv_meta WHERE key = 'k'").int64(0, 0) == 0);
  c.exec("INSERT INTO srv_meta (key, value) VALUES ('k', 'v')");
  try {
    c.exec("INSERT INTO srv_meta (key, value) VALUES ($1, $2)", "k", std::nullopt);
    FAIL("no error");
  } catch (const pg::PgError& e) {
    CHECK(e.sqlstate() == "23502");  // the NULL value is refused first
  }
  try {
    c.exec("INSERT INTO srv_meta (key, value) VALUES ($1, $2)", "k", "w");
    FAIL("no error");
  } catch (const pg::PgError& e) {
    CHECK(e.sqlstate() == "23505");
    CHECK_FALSE(e.retryable());
  }
  // Migration v4 fills the patient search index from the patients already
  // there (live and not merged ones), and core's search runs over PgReader.
  c.exec("INSERT INTO patient (id, hlc, name, sex, village_code, id_number) VALUES "
         "('p1', 'h', '扎西顿珠', 'M', '540102001001', '54010219850302001X'), "
         "('p2', 'h', '张小明', 'M', '540102001001', NULL)");
  c.exec("INSERT INTO patient (id, hlc, deleted, name, sex) VALUES ('p3', 'h', 1, '扎西', 'M')");
  c.exec_script("DROP TABLE patient_key; UPDATE srv_schema SET version = 3");
  pg::pg_migrate(c);
  CHECK(c.exec("SELECT version FROM srv_schema").int64(0, 0) == pg::pg_schema_version());
  pg::PgReader reader(c);
  auto ids = [&](const char* q) {
    std::vector<std::string> out;
    for (const auto& h : yz::search_patients(reader, q)) out.push_back(h.id);
    return out;
  };
  CHECK(ids("顿珠") == std::vector<std::string>{"p1"});
  CHECK(ids("zxdz") == std::vector<std::string>{"p1"});
  CHECK(ids("xiaoming") == std::vector<std::string>{"p2"});
  CHECK(ids("54010219850302001x") == std::vector<std::string>{"p1"});
  CHECK(ids("扎西").size() == 1);  // the deleted one is not indexed
  pg::pg_index_patient(c, "p2");    // again: the same keys, once
  CHECK(ids("zhang") == std::vector<std::string>{"p2"});
  // The one translation: placeholders outside literals, byte order; an
  // unused parameter is no error (typed), integers are bigint.
  CHECK(pg::pg_sql("SELECT '?', ?2, ? FROM t WHERE a = ?1 ORDER BY n COLLATE BINARY") ==
        "SELECT '?', $2, $3 FROM t WHERE a = $1 ORDER BY n COLLATE \"C\"");
  auto q = reader.prepare("SELECT ?2 + 1, ?3 || 'x'");
  q->bind(1, "unused");
  q->bind(2, int64_t{41});
  q->bind(3, "a");
  REQUIRE(q->step());
  CHECK(q->int64(0) == 42);
  CHECK(q->text(1) == "ax");
  CHECK_FALSE(q->step());

  // A database from a newer build is refused, not guessed at.
  c.exec("UPDATE srv_schema SET version = $1", pg::pg_schema_version() + 1);
  try {
    pg::pg_migrate(c);
    FAIL("no error");
  } catch (const CentralError& e) {
    CHECK(e.code() == "schema_newer");
  }
  // An unreachable database: CentralError 503, the conninfo's password not in the message.
  try {
    pg::Connection bad("host=127.0.0.1 port=1 user=x password=s3cret dbname=none connect_timeout=2");
    FAIL("connected");
  } catch (const CentralError& e) {
    CHECK(e.status() == 503);
    CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
  }
}

TEST_CASE("PostgreSQL search index: a patient's keys are rewritten by index probes, never by reading a table whole") {
  yz::test::PgCluster cluster;
  pg::Connection c(cluster.create_database("index_test"));
  pg::pg_migrate(c);
  // A database filling up: many patients, no statistics yet (the planner
  // then read the whole table for `id = ANY($1)`).
  c.exec_script(
      "ALTER TABLE patient SET (autovacuum_enabled = false); "
      "ALTER TABLE patient_key SET (autovacuum_enabled = false); "
      "INSERT INTO patient (id, hlc, name, sex) SELECT 'p' || g, 'h', '患者' || g, 'F' FROM generate_series(1, 5000) g");
  pg::pg_reindex_patients(c);
  pg::PgReader reader(c);
  auto ids = [&](const char* q) {
    std::vector<std::string> out;
    for (const auto& h : yz::search_patients(reader, q)) out.push_back(h.id);
    return out;
  };
  auto keys_of = [&](const char* id) {
    std::set<std::string> out;
    pg::Result r = c.exec("SELECT key FROM patient_key k JOIN patient p ON p.rid = k.patient_rid WHERE p.id = $1", id);
    for (int i = 0; i < r.rows(); ++i) out.insert(r.text(i, 0));
    return out;
  };
  const std::set<std::string> p7_before = keys_of("p7"), p9_before = keys_of("p9");
  REQUIRE_FALSE(p7_before.empty());
  // Whole-table scans of this session not yet reported, then of the index's rewrite.
  auto seq_scans = [&] {
    pg::Result r = c.exec(
        "SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_xact_user_tables WHERE relname IN ('patient', 'patient_key')");
    return r.int64(0, 0);
  };
  pg::Transaction txn(c);
  const int64_t scans_before = seq_scans();
  c.exec("UPDATE patient SET name = '扎西顿珠' WHERE id = 'p7'");
  c.exec("UPDATE patient SET deleted = 1 WHERE id = 'p8'");
  // As a batch does: hundreds of patients at once (the planner guesses
  // a share of the table per id).
  std::vector<std::string> batch = {"p7", "p8", "p404"};
  for (int i = 1000; i < 1500; ++i) batch.push_back("p" + std::to_string(i));
  pg::pg_index_patients(c, batch);
  CHECK(seq_scans() == scans_before);
  txn.commit();
  CHECK(ids("zxdz") == std::vector<std::string>{"p7"});  // the new name's keys
  for (const auto& k : keys_of("p7")) CHECK(p7_before.count(k) == 0);  // and none of the old name's
  CHECK(keys_of("p8").empty());                                        // a deleted patient has none
  CHECK(keys_of("p9") == p9_before);                                   // another's are kept
}

TEST_CASE("PostgreSQL reader: a long list is read through a cursor a chunk at a time, with other queries between its rows") {
  yz::test::PgCluster cluster;
  pg::Connection c(cluster.create_database("cursor_test"));
  pg::PgReader reader(c, 3);  // three rows a chunk
  auto open_cursors = [&] { return c.exec("SELECT count(*) FROM pg_cursors WHERE name LIKE 'yz_rows_%'").int64(0, 0); };
  auto many = reader.prepare_many("SELECT n, ?1 || n FROM generate_series(1, ?2) AS g(n) ORDER BY n");
  auto rows = [&](int64_t upto) {
    many->reset();
    many->bind(1, "n");
    many->bind(2, upto);
    std::vector<std::string> out;
    while (many->step()) {
      // A query of the same reader between two rows (as an export reads a
      // program it has not seen yet).
      auto one = reader.prepare("SELECT ?1::bigint * 10");
      one->bind(1, many->int64(0));
      REQUIRE(one->step());
      CHECK(one->int64(0) == many->int64(0) * 10);
      out.push_back(many->text(1));
    }
    return out;
  };
  const std::vector<std::string> seven = {"n1", "n2", "n3", "n4", "n5", "n6", "n7"};
  // Outside a transaction there is no cursor: the whole result.
  CHECK(rows(7) == seven);
  pg::Transaction txn(c);
  // 7 rows (chunks of 3, 3, 1), 6 (3, 3, then an empty fetch), 0.
  CHECK(rows(7) == seven);
  CHECK(rows(6) == std::vector<std::string>(seven.begin(), seven.begin() + 6));
  CHECK(rows(0).empty());
  CHECK(open_cursors() == 0);  // each closed once read
  // Mid-list, one cursor holds the rest; reset closes it.
  many->reset();
  many->bind(2, 7);
  REQUIRE(many->step());
  CHECK(open_cursors() == 1);
  many->reset();
  CHECK(open_cursors() == 0);
  REQUIRE(many->step());
  many.reset();  // destroyed mid-list: closed too
  CHECK(open_cursors() == 0);
  txn.commit();
}

TEST_CASE("PostgreSQL connection: COPY carries every character its text format escapes, and a COPY sent without waiting fails at the next call") {
  yz::test::PgCluster cluster;
  pg::Connection c(cluster.create_database("copy_test"));
  c.exec_script("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
  const std::vector<std::string> values = {"back\\slash", "tab\there", "line\nbreak", "cr\rlf\r\n", "\\N", "\\.", "",
                                           "\t\\\n", "plain 扎西", std::string(70000, 'x') + "\\" + std::string(10, 'y')};
  std::vector<std::vector<pg::Param>> rows;
  for (size_t i = 0; i < values.size(); ++i) rows.push_back({std::to_string(i), values[i]});
  rows.push_back({"null", std::nullopt});
  c.copy_in("t (k, v)", rows);
  for (size_t i = 0; i < values.size(); ++i) {
    pg::Result r = c.exec("SELECT v FROM t WHERE k = $1", std::to_string(i));
    REQUIRE(r.rows() == 1);
    CHECK(r.text(0, 0) == values[i]);
  }
  CHECK(c.exec("SELECT 1 FROM t WHERE k = 'null' AND v IS NULL").rows() == 1);
  // Sent without waiting: the duplicate key is the next call's error, and
  // nothing of that COPY is stored.
  c.copy_in_async("t (k, v)", {{"new", "a"}, {"0", "b"}});
  try {
    c.exec("SELECT 1");
    FAIL("no error");
  } catch (const pg::PgError& e) {
    CHECK(e.sqlstate() == "23505");
  }
  CHECK(c.exec("SELECT count(*) FROM t WHERE k = 'new'").int64(0, 0) == 0);
  // In a transaction that is not committed, one that loaded is undone.
  {
    pg::Transaction txn(c);
    c.copy_in_async("t (k, v)", {{"later", "c"}});
  }
  CHECK(c.exec("SELECT count(*) FROM t WHERE k = 'later'").int64(0, 0) == 0);
  CHECK(c.ok());
}
