#include "sync/server/pg_schema.h"

#include <functional>
#include <set>

#include "core/domain/search.h"
#include "sync/server/central_store.h"

namespace yz::sync::pg {

namespace {

// v1: every record kind, the merge's logs (field_clock, conflict,
// quarantine), the hash-chained audit, and the server's own tables as on
// SQLite (sqlite_central_store.cpp kServerSchema), plus srv_meta: the
// server's id, its clock (shared by every server on this database) and the
// public half of the receipt key (servers with another key file are refused).
std::string v1() {
  std::string sql;
  for (const EntitySpec* spec : entities()) sql += record_table_ddl(*spec) + ";\n";
  sql += R"SQL(
CREATE INDEX patient_village ON patient(village_code);
CREATE INDEX household_village ON household(village_code);
CREATE TABLE field_clock (
  entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, hlc TEXT NOT NULL, base TEXT,
  PRIMARY KEY (entity, record_id, field));
CREATE TABLE conflict (
  rid BIGSERIAL PRIMARY KEY, entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
  kept_value TEXT, kept_hlc TEXT NOT NULL, other_value TEXT, other_hlc TEXT NOT NULL,
  at_ms BIGINT NOT NULL, resolved_ms BIGINT, resolution TEXT,
  UNIQUE (entity, record_id, field, kept_hlc, other_hlc));
CREATE INDEX conflict_open ON conflict(entity, record_id, field) WHERE resolved_ms IS NULL;
CREATE TABLE quarantine (
  rid BIGSERIAL PRIMARY KEY, entity TEXT NOT NULL, record_id TEXT NOT NULL, batch_id TEXT NOT NULL,
  device_id TEXT NOT NULL, errors TEXT NOT NULL, change TEXT, at_ms BIGINT NOT NULL,
  resolved_ms BIGINT, outcome TEXT, note TEXT, UNIQUE (batch_id, entity, record_id));
CREATE INDEX quarantine_open ON quarantine(entity, record_id) WHERE resolved_ms IS NULL;
CREATE TABLE audit (
  rid BIGINT PRIMARY KEY, at_ms BIGINT NOT NULL, hlc TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  entity TEXT NOT NULL, record_id TEXT, detail TEXT, digest TEXT NOT NULL);
CREATE TABLE srv_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE srv_enroll_code (
  code_key TEXT PRIMARY KEY, team_id TEXT NOT NULL, created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL, used_ms BIGINT, device_id TEXT);
CREATE TABLE srv_device (
  device_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
  enrolled_ms BIGINT NOT NULL, revoked_ms BIGINT, last_seen_ms BIGINT, last_seq BIGINT NOT NULL DEFAULT 0,
  clock_skew_ms BIGINT, sign_key TEXT NOT NULL DEFAULT '');
CREATE TABLE srv_batch (
  batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, seq BIGINT NOT NULL, digest TEXT NOT NULL,
  receipt TEXT NOT NULL, received_ms BIGINT NOT NULL, source TEXT NOT NULL);
CREATE TABLE srv_feed (
  seq BIGSERIAL PRIMARY KEY, entity TEXT NOT NULL, record_id TEXT NOT NULL,
  area TEXT NOT NULL, team_id TEXT, echo_device TEXT, UNIQUE (entity, record_id));
CREATE TABLE srv_team (
  team_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, area TEXT NOT NULL DEFAULT '');
CREATE TABLE srv_account (
  name_key TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, area TEXT NOT NULL DEFAULT '',
  pw_hash TEXT NOT NULL, created_ms BIGINT NOT NULL, disabled_ms BIGINT);
)SQL";
  return sql;
}

// Version 2: the coordinators' console sessions (console_session.h): the
// hash of the cookie's token, whose account, from where, last used.
std::string v2() {
  return "CREATE TABLE srv_console_session (key TEXT PRIMARY KEY, account_key TEXT NOT NULL, address TEXT NOT NULL, "
         "created_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL);";
}

// v3: what the SQLite store keeps beside the records, so that `admin
// migrate` (pg_migrate_sqlite.h) loses nothing: published screening
// programs (fed to devices as entity "program", id "ID@VERSION"), the
// coordinators' patient merges and the moves each made (for undo), and the
// provisional places reconciled with official ones; the same columns as on
// SQLite.
std::string v3() {
  return R"SQL(
CREATE TABLE program (
  id TEXT NOT NULL, version BIGINT NOT NULL CHECK (version >= 1), definition TEXT NOT NULL,
  installed_at TEXT NOT NULL, PRIMARY KEY (id, version));
CREATE TABLE srv_merge (
  merge_id TEXT PRIMARY KEY, keep_id TEXT NOT NULL, duplicate_id TEXT NOT NULL, reason TEXT NOT NULL,
  at_ms BIGINT NOT NULL, undone_ms BIGINT);
CREATE INDEX srv_merge_duplicate ON srv_merge(duplicate_id);
CREATE TABLE srv_merge_move (
  merge_id TEXT NOT NULL, entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, was TEXT NOT NULL,
  set_to TEXT NOT NULL, PRIMARY KEY (merge_id, entity, record_id, field));
CREATE TABLE srv_place_reconcile (provisional TEXT PRIMARY KEY, official TEXT NOT NULL, at_ms BIGINT NOT NULL);
)SQL";
}

