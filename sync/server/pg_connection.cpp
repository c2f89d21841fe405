#include "sync/server/pg_connection.h"

#include <charconv>

#include "sync/server/central_store.h"

namespace yz::sync::pg {

namespace {

// libpq's message on one line: it spans several ("... Connection refused\n\tIs
// the server running on that host ...?"), and an error is one line on stderr.
std::string message_of(const char* m) {
  std::string s;
  bool gap = false;
  for (const char* p = m ? m : ""; *p; ++p) {
    if (*p == '\n' || *p == '\r' || *p == '\t') {
      gap = true;
      continue;
    }
    if (gap && !s.empty() && s.back() != ' ') s += ' ';
    gap = false;
    s += *p;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Throws PgError unless `r` succeeded; takes ownership of `r`.
Result checked(PGconn* c, PGresult* r) {
  Result out(r);
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return out;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  throw PgError(state ? state : "", "PostgreSQL: " + message_of(r ? PQresultErrorMessage(r) : PQerrorMessage(c)));
}

}  // namespace

Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int64_t Result::int64(int row, int col) const {
  const char* v = PQgetvalue(r_, row, col);
  int64_t out = 0;
  std::from_chars(v, v + PQgetlength(r_, row, col), out);
  return out;
}

int64_t Result::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::stoll(n) : 0;
}

Connection::Connection(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(c_) != CONNECTION_OK) {
    const std::string why = message_of(PQerrorMessage(c_));
    PQfinish(c_);
    c_ = nullptr;
    throw CentralError(503, "database_unavailable", "--pg: cannot connect to PostgreSQL: " + why);
  }
  // Notices (e.g. "relation already exists, skipping") are not for the log.
  PQsetNoticeProcessor(c_, [](void*, const char*) {}, nullptr);
  exec_script("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
}

namespace {

void append_array_element(std::string& out, const std::string& v) {
  out += '"';
  for (const char ch : v) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

}  // namespace

std::string array_literal(const std::vector<Param>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    if (v) append_array_element(out, *v);
    else out += "NULL";
  }
  return out + "}";
}

std::string array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    append_array_element(out, v);
  }
  return out + "}";
}

std::string lookup_each(const std::string& arrays, const std::string& columns, const std::string& lookup) {
  return "SELECT x.* FROM unnest(" + arrays + ") AS u(" + columns + ") CROSS JOIN LATERAL (" + lookup + ") AS x";
}

Result Connection::exec_params(const std::string& sql, const std::vector<Param>& params) {
  return exec_typed(sql, params, {});
}

Result Connection::exec_typed(const std::string& sql, const std::vector<Param>& params,
                              const std::vector<unsigned>& types) {
  settle();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  std::vector<Oid> oids(types.begin(), types.end());
  oids.resize(types.empty() ? 0 : params.size(), 0);
  return checked(c_, PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), oids.empty() ? nullptr : oids.data(),
                                  values.data(), nullptr, nullptr, 0));
}

void Connection::exec_script(const std::string& sql) {
  settle();
  checked(c_, PQexec(c_, sql.c_str()));
}

void Connection::copy_in(const std::string& target, const std::vector<std::vector<Param>>& rows) {
  copy_in_async(target, rows);
  settle();
}

void Connection::copy_in_async(const std::string& target, const std::vector<std::vector<Param>>& rows) {
  settle();
  send_copy(target, rows);
  pending_ = target;
}

void Connection::settle() {
  if (!pending_) return;
  const std::string target = std::move(*pending_);
  pending_.reset();
  PGresult* r = PQgetResult(c_);
  while (PGresult* more = PQgetResult(c_)) PQclear(more);
  try {
    checked(c_, r);
  } catch (const PgError& e) {
    throw PgError(e.sqlstate(), std::string(e.what()) + " (COPY " + target + ")");
  }
}

void Connection::send_copy(const std::string& target, const std::vector<std::vector<Param>>& rows) {
  PGresult* start = PQexec(c_, ("COPY " + target + " FROM STDIN").c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) {
    checked(c_, start);
    throw PgError("", "PostgreSQL: COPY " + target + " did not start");
  }
  PQclear(start);
  // COPY's text format: tab between values, \N for NULL, and backslash,
  // tab, newline and carriage return escaped.
  std::string buf;
  auto flush = [&] {
    if (!buf.empty() && PQputCopyData(c_, buf.data(), static_cast<int>(buf.size())) != 1)
      throw PgError("", "PostgreSQL: COPY " + target + ": " + message_of(PQerrorMessage(c_)));
    buf.clear();
  };
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) buf += '\t';
      if (!row[i]) {
        buf += "\\N";
        continue;
      }
      // Runs without a character to escape go in whole.
      const std::string& v = *row[i];
      for (size_t at = 0; at < v.size();) {
        size_t end = at;
        while (end < v.size() && v[end] != '\\' && v[end] != '\t' && v[end] != '\n' && v[end] != '\r') ++end;
        buf.append(v, at, end - at);
        if (end == v.size()) break;
        switch (v[end]) {
          case '\\': buf += "\\\\"; break;
          case '\t': buf += "\\t"; break;
          case '\n': buf += "\\n"; break;
          default: buf += "\\r";
        }
        at = end + 1;
      }
    }
    buf += '\n';
    // In loads of 64 KiB: the server parses one while the next is made.
    if (buf.size() > (1 << 16)) flush();
  }
  flush();
  if (PQputCopyEnd(c_, nullptr) != 1) throw PgError("", "PostgreSQL: COPY " + target + ": " + message_of(PQerrorMessage(c_)));
}

Transaction::Transaction(Connection& c, const char* begin) : c_(c) { c_.exec_script(begin); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    c_.settle();
  } catch (...) {
    // A COPY sent and failed: rolled back below as well.
  }
  try {
    c_.exec_script("ROLLBACK");
  } catch (...) {
    // The connection is broken: the pool drops it (Connection::ok).
  }
}

void Transaction::commit() {
  c_.exec_script("COMMIT");
  done_ = true;
}

PgPool::Lease PgPool::take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  return Lease(*this, std::make_unique<Connection>(conninfo_));
}

void PgPool::give_back(std::unique_ptr<Connection> c) noexcept {
  if (!c || !c->ok()) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < 32) idle_.push_back(std::move(c));
}

}  // namespace yz::sync::pg
