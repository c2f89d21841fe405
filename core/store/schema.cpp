#include "core/store/schema.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/base/errors.h"
#include "core/base/utf8.h"
#include "core/store/audit_chain.h"
#include "core/store/entities.h"

namespace yz {

namespace {

// Columns every synced table shares: a local integer key (stable: VACUUM
// keeps INTEGER PRIMARY KEY), the record's UUIDv7, the HLC stamp of its last
// change, and a tombstone flag (records are never deleted, only marked).
#define SYNCED "rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, hlc TEXT NOT NULL, " \
               "deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0,1)), "

constexpr const char* kV1 = R"SQL(
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE team ()SQL" SYNCED R"SQL(
  name TEXT NOT NULL, origin_hospital TEXT, area_code TEXT);
CREATE TABLE member ()SQL" SYNCED R"SQL(
  team_id TEXT NOT NULL REFERENCES team(id), name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('clinician','nurse','coordinator','admin','village_doctor')),
  specialty TEXT, phone TEXT, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE device ()SQL" SYNCED R"SQL(
  team_id TEXT NOT NULL REFERENCES team(id), name TEXT NOT NULL, enrolled_at TEXT);
CREATE TABLE place ()SQL" SYNCED R"SQL(
  code TEXT NOT NULL, name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('province','prefecture','county','township','village')),
  parent_code TEXT, altitude_m INTEGER);
CREATE TABLE clinic_day ()SQL" SYNCED R"SQL(
  date TEXT NOT NULL, place_code TEXT NOT NULL, team_id TEXT NOT NULL REFERENCES team(id),
  kind TEXT NOT NULL CHECK (kind IN ('yizhen','circuit','screening','home_visits')),
  campaign TEXT, stations TEXT, staff TEXT,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  notes TEXT, closed_at TEXT);
CREATE TABLE household ()SQL" SYNCED R"SQL(
  village_code TEXT NOT NULL, address TEXT, head_name TEXT, phone TEXT, notes TEXT);
CREATE TABLE patient ()SQL" SYNCED R"SQL(
  name TEXT NOT NULL, name_native TEXT, sex TEXT NOT NULL CHECK (sex IN ('M','F')),
  birth_date TEXT NOT NULL, birth_estimated INTEGER NOT NULL DEFAULT 0,
  id_number TEXT, ethnicity TEXT, phone TEXT, village_code TEXT,
  household_id TEXT REFERENCES household(id), consent INTEGER NOT NULL DEFAULT 0, notes TEXT);
CREATE TABLE home_visit ()SQL" SYNCED R"SQL(
  household_id TEXT NOT NULL REFERENCES household(id), clinic_day_id TEXT REFERENCES clinic_day(id),
  visit_date TEXT NOT NULL, patients TEXT, members TEXT, services TEXT, notes TEXT);
CREATE TABLE encounter ()SQL" SYNCED R"SQL(
  patient_id TEXT NOT NULL REFERENCES patient(id), clinic_day_id TEXT REFERENCES clinic_day(id),
  home_visit_id TEXT REFERENCES home_visit(id), station TEXT, clinician_id TEXT REFERENCES member(id),
  seen_at TEXT NOT NULL, complaint TEXT, diagnoses TEXT, advice TEXT, health_education TEXT);
CREATE TABLE observation ()SQL" SYNCED R"SQL(
  patient_id TEXT NOT NULL REFERENCES patient(id), encounter_id TEXT REFERENCES encounter(id),
  kind TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, taken_at TEXT NOT NULL);
CREATE TABLE dispense ()SQL" SYNCED R"SQL(
  patient_id TEXT REFERENCES patient(id), encounter_id TEXT REFERENCES encounter(id),
  clinic_day_id TEXT REFERENCES clinic_day(id), home_visit_id TEXT REFERENCES home_visit(id),
  item TEXT NOT NULL, item_kind TEXT NOT NULL CHECK (item_kind IN ('medicine','device','supply')),
  quantity REAL NOT NULL CHECK (quantity > 0), unit TEXT NOT NULL,
  unit_value REAL NOT NULL CHECK (unit_value >= 0), given_at TEXT NOT NULL);
CREATE TABLE screening ()SQL" SYNCED R"SQL(
  patient_id TEXT NOT NULL REFERENCES patient(id), program_id TEXT NOT NULL,
  program_version INTEGER NOT NULL, clinic_day_id TEXT REFERENCES clinic_day(id),
  encounter_id TEXT REFERENCES encounter(id), answers TEXT,
  result TEXT NOT NULL CHECK (result IN ('negative','positive','suspected','incomplete')),
  risk_grade TEXT, next_step TEXT, screened_at TEXT NOT NULL);
CREATE TABLE referral ()SQL" SYNCED R"SQL(
  patient_id TEXT NOT NULL REFERENCES patient(id), screening_id TEXT REFERENCES screening(id),
  encounter_id TEXT REFERENCES encounter(id), to_facility TEXT NOT NULL, reason TEXT NOT NULL,
  urgency TEXT NOT NULL DEFAULT 'routine' CHECK (urgency IN ('routine','urgent','emergency')),
  status TEXT NOT NULL DEFAULT 'advised'
    CHECK (status IN ('advised','contacted','arrived','outcome','lost')),
  appointment_date TEXT, outcome TEXT);
CREATE TABLE follow_up ()SQL" SYNCED R"SQL(
  patient_id TEXT NOT NULL REFERENCES patient(id), screening_id TEXT REFERENCES screening(id),
  referral_id TEXT REFERENCES referral(id), due_date TEXT NOT NULL, reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due','done','overdue','lost')),
  result TEXT, done_date TEXT);

-- Who did what to which record, when (local wall time and HLC).
CREATE TABLE audit (
  rid INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, hlc TEXT NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('create','update','delete','import','demo')),
  entity TEXT NOT NULL, record_id TEXT, detail TEXT);

