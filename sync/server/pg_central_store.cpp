// The PostgreSQL central store (central_store.h, DESIGN.md §6): the same
// record tables and merge as the SQLite store (core/replication/changes.h
// check_change and merge_change; the trust rules of central_rules.h), on a
// database several yizhen-server processes may share.
//
// Concurrency (docs/sync-protocol.md §11, "Several servers on one database"):
//  - every write runs in a READ COMMITTED transaction; a held record is read
//    FOR UPDATE before it is merged (a batch: all it names, at its start,
//    RecordBatch), so two batches touching one record merge one after the
//    other; a transaction that loses a deadlock or a race on a unique key (a
//    record it found absent, made meanwhile by another server) runs again;
//  - a device's batches apply one at a time (an advisory lock on the device
//    for the transaction): the same batch sent to two servers at once
//    applies once, and the second answer is the stored receipt;
//  - feed sequence numbers are handed out under one advisory lock held to
//    the end of the transaction, so they become visible in the order they
//    were handed out, and a pull's cursor (the highest visible seq) never
//    passes a change that commits later.
//
// Every member of central_store.h is here. The coordinators' changes of
// records (coordination.h) are written once for both stores: this store
// gives their steps (Steps); their reads (reports, exports, duplicates,
// patient search and history) are core's rules over pg_reader.h.

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <mutex>

#include "core/base/clock.h"
#include "core/base/hlc.h"
#include "core/base/utf8.h"
#include "core/base/uuid.h"
#include "core/output/report.h"
#include "core/queries/views.h"
#include "core/replication/changes.h"
#include "core/store/audit_chain.h"
#include "core/store/entities.h"
#include "core/store/password_hash.h"
#include "core/store/rules.h"
#include "core/programs/programs.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/crypto.h"
#include "sync/server/central_rules.h"
#include "sync/server/console_session.h"
#include "sync/server/coordination.h"
#include "sync/server/pg_central_store.h"
#include "sync/server/pg_connection.h"
#include "sync/server/pg_reader.h"
#include "sync/server/pg_schema.h"
#include "sync/server/teams.h"

namespace yz::sync {

namespace {

using pg::Connection;
using pg::Param;
using pg::PgError;
using pg::Result;
using pg::lookup_each;
using pg::Transaction;

int64_t now_ms() { return SystemClock().now_ms(); }

// A record by (entity, id), hashed: the per-change lookups of a batch.
struct RecordKeyHash {
  template <class S>
  size_t operator()(const std::pair<S, S>& k) const noexcept {
    const size_t h = std::hash<std::string_view>()(k.first);
    return h ^ (std::hash<std::string_view>()(k.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};
using RecordKeys = std::unordered_set<std::pair<std::string, std::string>, RecordKeyHash>;
template <class V>
using RecordKeyMap = std::unordered_map<std::pair<std::string, std::string>, V, RecordKeyHash>;

// Advisory lock keys (pg_advisory_xact_lock): the feed's sequence and the
// audit chain (one lock: both are appended at the end of a transaction),
// and one per device (its batches one at a time).
constexpr int64_t kFeedLock = 7365726902;
constexpr int kDeviceLockSpace = 736572;

// A value in stored form (changes.h) as a text parameter.
Param stored_param(const json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v.get<double>());
    return std::string(buf, r.ptr);
  }
  return v.dump();
}

// A column's text back in stored form.
json stored_value(const Result& r, int row, int col, FieldType t) {
  if (r.null(row, col)) return nullptr;
  switch (t) {
    case FieldType::integer:
    case FieldType::boolean: return r.int64(row, col);
    case FieldType::real: return std::strtod(r.text(row, col).c_str(), nullptr);
    default: return r.text(row, col);
  }
}

// The SQL of one record kind, built once from its descriptor. `select_any`
// takes an array of ids (lookup_each: in the array's order, with
// `select_any_for_update` locked in that order); `copy`: the target of a
// COPY of new records (id, hlc, deleted, then the fields:
// RecordBatch::row_params); `update` takes one array parameter per column
// (the same) and writes many records in one statement.
struct KindSql {
  std::string select_for_update, select, select_any, select_any_for_update, copy, update;
};

const KindSql& kind_sql(const EntitySpec& spec) {
  static const std::map<const EntitySpec*, KindSql> all = [] {
    std::map<const EntitySpec*, KindSql> out;
    for (const EntitySpec* s : entities()) {
      const std::string table(s->name);
      std::string cols = "id, hlc, deleted", arrays = "$1::text[], $2::text[], $3::bigint[]",
                  set = "hlc = u.hlc, deleted = u.deleted";
      int n = 3;
      for (const auto& f : s->fields) {
        const std::string name(f.name);
        cols += ", " + name;
        arrays += ", $" + std::to_string(++n) + "::" + pg::pg_column_type(f.type) + "[]";
        set += ", " + name + " = u." + name;
      }
      KindSql k;
      k.select = "SELECT " + cols + " FROM " + table + " WHERE id = $1";
      k.select_for_update = k.select + " FOR UPDATE";
      const std::string one = "SELECT " + cols + " FROM " + table + " WHERE " + table + ".id = u.k";
      k.select_any = lookup_each("$1::text[]", "k", one + " OFFSET 0");
      k.select_any_for_update = lookup_each("$1::text[]", "k", one + " FOR UPDATE");
      k.copy = table + " (" + cols + ")";
      k.update = "UPDATE " + table + " AS t SET " + set + " FROM unnest(" + arrays + ") AS u(" + cols + ") WHERE t.id = u.id";
      out.emplace(s, std::move(k));
    }
    return out;
  }();
  return all.at(&spec);
}

// The field stamps of records of kind $1 with ids $2 (an array): record_id,
// field, hlc, base ('' for none).
const std::string& clocks_sql() {
  static const std::string sql = lookup_each(
      "$2::text[]", "k", "SELECT record_id, field, hlc, coalesce(base, '') FROM field_clock WHERE entity = $1 AND record_id = u.k OFFSET 0");
  return sql;
}

// A held record (row `row` of kind_sql's select), without its field stamps.
HeldRecord held_row(const EntitySpec& spec, const Result& r, int row) {
  HeldRecord h;
  h.hlc = r.text(row, 1);
  h.deleted = r.int64(row, 2) != 0;
  int i = 3;
  for (const auto& f : spec.fields) h.fields[std::string(f.name)] = stored_value(r, row, i++, f.type);
  return h;
}

// A held record (row 0 of kind_sql's select) and its field stamps.
HeldRecord held_from(Connection& c, const EntitySpec& spec, const std::string& id, const Result& r) {
  HeldRecord h = held_row(spec, r, 0);
  Result fc = c.exec("SELECT field, hlc, coalesce(base, '') FROM field_clock WHERE entity = $1 AND record_id = $2",
                     std::string(spec.name), id);
  for (int row = 0; row < fc.rows(); ++row) h.clock[fc.text(row, 0)] = {fc.text(row, 1), fc.text(row, 2)};
  return h;
}

// A held record as a change (the form of ChangeReader::read).
json change_of(const EntitySpec& spec, const std::string& id, const HeldRecord& h) {
  json fields = json::object();
  for (const auto& f : spec.fields) fields[std::string(f.name)] = api_value(f, h.fields.at(std::string(f.name)));
  json change = {{"entity", spec.name}, {"id", id}, {"hlc", h.hlc}, {"deleted", h.deleted}, {"fields", std::move(fields)}};
  json stamps = json::object(), bases = json::object();
  for (const auto& [field, clock] : h.clock) {
    if (!spec.field(field)) continue;
    stamps[field] = clock.hlc;
    if (!clock.base.empty()) bases[field] = clock.base;
  }
  if (!stamps.empty()) change["stamps"] = std::move(stamps);
  if (!bases.empty()) change["bases"] = std::move(bases);
  return change;
}

// The record as a change (with `lock`, locked to the end of the
// transaction), or nullopt.
std::optional<json> read_change(Connection& c, const EntitySpec& spec, const std::string& id, bool lock = false) {
  Result r = c.exec(lock ? kind_sql(spec).select_for_update : kind_sql(spec).select, id);
  if (r.rows() == 0) return std::nullopt;
  return change_of(spec, id, held_from(c, spec, id, r));
}

// Records `ids` of one kind as changes, by id: two statements for all of
// them (a pull page), not two per record.
std::map<std::string, json> read_changes(Connection& c, const EntitySpec& spec, const std::vector<std::string>& ids) {
  std::map<std::string, json> out;
  if (ids.empty()) return out;
  const std::string arr = pg::array_literal(ids);
  Result r = c.exec(kind_sql(spec).select_any, arr);
  Result fc = c.exec(clocks_sql(), std::string(spec.name), arr);
  std::map<std::string, std::map<std::string, FieldClock, std::less<>>> clocks;
  for (int row = 0; row < fc.rows(); ++row) clocks[fc.text(row, 0)][fc.text(row, 1)] = {fc.text(row, 2), fc.text(row, 3)};
  for (int row = 0; row < r.rows(); ++row) {
    const std::string id = r.text(row, 0);
    HeldRecord h = held_row(spec, r, row);
    if (auto it = clocks.find(id); it != clocks.end()) h.clock = std::move(it->second);
    out.emplace(id, change_of(spec, id, h));
  }
  return out;
}

// The record tables as one write transaction sees them, read and written a
// batch at a time (docs/sync-protocol.md §11): the records a batch names
// are read in one statement per kind (prefetch), the trust rules' lookups
// (central_rules.h HeldRecords) and the merge read them here, and what the
// merge decides is kept here and written at flush() in one statement per
// kind and table, so that change k sees exactly what applying the changes
// one at a time would show it: the records as held, and what changes 1..k-1
// of the batch did to them. A single change (a server change, a quarantined
// change retried) is a batch of one.
//
// check_change and merge_change decide (core/replication/changes.h; the
// SQLite store's ChangeApplier does the same there); this reads the held
// record and writes the decision. Locks: a record about to be merged is read
// FOR UPDATE (prefetch with `lock`), so two transactions touching one record
// merge one after the other; a record found absent and then made by another
// server before flush() makes the transaction run again (40001), where it is
// held.
class RecordBatch final : public HeldRecords {
 public:
  explicit RecordBatch(Connection& c) : c_(c) {}

  // Reads the records `changes[from..]` name (of known kinds), with `lock`
  // FOR UPDATE, their field stamps, the records they refer to (a patient, a
  // household, a clinic day: their area), the feed's team of each, and
  // which of them have open conflicts.
  void prefetch(const json& changes, size_t from, bool lock) {
    // A string member without a copy ("" when absent or not a string).
    auto text = [](const json& j, const char* key) -> std::string_view {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : std::string_view();
    };
    std::map<const EntitySpec*, std::vector<std::string>> ids;
    std::map<const EntitySpec*, std::vector<std::string>> refs;  // what they refer to: as sent, and as held
    for (size_t i = from; i < changes.size(); ++i) {
      const json& ch = changes[i];
      const EntitySpec* spec = find_entity(text(ch, "entity"));
      if (!spec) continue;
      if (const std::string_view id = text(ch, "id"); !id.empty()) ids[spec].emplace_back(id);
      auto f = ch.find("fields");
      if (f != ch.end() && f->is_object()) add_refs(*spec, *f, refs);
    }
    load(ids, lock);
    held_refs(ids, refs);
    load(refs, false);
    // The feed's team of a record and its open conflicts matter for held
    // records only (a new one has neither).
    std::map<const EntitySpec*, std::vector<std::string>> held_ids;
    for (const auto& [spec, kind_ids] : ids)
      for (const auto& id : kind_ids)
        if (rows_[spec][id].exists) held_ids[spec].push_back(id);
        else {
          feed_teams_.emplace(std::pair(std::string(spec->name), id), std::string());
          conflicts_known_.insert({std::string(spec->name), id});
        }
    if (!open_conflicts_) open_conflicts_.emplace();
    if (held_ids.empty()) return;
    const auto [entities, records] = pairs(held_ids);
    static const std::string feed_sql =
        lookup_each("$1::text[], $2::text[]", "e, r",
                    "SELECT entity, record_id, coalesce(team_id, '') FROM srv_feed WHERE entity = u.e AND record_id = u.r OFFSET 0");
    Result ft = c_.exec(feed_sql, entities, records);
    for (const auto& [spec, kind_ids] : held_ids)
      for (const auto& id : kind_ids) feed_teams_.emplace(std::pair(std::string(spec->name), id), std::string());
    for (int i = 0; i < ft.rows(); ++i) feed_teams_[{ft.text(i, 0), ft.text(i, 1)}] = ft.text(i, 2);
    // Open conflicts: only those an edit of this batch may close.
    static const std::string conflicts_sql =
        lookup_each("$1::text[], $2::text[]", "e, r",
                    "SELECT entity, record_id FROM conflict WHERE entity = u.e AND record_id = u.r AND resolved_ms IS NULL LIMIT 1");
    Result oc = c_.exec(conflicts_sql, entities, records);
    for (const auto& [spec, kind_ids] : held_ids)
      for (const auto& id : kind_ids) conflicts_known_.insert({std::string(spec->name), id});
    for (int i = 0; i < oc.rows(); ++i) open_conflicts_->insert({oc.text(i, 0), oc.text(i, 1)});
  }