// v4: the patient search index (core/domain/search.h), as on SQLite (its
// schema v2), its keys compared byte-wise as there (COLLATE "C": prefix
// ranges and ranking do not depend on the database's locale); filled from
// the patients already present (pg_reindex_patients).
std::string v4() {
  return R"SQL(
CREATE TABLE patient_key (
  key TEXT COLLATE "C" NOT NULL, patient_rid BIGINT NOT NULL, kind INTEGER NOT NULL,
  PRIMARY KEY (key, patient_rid, kind));
CREATE INDEX patient_key_patient ON patient_key(patient_rid);
)SQL";
}

// v5: what the coordinators' changes of records look up (coordination.h
// CoordinationSteps::live_ids, in one implementation for both stores): the
// records of a patient that a merge moves, and places by code and by parent
// that places import and reconcile use — the indexes a SQLite database has
// (core/store/schema.cpp). IF NOT EXISTS: another migration may add some.
std::string v5() {
  return R"SQL(
CREATE INDEX IF NOT EXISTS encounter_patient ON encounter(patient_id);
CREATE INDEX IF NOT EXISTS observation_patient ON observation(patient_id);
CREATE INDEX IF NOT EXISTS dispense_patient ON dispense(patient_id);
CREATE INDEX IF NOT EXISTS screening_patient ON screening(patient_id);
CREATE INDEX IF NOT EXISTS referral_patient ON referral(patient_id);
CREATE INDEX IF NOT EXISTS follow_up_patient ON follow_up(patient_id);
CREATE INDEX IF NOT EXISTS place_code ON place(code);
CREATE INDEX IF NOT EXISTS place_parent ON place(parent_code);
CREATE INDEX IF NOT EXISTS clinic_day_place ON clinic_day(place_code);
)SQL";
}

struct Migration {
  int version;
  std::function<std::string()> sql;
  std::function<void(Connection&)> fill = nullptr;  // after the SQL, in its transaction
};

const Migration kMigrations[] = {
    {1, v1},
    {2, v2},
    {3, v3},
    {4, v4, pg_reindex_patients},
    {5, v5},
};

// One patient's index rows (key, rid, kind) of its `keys`, each once.
void add_keys(std::vector<std::vector<Param>>& rows, int64_t rid, const std::vector<SearchKey>& keys) {
  std::set<std::pair<std::string, int>> seen;
  for (const auto& k : keys)
    if (seen.insert({k.key, static_cast<int>(k.kind)}).second)
      rows.push_back({k.key, std::to_string(rid), std::to_string(static_cast<int>(k.kind))});
}
void add_patient_keys(std::vector<std::vector<Param>>& rows, int64_t rid, const std::string& name,
                      const std::string& name_native, const std::string& id_number, const std::string& phone) {
  add_keys(rows, rid, patient_index_keys(name, name_native, id_number, phone));
}

// A patient's row and the columns its keys are made from (add_patient_keys).
constexpr const char* kPatientKeyColumns =
    "rid, name, coalesce(name_native, ''), coalesce(id_number, ''), coalesce(phone, '')";
// The patients indexed: live and not merged into another (as on SQLite,
// core/replication/changes.cpp).
constexpr const char* kIndexed = "deleted = 0 AND merged_into IS NULL";

// Serialises migrations of servers starting at once.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7365726901)";

}  // namespace

// Stored forms (changes.h): integers and booleans (0/1) as bigint, reals as
// double precision, everything else (dates, codes, JSON lists) as text.
const char* pg_column_type(FieldType t) {
  switch (t) {
    case FieldType::integer:
    case FieldType::boolean: return "BIGINT";
    case FieldType::real: return "DOUBLE PRECISION";
    default: return "TEXT";
  }
}

int pg_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

std::string record_table_ddl(const EntitySpec& spec) {
  std::string sql = "CREATE TABLE " + std::string(spec.name) +
                    " (rid BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, hlc TEXT NOT NULL, "
                    "deleted BIGINT NOT NULL DEFAULT 0";
  for (const auto& f : spec.fields) sql += ", " + std::string(f.name) + " " + pg_column_type(f.type);
  return sql + ")";
}

