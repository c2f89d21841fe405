// Schema migrations (core/schema.h) as seen through Store::open.

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <regex>
#include <string>

#include "core/replication/outbox.h"
#include "core/store/schema.h"
#include "core/domain/search.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "core/domain/record_rules.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::count_rows;
using yz_test::TempPath;

namespace {
int user_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

bool has_table(SQLite::Database& db, const std::string& name) {
  return count_rows(db, "sqlite_master", "type = 'table' AND name = '" + name + "'") == 1;
}

const int64_t k2030 = ms_of_date("2030-01-15");

const char* const kPatients[][7] = {
    // id, name, sex, birth_date, id_number, phone, deleted
    {"0190a0b0-0000-7000-8000-000000000001", "张小明", "M", "1980-05-06", "110105198005060133", "13812345678", "0"},
    {"0190a0b0-0000-7000-8000-000000000002", "卓玛", "F", "1990-01-01", "", "13912345678", "0"},
    {"0190a0b0-0000-7000-8000-000000000003", "扎西顿珠", "M", "1968-03-12", "", "", "0"},
    {"0190a0b0-0000-7000-8000-000000000004", "张删除", "M", "1970-01-01", "", "", "1"},
};

// A database as an older build left it: schema version 1, no search index.
void make_v1_database(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, record_rules(), 1);
  REQUIRE(user_version(db) == 1);
  REQUIRE(has_table(db, "patient"));
  REQUIRE_FALSE(has_table(db, "patient_key"));
  SQLite::Statement ins(db,
                        "INSERT INTO patient (id, hlc, deleted, name, sex, birth_date, id_number, phone, consent) "
                        "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), 1)");
  for (const auto& p : kPatients) {
    ins.bind(1, p[0]);
    ins.bind(2, std::string("1780000000000.00000.old-device"));
    ins.bind(3, std::stoi(p[6]));
    ins.bind(4, p[1]);
    ins.bind(5, p[2]);
    ins.bind(6, p[3]);
    ins.bind(7, p[4]);
    ins.bind(8, p[5]);
    ins.exec();
    ins.reset();
  }
  db.exec("INSERT INTO team (id, hlc, name) VALUES ('0190a0b0-0000-7000-8000-0000000000aa', "
          "'1780000000000.00001.old-device', '义诊队')");
  db.exec("INSERT INTO settings (key, value) VALUES ('device_id', '0190a0b0-0000-7000-8000-0000000000dd')");
  db.exec("INSERT INTO settings (key, value) VALUES ('hlc', '1780000000000.00001.0190a0b0-0000-7000-8000-0000000000dd')");
}
}  // namespace

TEST_CASE("schema: a fresh database is at the current version") {
  CHECK(current_schema_version() >= 2);
  Store s = open_store(":memory:");
  CHECK(user_version(s.db()) == current_schema_version());
  for (const char* t : {"settings", "outbox", "audit", "field_clock", "patient_key", "patient", "follow_up"})
    CHECK_MESSAGE(has_table(s.db(), t), std::string(t));
  // Migrating again changes nothing; a lower target never downgrades.
  migrate(s.db(), record_rules());
  migrate(s.db(), record_rules(), 1);
  CHECK(user_version(s.db()) == current_schema_version());
}