  // `ids` as two array parameters: entities, ids.
  static std::pair<std::string, std::string> pairs(const std::map<const EntitySpec*, std::vector<std::string>>& ids) {
    std::vector<std::string> entities, records;
    for (const auto& [spec, kind_ids] : ids)
      for (const auto& id : kind_ids) {
        entities.emplace_back(spec->name);
        records.push_back(id);
      }
    return {pg::array_literal(entities), pg::array_literal(records)};
  }

  // Forgets what was read (after flush(): another writer of this
  // transaction changed records behind this batch).
  void forget() {
    if (dirty()) throw std::logic_error("RecordBatch::forget before flush");
    rows_.clear();
    feed_teams_.clear();
    open_conflicts_.reset();
    conflicts_known_.clear();
  }

  // Forgets the records read without a lock (which other transactions may
  // have changed since): read again when asked for.
  void forget_unlocked() {
    for (auto& [spec, kind] : rows_)
      for (auto it = kind.begin(); it != kind.end();) it = it->second.locked ? std::next(it) : kind.erase(it);
  }

  // One change merged into what this batch holds (its writes wait for
  // flush(), apart from the conflict log's).
  ApplyOutcome apply(const json& change, const std::string& today_floor, int64_t at_ms) {
    ApplyOutcome out;
    auto in = check_change(change, today_floor, out);
    if (!in) {
      out.status = ApplyOutcome::Status::quarantined;
      return out;
    }
    return apply(*in, std::move(out), at_ms);
  }

  // The same for a change check_change has passed, with the outcome it
  // filled (central_rules.h take_in_prepared). `in` is left as it was.
  ApplyOutcome apply(const CheckedChange& change, ApplyOutcome out, int64_t at_ms) {
    const CheckedChange* in = &change;
    // PostgreSQL text cannot hold U+0000 (libpq would cut the value there):
    // such a value is refused with its field, never stored shortened. Lists
    // and objects are stored as JSON text, where it is escaped.
    for (const auto& [name, v] : in->fields)
      if (v.is_string() && v.get_ref<const std::string&>().find('\0') != std::string::npos)
        out.errors.push_back({name, "control_char", {"U+0000"}});
    if (!out.errors.empty()) {
      out.status = ApplyOutcome::Status::quarantined;
      return out;
    }
    const EntitySpec& spec = *in->spec;
    const std::string kind(spec.name);
    Row& r = row(spec, in->id, true);
    if (!r.exists) {
      r.exists = true;
      r.inserted = true;
      r.rec.hlc = in->hlc;
      r.rec.deleted = in->deleted;
      r.rec.fields.clear();
      for (const auto& f : spec.fields) r.rec.fields[std::string(f.name)] = as_stored(f, field_of(*in, f.name));
      r.keys = in->index_keys;
      for (const auto& [k, v] : in->stamps.items()) {
        FieldClock clock{v.get<std::string>(), in->bases.contains(k) ? in->bases[k].get<std::string>() : std::string()};
        r.rec.clock[k] = clock;
        clocks_[{&spec, in->id, k}] = std::move(clock);
      }
      new_[&spec].push_back(in->id);
      made_[&spec].insert(in->id);
      out.status = ApplyOutcome::Status::inserted;
      out.same_as_change = true;
      return out;
    }
    MergeDecision d = merge_change(*in, r.rec);
    const std::pair<std::string, std::string> key{kind, in->id};
    for (auto& k : d.conflicts) {
      c_.exec("INSERT INTO conflict (entity, record_id, field, kept_value, kept_hlc, other_value, other_hlc, at_ms) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
              kind, in->id, k.field, k.kept_value.dump(), k.kept_hlc, k.other_value.dump(), k.other_hlc, at_ms);
      if (open_conflicts_) open_conflicts_->insert(key);
      out.conflicts.push_back(std::move(k));
    }
    // An open conflict closes when a later edit supersedes it: none to close
    // on a record known to have none.
    const bool may_close = !open_conflicts_ || !conflicts_known_.count(key) || open_conflicts_->count(key);
    if (may_close)
      for (const auto& s : d.superseded)
        c_.exec("UPDATE conflict SET resolved_ms = $1, resolution = $2 WHERE entity = $3 AND record_id = $4 AND "
                "field = $5 AND resolved_ms IS NULL AND kept_hlc < $6 AND other_hlc < $6",
                at_ms, json{{"by", "superseded"}, {"hlc", s.hlc}, {"value", s.value}}.dump(), kind, in->id, s.field,
                s.hlc);
    for (auto& [field, clock] : d.clocks) {
      r.rec.clock[field] = clock;
      clocks_[{&spec, in->id, field}] = std::move(clock);
    }
    if (d.changed) {
      // The search index follows a patient whose keys or liveness changed.
      static constexpr std::array<std::string_view, 5> kIndexed{"name", "name_native", "id_number", "phone", "merged_into"};
      if (kind == "patient" && (d.deleted != r.rec.deleted || std::any_of(d.columns.begin(), d.columns.end(), [](const std::string& col) {
                                  return std::find(kIndexed.begin(), kIndexed.end(), col) != kIndexed.end();
                                }))) {
        if (r.inserted) r.keys.reset();  // made again from the record as written
        else reindex_.push_back(in->id);
      }
      r.rec.hlc = d.hlc;
      r.rec.deleted = d.deleted;
      for (const auto& col : d.columns) r.rec.fields[col] = as_stored(*spec.field(col), field_of(*in, col));
      if (!r.inserted && !r.updated) {
        r.updated = true;
        updated_[&spec].push_back(in->id);
      }
      out.status = ApplyOutcome::Status::updated;
    }
    out.same_as_change = d.same_as_change;
    return out;
  }

  // Writes what apply() kept: per kind the new records (in the order they
  // came: their rids, oldest first, as one at a time) and the changed ones,
  // then the field stamps and the patients' search keys; a few statements
  // for the whole batch. A record found absent (FOR UPDATE found none) that
  // another transaction made since is a unique violation here: the
  // transaction runs again (PgCentralStore::write), where it is held.
  void flush() {
    // Field stamps of new records are new rows too.
    std::vector<std::vector<Param>> new_clocks;
    std::vector<Param> entity, record, field, hlc, base;
    for (const auto& [k, clock] : clocks_) {
      const auto& [spec, id, name] = k;
      const Param b = clock.base.empty() ? Param() : Param(clock.base);
      if (rows_[spec].at(id).inserted) {
        new_clocks.push_back({std::string(spec->name), id, name, clock.hlc, b});
        continue;
      }
      entity.emplace_back(std::string(spec->name));
      record.emplace_back(id);
      field.emplace_back(name);
      hlc.emplace_back(clock.hlc);
      base.push_back(b);
    }
    clocks_.clear();
    // Each COPY loads while the next statement is made (copy_in_async).
    std::vector<std::string> patients_made;
    for (const EntitySpec* spec : entities()) {
      auto& kind = rows_[spec];
      if (auto& ids = new_[spec]; !ids.empty()) {
        std::vector<std::vector<Param>> rows;
        for (const auto& id : ids) rows.push_back(row_params(*spec, id, kind.at(id)));
        c_.copy_in_async(kind_sql(*spec).copy, rows);
        if (spec->name == "patient") patients_made = ids;
        for (const auto& id : ids) kind.at(id).inserted = false;
        ids.clear();
      }
      if (auto& ids = updated_[spec]; !ids.empty()) {
        std::vector<std::vector<Param>> cols(3 + spec->fields.size());
        for (const auto& id : ids) {
          Row& r = kind.at(id);
          r.updated = false;
          auto row = row_params(*spec, id, r);
          for (size_t i = 0; i < row.size(); ++i) cols[i].push_back(std::move(row[i]));
        }
        std::vector<Param> arrays;
        for (const auto& col : cols) arrays.push_back(pg::array_literal(col));
        c_.exec_params(kind_sql(*spec).update, arrays);
        ids.clear();
      }
    }
    if (!new_clocks.empty()) c_.copy_in_async("field_clock (entity, record_id, field, hlc, base)", new_clocks);
    if (!entity.empty())
      c_.exec("INSERT INTO field_clock (entity, record_id, field, hlc, base) SELECT * FROM unnest($1::text[], "
              "$2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT (entity, record_id, field) DO UPDATE SET "
              "hlc = excluded.hlc, base = excluded.base",
              pg::array_literal(entity), pg::array_literal(record), pg::array_literal(field), pg::array_literal(hlc),
              pg::array_literal(base));
    if (!patients_made.empty()) pg::pg_index_new_patients(c_, made_patients(patients_made));
    if (!reindex_.empty()) {
      std::sort(reindex_.begin(), reindex_.end());
      reindex_.erase(std::unique(reindex_.begin(), reindex_.end()), reindex_.end());
      pg::pg_index_patients(c_, reindex_);
      reindex_.clear();
    }
  }

  // Whether this batch made the record (it was absent when read and is
  // written by this transaction; forget() does not forget it): the feed
  // has no row for it, since a record is fed only once it is stored.
  bool made(const std::string& entity, const std::string& id) const {
    const EntitySpec* spec = find_entity(entity);
    auto it = made_.find(spec);
    return it != made_.end() && it->second.count(id);
  }

  // Whether a link of the record (as held now) names a merged patient:
  // patient_merges.cpp follow_merges has something to move.
  bool names_merged_patient(const std::string& entity, const std::string& id) {
    const EntitySpec* spec = find_entity(entity);
    if (!spec || entity == "patient") return false;
    const EntitySpec* patient = find_entity("patient");
    const Row& r = row(*spec, id, false);
    if (!r.exists) return false;
    for (const auto& f : spec->fields) {
      if (!f.by_server || f.extra != "patient") continue;
      auto v = r.rec.fields.find(std::string(f.name));
      if (v == r.rec.fields.end() || v->second.is_null()) continue;
      std::map<const EntitySpec*, std::vector<std::string>> named;
      add_ref(f, v->second, named);
      for (const auto& pid : named[patient]) {
        const Row& p = row(*patient, pid, false);
        if (p.exists && !p.rec.fields.at("merged_into").is_null()) return true;
      }
    }
    return false;
  }

  // ---- HeldRecords: the trust rules' lookups ----
  bool held(const std::string& entity, const std::string& id) override {
    const EntitySpec* spec = find_entity(entity);
    if (!spec) return c_.exec("SELECT 1 FROM " + entity + " WHERE id = $1", id).rows() > 0;
    return row(*spec, id, false).exists;
  }
  std::string column(const std::string& entity, const std::string& column, const std::string& id) override {
    const EntitySpec* spec = find_entity(entity);
    if (!spec || !spec->field(column)) {
      Result r = c_.exec("SELECT " + column + "::text FROM " + entity + " WHERE id = $1", id);
      return r.rows() && !r.null(0, 0) ? r.text(0, 0) : std::string();
    }
    const Row& r = row(*spec, id, false);
    if (!r.exists) return "";
    return stored_param(r.rec.fields.at(column)).value_or("");
  }
  std::string feed_team(const std::string& entity, const std::string& id) override {
    auto it = feed_teams_.find({entity, id});
    if (it != feed_teams_.end()) return it->second;
    Result r = c_.exec("SELECT team_id FROM srv_feed WHERE entity = $1 AND record_id = $2", entity, id);
    std::string team = r.rows() && !r.null(0, 0) ? r.text(0, 0) : std::string();
    feed_teams_.emplace(std::pair(entity, id), team);
    return team;
  }

  // Reads the records `ids` (per kind) and those they refer to (their area:
  // central_rules.h record_area), without locks.
  void load_areas(const std::map<const EntitySpec*, std::vector<std::string>>& ids) {
    load(ids, false);
    std::map<const EntitySpec*, std::vector<std::string>> refs;
    held_refs(ids, refs);
    load(refs, false);
  }

