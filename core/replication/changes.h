#pragma once
// Records as synced changes, and the merge that applies them (DESIGN.md §5).
// Used by the device (building batches, applying pulled changes) and by the
// SQLite central store (applying pushed batches); both hold the core schema.
//
// A change is the whole current state of one record (docs/sync-protocol.md):
//   {"entity": "patient", "id": UUID, "hlc": stamp of its latest change,
//    "deleted": false, "fields": {every field, JSON lists/objects parsed},
//    "stamps": {field: stamp}, "bases": {field: stamp}}
// "stamps" name the editable fields changed after creation (a field without
// one still holds its original value); "bases" the stamp each such edit's
// device had seen for that field from elsewhere (absent: the original).
//
// Merge policy:
//  - a record not held yet is inserted as it comes;
//  - deletion is a tombstone and wins over any edit, and is never undone;
//  - append-only records (clinical facts) never change after creation,
//    except whose they are: fields marked by_server (entities.h; a record's
//    patient_id, moved by a coordinator's merge of two patients) merge by
//    stamp like editable fields;
//  - an editable field takes the value with the later stamp (HLC order, so a
//    wrong wall clock cannot reorder what a device saw);
//  - when the losing value was not seen by the winning edit (its base is
//    older than the loser's stamp, and they come from different devices),
//    the two edits were concurrent: the pair is logged in `conflict` for a
//    coordinator. Sync conflicts are data, not errors;
//  - an open conflict closes by itself (resolution {"by": "superseded"}) when
//    a later edit of its field wins having seen the value it replaces (its
//    base is not older than that value's stamp): a decision made after both
//    values (a local edit, Store::update, always is one). An edit concurrent
//    with the current value leaves it open and is logged as a conflict of
//    its own.
// Applying the same change again changes nothing.
//
// Threads: a ChangeReader / ChangeApplier belongs to the thread of its
// connection; the applier must run inside a write transaction
// (Store::transact_synced).

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/domain/search.h"
#include "core/store/entities.h"
#include "core/store/rules.h"
#include "core/base/errors.h"

namespace yz {

using json = nlohmann::json;

// Reads records as changes, with statements prepared once per kind.
class ChangeReader {
 public:
  explicit ChangeReader(SQLite::Database& db);
  ~ChangeReader();
  // nullopt when no record of that kind has this id.
  std::optional<json> read(const EntitySpec& spec, std::string_view id);
  // Finish every statement (see Store: an unfinished read pins the WAL).
  void release() noexcept;

 private:
  SQLite::Database& db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>, std::less<>> stmts_;
  SQLite::Statement& stmt(const std::string& sql);
};

struct FieldConflict {
  std::string field;
  json kept_value, other_value;
  std::string kept_hlc, other_hlc;
};

struct ApplyOutcome {
  enum class Status { inserted, updated, unchanged, quarantined } status = Status::unchanged;
  std::string entity, id;          // as given (may be empty when quarantined)
  std::vector<FieldError> errors;  // why it was quarantined
  std::vector<FieldConflict> conflicts;
  // The stored record now equals the change exactly (so the device that sent
  // it need not be sent it back).
  bool same_as_change = false;
  std::string max_hlc;  // the latest stamp the change carried
};

// ---------------------------------------------------------------------------
// The merge itself, apart from any database (one home for the rule above):
// the SQLite ChangeApplier below and the PostgreSQL central store
// (sync/server/pg_central_store.cpp) read the held record, call these, and
// write what they decide.

// A change checked and turned into stored forms by check_change.
struct CheckedChange {
  const EntitySpec* spec = nullptr;
  std::string id, hlc;
  bool deleted = false;
  RecordFields fields;  // every field of the kind, in stored form (null when absent)
  json stamps, bases;   // objects: field -> stamp (only fields merged per field); null when not sent
  // A live patient's search keys for these fields (search.h
  // patient_index_keys), made ahead by with_index_keys: a patient inserted
  // as it comes is indexed with them. nullopt: made when needed.
  std::optional<std::vector<SearchKey>> index_keys;
};

// Makes `in.index_keys` when `in` is a live patient (no database needed:
// a caller may do it before taking the writer).
void with_index_keys(CheckedChange& in);

// One field's stamp and the stamp its editor had seen ("" for none).
struct FieldClock {
  std::string hlc, base;
};

// A record as held, as the merge needs it: stored forms, and the stamps of
// the fields changed after creation.
struct HeldRecord {
  std::string hlc;
  bool deleted = false;
  RecordFields fields;
  std::map<std::string, FieldClock, std::less<>> clock;
};

// What applying a change to a held record does (merge_change).
struct MergeDecision {
  bool changed = false;              // the record's row must be written: hlc, deleted, `columns`
  std::string hlc;                   // the record's stamp after the merge
  bool deleted = false;              // tombstone after the merge
  std::vector<std::string> columns;  // fields that take the change's value
  std::vector<std::pair<std::string, FieldClock>> clocks;  // field stamps to set
  std::vector<FieldConflict> conflicts;                    // concurrent edits to log
  struct Superseded {
    std::string field, hlc;
    json value;  // the winning value as a change carries it
  };
  // Open conflicts of these fields close (resolution {"by": "superseded",
  // "hlc", "value"}) where both their stamps are older than `hlc`.
  std::vector<Superseded> superseded;
  bool same_as_change = false;  // the record equals the change after the merge
};

// Check a change's structure, every field (record_rules.h convert_field) and
// the record's cross-field rules. `today_floor` as for ChangeApplier. On a
// refusal returns nullopt with out.errors filled; always fills out.entity
// and out.id as given, and out.max_hlc when the change is well formed.
std::optional<CheckedChange> check_change(const json& change, const std::string& today_floor, ApplyOutcome& out);

// The merge of `in` into the record `held` (the policy at the top of this
// file). Pure: the caller writes the decision.
MergeDecision merge_change(const CheckedChange& in, const HeldRecord& held);

// A stored value as it appears in a change and in the conflict log
// (booleans as true/false, lists and objects parsed).
json api_value(const FieldSpec& f, const json& stored);

class ChangeApplier {
 public:
  // `today_floor` (YYYY-MM-DD) bounds past dates; a change's own stamp date
  // raises it, so a device whose clock runs years ahead is not refused for
  // dates that were "today" where it was made. `now_ms` stamps the logs.
  ChangeApplier(SQLite::Database& db, std::string today_floor, int64_t now_ms);
  ~ChangeApplier();