void pg_migrate(Connection& c) {
  Transaction txn(c);
  pg_migrate_in_transaction(c);
  txn.commit();
}

void pg_migrate_in_transaction(Connection& c) {
  c.exec_script(kMigrationLock);
  c.exec_script("CREATE TABLE IF NOT EXISTS srv_schema (one INTEGER PRIMARY KEY CHECK (one = 1), version INTEGER NOT NULL)");
  Result v = c.exec("SELECT version FROM srv_schema");
  const int have = v.rows() ? static_cast<int>(v.int64(0, 0)) : 0;
  if (have > pg_schema_version())
    throw CentralError(500, "schema_newer",
                       "--pg: the database's schema version " + std::to_string(have) + " is newer than this program (" +
                           std::to_string(pg_schema_version()) + "); update yizhen-server");
  for (const auto& m : kMigrations)
    if (m.version > have) {
      c.exec_script(m.sql());
      if (m.fill) m.fill(c);
    }
  c.exec("INSERT INTO srv_schema (one, version) VALUES (1, $1) ON CONFLICT (one) DO UPDATE SET version = excluded.version",
         pg_schema_version());
  // Every field of entities.h has its column: a field added without a
  // migration is found here, not at the first change that carries it.
  for (const EntitySpec* spec : entities())
    for (const auto& f : spec->fields)
      if (c.exec("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 "
                 "AND column_name = $2",
                 std::string(spec->name), std::string(f.name))
              .rows() == 0)
        throw CentralError(500, "schema_behind", "--pg: table " + std::string(spec->name) + " has no column " +
                                                     std::string(f.name) + " (a PostgreSQL migration is missing)");
}

namespace {

// Index rows (add_patient_keys) in one INSERT.
void insert_keys(Connection& c, const std::vector<std::vector<Param>>& rows) {
  if (rows.empty()) return;
  std::vector<Param> keys, rids, kinds;
  for (const auto& row : rows) {
    keys.push_back(row[0]);
    rids.push_back(row[1]);
    kinds.push_back(row[2]);
  }
  c.exec("INSERT INTO patient_key (key, patient_rid, kind) SELECT * FROM unnest($1::text[], $2::bigint[], "
         "$3::integer[]) ON CONFLICT DO NOTHING",
         array_literal(keys), array_literal(rids), array_literal(kinds));
}

}  // namespace

void pg_index_patients(Connection& c, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  // Each patient, and then its keys, by index probes (lookup_each): `= ANY`
  // reads the whole table on a database still filling up.
  static const std::string patients_sql =
      lookup_each("$1::text[]", "k",
                  std::string("SELECT ") + kIndexed + ", " + kPatientKeyColumns + " FROM patient WHERE id = u.k OFFSET 0");
  static const std::string delete_sql =
      "DELETE FROM patient_key WHERE ctid = ANY(ARRAY(" +
      lookup_each("$1::bigint[]", "r", "SELECT ctid FROM patient_key WHERE patient_rid = u.r OFFSET 0") + "))";
  Result r = c.exec(patients_sql, array_literal(ids));
  std::vector<std::string> rids;
  std::vector<std::vector<Param>> rows;
  for (int i = 0; i < r.rows(); ++i) {
    rids.push_back(r.text(i, 1));
    if (r.text(i, 0) == "t")
      add_patient_keys(rows, r.int64(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5));
  }
  c.exec(delete_sql, array_literal(rids));
  insert_keys(c, rows);
}

void pg_index_patient(Connection& c, const std::string& id) { pg_index_patients(c, {id}); }

void pg_index_new_patients(Connection& c, const std::vector<NewPatient>& patients) {
  std::vector<std::vector<Param>> rows;
  for (const auto& p : patients)
    if (!p.indexed) continue;
    else if (p.keys) add_keys(rows, p.rid, *p.keys);
    else add_patient_keys(rows, p.rid, p.name, p.name_native, p.id_number, p.phone);
  if (!rows.empty()) c.copy_in_async("patient_key (key, patient_rid, kind)", rows);
}

void pg_reindex_patients(Connection& c) {
  c.exec_script("DELETE FROM patient_key");
  Result r = c.exec(std::string("SELECT ") + kPatientKeyColumns + " FROM patient WHERE " + kIndexed);
  std::vector<std::vector<Param>> rows;
  for (int i = 0; i < r.rows(); ++i) {
    add_patient_keys(rows, r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4));
    if (rows.size() >= 20000) {
      c.copy_in("patient_key (key, patient_rid, kind)", rows);
      rows.clear();
    }
  }
  if (!rows.empty()) c.copy_in("patient_key (key, patient_rid, kind)", rows);
}

}  // namespace yz::sync::pg