  // Reads the records `ids` (per kind) it does not hold yet; `lock`: FOR
  // UPDATE, with their field stamps (a merge's).
  void load(const std::map<const EntitySpec*, std::vector<std::string>>& ids, bool lock) {
    for (const auto& [spec, kind_ids] : ids) {
      auto& kind = rows_[spec];
      std::vector<std::string> wanted;
      for (const auto& id : kind_ids)
        if (auto it = kind.find(id); it == kind.end() || (lock && !it->second.locked)) wanted.push_back(id);
      if (wanted.empty()) continue;
      std::sort(wanted.begin(), wanted.end());
      wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
      read(*spec, wanted, lock);
    }
  }

 private:
  struct Row {
    bool exists = false;    // held, or made by this batch
    bool locked = false;    // read FOR UPDATE (or made here): may be merged
    bool inserted = false;  // made by this batch, not yet written
    bool updated = false;   // changed by this batch, not yet written
    HeldRecord rec;
    std::optional<std::vector<SearchKey>> keys;  // a new patient's, made ahead
  };

  // A field of a checked change (every field of its kind is there).
  static const json& field_of(const CheckedChange& in, std::string_view name) {
    static const json kNull;
    auto it = in.fields.find(name);
    return it != in.fields.end() ? it->second : kNull;
  }

  bool dirty() const {
    for (const auto& [spec, ids] : new_)
      if (!ids.empty()) return true;
    for (const auto& [spec, ids] : updated_)
      if (!ids.empty()) return true;
    return !clocks_.empty() || !reindex_.empty();
  }

  // A value as the column gives it back (stored_value of stored_param):
  // what a later change of the batch must see.
  static json as_stored(const FieldSpec& f, const json& v) {
    if (v.is_null()) return v;
    switch (f.type) {
      case FieldType::integer:
      case FieldType::boolean:
        if (v.is_number_integer()) return v;
        break;
      case FieldType::real:
        if (v.is_number_float()) return v;
        break;
      default:
        if (v.is_string()) return v;
    }
    const Param p = stored_param(v);
    switch (f.type) {
      case FieldType::integer:
      case FieldType::boolean: return std::stoll(*p);
      case FieldType::real: return std::strtod(p->c_str(), nullptr);
      default: return *p;
    }
  }

  // The records a field value `v` of field `f` refers to whose areas
  // others take (kAreaParents).
  static void add_ref(const FieldSpec& f, const json& v, std::map<const EntitySpec*, std::vector<std::string>>& refs) {
    if (f.type != FieldType::ref && f.type != FieldType::id_list) return;
    if (!is_area_parent(f.extra)) return;
    const EntitySpec* target = find_entity(f.extra);
    if (!target) return;
    if (v.is_string() && f.type == FieldType::ref) {
      refs[target].push_back(v.get<std::string>());
      return;
    }
    const json list = v.is_string() ? json::parse(v.get_ref<const std::string&>(), nullptr, false) : v;
    if (!list.is_array()) return;
    for (const auto& e : list)
      if (e.is_string()) refs[target].push_back(e.get<std::string>());
  }
  // The fields of `spec` add_ref takes refs from, found once per kind.
  static const std::vector<const FieldSpec*>& ref_fields(const EntitySpec& spec) {
    static const std::map<const EntitySpec*, std::vector<const FieldSpec*>> all = [] {
      std::map<const EntitySpec*, std::vector<const FieldSpec*>> out;
      for (const EntitySpec* s : entities()) {
        auto& kind = out[s];
        for (const auto& f : s->fields)
          if ((f.type == FieldType::ref || f.type == FieldType::id_list) &&
              is_area_parent(f.extra) &&
              find_entity(f.extra))
            kind.push_back(&f);
      }
      return out;
    }();
    return all.at(&spec);
  }
  static void add_refs(const EntitySpec& spec, const json& fields, std::map<const EntitySpec*, std::vector<std::string>>& refs) {
    for (const FieldSpec* f : ref_fields(spec))
      if (auto v = fields.find(std::string(f->name)); v != fields.end() && !v->is_null()) add_ref(*f, *v, refs);
  }

  // What the held records `ids` refer to.
  void held_refs(const std::map<const EntitySpec*, std::vector<std::string>>& ids,
                 std::map<const EntitySpec*, std::vector<std::string>>& refs) {
    for (const auto& [spec, kind_ids] : ids) {
      const auto& fields = ref_fields(*spec);
      if (fields.empty()) continue;
      auto& kind = rows_[spec];
      for (const auto& id : kind_ids)
        if (auto r = kind.find(id); r != kind.end() && r->second.exists)
          for (const FieldSpec* f : fields)
            if (auto v = r->second.rec.fields.find(f->name); v != r->second.rec.fields.end() && !v->second.is_null())
              add_ref(*f, v->second, refs);
    }
  }

  // The record, read when not read yet (or read without the lock a merge needs).
  Row& row(const EntitySpec& spec, const std::string& id, bool lock) {
    auto& kind = rows_[&spec];
    auto it = kind.find(id);
    if (it == kind.end() || (lock && !it->second.locked)) {
      read(spec, {id}, lock);
      it = kind.find(id);
    }
    return it->second;
  }

  // Reads records `ids` of `spec` (sorted, distinct); with `lock` FOR
  // UPDATE (locked in that order, the same on every server) and with their
  // field stamps.
  void read(const EntitySpec& spec, const std::vector<std::string>& ids, bool lock) {
    auto& kind = rows_[&spec];
    const std::string arr = pg::array_literal(ids);
    Result r = c_.exec(lock ? kind_sql(spec).select_any_for_update : kind_sql(spec).select_any, arr);
    for (const auto& id : ids) {
      Row& row = kind[id];
      row = Row{};
      row.locked = lock;
    }
    std::vector<std::string> found;
    for (int i = 0; i < r.rows(); ++i) {
      Row& row = kind[r.text(i, 0)];
      row.exists = true;
      row.rec = held_row(spec, r, i);
      found.push_back(r.text(i, 0));
    }
    if (found.empty() || !lock) return;
    Result fc = c_.exec(clocks_sql(), std::string(spec.name), pg::array_literal(found));
    for (int i = 0; i < fc.rows(); ++i) kind[fc.text(i, 0)].rec.clock[fc.text(i, 1)] = {fc.text(i, 2), fc.text(i, 3)};
  }

  // A record's columns: id, hlc, deleted, then the fields.
  static std::vector<Param> row_params(const EntitySpec& spec, const std::string& id, const Row& r) {
    std::vector<Param> out;
    out.reserve(3 + spec.fields.size());
    out.emplace_back(id);
    out.push_back(r.rec.hlc);
    out.push_back(pg::param(r.rec.deleted));
    for (const auto& f : spec.fields) {
      auto v = r.rec.fields.find(f.name);
      if (v == r.rec.fields.end()) throw std::out_of_range("RecordBatch: no field " + std::string(f.name));
      out.push_back(stored_param(v->second));
    }
    return out;
  }

  // The search index's view of patients `ids` just written: their rows, and
  // whether they are indexed (live, not merged into another).
  std::vector<pg::NewPatient> made_patients(const std::vector<std::string>& ids) {
    static const std::string rids_sql = lookup_each("$1::text[]", "k", "SELECT id, rid FROM patient WHERE id = u.k OFFSET 0");
    Result r = c_.exec(rids_sql, pg::array_literal(ids));
    auto& kind = rows_[find_entity("patient")];
    std::vector<pg::NewPatient> out;
    for (int i = 0; i < r.rows(); ++i) {
      const Row& row = kind.at(r.text(i, 0));
      const HeldRecord& p = row.rec;
      auto text = [&](const char* k) {
        const json& v = p.fields.at(k);
        return v.is_string() ? v.get<std::string>() : std::string();
      };
      out.push_back({r.int64(i, 1), !p.deleted && text("merged_into").empty(), text("name"), text("name_native"),
                     text("id_number"), text("phone"), row.keys});
    }
    return out;
  }

  Connection& c_;
  std::map<const EntitySpec*, std::unordered_map<std::string, Row>> rows_;
  std::map<const EntitySpec*, std::vector<std::string>> new_, updated_;  // not yet written
  std::unordered_map<const EntitySpec*, std::unordered_set<std::string>> made_;
  std::map<std::tuple<const EntitySpec*, std::string, std::string>, FieldClock> clocks_;  // not yet written
  std::vector<std::string> reindex_;                                                   // patients
  RecordKeyMap<std::string> feed_teams_;
  // Records (entity, id) whose open conflicts are known (prefetch), and
  // those of them that have some (or may have: one logged since).
  RecordKeys conflicts_known_;
  std::optional<RecordKeys> open_conflicts_;
};

// One change merged and written (a batch of one).
ApplyOutcome apply_change(Connection& c, const json& change, const std::string& today_floor, int64_t at_ms) {
  RecordBatch b(c);
  ApplyOutcome o = b.apply(change, today_floor, at_ms);
  b.flush();
  return o;
}

// The conflict and quarantine rows' columns (append the WHERE), and a row of
// theirs read back.
constexpr const char* kConflictColumns =
    "SELECT rid, entity, record_id, field, kept_value, kept_hlc, other_value, other_hlc, at_ms, "
    "coalesce(resolved_ms, 0), resolution FROM conflict ";
constexpr const char* kQuarantineColumns =
    "SELECT rid, entity, record_id, batch_id, device_id, errors, change, at_ms, coalesce(outcome, ''), "
    "coalesce(note, ''), coalesce(resolved_ms, 0) FROM quarantine ";

ConflictRow conflict_from(const Result& r, int i) {
  ConflictRow row;
  row.rid = r.int64(i, 0);
  row.entity = r.text(i, 1);
  row.record_id = r.text(i, 2);
  row.field = r.text(i, 3);
  row.kept_value = json::parse(r.text(i, 4), nullptr, false);
  row.kept_hlc = r.text(i, 5);
  row.other_value = json::parse(r.text(i, 6), nullptr, false);
  row.other_hlc = r.text(i, 7);
  row.at_ms = r.int64(i, 8);
  row.resolved_ms = r.int64(i, 9);
  if (!r.null(i, 10)) row.resolution = json::parse(r.text(i, 10), nullptr, false);
  return row;
}

QuarantineRow quarantine_from(const Result& r, int i) {
  QuarantineRow row;
  row.rid = r.int64(i, 0);
  row.entity = r.text(i, 1);
  row.record_id = r.text(i, 2);
  row.batch_id = r.text(i, 3);
  row.device_id = r.text(i, 4);
  row.errors = json::parse(r.text(i, 5), nullptr, false);
  row.change = r.null(i, 6) ? json(nullptr) : json::parse(r.text(i, 6), nullptr, false);
  row.at_ms = r.int64(i, 7);
  row.outcome = r.text(i, 8);
  row.note = r.text(i, 9);
  row.resolved_ms = r.int64(i, 10);
  return row;
}

class PgCentralStore : public CentralStore {
 public:
  PgCentralStore(const std::string& conninfo, const std::string& keys_path, const std::string& read_conninfo)
      : pool_(conninfo) {
    auto c = pool_.take();
    pg::pg_migrate(*c);
    pg::retrying([&] {
      Transaction txn(*c);
      c->exec("INSERT INTO srv_meta (key, value) VALUES ('server_id', $1) ON CONFLICT (key) DO NOTHING",
              IdSource().next(now_ms()));
      server_id_ = c->exec("SELECT value FROM srv_meta WHERE key = 'server_id'").text(0, 0);
      const bool devices_hold_keys = c->exec("SELECT 1 FROM srv_device WHERE sign_key <> '' LIMIT 1").rows() > 0;
      keys_ = load_server_keys(keys_path, !devices_hold_keys);
      // Every server on this database signs with the same key.
      c->exec("INSERT INTO srv_meta (key, value) VALUES ('sign_public', $1) ON CONFLICT (key) DO NOTHING",
              keys_.sign.public_key);
      const std::string expected = c->exec("SELECT value FROM srv_meta WHERE key = 'sign_public'").text(0, 0);
      if (expected != keys_.sign.public_key)
        throw std::runtime_error("--keys: " + keys_path +
                                 " holds another receipt key than the servers of this database use; copy their key "
                                 "file here");
      txn.commit();
    });
    if (!read_conninfo.empty()) {
      read_pool_ = std::make_unique<pg::PgPool>(read_conninfo);
      // A replica of another database would answer pulls with its records.
      try {
        auto r = read_pool_->take();
        Result id = r->exec("SELECT value FROM srv_meta WHERE key = 'server_id'");
        if (id.rows() && id.text(0, 0) != server_id_)
          throw std::runtime_error("--pg-read: that database belongs to another server (" + id.text(0, 0) +
                                   ", this one is " + server_id_ + "); give a standby of the --pg database");
      } catch (const CentralError&) {
        // Unreachable now: pulls go to the primary until it answers.
      } catch (const PgError&) {
      }
    }
  }

