#pragma once
// The rules a central store applies to what devices send, apart from where
// it stores records (one home for both central stores: SQLite,
// sqlite_central_store.cpp, and PostgreSQL, pg_central_store.cpp):
// who may push what (docs/sync-protocol.md, "Trust"), the area a record
// belongs to for scoping pulls, stamps ahead of the server's clock, and
// what quarantine keeps of a refused change.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"
#include "core/domain/search.h"
#include "core/queries/duplicates.h"
#include "core/replication/changes.h"
#include "sync/server/central_store.h"

namespace yz::sync {

// What the rules need to read of the records a store holds. Lookups run in
// the caller's transaction.
class HeldRecords {
 public:
  virtual ~HeldRecords() = default;
  // Whether a record of kind `entity` with this id is held (live or tombstone).
  virtual bool held(const std::string& entity, const std::string& id) = 0;
  // The text of `column` of that record ("" when none, or null).
  virtual std::string column(const std::string& entity, const std::string& column, const std::string& id) = 0;
  // The team whose change last moved the record in the feed ("" when none).
  virtual std::string feed_team(const std::string& entity, const std::string& id) = 0;
};

// The area of team, member and device records, and of a record whose place
// is unknown: no area matches it, so only its own team pulls it.
inline constexpr const char* kTeamOnly = "-";

// The place code the record belongs to, for scoping pulls, read from the
// record as held (after the merge): its own village or place, else its
// patient's (or household's, or clinic day's). Programs go to every device
// (""). `inserted`: the stored fields of a record inserted just now, which
// saves reading it back.
std::string record_area(HeldRecords& held, const std::string& entity, const std::string& id, const json* inserted);
// What a person knows a record by, read as record_area reads it (`fields`:
// a change's fields, which win over the record as held, e.g. a quarantined
// change): {"name": its patient's name (a household's head, a place's,
// member's or team's own name), "village": that patient's or its own place
// code, "date": the record's first date or time field (seen_at,
// screened_at, due_date, ...)}; a member is left out when unknown.
json record_gist(HeldRecords& held, const std::string& entity, const std::string& id, const json* fields);
// The kinds whose records record_area reads for other records (a record's
// patient, household or clinic day), so a store can read them ahead.
inline constexpr std::string_view kAreaParents[] = {"patient", "household", "clinic_day"};
inline bool is_area_parent(std::string_view entity) {
  for (const auto kind : kAreaParents)
    if (kind == entity) return true;
  return false;
}

// What authorize_change reads of a change alone, whatever the store holds:
// made by prepare_batch before the store's writer is taken.
struct ChangeFacts {
  // Its kind; nullptr when the kind is unknown or the id is not a UUID:
  // nothing to authorise (the merge's check says what is wrong).
  const EntitySpec* spec = nullptr;
  const json* fields = nullptr;       // its "fields" object, if any
  bool sets_merged_into = false;      // a non-null fields.merged_into
  std::optional<FieldError> refused;  // a team or device record, or a stamp of a field the server alone sets
};
// `entity` and `id` as string_member reads them; `server_id`: the node of
// the server's own stamps (by_server fields). Points into `change`.
ChangeFacts change_facts(const json& change, const std::string& entity, const std::string& id,
                         const std::string& server_id);

// Why `device` may not push `change`, or nullopt (docs/sync-protocol.md,
// "Trust"). Malformed changes pass here: the merge's check says what is
// wrong.
std::optional<FieldError> authorize_change(HeldRecords& held, const DeviceInfo& device, const json& change,
                                           const std::string& server_id);
// The same from the change's facts, made ahead (change_facts).
// `area_as_sent`, when given and the change has fields: set to the area the
// record would have with them (record_area with its fields), as the rules
// read it; the area a record inserted by the change is fed in.
std::optional<FieldError> authorize_change(HeldRecords& held, const DeviceInfo& device, const ChangeFacts& facts,
                                           const std::string& entity, const std::string& id,
                                           std::string* area_as_sent = nullptr);

// Takes a fast device's measured skew off its own stamps that are ahead of
// `ceiling` (so its edits are ordered by when they were really made), then
// refuses any stamp still ahead. Malformed stamps are left to the merge's
// check (bad_hlc).
std::optional<FieldError> rebase_stamps(json& change, const std::string& node, int64_t skew, int64_t ceiling);
// Whether any stamp of `change` (hlc, stamps, bases) is ahead of `ceiling`:
// when none is, rebase_stamps changes nothing and refuses nothing.
bool stamp_ahead(const json& change, int64_t ceiling);
// How far ahead of ours the device's clock was when it sealed the batch
// (negative: behind, or the batch waited). Saturated, never overflowing.
int64_t batch_skew(const json& batch, int64_t received_ms);

// What taking in `batch` came to, the same on every store: its receipt as
// stored and sent (unsigned; docs/sync-protocol.md §8) and the detail of
// its audit row ("import", "batch").
json batch_receipt(const json& batch, const std::string& device_id, const std::string& server_id, int64_t received_ms,
                   int64_t applied, int64_t unchanged, int64_t conflicts, const json& quarantined);
json batch_audit_detail(const json& batch, const std::string& source, int64_t applied, int64_t unchanged,
                        int64_t conflicts, const json& quarantined);

// A refused change as quarantine keeps it, as JSON text: whole when small,
// else its entity, id and the first bytes of its text.
std::string kept_change(const json& change);
// Errors with long arguments (a refused value quoted back) cut short.
std::vector<FieldError> kept_errors(std::vector<FieldError> errors);

// The text member `key` of `j`, or "".
std::string string_member(const json& j, const char* key);

// One change from `device` as the server takes it in (both central stores:
// a batch's change, or a quarantined one retried): authorised
// (authorize_change), its stamps rebased (rebase_stamps), then merged by the
// store's `merge(change)`. Refused before the merge: a "quarantined" outcome
// with that one error and nothing written. `change` is left as merged
// (rebased): the caller feeds what was stored.
// The "quarantined" outcome of a change refused before the merge.
inline ApplyOutcome refused_outcome(const json& change, FieldError refused) {
  ApplyOutcome out;
  out.status = ApplyOutcome::Status::quarantined;
  out.entity = string_member(change, "entity");
  out.id = string_member(change, "id");
  out.errors.push_back(std::move(refused));
  return out;
}

template <class Merge>
ApplyOutcome take_in_change(HeldRecords& held, const DeviceInfo& device, const std::string& server_id, json& change,
                            int64_t skew, int64_t ceiling, Merge&& merge) {
  std::optional<FieldError> refused = authorize_change(held, device, change, server_id);
  if (!refused) refused = rebase_stamps(change, device.device_id, skew, ceiling);
  if (!refused) return merge(change);
  return refused_outcome(change, std::move(*refused));
}

// A batch's changes taken in as far as they can be without the store (no
// lock, no database): each one's stamps rebased, its fields checked
// (check_change) and a patient's search keys made (with_index_keys). A
// store's apply_prepared finishes them under its writer with
// take_in_prepared, so that the next batch is prepared while this one is
// applied (central_store.h apply_prepared).
struct PreparedChange {
  const json* sent = nullptr;         // the change as received (in `PreparedBatch::batch`)
  std::string entity, id;             // as sent (string_member: "" when missing)
  ChangeFacts facts;                  // of `sent`, for authorize_change
  std::optional<json> rebased;        // the change as merged, when a stamp was ahead
  std::optional<FieldError> refused;  // by rebase_stamps
  // The change in stored forms; nullopt when refused by rebase_stamps or by
  // check_change (then `outcome` is quarantined with its errors).
  std::optional<CheckedChange> checked;
  ApplyOutcome outcome;  // check_change's: entity, id and max_hlc as given
  const json& change() const { return rebased ? *rebased : *sent; }
};
struct PreparedBatch {
  const json* batch = nullptr;  // checked (batch.h check_batch); outlives this
  DeviceInfo device;
  int64_t received_ms = 0, skew = 0, ceiling = 0;  // batch_skew, received + kClockAheadMs
  std::vector<PreparedChange> changes;             // in the batch's order
  // Of each known kind, the ids the batch's changes name, as a JSON array
  // (for a store to look them up in one statement).
  std::map<std::string, std::string> id_lists;
};
// `received_ms`: the server's clock when the batch arrived (the receipt's
// received_ms; today's date for check_change); `server_id`: the store's.
PreparedBatch prepare_batch(const json& batch, const DeviceInfo& device, int64_t received_ms,
                            const std::string& server_id);

// take_in_change for a prepared change: authorised first (against the store
// as it is now, with the change as sent), then its rebase or check refusal,
// else `merge(CheckedChange&, ApplyOutcome)` with check_change's outcome.
// Uses up `p` (its outcome is moved into the merge): a batch whose
// transaction failed is prepared again before it is taken in again.
// `area_as_sent`: as authorize_change's.
template <class Merge>
ApplyOutcome take_in_prepared(HeldRecords& held, const DeviceInfo& device, PreparedChange& p, Merge&& merge,
                              std::string* area_as_sent = nullptr) {
  if (std::optional<FieldError> refused = authorize_change(held, device, p.facts, p.entity, p.id, area_as_sent))
    return refused_outcome(*p.sent, std::move(*refused));
  if (p.refused) return refused_outcome(p.change(), *p.refused);
  if (!p.checked) return p.outcome;
  return merge(*p.checked, std::move(p.outcome));
}

// An enrollment code as typed (any case, dashes, spaces) in its stored form.
std::string normalized_enroll_code(const std::string& code);
// A team name trimmed, or CentralError 400 bad_name.
std::string checked_team_name(const std::string& raw);
// CentralError 400 bad_area naming `area`.
CentralError bad_area(const std::string& area);

// A team as the server's configuration holds it (srv_team).
struct TeamRow {
  std::string team_id, name, area;
};
// The enroll-code rule for a team (central_store.h create_enroll_code):
// `held` is the team whose name key `name` matches, if any. A held team must
// be named exactly and keep its area (an empty `area_code` keeps it); a new
// team needs an area. Returns the held team's id, or "" for a new team;
// CentralError 400 name_taken, area_differs or area_required.
std::string enroll_code_team(const std::optional<TeamRow>& held, const std::string& name,
                             const std::string& area_code);

// The coordinators' read verbs' answers, shaped once for both stores
// (central_store.h duplicates, search_patients) and the audit detail of
// their exports (export_screening_list, export_follow_ups: the list's
// filters, empty ones left out, the path, rows, whether ID numbers were
// masked).
json duplicate_pairs_json(const std::vector<DuplicatePair>& pairs);
json patient_hits_json(const std::vector<PatientHit>& hits);
json screening_list_audit(const ScreeningListQuery& q, const ExportSummary& s, IdNumbers ids);
json follow_ups_audit(const WorklistQuery& q, const ExportSummary& s, IdNumbers ids);

}  // namespace yz::sync
