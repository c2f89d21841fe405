#pragma once
// core/store/sql_reader.h over libpq: the coordinators' read rules of core
// (reports, exports, patient search and history, duplicates) run on the
// PostgreSQL central store through it, written once for both engines.
//
// The one place where a query's SQLite spelling becomes PostgreSQL's
// (pg_sql): `?N` and `?` placeholders become `$N`, `COLLATE BINARY` (byte
// order, SQLite's default) becomes `COLLATE "C"`. Parameters carry their
// type (text, or bigint for integers), so a statement may leave one unused.
// A statement's rows are read whole at its first step; one of
// prepare_many, inside a transaction, through a cursor `fetch_rows` at a
// time (outside one, whole).

#include <memory>
#include <string>
#include <string_view>

#include "core/store/sql_reader.h"
#include "sync/server/pg_connection.h"

namespace yz::sync::pg {

std::string pg_sql(std::string_view sql);

class PgReader final : public SqlReader {
 public:
  explicit PgReader(Connection& c, int fetch_rows = 1000) : c_(c), fetch_rows_(fetch_rows) {}
  std::unique_ptr<SqlQuery> prepare(const std::string& sql) override;
  std::unique_ptr<SqlQuery> prepare_many(const std::string& sql) override;
  SqlDialect dialect() const override { return SqlDialect::postgresql; }

 private:
  Connection& c_;
  int fetch_rows_;
};

}  // namespace yz::sync::pg