  std::string server_id() override { return server_id_; }
  std::vector<std::string> repairs() override { return {}; }
  const ServerKeys& server_keys() override { return keys_; }

  // ---- teams and enrollment -------------------------------------------------

  std::string create_enroll_code(const std::string& team_name, const std::string& area_code, int64_t valid_ms,
                                 const AuditBy& by) override {
    const std::string name = checked_team_name(team_name);
    if (!area_code.empty() && !is_area_code(area_code)) throw bad_area(area_code);
    const std::string code = random_enroll_code();
    write([&](Connection& c) {
      std::string team_id = enroll_code_team(team_by_key(c, team_name_key(name)), name, area_code);
      if (team_id.empty()) {
        team_id = next_id();
        c.exec("INSERT INTO srv_team (team_id, name, name_key, area) VALUES ($1, $2, $3, $4)", team_id, name,
               team_name_key(name), area_code);
        server_change(c, "team", team_id, {{"name", name}, {"area_code", area_code}}, team_id, true);
      }
      c.exec("INSERT INTO srv_enroll_code (code_key, team_id, created_ms, expires_ms) VALUES ($1, $2, $3, $4)",
             token_key(normalized_enroll_code(code)), team_id, now_ms(), now_ms() + valid_ms);
      audit(c, by, "create", "enroll_code", team_id, {{"team", name}, {"valid_ms", valid_ms}});
    });
    return code;
  }

  json teams() override {
    auto c = pool_.take();
    Result r = c->exec(
        "SELECT t.team_id, t.name, t.area, (SELECT count(*) FROM srv_device d WHERE d.team_id = t.team_id AND "
        "d.revoked_ms IS NULL) FROM srv_team t ORDER BY t.name COLLATE \"C\"");
    json out = json::array();
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({{"team_id", r.text(i, 0)}, {"name", r.text(i, 1)}, {"area", r.text(i, 2)}, {"devices", r.int64(i, 3)}});
    return out;
  }

  void set_team_area(const std::string& team, const std::string& area_code) override {
    if (!is_area_code(area_code)) throw bad_area(area_code);
    write([&](Connection& c) {
      const TeamRow t = find_team(c, team);
      c.exec("UPDATE srv_team SET area = $1 WHERE team_id = $2", area_code, t.team_id);
      server_change(c, "team", t.team_id, {{"area_code", area_code}}, t.team_id, false);
      audit(c, kAdmin, "update", "team", t.team_id, {{"area", area_code}, {"was", t.area}});
    });
  }

  void rename_team(const std::string& team, const std::string& new_name) override {
    const std::string name = checked_team_name(new_name);
    write([&](Connection& c) {
      const TeamRow t = find_team(c, team);
      if (auto other = team_by_key(c, team_name_key(name)); other && other->team_id != t.team_id)
        throw CentralError(409, "name_taken", "a team named \"" + other->name + "\" exists");
      c.exec("UPDATE srv_team SET name = $1, name_key = $2 WHERE team_id = $3", name, team_name_key(name), t.team_id);
      server_change(c, "team", t.team_id, {{"name", name}}, t.team_id, false);
      audit(c, kAdmin, "update", "team", t.team_id, {{"name", name}, {"was", t.name}});
    });
  }

  Enrollment enroll(const std::string& code, const std::string& device_id, const std::string& name,
                    const std::string& public_key) override {
    if (!is_uuid(device_id)) throw CentralError(400, "bad_device_id", "device_id must be a UUID");
    if (!is_signing_public_key(public_key))
      throw CentralError(400, "bad_public_key", "public_key must be an Ed25519 public key (32 bytes, base64)");
    Enrollment out;
    write([&](Connection& c) {
      const std::string code_key = token_key(normalized_enroll_code(code));
      // FOR UPDATE: two devices racing for one code, one wins.
      Result q = c.exec("SELECT team_id, expires_ms, used_ms IS NOT NULL FROM srv_enroll_code WHERE code_key = $1 FOR UPDATE",
                        code_key);
      if (q.rows() == 0 || q.text(0, 2) == "t" || q.int64(0, 1) < now_ms())
        throw CentralError(403, "bad_code", "the enrollment code is unknown, used or expired");
      const std::string team_id = q.text(0, 0);
      if (auto existing = find_device(c, "device_id", device_id)) {
        if (!existing->revoked)
          throw CentralError(409, "device_exists", "this device is already enrolled; a coordinator must revoke it first");
        c.exec("DELETE FROM srv_device WHERE device_id = $1", device_id);
      }
      out.token = random_token(32);
      const std::string short_name = utf8_prefix_bytes(name, 100);
      c.exec("INSERT INTO srv_device (device_id, team_id, name, key, enrolled_ms, sign_key) VALUES ($1, $2, $3, $4, $5, $6)",
             device_id, team_id, short_name, token_key(out.token), now_ms(), public_key);
      c.exec("UPDATE srv_enroll_code SET used_ms = $1, device_id = $2 WHERE code_key = $3", now_ms(), device_id, code_key);
      const json fields = {{"team_id", team_id},
                           {"name", short_name.empty() ? device_id.substr(0, 8) : short_name},
                           {"enrolled_at", datetime_of_ms(now_ms())}};
      server_change(c, "device", device_id, fields, team_id, true);
      out.device = *find_device(c, "device_id", device_id);
      Result t = c.exec("SELECT name FROM srv_team WHERE team_id = $1", team_id);
      if (t.rows()) out.team_name = t.text(0, 0);
      audit(c, device_actor(device_id), "create", "device", device_id, {{"team_id", team_id}, {"name", short_name}});
    });
    return out;
  }

  void register_device_key(const std::string& device_id, const std::string& public_key) override {
    if (!is_signing_public_key(public_key))
      throw CentralError(400, "bad_public_key", "public_key must be an Ed25519 public key (32 bytes, base64)");
    write([&](Connection& c) {
      const auto d = find_device(c, "device_id", device_id, true);
      if (!d) throw CentralError(404, "unknown_device", "this device is not enrolled");
      if (d->public_key == public_key) return;
      if (!d->public_key.empty())
        throw CentralError(409, "key_exists", "this device already has a signing key; a coordinator must enroll it again");
      c.exec("UPDATE srv_device SET sign_key = $1 WHERE device_id = $2", public_key, device_id);
      audit(c, device_actor(device_id), "update", "device", device_id, {{"sign_key", "registered"}});
    });
  }

  std::optional<DeviceInfo> device_by_token(const std::string& token) override {
    auto c = pool_.take();
    return find_device(*c, "key", token_key(token));
  }
  std::optional<DeviceInfo> device_by_id(const std::string& device_id) override {
    auto c = pool_.take();
    return find_device(*c, "device_id", device_id);
  }

  bool revoke(const std::string& device_id, const AuditBy& by) override {
    bool found = false;
    write([&](Connection& c) {
      const bool now = c.exec("UPDATE srv_device SET revoked_ms = $1 WHERE device_id = $2 AND revoked_ms IS NULL",
                              now_ms(), device_id)
                           .affected() > 0;
      found = find_device(c, "device_id", device_id).has_value();
      if (now) audit(c, by, "update", "device", device_id, {{"revoked", true}});
    });
    return found;
  }

  // ---- accounts -------------------------------------------------------------

  void add_account(const std::string& name, const std::string& role, const std::string& area,
                   const std::string& password, const AuditBy& by) override {
    const std::string n = checked_account(name, role, area);
    check_password(password);
    const std::string hash = argon2id_hash(password);
    write([&](Connection& c) {
      Result taken = c.exec("SELECT name FROM srv_account WHERE name_key = $1", account_name_key(n));
      if (taken.rows()) throw CentralError(409, "name_taken", "--name: an account named " + taken.text(0, 0) + " exists");
      c.exec("INSERT INTO srv_account (name_key, name, role, area, pw_hash, created_ms) VALUES ($1, $2, $3, $4, $5, $6)",
             account_name_key(n), n, role, area, hash, now_ms());
      audit(c, by, "create", "account", n, {{"role", role}, {"area", area}});
    });
  }

  json accounts() override {
    auto c = pool_.take();
    Result r = c->exec("SELECT name, role, area, created_ms, disabled_ms FROM srv_account ORDER BY name COLLATE \"C\"");
    json out = json::array();
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({{"name", r.text(i, 0)},
                     {"role", r.text(i, 1)},
                     {"area", r.text(i, 2)},
                     {"created_at", datetime_of_ms(r.int64(i, 3))},
                     {"disabled_at", r.null(i, 4) ? json(nullptr) : json(datetime_of_ms(r.int64(i, 4)))}});
    return out;
  }

  void disable_account(const std::string& name, const AuditBy& by) override {
    write([&](Connection& c) {
      const std::string n = account_named(c, name);
      c.exec("UPDATE srv_account SET disabled_ms = coalesce(disabled_ms, $1) WHERE name_key = $2", now_ms(),
             account_name_key(n));
      audit(c, by, "update", "account", n, {{"disabled", true}});
    });
  }

  void set_account_password(const std::string& name, const std::string& password) override {
    check_password(password);
    const std::string hash = argon2id_hash(password);
    write([&](Connection& c) {
      const std::string n = account_named(c, name);
      c.exec("UPDATE srv_account SET pw_hash = $1 WHERE name_key = $2", hash, account_name_key(n));
      audit(c, kAdmin, "update", "account", n, {{"password", "changed"}});
    });
  }

  std::optional<AccountInfo> sign_in(const std::string& name, const std::string& password) override {
    auto c = pool_.take();
    Result r = c->exec("SELECT name, role, area, pw_hash, disabled_ms FROM srv_account WHERE name_key = $1",
                       account_name_key(trim(name)));
    if (r.rows() == 0 || !r.null(0, 4)) {
      // As long for an unknown name as for a wrong password.
      static const std::string dummy = argon2id_hash("no account has this password");
      argon2id_matches(dummy, password);
      return std::nullopt;
    }
    if (!argon2id_matches(r.text(0, 3), password)) return std::nullopt;
    return AccountInfo{r.text(0, 0), r.text(0, 1), r.text(0, 2), false};
  }

  // ---- push and pull --------------------------------------------------------

