#pragma once
// The hash-chained audit trail (DESIGN.md §4, §7): every audit row carries
// the digest of the row before it, so a removed or altered row is found.
//
// digest(row n) = SHA-256( digest(row n-1) || the row's fields ), hex; the
// first row chains to 64 zeros. Fields are encoded with their lengths, so
// no two different rows encode alike. The chain covers the columns rid,
// at_ms, hlc, actor, action, entity, record_id and detail of the `audit`
// table (core/store/schema.cpp).
//
// What it finds: a changed field, a removed row, rows reordered or
// inserted. What it cannot find alone: the newest rows removed together
// with nothing after them; the device's chain head travels with its batches
// for that (docs/security.md).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yz {

struct AuditRow {
  int64_t rid = 0;
  int64_t at_ms = 0;
  std::string hlc, actor, action, entity;
  std::optional<std::string> record_id, detail;
};

inline const std::string kAuditChainStart(64, '0');

// The digest of `row` chained after `prev` (hex).
std::string audit_row_digest(const std::string& prev, const AuditRow& row);

// Appends rows to a database's audit table, each within the caller's write
// transaction: its rid is the next one, its digest chains after the newest
// row's (read from the table each time: another process may have written
// since). The statements are prepared once; none stays open between calls.
class AuditAppender {
 public:
  explicit AuditAppender(SQLite::Database& db);
  void append(AuditRow row);

 private:
  SQLite::Statement last_, insert_;
};

// The newest `limit` rows, newest first (who did what: yizhenctl audit list).
std::vector<AuditRow> recent_audit_rows(SQLite::Database& db, int limit);

// One row, with a statement prepared for it (tests, rare writers).
void append_audit_row(SQLite::Database& db, AuditRow row);

// Give every row of an audit table that has no digest yet (a database from
// before schema v8) its digest, in rid order, chained from the start.
void chain_audit_rows(SQLite::Database& db);

struct AuditCheck {
  int64_t rows = 0;         // rows checked
  bool ok = true;
  int64_t first_bad = 0;    // rid of the first row whose digest does not hold
  std::string problem;      // what was found there, in plain words
};

// Recompute the chain over the whole table, in rid order.
AuditCheck verify_audit_chain(SQLite::Database& db);

}  // namespace yz
