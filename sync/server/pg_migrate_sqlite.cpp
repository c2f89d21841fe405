#include "sync/server/pg_migrate_sqlite.h"

#include <sodium.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <set>

#include "core/store/entities.h"
#include "core/store/store.h"
#include "sync/server/central_store.h"
#include "sync/server/pg_connection.h"
#include "sync/server/pg_schema.h"

namespace yz::sync {

// Named, not anonymous: unity builds put this beside other stores' helpers.
namespace migrate_impl {

using pg::Param;

// A column as the copy and the digest see it: i integer, r real, t text.
struct Column {
  std::string name;
  char kind;
};

struct CopiedTable {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::string> key;  // ORDER BY columns (a unique key)
  std::string serial;            // the BIGSERIAL column set past the copied values, or ""
};

std::vector<Column> columns(std::initializer_list<const char*> spec) {
  // "name:k" each.
  std::vector<Column> out;
  for (const char* s : spec) {
    const std::string v = s;
    out.push_back({v.substr(0, v.size() - 2), v.back()});
  }
  return out;
}

// Every table the copy moves, records first; the server's own tables with
// the columns they have on both stores (pg_schema.cpp, sqlite_central_store.cpp).
const std::vector<CopiedTable>& copied_tables() {
  static const std::vector<CopiedTable> all = [] {
    std::vector<CopiedTable> out;
    for (const EntitySpec* spec : entities()) {
      CopiedTable t{std::string(spec->name), columns({"rid:i", "id:t", "hlc:t", "deleted:i"}), {"rid"}, "rid"};
      for (const auto& f : spec->fields)
        t.columns.push_back({std::string(f.name), f.type == FieldType::integer || f.type == FieldType::boolean ? 'i'
                                                  : f.type == FieldType::real                                   ? 'r'
                                                                                                                : 't'});
      out.push_back(std::move(t));
    }
    out.push_back({"field_clock", columns({"entity:t", "record_id:t", "field:t", "hlc:t", "base:t"}),
                   {"entity", "record_id", "field"}, ""});
    out.push_back({"conflict",
                   columns({"rid:i", "entity:t", "record_id:t", "field:t", "kept_value:t", "kept_hlc:t", "other_value:t",
                            "other_hlc:t", "at_ms:i", "resolved_ms:i", "resolution:t"}),
                   {"rid"}, "rid"});
    out.push_back({"quarantine",
                   columns({"rid:i", "entity:t", "record_id:t", "batch_id:t", "device_id:t", "errors:t", "change:t",
                            "at_ms:i", "resolved_ms:i", "outcome:t", "note:t"}),
                   {"rid"}, "rid"});
    out.push_back({"audit",
                   columns({"rid:i", "at_ms:i", "hlc:t", "actor:t", "action:t", "entity:t", "record_id:t", "detail:t",
                            "digest:t"}),
                   {"rid"}, ""});
    out.push_back({"srv_team", columns({"team_id:t", "name:t", "name_key:t", "area:t"}), {"team_id"}, ""});
    out.push_back({"srv_enroll_code",
                   columns({"code_key:t", "team_id:t", "created_ms:i", "expires_ms:i", "used_ms:i", "device_id:t"}),
                   {"code_key"}, ""});
    out.push_back({"srv_device",
                   columns({"device_id:t", "team_id:t", "name:t", "key:t", "enrolled_ms:i", "revoked_ms:i",
                            "last_seen_ms:i", "last_seq:i", "clock_skew_ms:i", "sign_key:t"}),
                   {"device_id"}, ""});
    out.push_back({"srv_batch",
                   columns({"batch_id:t", "device_id:t", "seq:i", "digest:t", "receipt:t", "received_ms:i", "source:t"}),
                   {"batch_id"}, ""});
    out.push_back({"srv_feed", columns({"seq:i", "entity:t", "record_id:t", "area:t", "team_id:t", "echo_device:t"}),
                   {"seq"}, "seq"});
    out.push_back({"srv_account",
                   columns({"name_key:t", "name:t", "role:t", "area:t", "pw_hash:t", "created_ms:i", "disabled_ms:i"}),
                   {"name_key"}, ""});
    out.push_back({"program", columns({"id:t", "version:i", "definition:t", "installed_at:t"}), {"id", "version"}, ""});
    out.push_back({"srv_merge",
                   columns({"merge_id:t", "keep_id:t", "duplicate_id:t", "reason:t", "at_ms:i", "undone_ms:i"}),
                   {"merge_id"}, ""});
    out.push_back({"srv_merge_move",
                   columns({"merge_id:t", "entity:t", "record_id:t", "field:t", "was:t", "set_to:t"}),
                   {"merge_id", "entity", "record_id", "field"}, ""});
    out.push_back({"srv_place_reconcile", columns({"provisional:t", "official:t", "at_ms:i"}), {"provisional"}, ""});
    out.push_back({"srv_console_session",
                   columns({"key:t", "account_key:t", "address:t", "created_ms:i", "last_ms:i"}), {"key"}, ""});
    return out;
  }();
  return all;
}

// SQLite tables deliberately not copied (the header says why).
const std::set<std::string> kLeftBehind = {"settings",   "outbox",   "outbox_pending_count", "sync_batch",
                                           "patient_key", "ref_place", "sqlite_sequence"};

std::string shortest(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// SHA-256 over rows of canonical values: "\x01" + text per value, "\x00"
// for NULL, "\x1e" after each row.
class RowDigest {
 public:
  RowDigest() { crypto_hash_sha256_init(&st_); }
  void row(const std::vector<Param>& values) {
    for (const auto& v : values) {
      if (!v) {
        add("\x00", 1);
        continue;
      }
      add("\x01", 1);
      add(v->data(), v->size());
    }
    add("\x1e", 1);
    ++rows_;
  }
  TableDigest done(const std::string& table) {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st_, out);
    static const char* hex = "0123456789abcdef";
    std::string h;
    for (unsigned char b : out) {
      h += hex[b >> 4];
      h += hex[b & 15];
    }
    return {table, rows_, h};
  }

 private:
  void add(const char* p, size_t n) { crypto_hash_sha256_update(&st_, reinterpret_cast<const unsigned char*>(p), n); }
  crypto_hash_sha256_state st_;
  int64_t rows_ = 0;
};

std::string column_list(const CopiedTable& t) {
  std::string s;
  for (const auto& c : t.columns) s += (s.empty() ? "" : ", ") + c.name;
  return s;
}

bool sqlite_has_table(SQLite::Database& db, const std::string& name) {
  SQLite::Statement q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, name);
  return q.executeStep();
}

// Each row of `t` in the SQLite database, in key order, as canonical
// values. A table the source never made (merges, reconciled places: made on
// first use) has no rows.
void sqlite_rows(SQLite::Database& db, const CopiedTable& t, const std::function<void(std::vector<Param>&&)>& fn) {
  if (!sqlite_has_table(db, t.name)) return;
  std::string order;
  for (const auto& k : t.key) order += (order.empty() ? "" : ", ") + k;
  SQLite::Statement q(db, "SELECT " + column_list(t) + " FROM " + t.name + " ORDER BY " + order);
  while (q.executeStep()) {
    std::vector<Param> row;
    row.reserve(t.columns.size());
    for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
      const SQLite::Column c = q.getColumn(i);
      if (c.isNull()) row.emplace_back(std::nullopt);
      else if (c.isInteger()) row.emplace_back(std::to_string(c.getInt64()));
      else if (c.isFloat()) row.emplace_back(shortest(c.getDouble()));
      else row.emplace_back(c.getString());
    }
    fn(std::move(row));
  }
}