  json apply_prepared(PreparedBatch& prepared, const std::string& source) override {
    const json& batch = *prepared.batch;
    const DeviceInfo& device = prepared.device;
    const std::string batch_id = batch["batch_id"].get<std::string>();
    const std::string digest = batch["digest"].get<std::string>();
    const int64_t seq = batch["seq"].get<int64_t>();
    // check_change's outcomes, which take_in_prepared hands on (moves): a
    // transaction run again starts from them again.
    std::vector<ApplyOutcome> checked;
    checked.reserve(prepared.changes.size());
    for (const auto& p : prepared.changes) checked.push_back(p.outcome);
    json receipt;
    write([&](Connection& c) {
      // This device's batches one at a time, on every server of the database.
      c.exec("SELECT pg_advisory_xact_lock($1, hashtext($2))", kDeviceLockSpace, device.device_id);
      {
        Result q = c.exec("SELECT digest, receipt FROM srv_batch WHERE batch_id = $1", batch_id);
        if (q.rows()) {
          if (q.text(0, 0) != digest)
            throw CentralError(409, "batch_conflict", "a different batch with this id was received before");
          receipt = json::parse(q.text(0, 1));
          return;
        }
      }
      const int64_t received = prepared.received_ms;
      const int64_t ceiling = prepared.ceiling;
      const int64_t skew = prepared.skew;
      int64_t applied = 0, unchanged = 0, conflicts = 0;
      json quarantined = json::array();
      std::string latest;  // the latest stamp taken in: the server's clock follows it
      const json& changes = batch["changes"];
      RecordBatch records(c);
      records.prefetch(changes, 0, true);
      Steps steps(*this, c, &latest);
      // Quarantine rows: the records of this batch with open ones (closed
      // "accepted" when a later change of the record is taken in), and the
      // rows this batch sets aside, written at its end.
      RecordKeys open_before;
      {
        std::vector<std::string> entities, ids;
        for (const PreparedChange& p : prepared.changes) {
          entities.push_back(p.entity);
          ids.push_back(p.id);
        }
        static const std::string open_sql = lookup_each(
            "$1::text[], $2::text[]", "e, r",
            "SELECT entity, record_id FROM quarantine WHERE entity = u.e AND record_id = u.r AND resolved_ms IS NULL LIMIT 1");
        Result q = c.exec(open_sql, pg::array_literal(entities), pg::array_literal(ids));
        for (int i = 0; i < q.rows(); ++i) open_before.insert({q.text(i, 0), q.text(i, 1)});
      }
      struct SetAside {
        std::string entity, id, errors, change;
        bool accepted = false;  // a later change of the record was taken in
      };
      std::vector<SetAside> set_aside_rows;
      RecordKeyMap<size_t> set_aside_at;  // one row per record and batch
      auto set_aside = [&](const std::string& entity, const std::string& id, const std::vector<FieldError>& errors,
                           const json& change) {
        const json errs = errors_json(kept_errors(errors));
        if (set_aside_at.emplace(std::pair(entity, id), set_aside_rows.size()).second)
          set_aside_rows.push_back({entity, id, errs.dump(), kept_change(change)});
        quarantined.push_back({{"entity", entity}, {"id", id}, {"errors", errs}});
      };
      std::vector<std::pair<std::string, std::string>> held_at_last;  // set aside before, taken now (below)
      for (size_t k = 0; k < prepared.changes.size(); ++k) {
        PreparedChange& p = prepared.changes[k];
        p.outcome = checked[k];
        const json& sent = *p.sent;
        ApplyOutcome o = take_in_prepared(records, device, p, [&](CheckedChange& in, ApplyOutcome out) {
          return records.apply(in, std::move(out), received);
        });
        if (o.status == ApplyOutcome::Status::quarantined) {
          set_aside(o.entity, o.id, o.errors, sent);
          continue;
        }
        conflicts += static_cast<int64_t>(o.conflicts.size());
        const std::pair<std::string, std::string> key{o.entity, o.id};
        if (auto it = set_aside_at.find(key); it != set_aside_at.end()) set_aside_rows[it->second].accepted = true;
        if (open_before.erase(key)) {
          c.exec("UPDATE quarantine SET resolved_ms = $1, outcome = 'accepted' WHERE entity = $2 AND record_id = $3 "
                 "AND resolved_ms IS NULL",
                 received, o.entity, o.id);
          if (is_area_parent(o.entity)) held_at_last.push_back(key);
        }
        if (auto h = Hlc::parse(o.max_hlc); h && h->wall_ms <= ceiling && o.max_hlc > latest) latest = o.max_hlc;
        if (o.status == ApplyOutcome::Status::unchanged) {
          ++unchanged;
          continue;
        }
        ++applied;
        pending_feed_.push_back({o.entity, o.id, device.team_id, o.same_as_change ? device.device_id : std::string()});
        // A record added to a merged duplicate moves to the kept patient: the
        // server's changes read and write the database, so this batch's writes
        // go first, and what it read is read again after.
        if (records.names_merged_patient(o.entity, o.id)) {
          records.flush();
          yz::sync::follow_merges(steps, o.entity, o.id);
          records.forget();
          records.prefetch(changes, k + 1, true);
        }
      }
      records.flush();
      // A patient (household, clinic day) set aside in an earlier batch and
      // taken now: what was taken "team only" meanwhile goes to its area.
      for (const auto& [entity, id] : held_at_last) yz::sync::feed_dependents_again(steps, entity, id);
      if (!set_aside_rows.empty()) {
        std::vector<Param> entity, id, errors, change, resolved, outcome;
        for (const auto& r : set_aside_rows) {
          entity.push_back(r.entity);
          id.push_back(r.id);
          errors.push_back(r.errors);
          change.push_back(r.change);
          resolved.push_back(r.accepted ? Param(std::to_string(received)) : Param());
          outcome.push_back(r.accepted ? Param("accepted") : Param());
        }
        c.exec("INSERT INTO quarantine (entity, record_id, batch_id, device_id, errors, change, at_ms, resolved_ms, "
               "outcome) SELECT e, r, $7, $8, x, ch, $9, rs, oc FROM unnest($1::text[], $2::text[], $3::text[], "
               "$4::text[], $5::bigint[], $6::text[]) WITH ORDINALITY AS u(e, r, x, ch, rs, oc, ord) ORDER BY ord "
               "ON CONFLICT DO NOTHING",
               pg::array_literal(entity), pg::array_literal(id), pg::array_literal(errors), pg::array_literal(change),
               pg::array_literal(resolved), pg::array_literal(outcome), batch_id, device.device_id, received);
      }
      receipt = batch_receipt(batch, device.device_id, server_id_, received, applied, unchanged, conflicts, quarantined);
      c.exec("INSERT INTO srv_batch (batch_id, device_id, seq, digest, receipt, received_ms, source) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7)",
             batch_id, device.device_id, seq, digest, receipt.dump(), received, source);
      c.exec("UPDATE srv_device SET last_seen_ms = $1, last_seq = greatest(last_seq, $2), clock_skew_ms = $3 "
             "WHERE device_id = $4",
             received, seq, skew, device.device_id);
      if (!latest.empty()) observe(c, latest);
      audit(c, device_actor(device.device_id), "import", "batch", batch_id,
            batch_audit_detail(batch, source, applied, unchanged, conflicts, quarantined));
      // The feed now (write() would): the areas from the records as this
      // batch holds them.
      c.exec("SELECT pg_advisory_xact_lock($1)", kFeedLock);
      write_feed(c, &records);
    });
    // Signed as it leaves (Ed25519 is deterministic: the same receipt
    // from every server).
    sign_receipt(receipt, keys_.sign.secret_key);
    return receipt;
  }

  // A pull (docs/sync-protocol.md §11, "Pulls from a standby"): from the read replica when there
  // is one and it has replayed at least up to the device's cursor, else
  // (or when the replica cannot answer) from the primary. The cursor it
  // returns is never below the one sent: the replica's snapshot holds every
  // feed row up to its highest seq (rows commit in seq order, and a standby
  // replays commits in the primary's order), and a cursor past that highest
  // seq goes to the primary, never to "reset".
  json changes_after(const DeviceInfo& device, int64_t cursor, int limit) override {
    note_contact(device.device_id, now_ms());
    if (read_pool_) {
      try {
        auto lease = read_pool_->take();
        if (auto out = pull(*lease, device, cursor, limit, true)) return *out;
      } catch (const PgError&) {      // e.g. a query cancelled by the standby's replay
      } catch (const CentralError&) {  // the replica is unreachable
      }
    }
    auto lease = pool_.take();
    return *pull(*lease, device, cursor, limit, false);
  }

  // ---- audit ----------------------------------------------------------------

  json audit_log(int limit) override {
    return read_only([&](Connection& conn) -> json {
      Connection* c = &conn;
      Result r = c->exec("SELECT rid, at_ms, actor, action, entity, record_id, detail FROM audit ORDER BY rid DESC LIMIT $1",
                         limit);
      json out = json::array();
      for (int i = 0; i < r.rows(); ++i) {
        json row = {{"rid", r.int64(i, 0)},
                    {"at", datetime_of_ms(r.int64(i, 1))},
                    {"actor", r.text(i, 2)},
                    {"action", r.text(i, 3)},
                    {"entity", r.text(i, 4)}};
        if (!r.null(i, 5)) row["record_id"] = r.text(i, 5);
        if (!r.null(i, 6)) row["detail"] = json::parse(r.text(i, 6), nullptr, false);
        out.push_back(std::move(row));
      }
      return out;
    });
  }

  json verify_audit() override {
    auto c = pool_.take();
    Result r = c->exec("SELECT rid, at_ms, hlc, actor, action, entity, record_id, detail, digest FROM audit ORDER BY rid");
    std::string prev = kAuditChainStart;
    int64_t expected_rid = 1;
    for (int i = 0; i < r.rows(); ++i) {
      AuditRow row{r.int64(i, 0), r.int64(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5),
                   r.null(i, 6) ? std::nullopt : std::optional(r.text(i, 6)),
                   r.null(i, 7) ? std::nullopt : std::optional(r.text(i, 7))};
      std::string problem;
      if (row.rid != expected_rid) problem = "audit row " + std::to_string(expected_rid) + " is missing";
      else if (audit_row_digest(prev, row) != r.text(i, 8))
        problem = "audit row " + std::to_string(row.rid) + " was changed (its digest does not hold)";
      if (!problem.empty())
        return {{"rows", i}, {"ok", false}, {"first_bad", row.rid == expected_rid ? row.rid : expected_rid}, {"problem", problem}};
      prev = r.text(i, 8);
      ++expected_rid;
    }
    return {{"rows", r.rows()}, {"ok", true}};
  }

  // ---- what arrived (the SQLite store's answers, field for field) -----------

  json stats() override {
    return read_only([&](Connection& conn) -> json {
      Connection* c = &conn;
      Transaction txn(*c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      json out = json::object();
      auto count = [&](const std::string& sql) { return c->exec(sql).int64(0, 0); };
      for (const EntitySpec* e : entities())
        out[std::string(e->name)] = count("SELECT count(*) FROM " + std::string(e->name) + " WHERE deleted = 0");
      out["audit"] = count("SELECT count(*) FROM audit");
      out["devices"] = count("SELECT count(*) FROM srv_device");
      out["batches"] = count("SELECT count(*) FROM srv_batch");
      out["revoked_devices"] = count("SELECT count(*) FROM srv_device WHERE revoked_ms IS NOT NULL");
      out["quarantined"] = count("SELECT count(*) FROM quarantine WHERE resolved_ms IS NULL");
      out["conflicts"] = count("SELECT count(*) FROM conflict WHERE resolved_ms IS NULL");
      out["feed_seq"] = count("SELECT coalesce(max(seq), 0) FROM srv_feed");
      txn.commit();
      return out;
    });
  }

  json devices() override {
    return read_only([&](Connection& conn) -> json {
      Connection* c = &conn;
      // What arrived, from the stored receipts (their counts: batch.h).
      Result r = c->exec(R"SQL(
        SELECT d.device_id, coalesce(t.name, d.team_id), d.name, d.enrolled_ms, d.revoked_ms, d.last_seen_ms,
               d.last_seq, d.clock_skew_ms, count(b.batch_id), count(b.batch_id) FILTER (WHERE b.source = 'file'),
               coalesce(sum((b.receipt::jsonb ->> 'applied')::bigint), 0),
               coalesce(sum((b.receipt::jsonb ->> 'unchanged')::bigint + (b.receipt::jsonb ->> 'conflicts')::bigint), 0),
               coalesce(sum(jsonb_array_length(b.receipt::jsonb -> 'quarantined')), 0),
               (SELECT count(*) FROM quarantine q WHERE q.device_id = d.device_id AND q.resolved_ms IS NULL)
        FROM srv_device d LEFT JOIN srv_team t ON t.team_id = d.team_id
        LEFT JOIN srv_batch b ON b.device_id = d.device_id
        GROUP BY d.device_id, t.name ORDER BY d.enrolled_ms)SQL");
      json out = json::array();
      for (int i = 0; i < r.rows(); ++i) {
        auto when = [&](int col) -> json { return r.null(i, col) ? json(nullptr) : json(datetime_of_ms(r.int64(i, col))); };
        const int64_t applied = r.int64(i, 10), quarantined = r.int64(i, 12);
        out.push_back({{"device_id", r.text(i, 0)},
                       {"team", r.text(i, 1)},
                       {"name", r.text(i, 2)},
                       {"enrolled_at", when(3)},
                       {"revoked_at", when(4)},
                       {"last_seen_at", when(5)},
                       {"last_seq", r.int64(i, 6)},
                       {"clock_skew_ms", r.null(i, 7) ? json(nullptr) : json(r.int64(i, 7))},
                       {"batches", r.int64(i, 8)},
                       {"by_usb", r.int64(i, 9)},
                       {"records", applied + r.int64(i, 11) + quarantined},
                       {"applied", applied},
                       {"quarantined", quarantined},
                       {"quarantine_open", r.int64(i, 13)}});
      }
      return out;
    });
  }

  json arrivals(int days) override {
    return read_only([&](Connection& conn) -> json {
      Connection* c = &conn;
      // Days as the teams count them (clock.h date_of_ms), so grouped here.
      Result r = c->exec(R"SQL(
        SELECT b.received_ms, coalesce(t.name, d.team_id),
               (b.receipt::jsonb ->> 'applied')::bigint + (b.receipt::jsonb ->> 'unchanged')::bigint +
                   (b.receipt::jsonb ->> 'conflicts')::bigint + jsonb_array_length(b.receipt::jsonb -> 'quarantined'),
               (b.receipt::jsonb ->> 'applied')::bigint, jsonb_array_length(b.receipt::jsonb -> 'quarantined')
        FROM srv_batch b JOIN srv_device d ON d.device_id = b.device_id LEFT JOIN srv_team t ON t.team_id = d.team_id
        WHERE b.received_ms >= $1)SQL",
                         now_ms() - int64_t{days} * 86'400'000);
      std::map<std::pair<std::string, std::string>, std::array<int64_t, 4>> by_day;
      for (int i = 0; i < r.rows(); ++i) {
        auto& n = by_day[{date_of_ms(r.int64(i, 0)), r.text(i, 1)}];
        n[0] += 1;
        for (int k = 0; k < 3; ++k) n[k + 1] += r.int64(i, 2 + k);
      }
      json out = json::array();
      for (const auto& [key, n] : by_day)
        out.push_back({{"date", key.first}, {"team", key.second}, {"batches", n[0]}, {"records", n[1]},
                       {"applied", n[2]}, {"quarantined", n[3]}});
      return out;
    });
  }