  // Validate and merge one change. A change that fails validation changes
  // nothing and comes back quarantined with its reasons (the caller keeps
  // it). Conflicts are written to the `conflict` table here.
  ApplyOutcome apply(const json& change);
  // The same for a change check_change has passed, with the outcome it
  // filled (entity, id, max_hlc): the merge and its writes only.
  ApplyOutcome apply(CheckedChange& in, ApplyOutcome out);

  // For an applier kept from one transaction to the next on the same
  // connection (its statements stay prepared): the next one's date floor
  // and time. Call release() at the end of each.
  void restart(std::string today_floor, int64_t now_ms);

  void release() noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Set aside a change that failed validation (both sides keep it), with its
// errors as errors_json gives them. Once per (batch, record).
void record_quarantine(SQLite::Database& db, const std::string& batch_id, const std::string& device_id,
                       const std::string& entity, const std::string& id, const json& errors, const json& change,
                       int64_t now_ms);
// A later accepted change of the same record resolves earlier quarantine rows
// (outcome "accepted").
void resolve_quarantine(SQLite::Database& db, std::string_view entity, std::string_view id, int64_t now_ms);
// The same for many changes in one transaction (a batch, a receipt): looks
// only when some row is open (checked once, at construction), with its
// statement prepared once. `record` sets a row aside (as
// record_quarantine) and takes note that it is open. `only`: the
// changes to come name only these records (kind -> JSON array of ids), so
// their open rows are looked up at once and resolve() skips the others.
// Belongs to the transaction it was made in.
class QuarantineResolver {
 public:
  explicit QuarantineResolver(SQLite::Database& db);
  ~QuarantineResolver();
  void only(const std::map<std::string, std::string>& id_lists);
  // Whether it closed a row.
  bool resolve(std::string_view entity, std::string_view id, int64_t now_ms);
  void record(const std::string& batch_id, const std::string& device_id, const std::string& entity,
              const std::string& id, const json& errors, const json& change, int64_t now_ms);
  // The same with the change as its JSON text (nullopt: none).
  void record(const std::string& batch_id, const std::string& device_id, const std::string& entity,
              const std::string& id, const json& errors, std::optional<std::string_view> change_text, int64_t now_ms);
  bool open() const { return open_; }
  void release() noexcept;  // finish the statements (see Store)

 private:
  SQLite::Database& db_;
  bool open_ = false;
  bool only_ = false;                          // only() was told the records
  std::unordered_set<std::string> open_ids_;  // "entity\x1fid" with open rows, when only_
  std::unique_ptr<SQLite::Statement> resolve_, record_;
};
// A coordinator's decision on the open row of (batch, record): `outcome`
// "retried" (applied after a fix) or "discarded" (dropped; `note` the
// reason). False when no such open row exists (unknown, or closed before).
bool close_quarantine(SQLite::Database& db, const std::string& batch_id, const std::string& entity,
                      const std::string& id, const std::string& outcome, const std::string& note, int64_t now_ms);

struct QuarantineRow {
  int64_t rid = 0;
  std::string entity, record_id, batch_id, device_id;
  json errors;  // [{"field", "code", "args", "message"}]
  json change;  // the refused change as kept (null when none was kept)
  int64_t at_ms = 0;
  // How it closed: "" (open), "accepted", "retried" or "discarded"; the
  // coordinator's reason; when (0 while open).
  std::string outcome, note;
  int64_t resolved_ms = 0;
};
// Unresolved quarantine rows, newest first; with `decided`, also the rows a
// coordinator retried or discarded.
std::vector<QuarantineRow> list_quarantine(SQLite::Database& db, int limit = 1000, bool decided = false);
// One row by its rid, open or closed.
std::optional<QuarantineRow> quarantine_row(SQLite::Database& db, int64_t rid);

struct ConflictRow {
  int64_t rid = 0;
  std::string entity, record_id, field, kept_hlc, other_hlc;
  json kept_value, other_value;
  int64_t at_ms = 0;
  int64_t resolved_ms = 0;  // 0 while open
  json resolution;          // {"by", "value", "hlc", "reason"?}, null while open
};
// Unresolved conflicts, newest first; with `closed`, the closed ones too.
std::vector<ConflictRow> list_conflicts(SQLite::Database& db, int limit = 1000, bool closed = false);
// One conflict by its rid, open or closed.
std::optional<ConflictRow> conflict_row(SQLite::Database& db, int64_t rid);
// Close the conflict `rid` with `resolution` ({"by", "value", ...}); one the
// merge has just closed as superseded by the same edit takes this
// resolution instead. False when no conflict has this rid.
bool close_conflict(SQLite::Database& db, int64_t rid, const json& resolution, int64_t now_ms);

// Field errors as JSON with their messages in both languages.
json errors_json(const std::vector<FieldError>& errors);
// One entry of errors_json back as a FieldError, to word it in any language
// with FieldError::message (its "message" texts are kept for other readers).
FieldError error_from_json(const json& entry);

}  // namespace yz