TEST_CASE("schema: a version-1 database is migrated on open with no data lost, and its patients become searchable") {
  TempPath path;
  make_v1_database(path.str());

  ManualClock clock(k2030);
  Store s = open_store(path.str(), StoreOptions{&clock});
  CHECK(user_version(s.db()) == current_schema_version());
  CHECK(has_table(s.db(), "patient_key"));
  CHECK(s.device_id() == "0190a0b0-0000-7000-8000-0000000000dd");

  CHECK(count_rows(s.db(), "patient") == 4);
  CHECK(count_rows(s.db(), "team") == 1);
  auto p = s.get("patient", kPatients[0][0]);
  REQUIRE(p.has_value());
  CHECK((*p)["name"] == "张小明");
  CHECK((*p)["id_number"] == "110105198005060133");
  CHECK((*p)["consent"] == true);
  CHECK((*p)["hlc"] == "1780000000000.00000.old-device");
  CHECK((*s.get("patient", kPatients[3][0]))["deleted"] == true);

  // v2 backfilled the search index from the existing rows.
  auto one = [&](const std::string& q) {
    auto hits = search_patients(s.db(), q);
    CAPTURE(q);
    REQUIRE(hits.size() == 1);
    return hits[0].name;
  };
  CHECK(one("zhangxiaoming") == "张小明");
  CHECK(one("zxm") == "张小明");
  CHECK(one("110105") == "张小明");
  CHECK(one("1391234") == "卓玛");
  CHECK(one("顿珠") == "扎西顿珠");
  CHECK(search_patients(s.db(), "zhangshanchu").empty());  // deleted rows are not indexed

  // The migrated store takes new writes, stamped after the old ones.
  const std::string id = s.create("patient", {{"name", "张小红"}, {"sex", "F"}, {"birth_date", "2001-02-03"}});
  CHECK(std::string("1780000000000.00001") < (*s.get("patient", id))["hlc"].get<std::string>());
  CHECK(search_patients(s.db(), "zhangxiao").size() == 2);
  // Reopening a migrated database is a no-op.
  SQLite::Database again(path.str(), SQLite::OPEN_READWRITE);
  migrate(again, record_rules());
  CHECK(user_version(again) == current_schema_version());
}

TEST_CASE("schema: a database newer than this build is refused and left alone") {
  TempPath path;
  {
    SQLite::Database db(path.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE future_thing (x INTEGER)");
    db.exec("INSERT INTO future_thing VALUES (1), (2)");
    db.exec("PRAGMA user_version = " + std::to_string(current_schema_version() + 1));
  }
  CHECK_THROWS_AS(open_store(path.str()), StoreError);
  try {
    open_store(path.str());
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("newer") != std::string::npos);
  }
  SQLite::Database db(path.str(), SQLite::OPEN_READWRITE);
  CHECK(user_version(db) == current_schema_version() + 1);
  CHECK(count_rows(db, "future_thing") == 2);
  CHECK_FALSE(has_table(db, "patient"));
  CHECK_THROWS_AS(migrate(db, record_rules()), StoreError);
}

TEST_CASE("schema: a migration that fails is rolled back and the version stays put") {
  TempPath path;
  {
    SQLite::Database db(path.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db, record_rules(), 1);
    db.exec("CREATE TABLE patient_key (unrelated TEXT)");  // clashes with v2
  }
  CHECK_THROWS_AS(open_store(path.str()), StoreError);
  SQLite::Database db(path.str(), SQLite::OPEN_READWRITE);
  CHECK(user_version(db) == 1);
  CHECK(count_rows(db, "sqlite_master", "name = 'patient_key_patient'") == 0);
}

TEST_CASE("schema: a path that cannot be opened is a StoreError") {
  CHECK_THROWS_AS(open_store("/nonexistent-dir-yizhen/sub/db.sqlite"), StoreError);
}

TEST_CASE("schema v5: the pending count follows the outbox through saves, acknowledgement, removal and a migration") {
  TempPath path;
  auto unacked = [](SQLite::Database& db) { return count_rows(db, "outbox", "acked = 0"); };
  {
    // A v4 database with unsent changes: the migration counts them.
    SQLite::Database db(path.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db, record_rules(), 4);
    db.exec("INSERT INTO outbox (entity, record_id, op, hlc, acked) VALUES ('patient', 'a', 'create', 'h1', 0), "
            "('patient', 'b', 'create', 'h2', 0), ('patient', 'c', 'create', 'h3', 1)");
  }
  Store s = open_store(path.str());
  CHECK(user_version(s.db()) == current_schema_version());
  CHECK(pending_changes(s.db()) == 2);
  s.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 40}});
  CHECK(pending_changes(s.db()) == unacked(s.db()));
  CHECK(pending_changes(s.db()) == 3);
  s.db().exec("UPDATE outbox SET acked = 1 WHERE record_id = 'a'");
  s.db().exec("UPDATE outbox SET acked = 1 WHERE record_id = 'a'");  // again: no change
  s.db().exec("UPDATE outbox SET acked = 0 WHERE record_id = 'c'");  // back to pending
  s.db().exec("DELETE FROM outbox WHERE record_id = 'b'");
  CHECK(pending_changes(s.db()) == unacked(s.db()));
  CHECK(pending_changes(s.db()) == 2);
}