  json conflicts(int limit, bool closed) override {
    return read_only([&](Connection& c) -> json {
      Result r = c.exec(std::string(kConflictColumns) + "WHERE resolved_ms IS NULL OR $2 ORDER BY rid DESC LIMIT $1",
                        limit, closed);
      json out = json::array();
      for (int i = 0; i < r.rows(); ++i) out.push_back(conflict_json(conflict_from(r, i)));
      return out;
    });
  }

  std::vector<int64_t> open_quarantine_ids() override {
    auto lease = pool_.take();  // the primary: a retry follows
    Result r = lease->exec("SELECT rid FROM quarantine WHERE resolved_ms IS NULL ORDER BY rid");
    std::vector<int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.int64(i, 0));
    return out;
  }
  json quarantine(int limit) override {
    return read_only([&](Connection& c) -> json {
      Result r = c.exec(std::string(kQuarantineColumns) + "WHERE resolved_ms IS NULL ORDER BY rid DESC LIMIT $1", limit);
      json out = json::array();
      for (int i = 0; i < r.rows(); ++i) out.push_back(quarantine_json(quarantine_from(r, i)));
      return out;
    });
  }

  // The merges, newest first (central_store.h).
  json merges(int limit) override {
    return read_only([&](Connection& c) -> json {
      Result r = c.exec(
          "SELECT m.merge_id, m.keep_id, m.duplicate_id, m.reason, m.at_ms, coalesce(m.undone_ms, 0), (SELECT count(*) "
          "FROM srv_merge_move v WHERE v.merge_id = m.merge_id AND v.entity <> 'patient') FROM srv_merge m "
          "ORDER BY m.at_ms DESC, m.merge_id DESC LIMIT $1",
          limit);
      json out = json::array();
      for (int i = 0; i < r.rows(); ++i)
        out.push_back(merge_json({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.int64(i, 4), r.int64(i, 5)},
                                 r.int64(i, 6)));
      return out;
    });
  }

  // ---- the console's sessions (console_session.h) ---------------------------

  void open_console_session(const std::string& key, const std::string& account, const std::string& address,
                            int64_t idle_ms) override {
    const int64_t now = now_ms();
    write([&](Connection& c) {
      c.exec("DELETE FROM srv_console_session WHERE last_ms < $1", now - idle_ms);
      c.exec("INSERT INTO srv_console_session (key, account_key, address, created_ms, last_ms) VALUES ($1, $2, $3, $4, $4)",
             key, account_name_key(account_named(c, account)), address, now);
    });
  }

  std::optional<AccountInfo> console_session(const std::string& key, int64_t idle_ms) override {
    const int64_t now = now_ms();
    auto c = pool_.take();
    Result r = c->exec(
        "SELECT s.last_ms, a.name, a.role, a.area FROM srv_console_session s JOIN srv_account a ON a.name_key = "
        "s.account_key WHERE s.key = $1 AND a.disabled_ms IS NULL",
        key);
    if (r.rows() == 0) return std::nullopt;
    switch (session_use(r.int64(0, 0), now, idle_ms)) {
      case SessionUse::expired:
        c->exec("DELETE FROM srv_console_session WHERE key = $1", key);
        return std::nullopt;
      case SessionUse::touch:
        c->exec("UPDATE srv_console_session SET last_ms = greatest(last_ms, $1) WHERE key = $2", now, key);
        break;
      case SessionUse::keep: break;
    }
    return AccountInfo{r.text(0, 1), r.text(0, 2), r.text(0, 3), false};
  }

  void close_console_session(const std::string& key) override {
    pool_.take()->exec("DELETE FROM srv_console_session WHERE key = $1", key);
  }

  void audit_console(const std::string& account, const std::string& address, const std::string& action,
                     const std::string& entity, const std::string& record_id, const json& detail) override {
    json d = detail.is_object() ? detail : json::object();
    d["address"] = address;
    write([&](Connection& c) {
      audit(c, account.empty() ? std::string("console") : "console:" + account, action.c_str(), entity.c_str(),
            record_id, d);
    });
  }

  std::string record_area(const std::string& entity, const std::string& id) override {
    if (!find_entity(entity)) return "";
    auto c = pool_.take();
    RecordBatch held(*c);
    if (!held.held(entity, id)) return "";
    return yz::sync::record_area(held, entity, id, nullptr);
  }

  std::vector<json> record_gists(const std::vector<GistOf>& records) override {
    auto c = pool_.take();
    RecordBatch held(*c);  // reads each record once, then remembers it
    std::vector<json> out;
    for (const auto& r : records) out.push_back(yz::sync::record_gist(held, r.entity, r.id, r.fields));
    return out;
  }

  ProgramPtr program(const std::string& id, int version) override {
    ProgramPtr p;
    read_snapshot([&](Connection&, SqlReader& r) { p = find_program(r, id, version); });
    return p;
  }
  std::map<std::string, std::string> place_names(const std::vector<std::string>& codes) override {
    std::map<std::string, std::string> out;
    read_snapshot([&](Connection&, SqlReader& r) { out = yz::place_names(r, codes); });
    return out;
  }
  std::vector<ProgramPtr> programs() override {
    std::vector<ProgramPtr> out;
    read_snapshot([&](Connection&, SqlReader& r) { out = latest_programs(r); });
    return out;
  }

  // ---- the coordinators' reads: core's rules over pg_reader.h ---------------

  std::string report(const std::string& team, ReportQuery q, bool markdown, Lang lang) override {
    std::string out;
    read_snapshot([&](Connection& c, SqlReader& r) {
      if (!team.empty()) q.team_id = find_team(c, team).team_id;
      if (q.as_of.empty()) q.as_of = date_of_ms(now_ms());
      const Report rep = build_report(r, q);
      out = markdown ? report_markdown(r, rep, lang) : report_json(r, rep).dump(2) + "\n";
    });
    return out;
  }

  ExportSummary export_screening_list(const ScreeningListQuery& q, ExportFormat format, const std::string& out,
                                      Lang lang, IdNumbers ids, Sheets sheets, const AuditBy& by) override {
    ExportSummary s;
    read_snapshot([&](Connection&, SqlReader& r) { s = yz::export_screening_list(r, q, format, out, lang, ids, sheets); });
    audit_export(by, "screening_list", screening_list_audit(q, s, ids));
    return s;
  }

  ExportSummary export_follow_ups(WorklistQuery q, ExportFormat format, const std::string& out, Lang lang,
                                  IdNumbers ids, Sheets sheets, const AuditBy& by) override {
    if (q.as_of.empty()) q.as_of = date_of_ms(now_ms());
    ExportSummary s;
    read_snapshot([&](Connection&, SqlReader& r) { s = yz::export_follow_ups(r, q, format, out, lang, ids, sheets); });
    audit_export(by, "follow_ups", follow_ups_audit(q, s, ids));
    return s;
  }

  json duplicates(const std::string& area, int limit) override {
    if (!area.empty() && !is_area_code(area)) throw bad_area(area);
    json out;
    read_snapshot([&](Connection&, SqlReader& r) { out = duplicate_pairs_json(find_duplicate_pairs(r, area, limit)); });
    return out;
  }

  json search_patients(const std::string& query, int limit) override {
    json out;
    read_snapshot([&](Connection&, SqlReader& r) { out = patient_hits_json(yz::search_patients(r, query, limit)); });
    return out;
  }

  json patient_history(const std::string& id) override {
    std::optional<json> h;
    read_snapshot([&](Connection&, SqlReader& r) { h = yz::patient_history(r, id); });
    if (!h) throw CentralError(404, "unknown_patient", "no patient " + id);
    return *h;
  }

 private:
  static constexpr const char* kAdmin = "admin";

