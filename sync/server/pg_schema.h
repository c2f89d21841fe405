#pragma once
// The PostgreSQL central store's schema, by versioned migrations as on
// SQLite (core/store/schema.h): srv_schema holds the number of the last
// migration applied; opening a database applies the missing ones in one
// transaction under an advisory lock (several servers may start at once).
// A database newer than this build is refused.
//
// The record tables are generated from the entity descriptors
// (core/store/entities.h), not copied from the SQLite DDL: one table per
// kind with rid, id, hlc, deleted and a column per field, in the stored
// forms the merge uses (core/replication/changes.h). Validation lives in
// core (record_rules.h), so these tables carry no CHECK of their own.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/search.h"
#include "core/store/entities.h"
#include "sync/server/pg_connection.h"

namespace yz::sync::pg {

// The schema version this build writes.
int pg_schema_version();
// The SQL type of a field's column (its stored form, changes.h): BIGINT,
// DOUBLE PRECISION or TEXT.
const char* pg_column_type(FieldType t);
// "CREATE TABLE <kind> (...)" for one record kind.
std::string record_table_ddl(const EntitySpec& spec);
// Bring the database up to date. Throws PgError, or CentralError 500
// "schema_newer" for a database from a newer build, or "schema_behind" when
// a field of entities.h has no column (a migration is missing).
void pg_migrate(Connection& c);
// The same in the caller's transaction (admin migrate: the schema and the
// data it copies commit together, or nothing does).
void pg_migrate_in_transaction(Connection& c);

// The patient search index (patient_key, schema v4; core/domain/search.h
// makes the keys, as on SQLite): the keys of the patients `ids` as they are
// now (none for one deleted or merged into another), in the caller's
// transaction, in three statements for all of them. The PostgreSQL store
// calls it whenever it writes a patient.
void pg_index_patients(Connection& c, const std::vector<std::string>& ids);
void pg_index_patient(Connection& c, const std::string& id);
// Patients just inserted, by their rows (rid) and keys, without reading
// them back: the keys of those `indexed` (live, not merged), in one COPY,
// sent without waiting (Connection::copy_in_async: its error comes from the
// connection's next call).
struct NewPatient {
  int64_t rid = 0;
  bool indexed = false;
  std::string name, name_native, id_number, phone;
  // Its keys made ahead (changes.h with_index_keys), else made here.
  std::optional<std::vector<SearchKey>> keys;
};
void pg_index_new_patients(Connection& c, const std::vector<NewPatient>& patients);
// The whole index rebuilt from the patient table (migration v4, and `admin
// migrate` after copying the patients).
void pg_reindex_patients(Connection& c);

}  // namespace yz::sync::pg