void pg_rows(pg::Connection& c, const CopiedTable& t, const std::function<void(std::vector<Param>&&)>& fn) {
  std::string order;
  for (const auto& k : t.key) {
    const bool text = std::find_if(t.columns.begin(), t.columns.end(), [&](const Column& col) {
                        return col.name == k && col.kind == 't';
                      }) != t.columns.end();
    order += (order.empty() ? "" : ", ") + k + (text ? " COLLATE \"C\"" : "");
  }
  pg::Result r = c.exec("SELECT " + column_list(t) + " FROM " + t.name + " ORDER BY " + order);
  for (int i = 0; i < r.rows(); ++i) {
    std::vector<Param> row;
    row.reserve(t.columns.size());
    for (int k = 0; k < static_cast<int>(t.columns.size()); ++k) {
      if (r.null(i, k)) row.emplace_back(std::nullopt);
      else if (t.columns[k].kind == 'r') row.emplace_back(shortest(std::strtod(r.text(i, k).c_str(), nullptr)));
      else row.emplace_back(r.text(i, k));
    }
    fn(std::move(row));
  }
}

// Every copied table's digest, its rows read by `rows` (sqlite_rows or pg_rows).
template <class Rows>
std::vector<TableDigest> digests_of(Rows&& rows) {
  std::vector<TableDigest> out;
  for (const auto& t : copied_tables()) {
    RowDigest d;
    rows(t, [&](std::vector<Param>&& row) { d.row(row); });
    out.push_back(d.done(t.name));
  }
  return out;
}

std::vector<TableDigest> pg_digests(pg::Connection& c) {
  return digests_of([&](const CopiedTable& t, const auto& fn) { pg_rows(c, t, fn); });
}

std::optional<std::string> setting(SQLite::Database& db, const char* key) {
  SQLite::Statement q(db, "SELECT value FROM settings WHERE key = ?");
  q.bind(1, key);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

}  // namespace migrate_impl

using namespace migrate_impl;

std::vector<TableDigest> sqlite_table_digests(const std::string& sqlite_path) {
  SQLite::Database db = open_reader(sqlite_path);
  SQLite::Transaction snapshot(db);
  return digests_of([&](const CopiedTable& t, const auto& fn) { sqlite_rows(db, t, fn); });
}

