#pragma once
// A small read-only SQL interface, so that the coordinators' read rules
// (reports, exports, worklist, patient search and history, duplicates) are
// written once and run on the device's SQLite database and on the central
// store's PostgreSQL database alike. core implements it over SQLite
// (SqliteReader, below); sync/server/pg_reader.h over libpq (core knows
// nothing of libpq).
//
// Writing a query that runs on both engines (docs/scale-out.md, "One query,
// two engines"):
//  - placeholders `?1`, `?2`, ... (or `?`); the PostgreSQL reader turns them
//    into `$1`, `$2`, ... in one place (pg_reader.cpp). Bind text or
//    integers; PostgreSQL infers a parameter's type from its use, so use
//    one parameter in one type only (compare a text one with '' or a text
//    column, never with a number);
//  - portable SQL only: COALESCE (not IFNULL), CASE WHEN ... THEN 1 ELSE 0
//    END inside SUM (never SUM of a comparison), substr, length, ||; no
//    json_each, char(), GLOB, date functions (dates are YYYY-MM-DD text:
//    compare them as text, compute with core/base/dates.h in C++); a
//    subquery in FROM has an alias; a SELECT alias is not used in WHERE;
//  - an upper bound of a prefix range is bound as a parameter
//    (prefix + "\x7f"), not built in SQL;
//  - ORDER BY must not depend on the engine: PostgreSQL sorts NULLs last
//    on ASC and first on DESC, SQLite the other way: COALESCE a nullable
//    sort column. Text sorts byte-wise on SQLite; write `COLLATE BINARY`
//    after a text sort key whose order shows (names): PostgreSQL gets
//    `COLLATE "C"` there;
//  - what has no portable form goes through dialect() (group_concat below).
//
// Columns read back: text() is "" for NULL, int64() and real() 0 for NULL.
// Errors: the engine's (SQLite::Exception, pg::PgError).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace SQLite {
class Database;
}

namespace yz {

enum class SqlDialect { sqlite, postgresql };

// One prepared statement: bind, then step through its rows; reset() to run
// it again with new bindings (bindings are kept until rebound).
class SqlQuery {
 public:
  virtual ~SqlQuery() = default;
  virtual void bind(int index, std::string_view text) = 0;  // 1-based
  virtual void bind(int index, int64_t value) = 0;
  void bind(int index, int value) { bind(index, static_cast<int64_t>(value)); }
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
  void bind(int index, const char* text) { bind(index, std::string_view(text)); }
  virtual void bind_null(int index) = 0;
  // The next row; false when there are no more.
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual bool is_null(int col) = 0;  // 0-based
  virtual std::string text(int col) = 0;
  virtual int64_t int64(int col) = 0;
  virtual double real(int col) = 0;
};

class SqlReader {
 public:
  virtual ~SqlReader() = default;
  virtual std::unique_ptr<SqlQuery> prepare(const std::string& sql) = 0;
  // A query whose rows may be many (an export's list, a worklist, the
  // duplicate blocks of a prefecture): the PostgreSQL reader reads them
  // through a cursor, a chunk at a time, instead of holding the whole
  // result, so its memory does not grow with the list. On SQLite, which
  // always steps row by row, the same as prepare().
  virtual std::unique_ptr<SqlQuery> prepare_many(const std::string& sql) { return prepare(sql); }
  virtual SqlDialect dialect() const = 0;
};

// The rows of `expr` of a group joined with commas (the group's order).
std::string sql_group_concat(const SqlReader& r, const std::string& expr);

// SqlReader over a SQLite connection (any: reader or writer).
class SqliteReader final : public SqlReader {
 public:
  explicit SqliteReader(SQLite::Database& db) : db_(db) {}
  std::unique_ptr<SqlQuery> prepare(const std::string& sql) override;
  SqlDialect dialect() const override { return SqlDialect::sqlite; }
  SQLite::Database& db() { return db_; }

 private:
  SQLite::Database& db_;
};

}  // namespace yz