-- Local changes not yet confirmed by the server, written in the same
-- transaction as the change. The body is built from the record at push time
-- (every field with its own HLC), so a row only names what changed.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, record_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('create','update','delete')), hlc TEXT NOT NULL,
  fields TEXT, batch_id TEXT, acked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX outbox_pending ON outbox(seq) WHERE acked = 0;

-- The HLC of each editable field changed after creation (fields without a
-- row here carry the record's creation stamp).
CREATE TABLE field_clock (
  entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, hlc TEXT NOT NULL,
  PRIMARY KEY (entity, record_id, field)) WITHOUT ROWID;

CREATE INDEX member_team ON member(team_id);
CREATE INDEX place_code ON place(code);
CREATE INDEX clinic_day_date ON clinic_day(date);
CREATE INDEX household_village ON household(village_code);
CREATE INDEX patient_id_number ON patient(id_number) WHERE id_number IS NOT NULL;
CREATE INDEX patient_village ON patient(village_code);
CREATE INDEX patient_household ON patient(household_id);
CREATE INDEX home_visit_household ON home_visit(household_id);
CREATE INDEX home_visit_day ON home_visit(clinic_day_id);
CREATE INDEX encounter_patient ON encounter(patient_id);
CREATE INDEX encounter_day ON encounter(clinic_day_id);
CREATE INDEX observation_patient ON observation(patient_id);
CREATE INDEX observation_encounter ON observation(encounter_id);
CREATE INDEX dispense_patient ON dispense(patient_id);
CREATE INDEX dispense_day ON dispense(clinic_day_id);
CREATE INDEX screening_patient ON screening(patient_id);
CREATE INDEX screening_program ON screening(program_id, result);
CREATE INDEX referral_patient ON referral(patient_id);
CREATE INDEX follow_up_patient ON follow_up(patient_id);
CREATE INDEX follow_up_due ON follow_up(status, due_date);
)SQL";

// v2: the patient search index (name, pinyin, initials, ID number, phone),
// backfilled from the patients already present.
constexpr const char* kV2 = R"SQL(
CREATE TABLE patient_key (
  key TEXT NOT NULL, patient_rid INTEGER NOT NULL, kind INTEGER NOT NULL,
  PRIMARY KEY (key, patient_rid, kind)) WITHOUT ROWID;
CREATE INDEX patient_key_patient ON patient_key(patient_rid);
)SQL";