  // changes_after on `c` (the primary, or with `replica` the read replica:
  // nullopt when the replica has not yet replayed up to `cursor`).
  std::optional<json> pull(Connection& c, const DeviceInfo& device, int64_t cursor, int limit, bool replica) {
    // One snapshot: the feed and the records it names.
    Transaction txn(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const int64_t max_seq = c.exec("SELECT coalesce(max(seq), 0) FROM srv_feed").int64(0, 0);
    if (replica && cursor > max_seq) return std::nullopt;
    json out = {{"server_id", server_id_}, {"reset", false}, {"time_ms", now_ms()}};
    if (cursor < 0 || cursor > max_seq) {
      cursor = 0;  // a cursor we never gave out: start again from the beginning
      out["reset"] = true;
    }
    // Published programs (area ''), records in the team's area (an empty
    // area holds nothing), and what the team itself made or owns.
    Result r = c.exec(
        "SELECT seq, entity, record_id, coalesce(echo_device, '') FROM srv_feed WHERE seq > $1 AND "
        "(area = '' OR ($2 <> '' AND left(area, length($2)) = $2) OR team_id = $3) ORDER BY seq LIMIT $4",
        cursor, device.team_area, device.team_id, limit);
    const int64_t first = cursor;
    int64_t last = cursor;
    // The page's rows in feed order; records read kind by kind.
    std::vector<std::pair<const EntitySpec*, std::string>> page;
    std::map<const EntitySpec*, std::vector<std::string>> wanted;
    std::map<std::string, json> programs;
    for (int i = 0; i < r.rows(); ++i) {
      last = r.int64(i, 0);
      if (r.text(i, 3) == device.device_id) continue;
      if (r.text(i, 1) == "program") {
        if (auto p = published_program(c, r.text(i, 2))) {
          programs[r.text(i, 2)] = std::move(*p);
          page.emplace_back(nullptr, r.text(i, 2));
        }
        continue;
      }
      const EntitySpec* spec = find_entity(r.text(i, 1));
      if (!spec) continue;
      page.emplace_back(spec, r.text(i, 2));
      wanted[spec].push_back(r.text(i, 2));
    }
    std::map<const EntitySpec*, std::map<std::string, json>> read;
    for (const auto& [spec, ids] : wanted) read[spec] = read_changes(c, *spec, ids);
    json changes = json::array();
    for (auto& [spec, id] : page) {
      if (!spec) {
        changes.push_back({{"entity", "program"}, {"id", id}, {"definition", std::move(programs[id])}});
        continue;
      }
      auto& kind = read[spec];
      if (auto it = kind.find(id); it != kind.end()) changes.push_back(std::move(it->second));
    }
    // Past the last row this device may see, the cursor can jump to the end.
    if (r.rows() < limit) last = max_seq;
    out["cursor"] = last;
    out["more"] = r.rows() == limit;
    out["changes"] = std::move(changes);
    // What coordinators decided on this device's quarantined changes, in
    // the span of the feed this page covers (docs/sync-protocol.md §10.1).
    Result decided = c.exec(
        "SELECT q.batch_id, q.entity, q.record_id, q.outcome, coalesce(q.note, ''), q.resolved_ms "
        "FROM srv_feed f JOIN quarantine q ON q.rid::text = f.record_id "
        "WHERE f.entity = 'quarantine' AND f.seq > $1 AND f.seq <= $2 AND q.device_id = $3 ORDER BY f.seq",
        first, last, device.device_id);
    json outcomes = json::array();
    for (int i = 0; i < decided.rows(); ++i) {
      json o = {{"batch_id", decided.text(i, 0)},
                {"entity", decided.text(i, 1)},
                {"id", decided.text(i, 2)},
                {"outcome", decided.text(i, 3)},
                {"at", datetime_of_ms(decided.int64(i, 5))}};
      if (!decided.text(i, 4).empty()) o["reason"] = decided.text(i, 4);
      outcomes.push_back(std::move(o));
    }
    if (!outcomes.empty()) out["quarantine"] = std::move(outcomes);
    txn.commit();
    return out;
  }

  // The definition of the published program "ID@VERSION", or nullopt.
  static std::optional<json> published_program(Connection& c, const std::string& key) {
    const auto at = key.rfind('@');
    if (at == std::string::npos) return std::nullopt;
    Result r = c.exec("SELECT definition FROM program WHERE id = $1 AND version::text = $2", key.substr(0, at),
                      key.substr(at + 1));
    if (r.rows() == 0) return std::nullopt;
    json d = json::parse(r.text(0, 0), nullptr, false);
    if (d.is_discarded()) return std::nullopt;
    return d;
  }

  // A read-only request's connection: the replica's, falling back to the
  // primary when there is none or it cannot be reached. Lists read there
  // may lag the primary by the replica's delay (docs/scale-out.md).
  json read_only(const std::function<json(Connection&)>& fn) {
    if (read_pool_) {
      try {
        auto lease = read_pool_->take();
        return fn(*lease);
      } catch (const PgError&) {
      } catch (const CentralError& e) {
        if (e.status() != 503) throw;
      }
    }
    auto lease = pool_.take();
    return fn(*lease);
  }

  // `fn(connection, reader)` in one read-only snapshot, on the standby when
  // there is one (read_only).
  template <class Fn>
  void read_snapshot(Fn&& fn) {
    read_only([&](Connection& c) {
      Transaction txn(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      pg::PgReader reader(c);
      fn(c, reader);
      return json();
    });
  }

  // An export, written to the audit (as on SQLite).
  void audit_export(const AuditBy& by, const char* list, const json& detail) {
    write([&](Connection& c) { audit(c, by, "create", "export", list, detail); });
  }

  static std::string device_actor(const std::string& device_id) { return "device:" + device_id; }

  struct FeedRow {
    std::string entity, id, team_id, echo_device;
  };
  // One write transaction on a pooled connection: `fn` runs in it, then the
  // feed rows it queued get their sequence numbers and the audit rows it
  // queued their places in the chain, under one advisory lock held to the
  // commit (the header says why; apply_batch writes its feed rows itself at
  // its end, under the same lock, to take their areas from what it read).
  // Runs again when it loses a race (deadlock, a batch that another server
  // stored first, a record another server made first).
  template <class Fn>
  void write(Fn&& fn) {
    auto lease = pool_.take();
    Connection& c = *lease;
    std::lock_guard lock(writer_mu_);  // pending_* belong to the transaction on this thread
    pg::retrying([&] {
      pending_feed_.clear();
      pending_audit_.clear();
      Transaction txn(c);
      try {
        fn(c);
      } catch (const PgError& e) {
        // Another server stored the same batch (or code, or account) first:
        // the next attempt sees it.
        if (e.sqlstate() == "23505") throw PgError("40001", e.what());
        throw;
      }
      if (!pending_feed_.empty() || !pending_audit_.empty()) {
        c.exec("SELECT pg_advisory_xact_lock($1)", kFeedLock);
        write_feed(c);
        Result last = c.exec("SELECT rid, digest FROM audit ORDER BY rid DESC LIMIT 1");
        int64_t rid = last.rows() ? last.int64(0, 0) : 0;
        std::string prev = last.rows() ? last.text(0, 1) : kAuditChainStart;
        for (auto& row : pending_audit_) {
          row.rid = ++rid;
          prev = audit_row_digest(prev, row);
          c.exec("INSERT INTO audit (rid, at_ms, hlc, actor, action, entity, record_id, detail, digest) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                 row.rid, row.at_ms, row.hlc, row.actor, row.action, row.entity, row.record_id, row.detail, prev);
        }
      }
      txn.commit();
    });
  }

  // The feed rows the transaction queued, under the feed's lock: one row per
  // record, moved to the end of the feed (a new seq), with its area as held
  // now (central_rules.h record_area); a record queued twice goes where its
  // last row would.
  // `known`: a batch that read (and wrote) some of the records, whose locked
  // ones it gives as held now.
  //
  // The numbers are those one `INSERT ... ON CONFLICT (entity, record_id) DO
  // UPDATE SET seq = nextval(...)` over the rows in order gave, and how it
  // left the sequence: a new row takes the next number; a row the feed holds
  // draws one for the insert it does not make and moves to the next. The
  // rows the feed holds are known first (one probe each; no other writer
  // changes the feed while its lock is held), the numbers drawn at once,
  // then the new rows go in by COPY and those held are moved by one UPDATE,
  // cheaper for the server than the upsert row by row. Records `known` made
  // need no probe: the feed holds none of them (RecordBatch::made).
  void write_feed(Connection& c, RecordBatch* known = nullptr) {
    if (pending_feed_.empty()) return;
    // Each record's last row (keys into pending_feed_, unchanged until the end).
    std::unordered_map<std::pair<std::string_view, std::string_view>, size_t, RecordKeyHash> last;
    for (size_t i = 0; i < pending_feed_.size(); ++i) last[{pending_feed_[i].entity, pending_feed_[i].id}] = i;
    std::map<const EntitySpec*, std::vector<std::string>> ids;
    for (const auto& f : pending_feed_)
      if (const EntitySpec* spec = find_entity(f.entity)) ids[spec].push_back(f.id);
    std::optional<RecordBatch> own;
    if (!known) known = &own.emplace(c);
    else known->forget_unlocked();
    RecordBatch& held = *known;
    held.load_areas(ids);
    std::vector<const FeedRow*> rows;
    std::vector<std::string> entities, records;  // to probe
    for (size_t i = 0; i < pending_feed_.size(); ++i) {
      const FeedRow& f = pending_feed_[i];
      if (last[{f.entity, f.id}] != i) continue;
      rows.push_back(&f);
      if (held.made(f.entity, f.id)) continue;
      entities.push_back(f.entity);
      records.push_back(f.id);
    }
    RecordKeyMap<std::string> fed;  // fed before, in this area
    if (!entities.empty()) {
      static const std::string fed_sql =
          lookup_each("$1::text[], $2::text[]", "e, r",
                      "SELECT entity, record_id, area FROM srv_feed WHERE entity = u.e AND record_id = u.r OFFSET 0");
      Result h = c.exec(fed_sql, pg::array_literal(entities), pg::array_literal(records));
      for (int i = 0; i < h.rows(); ++i) fed.emplace(std::pair(h.text(i, 0), h.text(i, 1)), h.text(i, 2));
    }
    // Patients (households, clinic days) whose area changed: the records
    // that take their area from them follow them (below).
    std::vector<std::pair<std::string, std::string>> moved;
    int64_t drawn = 0;
    for (const FeedRow* f : rows) drawn += fed.count({f->entity, f->id}) ? 2 : 1;
    int64_t seq = c.exec("SELECT setval(pg_get_serial_sequence('srv_feed', 'seq'), nextval(pg_get_serial_sequence("
                         "'srv_feed', 'seq')) + $1 - 1)",
                         drawn)
                      .int64(0, 0) -
                  drawn;
    std::vector<std::vector<Param>> added;
    std::vector<Param> moved_seq, moved_entity, moved_record, moved_area, moved_team, moved_echo;
    for (const FeedRow* f : rows) {
      const std::string area = yz::sync::record_area(held, f->entity, f->id, nullptr);
      const Param team = f->team_id.empty() ? Param() : Param(f->team_id);
      const Param echo = f->echo_device.empty() ? Param() : Param(f->echo_device);
      const auto was = fed.find({f->entity, f->id});
      if (was == fed.end()) {
        added.push_back({std::to_string(++seq), f->entity, f->id, area, team, echo});
        continue;
      }
      if (was->second != area && was->second != kTeamOnly && is_area_parent(f->entity))
        moved.emplace_back(f->entity, f->id);
      seq += 2;
      moved_seq.push_back(std::to_string(seq));
      moved_entity.push_back(f->entity);
      moved_record.push_back(f->id);
      moved_area.push_back(area);
      moved_team.push_back(team);
      moved_echo.push_back(echo);
    }
    if (!added.empty()) c.copy_in_async("srv_feed (seq, entity, record_id, area, team_id, echo_device)", added);
    if (!moved_seq.empty())
      c.exec("UPDATE srv_feed AS f SET seq = u.s, area = u.a, team_id = u.t, echo_device = u.d FROM unnest($1::bigint[], "
             "$2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(s, e, r, a, t, d) WHERE f.entity = u.e "
             "AND f.record_id = u.r",
             pg::array_literal(moved_seq), pg::array_literal(moved_entity), pg::array_literal(moved_record),
             pg::array_literal(moved_area), pg::array_literal(moved_team), pg::array_literal(moved_echo));
    pending_feed_.clear();
    if (moved.empty()) return;
    Steps steps(*this, c);
    for (const auto& [entity, id] : moved) yz::sync::feed_dependents_again(steps, entity, id, true);
    write_feed(c);
  }

  // A row by `by` (central_store.h AuditBy): its actor, the client's
  // address added to the detail, counted.
  void audit(Connection& c, const AuditBy& by, const char* action, const char* entity, const std::string& record_id,
             json detail) {
    if (!by.address.empty()) detail["address"] = by.address;
    if (!by.verb.empty() && !detail.contains("verb")) detail["verb"] = by.verb;
    audit(c, by.actor, action, entity, record_id, detail);
    ++by.rows;
  }

  // An audit row for the transaction's end (write).
  void audit(Connection& c, const std::string& actor, const char* action, const char* entity,
             const std::string& record_id, const json& detail) {
    AuditRow row;
    row.at_ms = now_ms();
    row.hlc = stamp(c);
    row.actor = actor;
    row.action = action;
    row.entity = entity;
    if (!record_id.empty()) row.record_id = record_id;
    if (!detail.empty()) row.detail = detail.dump();
    pending_audit_.push_back(std::move(row));
  }

  // The clock every server of the database shares (srv_meta 'hlc'), locked
  // to the end of the transaction.
  std::string stamp(Connection& c) {
    Result r = c.exec("SELECT value FROM srv_meta WHERE key = 'hlc' FOR UPDATE");
    HlcClock clock(server_id_, r.rows() ? Hlc::parse(r.text(0, 0)).value_or(Hlc{}) : Hlc{});
    const std::string s = clock.tick(now_ms()).str();
    c.exec("INSERT INTO srv_meta (key, value) VALUES ('hlc', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", s);
    return s;
  }
  // A stamp taken in from a device: later server stamps follow it.
  void observe(Connection& c, const std::string& latest) {
    c.exec("INSERT INTO srv_meta (key, value) VALUES ('hlc', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value "
           "WHERE srv_meta.value < excluded.value",
           latest);
  }

  // A record the server itself makes or changes (a team, a device), stamped
  // now and fed like any change.
  void server_change(Connection& c, const char* entity, const std::string& id, const json& fields,
                     const std::string& team_id, bool create) {
    const std::string s = stamp(c);
    json change;
    if (create) {
      change = {{"entity", entity}, {"id", id}, {"hlc", s}, {"deleted", false}, {"fields", fields}};
    } else {
      auto held = read_change(c, *find_entity(entity), id);
      if (!held) throw CentralError(404, "not_found", std::string("no ") + entity + " " + id);
      change = std::move(*held);
      change["hlc"] = s;
      json& stamps = change["stamps"];
      json& bases = change["bases"];
      if (!stamps.is_object()) stamps = json::object();
      if (!bases.is_object()) bases = json::object();
      for (const auto& [k, v] : fields.items()) {
        if (stamps.contains(k)) bases[k] = stamps[k];
        else bases.erase(k);
        stamps[k] = s;
        change["fields"][k] = v;
      }
    }
    ApplyOutcome o = apply_change(c, change, date_of_ms(now_ms()), now_ms());
    if (o.status == ApplyOutcome::Status::quarantined) throw ValidationError(o.errors);
    pending_feed_.push_back({entity, id, team_id, ""});
  }

  // A record the server deletes (a tombstone), stamped now and fed.
  void server_delete(Connection& c, const std::string& entity, const std::string& id) {
    auto change = read_change(c, *find_entity(entity), id);
    if (!change) throw CentralError(404, "not_found", "no " + entity + " " + id);
    (*change)["hlc"] = stamp(c);
    (*change)["deleted"] = true;
    ApplyOutcome o = apply_change(c, *change, date_of_ms(now_ms()), now_ms());
    if (o.status == ApplyOutcome::Status::quarantined) throw ValidationError(o.errors);
    pending_feed_.push_back({entity, id, "", ""});
  }

  // The coordinators' decisions (coordination.h) in one write transaction.
  class Steps final : public CoordinationSteps {
   public:
    // `taken_in`: the latest device stamp a batch took in so far (apply_batch),
    // which the server's clock follows before its own changes.
    Steps(PgCentralStore& store, Connection& c, const std::string* taken_in = nullptr)
        : s_(store), c_(c), taken_in_(taken_in) {}
    int64_t now_ms() override { return yz::sync::now_ms(); }
    std::optional<ConflictRow> conflict(int64_t rid) override {
      Result r = c_.exec(std::string(kConflictColumns) + "WHERE rid = $1 FOR UPDATE", rid);
      if (r.rows() == 0) return std::nullopt;
      return conflict_from(r, 0);
    }
    std::optional<QuarantineRow> quarantine(int64_t rid) override {
      Result r = c_.exec(std::string(kQuarantineColumns) + "WHERE rid = $1 FOR UPDATE", rid);
      if (r.rows() == 0) return std::nullopt;
      return quarantine_from(r, 0);
    }
    void close_conflict(int64_t rid, const json& resolution) override {
      c_.exec("UPDATE conflict SET resolved_ms = coalesce(resolved_ms, $1), resolution = $2 WHERE rid = $3", now_ms(),
              resolution.dump(), rid);
    }
    void close_quarantine(const QuarantineRow& q, const std::string& outcome, const std::string& note,
                          bool earlier_too) override {
      c_.exec("UPDATE quarantine SET resolved_ms = $1, outcome = $2, note = $3 WHERE batch_id = $4 AND entity = $5 "
              "AND record_id = $6 AND resolved_ms IS NULL",
              now_ms(), outcome, note.empty() ? Param() : Param(note), q.batch_id, q.entity, q.record_id);
      if (earlier_too)
        c_.exec("UPDATE quarantine SET resolved_ms = $1, outcome = 'accepted' WHERE entity = $2 AND record_id = $3 "
                "AND resolved_ms IS NULL",
                now_ms(), q.entity, q.record_id);
      // The decision to the end of the feed, where its device's next pull finds it.
      s_.pending_feed_.push_back({"quarantine", std::to_string(q.rid), "", ""});
    }
    std::optional<json> read(const EntitySpec& spec, const std::string& id) override { return read_change(c_, spec, id); }
    std::optional<json> read_locked(const EntitySpec& spec, const std::string& id) override {
      return read_change(c_, spec, id, true);
    }
    void update(const std::string& entity, const std::string& id, const json& fields) override {
      follow_batch();
      s_.server_change(c_, entity.c_str(), id, fields, "", false);
    }
    std::optional<DeviceInfo> device(const std::string& device_id) override {
      return find_device(c_, "device_id", device_id);
    }
    ApplyOutcome apply_as(const DeviceInfo& device, const json& kept) override {
      const int64_t now = now_ms();
      json change = kept;
      RecordBatch records(c_);
      ApplyOutcome o = take_in_change(records, device, s_.server_id_, change, 0, now + kClockAheadMs,
                                      [&](const json& ch) { return records.apply(ch, date_of_ms(now), now); });
      records.flush();
      if (o.status == ApplyOutcome::Status::quarantined) return o;
      if (!o.max_hlc.empty()) s_.observe(c_, o.max_hlc);
      if (o.status != ApplyOutcome::Status::unchanged) s_.pending_feed_.push_back({o.entity, o.id, device.team_id, ""});
      return o;
    }
    void feed_again(const std::string& entity, const std::string& id, bool moved) override {
      Result r = c_.exec("SELECT coalesce(team_id, ''), coalesce(echo_device, ''), area FROM srv_feed "
                         "WHERE entity = $1 AND record_id = $2",
                         entity, id);
      if (r.rows() && (moved || r.text(0, 2) == kTeamOnly))
        s_.pending_feed_.push_back({entity, id, r.text(0, 0), r.text(0, 1)});
    }
    void audit(const AuditBy& by, const char* action, const char* entity, const std::string& record_id,
               const json& detail) override {
      s_.audit(c_, by, action, entity, record_id, detail);
    }
    std::string new_id() override { return s_.next_id(); }
    void create(const std::string& entity, const std::string& id, const json& fields) override {
      s_.server_change(c_, entity.c_str(), id, fields, "", true);
    }
    void remove(const std::string& entity, const std::string& id) override { s_.server_delete(c_, entity, id); }
    std::vector<std::string> live_ids(const EntitySpec& spec, const FieldSpec& f, const std::string& value) override {
      const std::string table(spec.name), column(f.name);
      Result r = c_.exec(is_json_type(f.type)
                             ? "SELECT id FROM " + table + " WHERE deleted = 0 AND EXISTS (SELECT 1 FROM "
                                   "jsonb_array_elements_text(" + column + "::jsonb) v WHERE v = $1) ORDER BY rid"
                             : "SELECT id FROM " + table + " WHERE deleted = 0 AND " + column + " = $1 ORDER BY rid",
                         value);
      std::vector<std::string> ids;
      for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
      return ids;
    }
    std::vector<std::pair<std::string, std::string>> merged_patients_named(const EntitySpec& spec, const FieldSpec& f,
                                                                           const std::string& id) override {
      const std::string entity(spec.name), column(f.name);
      Result r = c_.exec(f.type == FieldType::ref
                             ? "SELECT p.id, p.merged_into FROM " + entity + " r JOIN patient p ON p.id = r." + column +
                                   " WHERE r.id = $1 AND p.merged_into IS NOT NULL"
                             : "SELECT p.id, p.merged_into FROM " + entity + " r CROSS JOIN jsonb_array_elements_text(r." +
                                   column + "::jsonb) j(v) JOIN patient p ON p.id = j.v WHERE r.id = $1 AND "
                                   "p.merged_into IS NOT NULL",
                         id);
      std::vector<std::pair<std::string, std::string>> out;
      for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.text(i, 1));
      return out;
    }
    void add_merge(const MergeRow& m) override {
      c_.exec("INSERT INTO srv_merge (merge_id, keep_id, duplicate_id, reason, at_ms) VALUES ($1, $2, $3, $4, $5)",
              m.merge_id, m.keep_id, m.duplicate_id, m.reason, m.at_ms);
    }
    std::optional<MergeRow> merge(const std::string& merge_id) override {
      Result r = c_.exec("SELECT keep_id, duplicate_id, reason, at_ms, coalesce(undone_ms, 0) FROM srv_merge "
                         "WHERE merge_id = $1 FOR UPDATE",
                         merge_id);
      if (r.rows() == 0) return std::nullopt;
      return MergeRow{merge_id, r.text(0, 0), r.text(0, 1), r.text(0, 2), r.int64(0, 3), r.int64(0, 4)};
    }
    std::string open_merge_of(const std::string& duplicate_id) override {
      Result r = c_.exec("SELECT merge_id FROM srv_merge WHERE duplicate_id = $1 AND undone_ms IS NULL "
                         "ORDER BY at_ms DESC LIMIT 1",
                         duplicate_id);
      return r.rows() ? r.text(0, 0) : std::string();
    }
    void set_merge_undone(const std::string& merge_id, int64_t at_ms) override {
      c_.exec("UPDATE srv_merge SET undone_ms = $1 WHERE merge_id = $2", at_ms, merge_id);
    }
    void log_move(const std::string& merge_id, const MergeMove& m) override {
      c_.exec("INSERT INTO srv_merge_move (merge_id, entity, record_id, field, was, set_to) VALUES ($1, $2, $3, $4, $5, $6) "
              "ON CONFLICT (merge_id, entity, record_id, field) DO UPDATE SET was = excluded.was, set_to = excluded.set_to",
              merge_id, m.entity, m.record_id, m.field, m.was.dump(), m.set_to.dump());
    }
    std::vector<MergeMove> moves(const std::string& merge_id) override {
      // No insertion order here: the moves touch distinct fields, so any order
      // undoes them alike.
      Result r = c_.exec("SELECT entity, record_id, field, was, set_to FROM srv_merge_move WHERE merge_id = $1 "
                         "ORDER BY entity, record_id, field",
                         merge_id);
      std::vector<MergeMove> out;
      for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), json::parse(r.text(i, 3)), json::parse(r.text(i, 4))});
      return out;
    }
    std::optional<std::string> reconciled(const std::string& provisional) override {
      Result r = c_.exec("SELECT official FROM srv_place_reconcile WHERE provisional = $1", provisional);
      return r.rows() ? std::optional(r.text(0, 0)) : std::nullopt;
    }
    void add_reconciled(const std::string& provisional, const std::string& official) override {
      c_.exec("INSERT INTO srv_place_reconcile (provisional, official, at_ms) VALUES ($1, $2, $3) "
              "ON CONFLICT (provisional) DO NOTHING",
              provisional, official, now_ms());
    }
    std::optional<std::string> program_definition(const std::string& id, int version) override {
      Result r = c_.exec("SELECT definition FROM program WHERE id = $1 AND version = $2", id, int64_t{version});
      return r.rows() ? std::optional(r.text(0, 0)) : std::nullopt;
    }
    void add_program(const Program& p, const std::string& definition) override {
      c_.exec("INSERT INTO program (id, version, definition, installed_at) VALUES ($1, $2, $3, $4)", p.id,
              int64_t{p.version}, definition, datetime_of_ms(now_ms()));
      s_.pending_feed_.push_back({"program", p.id + "@" + std::to_string(p.version), "", ""});
    }