TEST_CASE("schema v9: a version-8 database migrates with its dispenses intact and takes doses after") {
  TempPath path;
  const std::string pid = "0190a0b0-0000-7000-8000-000000000101", eid = "0190a0b0-0000-7000-8000-000000000102",
                    did = "0190a0b0-0000-7000-8000-000000000103";
  {
    SQLite::Database db(path.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db, record_rules(), 8);
    REQUIRE(user_version(db) == 8);
    db.exec("INSERT INTO settings (key, value) VALUES ('device_id', '0190a0b0-0000-7000-8000-0000000000dd')");
    db.exec("INSERT INTO patient (id, hlc, name, sex, birth_date, consent) VALUES ('" + pid +
            "', '1780000000000.00000.old', '次仁', 'M', '1968-01-01', 1)");
    db.exec("INSERT INTO encounter (id, hlc, patient_id, station, seen_at) VALUES ('" + eid + "', '1780000000000.00001.old', '" +
            pid + "', '内科', '2026-05-01 10:00')");
    db.exec("INSERT INTO dispense (id, hlc, patient_id, encounter_id, item, item_kind, quantity, unit, unit_value, given_at) "
            "VALUES ('" + did + "', '1780000000000.00002.old', '" + pid + "', '" + eid +
            "', '氨氯地平片', 'medicine', 2, '盒', 12.8, '2026-05-01 10:05')");
  }
  ManualClock clock(k2030);
  Store s = open_store(path.str(), StoreOptions{&clock});
  CHECK(user_version(s.db()) == current_schema_version());
  CHECK(current_schema_version() >= 9);
  auto d = s.get("dispense", did);
  REQUIRE(d.has_value());
  CHECK((*d)["item"] == "氨氯地平片");
  CHECK((*d)["quantity"] == 2.0);
  CHECK((*d)["unit_value"] == 12.8);
  CHECK((*d)["encounter_id"] == eid);
  CHECK((*d)["hlc"] == "1780000000000.00002.old");
  CHECK((*d)["dose"].is_null());
  CHECK((*d)["frequency"].is_null());
  CHECK(count_rows(s.db(), "encounter") == 1);
  // New dispenses carry a dose and frequency; the table refuses an unknown frequency itself.
  const std::string id2 = s.create("dispense", {{"patient_id", pid}, {"item", "二甲双胍片"}, {"item_kind", "medicine"},
                                               {"quantity", 1}, {"unit", "盒"}, {"unit_value", 9.8},
                                               {"dose", "0.5 g"}, {"frequency", "tid"}});
  CHECK((*s.get("dispense", id2))["dose"] == "0.5 g");
  CHECK((*s.get("dispense", id2))["frequency"] == "tid");
  CHECK_THROWS(s.db().exec("UPDATE dispense SET frequency = 'tds' WHERE id = '" + id2 + "'"));
}