// v3: sync. Each edited field keeps the stamp its editor had seen before
// (`base`), so a merge can tell a later edit from a concurrent one. Sealed
// batches are kept, byte for byte, until a receipt confirms them (a resend
// must carry the same digest). Records the server set aside and concurrent
// edits are kept for people to review, on devices and on the server alike.
constexpr const char* kV3 = R"SQL(
ALTER TABLE field_clock ADD COLUMN base TEXT;
-- Sealing reads the rows not yet in a batch; a receipt acknowledges a batch's rows.
CREATE INDEX outbox_unbatched ON outbox(seq) WHERE acked = 0 AND batch_id IS NULL;
CREATE INDEX outbox_batch ON outbox(batch_id) WHERE acked = 0;

CREATE TABLE sync_batch (
  batch_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, body TEXT NOT NULL,
  changes INTEGER NOT NULL, created_ms INTEGER NOT NULL, delivered_ms INTEGER, receipt TEXT);
CREATE INDEX sync_batch_pending ON sync_batch(seq) WHERE delivered_ms IS NULL;

CREATE TABLE quarantine (
  rid INTEGER PRIMARY KEY, entity TEXT NOT NULL, record_id TEXT NOT NULL, batch_id TEXT NOT NULL,
  device_id TEXT NOT NULL, errors TEXT NOT NULL, change TEXT, at_ms INTEGER NOT NULL,
  resolved_ms INTEGER, UNIQUE (batch_id, entity, record_id));
CREATE INDEX quarantine_open ON quarantine(entity, record_id) WHERE resolved_ms IS NULL;

CREATE TABLE conflict (
  rid INTEGER PRIMARY KEY, entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
  kept_value TEXT, kept_hlc TEXT NOT NULL, other_value TEXT, other_hlc TEXT NOT NULL,
  at_ms INTEGER NOT NULL, resolved_ms INTEGER,
  UNIQUE (entity, record_id, field, kept_hlc, other_hlc));
)SQL";

// v4: screening programs installed after the build (published by the server,
// received through sync; built-ins live in the binary), one row per id and
// version, never changed. Indexes for screening lists, follow-up worklists and
// the closed loop (a screening's referral and follow-ups).
constexpr const char* kV4 = R"SQL(
CREATE TABLE program (
  id TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), definition TEXT NOT NULL,
  installed_at TEXT NOT NULL, PRIMARY KEY (id, version)) WITHOUT ROWID;
CREATE INDEX screening_screened_at ON screening(screened_at);
CREATE INDEX referral_screening ON referral(screening_id);
CREATE INDEX follow_up_screening ON follow_up(screening_id);
)SQL";

// v5: the number of outbox rows not yet acknowledged, kept by triggers on
// every path that adds, acknowledges or removes one. Counting them was
// linear: on a device with 10^6 patients never synced (11.4 M rows) each
// count took ~1 s of CPU, after every save and on the sync engine's idle
// poll (BENCHMARKS.md, the field app's idle CPU).
constexpr const char* kV5 = R"SQL(
CREATE TABLE outbox_pending_count (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL);
INSERT INTO outbox_pending_count (one, n) SELECT 1, count(*) FROM outbox WHERE acked = 0;
CREATE TRIGGER outbox_pending_add AFTER INSERT ON outbox WHEN new.acked = 0
BEGIN UPDATE outbox_pending_count SET n = n + 1; END;
CREATE TRIGGER outbox_pending_ack AFTER UPDATE OF acked ON outbox WHEN (old.acked = 0) <> (new.acked = 0)
BEGIN UPDATE outbox_pending_count SET n = n + (CASE WHEN new.acked = 0 THEN 1 ELSE -1 END); END;
CREATE TRIGGER outbox_pending_remove AFTER DELETE ON outbox WHEN old.acked = 0
BEGIN UPDATE outbox_pending_count SET n = n - 1; END;
)SQL";

