#include "core/replication/outbox.h"

#include <SQLiteCpp/Statement.h>

#include <map>
#include <set>

#include "core/base/errors.h"
#include "core/base/json_text.h"
#include "core/replication/changes.h"
#include "core/store/entities.h"

namespace yz {

namespace {

// About how many bytes `j` takes as JSON text, without writing it out
// (escapes aside): enough to keep a batch under its size limit.
size_t approximate_size(const json& j) {
  if (j.is_string()) return j.get_ref<const std::string&>().size() + 2;
  if (j.is_object()) {
    size_t n = 2;
    for (const auto& [k, v] : j.items()) n += k.size() + 4 + approximate_size(v);
    return n;
  }
  if (j.is_array()) {
    size_t n = 2;
    for (const auto& v : j) n += approximate_size(v) + 1;
    return n;
  }
  return 24;
}

}  // namespace

PendingChanges collect_pending(SQLite::Database& db, size_t max_changes, size_t max_bytes) {
  PendingChanges out;
  ChangeReader reader(db);
  std::set<std::pair<std::string, std::string>> seen;
  SQLite::Statement st(db,
                       "SELECT seq, entity, record_id FROM outbox WHERE acked = 0 AND batch_id IS NULL "
                       "ORDER BY seq");
  while (st.executeStep()) {
    const int64_t seq = st.getColumn(0).getInt64();
    std::string entity = st.getColumn(1).getString(), id = st.getColumn(2).getString();
    if (seen.count({entity, id})) {
      out.outbox_seqs.push_back(seq);  // already carried by this batch's change
      continue;
    }
    if (out.changes.size() >= max_changes || out.bytes >= max_bytes) break;
    const EntitySpec* spec = find_entity(entity);
    auto change = spec ? reader.read(*spec, id) : std::nullopt;
    out.outbox_seqs.push_back(seq);
    if (!change) continue;  // cannot happen (records are never removed); the row is settled with the batch
    out.bytes += approximate_size(*change);
    out.changes.push_back(std::move(*change));
    seen.insert({std::move(entity), std::move(id)});
  }
  return out;
}

void save_batch(SQLite::Database& db, const SavedBatch& batch, const std::vector<int64_t>& outbox_seqs,
                int64_t now_ms) {
  SQLite::Statement ins(db,
                        "INSERT INTO sync_batch (batch_id, seq, body, changes, created_ms) VALUES (?, ?, ?, ?, ?)");
  ins.bind(1, batch.batch_id);
  ins.bind(2, batch.seq);
  ins.bind(3, batch.body);
  ins.bind(4, batch.changes);
  ins.bind(5, now_ms);
  ins.exec();
  // Each row once: one already in a batch means two sealers took the same
  // rows, which the caller must not let happen (the transaction rolls back).
  SQLite::Statement tie(db, "UPDATE outbox SET batch_id = ? WHERE seq = ? AND batch_id IS NULL AND acked = 0");
  for (int64_t s : outbox_seqs) {
    tie.reset();
    tie.bind(1, batch.batch_id);
    tie.bind(2, s);
    if (tie.exec() != 1)
      throw StoreError("outbox row " + std::to_string(s) + " is in another batch already, or gone");
  }
}

void replace_batch_body(SQLite::Database& db, const std::string& batch_id, const std::string& body) {
  SQLite::Statement st(db, "UPDATE sync_batch SET body = ? WHERE batch_id = ? AND delivered_ms IS NULL");
  st.bind(1, body);
  st.bind(2, batch_id);
  st.exec();
}

std::vector<SavedBatch> undelivered_batches(SQLite::Database& db, int limit, int64_t after_seq) {
  SQLite::Statement st(db,
                       "SELECT batch_id, seq, body, changes FROM sync_batch WHERE delivered_ms IS NULL AND seq > ? "
                       "ORDER BY seq LIMIT ?");
  st.bind(1, after_seq);
  st.bind(2, limit);
  std::vector<SavedBatch> out;
  while (st.executeStep())
    out.push_back({st.getColumn(0).getString(), st.getColumn(1).getInt64(), st.getColumn(2).getString(),
                   st.getColumn(3).getInt64()});
  return out;
}

Delivery mark_delivered(SQLite::Database& db, const std::string& batch_id, const json& receipt, int64_t now_ms) {
  SQLite::Statement find(db, "SELECT body, delivered_ms IS NOT NULL FROM sync_batch WHERE batch_id = ?");
  find.bind(1, batch_id);
  if (!find.executeStep()) return Delivery::unknown_batch;
  if (find.getColumn(1).getInt() != 0) return Delivery::already_delivered;
  const auto& quarantined_list = receipt.value("quarantined", json::array());
  if (!quarantined_list.empty()) {
    // Only then is the batch's content needed: to keep what was set aside.
    // The whole batch (~650 KB) for a few records: parsed by simdjson, in a
    // third of nlohmann's time (nlohmann's parse here was 4 % of a full
    // sync's CPU; BENCHMARKS.md, issue 13, tenth pass).
    const json body = parse_json(find.getColumn(0).getString());
    if (body.is_discarded()) throw StoreError("batch " + batch_id + " as kept is not JSON");
    find.reset();
    // Each record's last change in the batch, by (entity, id).
    std::map<std::pair<std::string, std::string>, const json*> changes;
    for (const auto& c : body["changes"]) changes[{c.value("entity", ""), c.value("id", "")}] = &c;
    const std::string device = body.value("device_id", "");
    QuarantineResolver book(db);
    for (const auto& q : quarantined_list) {
      const std::string entity = q.value("entity", ""), id = q.value("id", "");
      const auto c = changes.find({entity, id});
      book.record(batch_id, device, entity, id, q.value("errors", json::array()),
                  c == changes.end() ? json() : *c->second, now_ms);
    }
    book.release();
  }
  find.reset();
  // Earlier quarantine rows of the records this batch carried and the server
  // accepted now are resolved. The batch's records are its outbox rows (not
  // yet acked: the partial index outbox_batch), so the body is not parsed
  // for this; a record set aside by this receipt has its new row open
  // (at_ms = now) and keeps its older ones.
  SQLite::Statement resolve(
      db,
      "UPDATE quarantine SET resolved_ms = ?1, outcome = 'accepted' WHERE resolved_ms IS NULL "
      "AND (entity, record_id) IN (SELECT entity, record_id FROM outbox WHERE batch_id = ?2 AND acked = 0) "
      "AND (entity, record_id) NOT IN (SELECT json_extract(value, '$.entity'), json_extract(value, '$.id') "
      "FROM json_each(?3))");
  resolve.bind(1, now_ms);
  resolve.bind(2, batch_id);
  resolve.bind(3, quarantined_list.dump());
  resolve.exec();
  // "acked = 0" lets it use the partial index outbox_batch (without it,
  // every delivery scanned the whole outbox).
  SQLite::Statement ack(db, "UPDATE outbox SET acked = 1 WHERE batch_id = ? AND acked = 0");
  ack.bind(1, batch_id);
  ack.exec();
  SQLite::Statement done(db, "UPDATE sync_batch SET delivered_ms = ?, receipt = ? WHERE batch_id = ?");
  done.bind(1, now_ms);
  done.bind(2, receipt.dump());
  done.bind(3, batch_id);
  done.exec();
  return Delivery::delivered;
}

int64_t pending_changes(SQLite::Database& db) {
  return db.execAndGet("SELECT n FROM outbox_pending_count").getInt64();  // kept by triggers (schema v5)
}

}  // namespace yz