   private:
    // A server change amid a batch: the server's clock first follows the
    // stamps the batch took in so far.
    void follow_batch() {
      if (taken_in_ && !taken_in_->empty()) s_.observe(c_, *taken_in_);
    }
    PgCentralStore& s_;
    Connection& c_;
    const std::string* taken_in_;
  };

  json coordinate(const std::function<json(CoordinationSteps&)>& decide) override {
    json out;
    write([&](Connection& c) {
      Steps steps(*this, c);
      out = decide(steps);
    });
    return out;
  }

  // A pull is a contact too, written at most once a minute per device.
  void note_contact(const std::string& device_id, int64_t now) {
    {
      std::lock_guard lock(contact_mu_);
      int64_t& written = contact_written_[device_id];
      if (now - written < 60'000) return;
      written = now;
    }
    auto c = pool_.take();
    c->exec("UPDATE srv_device SET last_seen_ms = greatest(coalesce(last_seen_ms, 0), $1) WHERE device_id = $2", now,
            device_id);
  }

  std::string next_id() {
    std::lock_guard lock(ids_mu_);
    return ids_.next(now_ms());
  }

  static std::optional<DeviceInfo> find_device(Connection& c, const char* column, const std::string& value,
                                               bool for_update = false) {
    Result r = c.exec(std::string("SELECT d.device_id, d.team_id, coalesce(t.area, ''), d.name, d.sign_key, "
                                  "d.revoked_ms IS NOT NULL FROM srv_device d LEFT JOIN srv_team t ON t.team_id = "
                                  "d.team_id WHERE d.") +
                          column + " = $1" + (for_update ? " FOR UPDATE OF d" : ""),
                      value);
    if (r.rows() == 0) return std::nullopt;
    return DeviceInfo{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5) == "t"};
  }

  static std::optional<TeamRow> team_by_key(Connection& c, const std::string& key) {
    Result r = c.exec("SELECT team_id, name, area FROM srv_team WHERE name_key = $1", key);
    if (r.rows() == 0) return std::nullopt;
    return TeamRow{r.text(0, 0), r.text(0, 1), r.text(0, 2)};
  }

  static TeamRow find_team(Connection& c, const std::string& team) {
    Result r = c.exec("SELECT team_id, name, area FROM srv_team WHERE team_id = $1", team);
    if (r.rows()) return TeamRow{r.text(0, 0), r.text(0, 1), r.text(0, 2)};
    if (auto t = team_by_key(c, team_name_key(trim(team)))) return *t;
    throw CentralError(404, "no_team", "no team named \"" + trim(team) + "\" (see admin teams)");
  }

  static std::string account_named(Connection& c, const std::string& name) {
    Result r = c.exec("SELECT name FROM srv_account WHERE name_key = $1", account_name_key(trim(name)));
    if (r.rows() == 0) throw CentralError(404, "no_account", "no account named " + name);
    return r.text(0, 0);
  }

  pg::PgPool pool_;
  std::unique_ptr<pg::PgPool> read_pool_;  // --pg-read: a hot standby, or none
  std::string server_id_;
  ServerKeys keys_;
  // One write transaction at a time in this process: pending_feed_ and
  // pending_audit_ are its queues. Other servers' transactions run alongside.
  std::mutex writer_mu_;
  std::vector<FeedRow> pending_feed_;
  std::vector<AuditRow> pending_audit_;
  std::mutex ids_mu_;
  IdSource ids_;
  std::mutex contact_mu_;
  std::map<std::string, int64_t> contact_written_;
};

}  // namespace

std::unique_ptr<CentralStore> open_pg_central_store(const std::string& conninfo, const std::string& keys_path,
                                                    const std::string& read_conninfo) {
  return std::make_unique<PgCentralStore>(conninfo, keys_path, read_conninfo);
}

}  // namespace yz::sync