// v6: the reference divisions down to county level (core/domain/places.h,
// loaded through RecordRules::seed_reference),
// a catalogue compiled into the program like the built-in programs: not
// records, never synced, the same on every device and server. Townships and
// villages stay `place` records. Pinyin and initials are stored for search.
constexpr const char* kV6 = R"SQL(
CREATE TABLE ref_place (
  code TEXT PRIMARY KEY, name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('province','prefecture','county')),
  parent_code TEXT, pinyin TEXT NOT NULL, initials TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX place_parent ON place(parent_code);
)SQL";

// v7: an encounter may correct an earlier one (DESIGN.md §5: a correction is
// a new record that supersedes, never an edit; core/care/encounter.h).
constexpr const char* kV7 = R"SQL(
ALTER TABLE encounter ADD COLUMN supersedes_id TEXT REFERENCES encounter(id);
CREATE INDEX encounter_supersedes ON encounter(supersedes_id) WHERE supersedes_id IS NOT NULL;
)SQL";

// v8: the audit trail hash-chained (core/store/audit_chain.h); rows written
// before get their digests in order when the database is migrated.
constexpr const char* kV8 = R"SQL(
ALTER TABLE audit ADD COLUMN digest TEXT;
)SQL";

// v9: a medicine dispensed carries its dose ("5 mg") and frequency
// (core/domain/dosage.h); rows written before have neither.
constexpr const char* kV9 = R"SQL(
ALTER TABLE dispense ADD COLUMN dose TEXT;
ALTER TABLE dispense ADD COLUMN frequency TEXT CHECK (frequency IN ('qd','bid','tid','qid','qn','prn'));
)SQL";

// v10: staff sign in with a PIN, kept only as its Argon2id hash
// (core/care/staff_pin.h); a screening names who screened, as an encounter
// does.
constexpr const char* kV10 = R"SQL(
ALTER TABLE member ADD COLUMN pin_hash TEXT;
ALTER TABLE screening ADD COLUMN clinician_id TEXT REFERENCES member(id);
)SQL";

// v11: how a quarantine row or a conflict closed (the coordinators' side,
// core/replication/changes.h). quarantine.outcome: 'accepted' (a later change
// of the record was accepted), 'retried' (a coordinator applied it after a
// fix), 'discarded' (a coordinator dropped it), note: the coordinator's
// reason. conflict.resolution: JSON {"by", "value", "hlc", "reason"?}, "by"
// "admin" (resolved on the server) or "superseded" (a later edit).
constexpr const char* kV11 = R"SQL(
ALTER TABLE quarantine ADD COLUMN outcome TEXT;
ALTER TABLE quarantine ADD COLUMN note TEXT;
ALTER TABLE conflict ADD COLUMN resolution TEXT;
)SQL";

// v12: a duplicate patient merged by a coordinator on the server stays as a
// tombstone naming the patient it was merged into (DESIGN.md §5; the
// server's merge moves its records there, and undo clears it).
constexpr const char* kV12 = R"SQL(
ALTER TABLE patient ADD COLUMN merged_into TEXT REFERENCES patient(id);
CREATE INDEX patient_merged_into ON patient(merged_into) WHERE merged_into IS NOT NULL;
)SQL";

// v13: every record table gets a partial index of its tombstones (deleted =
// 1: a handful), so that its live records count as all rows (SQLite counts
// them over the table's smallest index) less its tombstones, instead of a
// scan of every row (core/queries/views.cpp store_stats; the console's
// dashboard over 10^6 patients, BENCHMARKS.md). Inserts of live records
// never touch it.
constexpr const char* kV13 = "";
void index_tombstones(SQLite::Database& db) {
  for (const EntitySpec* e : entities()) {
    const std::string name(e->name);
    db.exec("CREATE INDEX IF NOT EXISTS " + name + "_tombstones ON " + name + "(rid) WHERE deleted = 1");
  }
}

// v14: CHECK constraints that name a list of more than two values
// (`result IN ('negative','positive','suspected','incomplete')`) written as
// comparisons joined by OR, which hold exactly the same rows. SQLite 3.40
// checks such an IN list by building a temporary b-tree of its values on
// every execution of every INSERT or UPDATE of the table (OP_OpenEphemeral;
// two values or fewer are compared directly): about 2 us per list per row,
// and 12.6 % of the instructions of the server's writer taking in a campaign
// (BENCHMARKS.md, issue 13's tenth pass). The tables' stored text is
// rewritten in place, the procedure SQLite documents for changing a table's
// CHECK constraints (lang_altertable.html, "Making Other Kinds Of Table
// Schema Changes"): no row changes and every row stays valid, so no table is
// rebuilt.
constexpr const char* kV14 = "";