TEST_CASE("schema v10: a version-9 database migrates with its staff intact, members take a PIN hash, screenings a clinician") {
  TempPath path;
  const std::string tid = "0190a0b0-0000-7000-8000-000000000201", mid = "0190a0b0-0000-7000-8000-000000000202";
  {
    SQLite::Database db(path.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db, record_rules(), 9);
    REQUIRE(user_version(db) == 9);
    db.exec("INSERT INTO settings (key, value) VALUES ('device_id', '0190a0b0-0000-7000-8000-0000000000dd')");
    db.exec("INSERT INTO team (id, hlc, name) VALUES ('" + tid + "', '1780000000000.00000.old', '援藏医疗队')");
    db.exec("INSERT INTO member (id, hlc, team_id, name, role) VALUES ('" + mid + "', '1780000000000.00001.old', '" +
            tid + "', '卓玛', 'nurse')");
  }
  ManualClock clock(k2030);
  Store s = open_store(path.str(), StoreOptions{&clock});
  CHECK(user_version(s.db()) == current_schema_version());
  auto m = s.get("member", mid);
  REQUIRE(m.has_value());
  CHECK((*m)["name"] == "卓玛");
  CHECK((*m)["hlc"] == "1780000000000.00001.old");
  CHECK((*m)["pin_hash"].is_null());
  s.update("member", mid, {{"pin_hash", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"}});
  CHECK((*s.get("member", mid))["pin_hash"].get<std::string>().rfind("$argon2id$", 0) == 0);
  const std::string pid = s.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"birth_date", "1968-01-01"}});
  const std::string sid = s.create("screening", {{"patient_id", pid}, {"program_id", "hypertension"},
                                                 {"program_version", 1}, {"result", "negative"}, {"clinician_id", mid}});
  CHECK((*s.get("screening", sid))["clinician_id"] == mid);
}

TEST_CASE("schema v12: a version-11 database migrates with its patients intact and searchable, none merged") {
  TempPath path;
  {
    SQLite::Database db(path.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db, record_rules(), 11);
    REQUIRE(user_version(db) == 11);
    db.exec("INSERT INTO settings (key, value) VALUES ('device_id', '0190a0b0-0000-7000-8000-0000000000dd')");
  }
  std::string pid;
  {
    Store s = open_store(path.str());
    CHECK(user_version(s.db()) == current_schema_version());
    pid = s.create("patient", {{"name", "热依汗古丽"}, {"sex", "F"}, {"birth_date", "1985-03-02"}});
    CHECK((*s.get("patient", pid))["merged_into"].is_null());
    REQUIRE(search_patients(s.db(), "reyihanguli").size() == 1);
    // A device never merges: the field is the server's (entities.h by_server).
    const auto errs = yz_test::validation_errors([&] { s.update("patient", pid, {{"merged_into", pid}}); });
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].code == "not_editable");
  }
}

