#include "core/store/audit_chain.h"

#include <SQLiteCpp/Statement.h>
#include <sodium.h>

#include <stdexcept>

#include "core/store/sodium_init.h"

namespace yz {

namespace {

void put(crypto_hash_sha256_state& st, const std::string& s) {
  const uint64_t n = s.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  crypto_hash_sha256_update(&st, len, sizeof len);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

// An absent value is not an empty one.
void put(crypto_hash_sha256_state& st, const std::optional<std::string>& s) {
  const unsigned char present = s ? 1 : 0;
  crypto_hash_sha256_update(&st, &present, 1);
  if (s) put(st, *s);
}

std::optional<std::string> text_or_null(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

// Columns 0-7 of `q`: rid, at_ms, hlc, actor, action, entity, record_id, detail.
AuditRow row_of(SQLite::Statement& q) {
  AuditRow r;
  r.rid = q.getColumn(0).getInt64();
  r.at_ms = q.getColumn(1).getInt64();
  r.hlc = q.getColumn(2).getString();
  r.actor = q.getColumn(3).getString();
  r.action = q.getColumn(4).getString();
  r.entity = q.getColumn(5).getString();
  r.record_id = text_or_null(q.getColumn(6));
  r.detail = text_or_null(q.getColumn(7));
  return r;
}

}  // namespace

std::string audit_row_digest(const std::string& prev, const AuditRow& row) {
  ensure_sodium();
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  put(st, prev);
  put(st, std::to_string(row.rid));
  put(st, std::to_string(row.at_ms));
  put(st, row.hlc);
  put(st, row.actor);
  put(st, row.action);
  put(st, row.entity);
  put(st, row.record_id);
  put(st, row.detail);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  std::string hex(sizeof out * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out, sizeof out);
  hex.pop_back();
  return hex;
}

AuditAppender::AuditAppender(SQLite::Database& db)
    : last_(db, "SELECT rid, digest FROM audit ORDER BY rid DESC LIMIT 1"),
      insert_(db,
              "INSERT INTO audit (rid, at_ms, hlc, actor, action, entity, record_id, detail, digest) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") {}

void AuditAppender::append(AuditRow row) {
  std::string prev = kAuditChainStart;
  row.rid = 1;
  last_.reset();
  if (last_.executeStep()) {
    row.rid = last_.getColumn(0).getInt64() + 1;
    if (!last_.getColumn(1).isNull()) prev = last_.getColumn(1).getString();
  }
  last_.reset();
  insert_.reset();
  insert_.clearBindings();
  insert_.bind(1, row.rid);
  insert_.bind(2, row.at_ms);
  insert_.bind(3, row.hlc);
  insert_.bind(4, row.actor);
  insert_.bind(5, row.action);
  insert_.bind(6, row.entity);
  if (row.record_id) insert_.bind(7, *row.record_id);
  if (row.detail) insert_.bind(8, *row.detail);
  insert_.bind(9, audit_row_digest(prev, row));
  insert_.exec();
  insert_.reset();
}

void append_audit_row(SQLite::Database& db, AuditRow row) { AuditAppender(db).append(std::move(row)); }

std::vector<AuditRow> recent_audit_rows(SQLite::Database& db, int limit) {
  SQLite::Statement q(db,
                      "SELECT rid, at_ms, hlc, actor, action, entity, record_id, detail FROM audit ORDER BY rid DESC "
                      "LIMIT ?");
  q.bind(1, limit);
  std::vector<AuditRow> out;
  while (q.executeStep()) out.push_back(row_of(q));
  return out;
}

void chain_audit_rows(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT rid, at_ms, hlc, actor, action, entity, record_id, detail FROM audit ORDER BY rid");
  SQLite::Statement set(db, "UPDATE audit SET digest = ? WHERE rid = ?");
  std::string prev = kAuditChainStart;
  while (q.executeStep()) {
    const AuditRow r = row_of(q);
    prev = audit_row_digest(prev, r);
    set.bind(1, prev);
    set.bind(2, r.rid);
    set.exec();
    set.reset();
  }
}

AuditCheck verify_audit_chain(SQLite::Database& db) {
  AuditCheck out;
  SQLite::Statement q(db,
                      "SELECT rid, at_ms, hlc, actor, action, entity, record_id, detail, digest FROM audit ORDER BY rid");
  std::string prev = kAuditChainStart;
  int64_t expected_rid = 0;
  while (q.executeStep()) {
    const AuditRow r = row_of(q);
    const std::string stored = q.getColumn(8).isNull() ? std::string() : q.getColumn(8).getString();
    ++out.rows;
    if (expected_rid && r.rid != expected_rid) {
      out.ok = false;
      out.first_bad = r.rid;
      out.problem = "audit rows " + std::to_string(expected_rid) + " to " + std::to_string(r.rid - 1) + " are missing";
      return out;
    }
    const std::string digest = audit_row_digest(prev, r);
    if (stored != digest) {
      out.ok = false;
      out.first_bad = r.rid;
      out.problem = "audit row " + std::to_string(r.rid) + " was changed, or a row before it was removed";
      return out;
    }
    prev = digest;
    expected_rid = r.rid + 1;
  }
  return out;
}

}  // namespace yz