// A CREATE TABLE's text with each `CHECK (column IN (v1, v2, v3, ...))` of
// more than two values written `CHECK (column = v1 OR column = v2 OR ...)`.
// The lists are this file's own: literals without commas or parentheses.
std::string checks_without_in_lists(const std::string& sql) {
  static const std::regex kCheck(R"(CHECK \((\w+) IN \(([^()]*)\)\))");
  std::string out;
  auto from = sql.cbegin();
  for (std::sregex_iterator it(sql.begin(), sql.end(), kCheck), end; it != end; ++it) {
    const std::smatch& m = *it;
    std::vector<std::string> values;
    std::stringstream list(m[2].str());
    for (std::string v; std::getline(list, v, ',');) values.push_back(trim(v));
    out.append(from, m[0].first);
    if (values.size() <= 2) {
      out.append(m[0].first, m[0].second);
    } else {
      out += "CHECK (";
      for (size_t i = 0; i < values.size(); ++i) out += (i ? " OR " : "") + m[1].str() + " = " + values[i];
      out += ")";
    }
    from = m[0].second;
  }
  out.append(from, sql.cend());
  return out;
}

void rewrite_in_list_checks(SQLite::Database& db) {
  std::vector<std::pair<std::string, std::string>> tables;  // name, new text
  {
    SQLite::Statement st(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%CHECK%'");
    while (st.executeStep()) {
      const std::string sql = st.getColumn(1).getString();
      if (std::string again = checks_without_in_lists(sql); again != sql)
        tables.emplace_back(st.getColumn(0).getString(), std::move(again));
    }
  }
  if (tables.empty()) return;
  const int version = db.execAndGet("PRAGMA schema_version").getInt();
  db.exec("PRAGMA writable_schema = ON");
  SQLite::Statement up(db, "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?");
  for (const auto& [name, sql] : tables) {
    up.bind(1, sql);
    up.bind(2, name);
    up.exec();
    up.reset();
  }
  // One more than before: every connection, this one too, reads the schema
  // again before its next statement.
  db.exec("PRAGMA schema_version = " + std::to_string(version + 1));
  db.exec("PRAGMA writable_schema = OFF");
}

struct Migration {
  int version;
  const char* sql;
  std::function<void(SQLite::Database&, const RecordRules&)> after;
};

const Migration kMigrations[] = {
    {1, kV1, nullptr},
    {2, kV2, [](SQLite::Database& db, const RecordRules& rules) { rules.rebuild_index(db); }},
    {3, kV3, nullptr},
    {4, kV4, nullptr},
    {5, kV5, nullptr},
    {6, kV6, [](SQLite::Database& db, const RecordRules& rules) { rules.seed_reference(db); }},
    {7, kV7, nullptr},
    {8, kV8, [](SQLite::Database& db, const RecordRules&) { chain_audit_rows(db); }},
    {9, kV9, nullptr},
    {10, kV10, nullptr},
    {11, kV11, nullptr},
    {12, kV12, nullptr},
    {13, kV13, [](SQLite::Database& db, const RecordRules&) { index_tombstones(db); }},
    {14, kV14, [](SQLite::Database& db, const RecordRules&) { rewrite_in_list_checks(db); }},
};

}  // namespace

int current_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

void migrate(SQLite::Database& db, const RecordRules& rules, int target) {
  if (target < 0) target = current_schema_version();
  const int have = db.execAndGet("PRAGMA user_version").getInt();
  if (have > current_schema_version())
    throw StoreError("database schema version " + std::to_string(have) + " is newer than this program (" +
                     std::to_string(current_schema_version()) + "); update yizhen");
  for (const auto& m : kMigrations) {
    if (m.version <= have || m.version > target) continue;
    SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(m.sql);
    if (m.after) m.after(db, rules);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    txn.commit();
  }
}

}  // namespace yz