namespace {
// Whether SQLite builds a temporary b-tree to run `sql` (EXPLAIN's opcodes).
bool opens_ephemeral(SQLite::Database& db, const std::string& sql) {
  SQLite::Statement st(db, "EXPLAIN " + sql);
  while (st.executeStep())
    if (st.getColumn(1).getString() == "OpenEphemeral") return true;
  return false;
}

std::map<std::string, std::string> table_sql(SQLite::Database& db) {
  std::map<std::string, std::string> out;
  SQLite::Statement st(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table'");
  while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getString();
  return out;
}
}  // namespace

TEST_CASE("schema v14: CHECK lists become comparisons: the same values refused and taken, no temporary b-tree per insert, "
          "no row lost") {
  TempPath path;
  const std::string pid = "0190a0b0-0000-7000-8000-000000000301";
  // Each listed column of the tables: a value its list refuses, one it takes.
  struct Listed {
    const char* table;
    const char* column;
    const char* refused;
    const char* taken;
  };
  const Listed kListed[] = {
      {"member", "role", "driver", "village_doctor"},      {"place", "level", "city", "township"},
      {"clinic_day", "kind", "party", "circuit"},          {"dispense", "item_kind", "food", "supply"},
      {"dispense", "frequency", "tds", "qn"},              {"screening", "result", "maybe", "suspected"},
      {"referral", "urgency", "soon", "emergency"},        {"referral", "status", "gone", "arrived"},
      {"follow_up", "status", "later", "overdue"},         {"outbox", "op", "merge", "delete"},
      {"ref_place", "level", "village", "county"},
  };
  int64_t rows_before = 0;
  {
    SQLite::Database db(path.str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db, record_rules(), 13);
    REQUIRE(user_version(db) == 13);
    db.exec("INSERT INTO settings (key, value) VALUES ('device_id', '0190a0b0-0000-7000-8000-0000000000dd')");
    const std::string h = "'1780000000000.00000.old', ";
    db.exec("INSERT INTO team (id, hlc, name) VALUES ('t1', " + h + "'援藏医疗队')");
    db.exec("INSERT INTO member (id, hlc, team_id, name, role) VALUES ('m1', " + h + "'t1', '卓玛', 'nurse')");
    db.exec("INSERT INTO place (id, hlc, code, name, level) VALUES ('pl1', " + h + "'540127001001', '塔巴村', 'village')");
    db.exec("INSERT INTO clinic_day (id, hlc, date, place_code, team_id, kind) VALUES ('c1', " + h +
            "'2030-01-15', '540127001001', 't1', 'screening')");
    db.exec("INSERT INTO patient (id, hlc, name, sex, birth_date) VALUES ('" + pid + "', " + h +
            "'次仁', 'M', '1968-01-01')");
    db.exec("INSERT INTO dispense (id, hlc, patient_id, item, item_kind, quantity, unit, unit_value, given_at, "
            "frequency) VALUES ('d1', " + h + "'" + pid + "', '二甲双胍片', 'medicine', 1, '盒', 9.8, '2030-01-15', 'tid')");
    db.exec("INSERT INTO screening (id, hlc, patient_id, program_id, program_version, result, screened_at) VALUES ('s1', " +
            h + "'" + pid + "', 'hypertension', 1, 'positive', '2030-01-15')");
    db.exec("INSERT INTO referral (id, hlc, patient_id, to_facility, reason, urgency, status) VALUES ('r1', " + h + "'" +
            pid + "', '县医院', '血压高', 'urgent', 'contacted')");
    db.exec("INSERT INTO follow_up (id, hlc, patient_id, due_date, reason, status) VALUES ('f1', " + h + "'" + pid +
            "', '2030-02-15', '复查血压', 'due')");
    db.exec("INSERT INTO outbox (entity, record_id, op, hlc) VALUES ('patient', '" + pid + "', 'create', 'x')");
    // Before: every insert of a screening builds a b-tree of the four results.
    REQUIRE(opens_ephemeral(db, "INSERT INTO screening DEFAULT VALUES"));
    for (const auto& [name, sql] : table_sql(db)) rows_before += count_rows(db, name);
  }
  Store s = open_store(path.str());
  SQLite::Database& db = s.db();
  CHECK(user_version(db) == current_schema_version());
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  int64_t rows_after = 0;
  for (const auto& table : table_sql(db)) {  // not a structured binding: clang 14 cannot capture those
    const std::string& name = table.first;
    const std::string& sql = table.second;
    CAPTURE(name);
    rows_after += count_rows(db, name);
    // No list of more than two values is left, and no insert builds a b-tree.
    CHECK_FALSE(std::regex_search(sql, std::regex(R"(IN \([^()]*,[^()]*,)")));
    CHECK_FALSE(opens_ephemeral(db, "INSERT INTO " + name + " DEFAULT VALUES"));
  }
  CHECK(rows_after == rows_before);
  CHECK((*s.get("screening", "s1"))["result"] == "positive");
  // The connection that migrated checks with the new text at once.
  for (const Listed& l : kListed) {
    CAPTURE(l.table);
    CAPTURE(l.column);
    // ref_place has no rowid; every other table has one row here or more.
    const std::string where = std::string(l.table) == "ref_place"
                                  ? std::string(" WHERE code = '540127'")
                                  : std::string(" WHERE rowid = (SELECT min(rowid) FROM ") + l.table + ")";
    const std::string set = std::string("UPDATE ") + l.table + " SET " + l.column + " = ";
    CHECK_THROWS_WITH(db.exec(set + "'" + l.refused + "'" + where), doctest::Contains("CHECK constraint failed"));
    CHECK(db.exec(set + "'" + l.taken + "'" + where) == 1);
  }
  // A fresh database has the same tables, word for word.
  Store fresh = open_store(":memory:");
  CHECK(table_sql(fresh.db()) == table_sql(db));
}
