#pragma once
// Generic reads of records as JSON, driven by the entity descriptors: every
// field in its API form (JSON lists and objects parsed, booleans as bool),
// plus "id", "hlc" and "deleted". Works on any connection.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/entities.h"
#include "core/store/sql_reader.h"

namespace yz {

using json = nlohmann::json;

// "SELECT id, hlc, deleted, <every field> FROM <kind>", to which callers
// add their WHERE clause; record_from_row reads one row of it.
std::string record_select_sql(const EntitySpec& spec);
json record_from_row(const EntitySpec& spec, SQLite::Statement& st);

// "INSERT INTO <kind> (id, hlc, deleted, <every field>) VALUES (?, …)":
// bind id, stamp, 0/1, then each field in order with bind_stored.
std::string record_insert_sql(const EntitySpec& spec);
// Bind a value in stored form (null, text, integer, real; booleans as 0/1,
// lists and objects as JSON text). Text is bound without a copy (copying
// every value showed in the ingest profile): `v` must stay as it is until
// the statement has been stepped.
void bind_stored(SQLite::Statement& st, int index, const json& v);

// The record of kind `spec` with this id (live or tombstone), or nullopt.
std::optional<json> read_record(SQLite::Database& db, const EntitySpec& spec, std::string_view id);

// Live records of kind `spec` whose `column` equals `value`, ordered by
// `order_by` (a column list from this file's callers, never user input).
std::vector<json> read_records_by(SQLite::Database& db, const EntitySpec& spec, std::string_view column,
                                  std::string_view value, std::string_view order_by);

// The same over any engine (sql_reader.h); `order_by` must sort alike on
// both (its columns non-null, or COALESCEd).
json record_from_row(const EntitySpec& spec, SqlQuery& q);
std::optional<json> read_record(SqlReader& r, const EntitySpec& spec, std::string_view id);
std::vector<json> read_records_by(SqlReader& r, const EntitySpec& spec, std::string_view column,
                                  std::string_view value, std::string_view order_by);
// Live records whose text `column` is LIKE `pattern` (a caller's narrowing;
// the caller checks each record: LIKE ignores ASCII case on SQLite only).
std::vector<json> read_records_like(SqlReader& r, const EntitySpec& spec, std::string_view column,
                                    std::string_view pattern, std::string_view order_by);

}  // namespace yz
