#pragma once
// A small RAII layer over libpq (no ORM) for the PostgreSQL central store:
// connections, parameterised queries with text parameters and results,
// transactions that roll back unless committed, a pool of connections for
// the server's threads. SQL stays in sync/server/pg_*.cpp.
//
// Errors: a connection that cannot be made throws CentralError 503
// "database_unavailable" (the conninfo's password never appears in it); a
// statement that fails throws PgError with its SQLSTATE, which the store
// maps to CentralError or field errors where the state means something to
// a caller (pg_central_store.cpp).
//
// Threads: a Connection belongs to one thread at a time; PgPool hands them
// out and may be used from any thread.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace yz::sync::pg {

// A failed statement: `sqlstate` as PostgreSQL gives it ("23505" a unique
// violation, "40001" a serialization failure, "40P01" a deadlock).
class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, const std::string& what) : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  // A transaction that lost a race and may simply run again.
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }

 private:
  std::string sqlstate_;
};

// One query's rows (move-only). Values are text, as libpq gives them.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&& o) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { PQclear(r_); }

  int rows() const { return PQntuples(r_); }
  bool null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string text(int row, int col) const { return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col)); }
  int64_t int64(int row, int col) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  int64_t affected() const;

 private:
  PGresult* r_;
};

// A parameter: text, or SQL NULL.
using Param = std::optional<std::string>;
inline Param param(const std::string& v) { return v; }
inline Param param(std::string_view v) { return std::string(v); }
inline Param param(const char* v) { return std::string(v); }
inline Param param(int64_t v) { return std::to_string(v); }
inline Param param(int v) { return std::to_string(v); }
inline Param param(bool v) { return v ? "1" : "0"; }
inline Param param(std::nullopt_t) { return std::nullopt; }
inline Param param(const Param& v) { return v; }

// An array literal of `values` ("{\"a\",NULL}"), each quoted, NULLs as NULL:
// one parameter for many rows (`= ANY($1::text[])`, `unnest($1::bigint[])`).
std::string array_literal(const std::vector<Param>& values);
std::string array_literal(const std::vector<std::string>& values);

// Many rows looked up by key, one index probe per key whatever the
// planner thinks of the table's size: `WHERE key = ANY($1)` on a table the
// planner has no statistics for yet (a new database filling up) is read
// whole, per batch, with each row hashed against the list, which grows with
// the table. The keys come as parallel arrays (`arrays`, "$1::text[], ..."),
// their columns named `u.<columns>` ("k" or "e, r"); `lookup` is the query
// run for each key (OFFSET 0, or FOR UPDATE, keeps it a subquery the planner
// does not fold into a join, so each key is an index probe), its columns the
// result's, in the keys' order; a key given twice gives its rows twice.
std::string lookup_each(const std::string& arrays, const std::string& columns, const std::string& lookup);

class Connection {
 public:
  // Throws CentralError 503 when the database cannot be reached.
  explicit Connection(const std::string& conninfo);
  Connection(Connection&& o) noexcept : c_(o.c_), pending_(std::move(o.pending_)) { o.c_ = nullptr; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { PQfinish(c_); }

  // Run `sql` with $1, $2, ... bound to `params`. Throws PgError.
  Result exec_params(const std::string& sql, const std::vector<Param>& params);
  // The same with each parameter's type OID given (0: inferred from its
  // use), so that a parameter the statement does not use is no error.
  Result exec_typed(const std::string& sql, const std::vector<Param>& params, const std::vector<unsigned>& types);
  template <class... A>
  Result exec(const std::string& sql, const A&... args) {
    return exec_params(sql, std::vector<Param>{param(args)...});
  }
  // Several statements without parameters (DDL). Throws PgError.
  void exec_script(const std::string& sql);
  // Bulk load: COPY `target` ("table (col, ...)") FROM STDIN with `rows`,
  // each a row of text values or NULLs in the target's column order (the
  // fastest way in: one round trip for all rows). Throws PgError.
  void copy_in(const std::string& target, const std::vector<std::vector<Param>>& rows);
  // The same without waiting for the server to finish: returns once the
  // rows are sent, so that the caller prepares its next statement while the
  // server loads them. The COPY's outcome is read by the next call on this
  // connection, which throws its PgError (a COPY that fails fails the
  // transaction, so nothing after it takes effect either), or by settle().
  void copy_in_async(const std::string& target, const std::vector<std::vector<Param>>& rows);
  // Waits for a COPY copy_in_async sent; throws its PgError.
  void settle();
  // Inside a transaction block (a cursor can be declared).
  bool in_transaction() const { return PQtransactionStatus(c_) == PQTRANS_INTRANS; }
  // Whether the connection still works (after a failure, the pool drops it).
  bool ok() const { return PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_IDLE; }

 private:
  void send_copy(const std::string& target, const std::vector<std::vector<Param>>& rows);
  PGconn* c_;
  std::optional<std::string> pending_;  // the target of a COPY sent, not yet settled
};

// BEGIN on construction; ROLLBACK on destruction unless commit() ran.
class Transaction {
 public:
  // `begin`: the statement that starts it ("BEGIN", or "BEGIN ISOLATION
  // LEVEL REPEATABLE READ READ ONLY" for a consistent read).
  explicit Transaction(Connection& c, const char* begin = "BEGIN");
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& c_;
  bool done_ = false;
};

// Connections to one database, made as threads need them and kept for
// reuse (a broken one is dropped).
class PgPool {
 public:
  explicit PgPool(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(c_)); }
    Connection& operator*() { return *c_; }
    Connection* operator->() { return c_.get(); }

   private:
    PgPool& pool_;
    std::unique_ptr<Connection> c_;
  };
  Lease take();

 private:
  void give_back(std::unique_ptr<Connection> c) noexcept;
  std::string conninfo_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// Run `fn` (which opens its own transaction on `c`) again when it loses a
// race (PgError::retryable), up to a few times.
template <class Fn>
auto retrying(Fn&& fn) {
  for (int attempt = 0;; ++attempt) {
    try {
      return fn();
    } catch (const PgError& e) {
      if (!e.retryable() || attempt >= 20) throw;
    }
  }
}

}  // namespace yz::sync::pg