std::vector<TableDigest> pg_table_digests(const std::string& conninfo) {
  pg::Connection c(conninfo);
  pg::Transaction txn(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  auto out = pg_digests(c);
  txn.commit();
  return out;
}

MigrateReport migrate_sqlite_to_pg(const std::string& sqlite_path, const std::string& conninfo) {
  MigrateReport report;
  std::string sign_public;
  {
    // Opening the store brings an older file to this build's schema (and
    // makes its repairs) and loads the key file devices trust.
    auto source = open_sqlite_central_store(sqlite_path);
    report.server_id = source->server_id();
    sign_public = source->server_keys().sign.public_key;
  }
  // One consistent read of the source, held still to the end (a write
  // transaction): see the header. Closed on any error, which rolls it back.
  SQLite::Database db = open_connection(sqlite_path, SQLite::OPEN_READWRITE);
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("BEGIN IMMEDIATE");
  {
    std::set<std::string> known = kLeftBehind;
    for (const auto& t : copied_tables()) known.insert(t.name);
    SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    while (tables.executeStep()) {
      const std::string name = tables.getColumn(0).getString();
      if (known.count(name)) continue;
      if (db.execAndGet("SELECT count(*) FROM (SELECT 1 FROM \"" + name + "\" LIMIT 1)").getInt64() > 0)
        throw CentralError(400, "unknown_table",
                           "--from: table " + name + " of " + sqlite_path +
                               " holds rows this build cannot copy to PostgreSQL; nothing was migrated");
    }
  }

  pg::Connection c(conninfo);
  pg::Transaction txn(c);
  pg::pg_migrate_in_transaction(c);  // under the schema's advisory lock to the commit
  for (const auto& t : copied_tables())
    if (c.exec("SELECT 1 FROM " + t.name + " LIMIT 1").rows())
      throw CentralError(409, "not_empty",
                         "--pg: the target database already holds a central store (table " + t.name +
                             " has rows); migrate only into an empty database, nothing was changed");

  std::vector<TableDigest> source_digests;
  for (const auto& t : copied_tables()) {
    RowDigest d;
    std::vector<std::vector<Param>> chunk;
    const std::string target = t.name + " (" + column_list(t) + ")";
    sqlite_rows(db, t, [&](std::vector<Param>&& row) {
      d.row(row);
      chunk.push_back(std::move(row));
      if (chunk.size() >= 20000) {
        c.copy_in(target, chunk);
        chunk.clear();
      }
    });
    if (!chunk.empty()) c.copy_in(target, chunk);
    source_digests.push_back(d.done(t.name));
  }

  // The patient search index, made from the copied patients (pg_schema.h).
  pg::pg_reindex_patients(c);

  // Sequences past the copied values; the feed's past the highest number
  // SQLite ever handed out (AUTOINCREMENT), so no number comes twice.
  int64_t feed_next = 0;
  if (sqlite_has_table(db, "sqlite_sequence")) {
    SQLite::Statement q(db, "SELECT seq FROM sqlite_sequence WHERE name = 'srv_feed'");
    if (q.executeStep()) feed_next = q.getColumn(0).getInt64();
  }
  for (const auto& t : copied_tables()) {
    if (t.serial.empty()) continue;
    const int64_t floor = t.name == "srv_feed" ? feed_next : 0;
    c.exec("SELECT setval(pg_get_serial_sequence($1, $2), greatest(coalesce(max(" + t.serial + "), 0), $3) + 1, false) FROM " +
               t.name,
           t.name, t.serial, floor);
  }
  report.feed_seq = c.exec("SELECT coalesce(max(seq), 0) FROM srv_feed").int64(0, 0);

  // The server's identity: devices check its id at every pull, its clock
  // goes on from where it was, and receipts stay signed with the same key.
  auto meta = [&](const char* key, const std::string& value) {
    c.exec("INSERT INTO srv_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
           std::string(key), value);
  };
  meta("server_id", report.server_id);
  meta("sign_public", sign_public);
  if (auto hlc = setting(db, "hlc")) meta("hlc", *hlc);

  report.tables = pg_digests(c);
  for (size_t i = 0; i < report.tables.size(); ++i)
    if (report.tables[i].rows != source_digests[i].rows || report.tables[i].digest != source_digests[i].digest)
      throw CentralError(500, "copy_differs",
                         "table " + report.tables[i].table + " differs after the copy (" +
                             std::to_string(source_digests[i].rows) + " rows in, " +
                             std::to_string(report.tables[i].rows) + " on PostgreSQL); nothing was migrated");
  txn.commit();
  // The old store closed for writing: every acknowledged write adds a
  // batch, a feed row or an audit row.
  for (const char* table : {"srv_batch", "srv_feed", "audit"})
    db.exec(std::string("CREATE TRIGGER IF NOT EXISTS closed_after_migrate_") + table + " BEFORE INSERT ON " + table +
            " BEGIN SELECT RAISE(ABORT, '" + kClosedAfterMigrate + "'); END");
  db.exec("COMMIT");
  return report;
}

}  // namespace yz::sync
