#pragma once
// `yizhen-server admin migrate --from central.db --pg CONNINFO`: the
// embedded (SQLite) central store copied into an empty PostgreSQL one with
// nothing lost (docs/sync-protocol.md §11, "Moving a store to PostgreSQL"): teams, devices (token hashes,
// public keys, last batch seq, last contact), enrollment codes, accounts,
// every record with its field stamps, the feed with its sequence numbers
// (every device's cursor stays valid: its next pull continues where it
// was), batches and their receipts (a replayed batch gets its stored
// receipt), conflicts, quarantine, the audit trail with its hash chain,
// published programs, merges, reconciled places and console sessions. The server's id, its
// clock and the public half of its receipt key go to srv_meta; the key file
// itself stays beside the SQLite database (start the PostgreSQL server with
// --keys pointing at it).
//
// The patient search index is made anew from the copied patients (the same
// keys: core/domain/search.h). Left behind on purpose: the compiled-in reference
// places, and a device's own sync tables (outbox, sync_batch), which a
// central store never fills. A table the copy does not know that holds
// rows stops the migration (nothing is lost silently).
//
// One transaction on PostgreSQL: the schema (pg_schema.h), the rows, the
// sequences set past the copied values, and a check that every copied
// table's rows and digest on PostgreSQL equal the source's; any failure
// rolls it all back. The source is read in one read transaction (stop the
// SQLite server first: what it writes later is not copied).

#include <cstdint>
#include <string>
#include <vector>

namespace yz::sync {

// One table: its rows and the SHA-256 (hex) of its rows in key order, each
// value in a canonical text form (integers in decimal, reals shortest
// round-trip, NULL apart from ""), equal on both stores when the rows are.
struct TableDigest {
  std::string table;
  int64_t rows = 0;
  std::string digest;
};

struct MigrateReport {
  std::string server_id;
  int64_t feed_seq = 0;  // the highest feed sequence number copied
  std::vector<TableDigest> tables;
};

// Copy the SQLite central store at `sqlite_path` (which must exist, unlocked
// first by the caller when encrypted; migrated to this build's schema when
// older) into the PostgreSQL database `conninfo`. Throws CentralError: 409
// not_empty (the target holds a central store already: nothing changed),
// 400 unknown_table (the source holds rows of a table this build does not
// copy), 500 copy_differs; 503 when PostgreSQL cannot be reached;
// std::runtime_error for a missing key file (server_keys.h).
// The source is held still from the first row read to the end (a write
// transaction: a server still serving it waits, then answers 503, and its
// devices push again later) and, once PostgreSQL has committed the copy,
// closed for writing (kClosedAfterMigrate): a batch, a record's change or
// an audited action there is refused from then on, so nothing is
// acknowledged on the old store that PostgreSQL does not hold. Reads go on.
MigrateReport migrate_sqlite_to_pg(const std::string& sqlite_path, const std::string& conninfo);

// The text of the error a write to a SQLite central store closed by
// migrate_sqlite_to_pg fails with.
inline constexpr const char* kClosedAfterMigrate =
    "this central database was copied into PostgreSQL (admin migrate): serve from PostgreSQL (--pg)";

// Every copied table's rows and digest, read from either store (tests and
// `admin migrate`'s own check).
std::vector<TableDigest> sqlite_table_digests(const std::string& sqlite_path);
std::vector<TableDigest> pg_table_digests(const std::string& conninfo);

}  // namespace yz::sync
