#pragma once
// The device's side of push (DESIGN.md §5): pending outbox rows become
// sealed batches, kept byte for byte until the server's receipt confirms
// them. Sealing itself (digest, MAC) is sync/'s; this file holds the SQL.
// Every function runs on the writer connection inside
// Store::transact_synced, except the reads marked otherwise.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace yz {

using json = nlohmann::json;

struct PendingChanges {
  json changes = json::array();  // one change per record, in outbox order
  std::vector<int64_t> outbox_seqs;
  size_t bytes = 0;              // approximate JSON size of `changes`
};

// Outbox rows not yet in a batch, as changes (changes.h: the record's whole
// current state), oldest first, up to `max_changes` records or about
// `max_bytes` of JSON.
PendingChanges collect_pending(SQLite::Database& db, size_t max_changes, size_t max_bytes);

struct SavedBatch {
  std::string batch_id;
  int64_t seq = 0;
  std::string body;  // the sealed batch, as sent
  int64_t changes = 0;
};

// Keep a sealed batch and tie its outbox rows to it. Throws StoreError if
// one of them is in a batch already (two sealers took the same rows): run it
// in a transaction, which then rolls back.
void save_batch(SQLite::Database& db, const SavedBatch& batch, const std::vector<int64_t>& outbox_seqs,
                int64_t now_ms);

// Replace the text of a batch not yet delivered (only its MAC may differ:
// after the device is enrolled again under a new key).
void replace_batch_body(SQLite::Database& db, const std::string& batch_id, const std::string& body);

// Sealed batches no receipt has confirmed yet, oldest first (any
// connection); with `after_seq`, only those sealed after that batch.
std::vector<SavedBatch> undelivered_batches(SQLite::Database& db, int limit = 1000, int64_t after_seq = 0);

// A receipt for `batch_id`: its outbox rows are confirmed, records the server
// quarantined are kept in `quarantine` with the server's reasons, and earlier
// quarantine rows of records the server accepted are resolved. A receipt for
// a batch already delivered, or for no batch of this device, changes nothing.
enum class Delivery { unknown_batch, delivered, already_delivered };
Delivery mark_delivered(SQLite::Database& db, const std::string& batch_id, const json& receipt, int64_t now_ms);

// Outbox rows not yet confirmed (any connection); O(1), a count kept by
// triggers (schema v5).
int64_t pending_changes(SQLite::Database& db);

}  // namespace yz
