#pragma once
// The coordinators' decisions on what sync set aside (DESIGN.md §6, §10):
// resolve a conflict, correct a referral's or follow-up's status, retry or
// discard a quarantined change; and their other changes of records: merge
// duplicate patients and undo a merge, correct a patient, import a county's
// places, reconcile a provisional place, publish a program (coordination.cpp,
// patient_merges.cpp, places_admin.cpp). Written once for both central stores: each
// store runs these inside its own write transaction and gives the steps
// they need through CoordinationSteps (SQLite: sqlite_central_store.cpp,
// PostgreSQL: pg_central_store.cpp). The contracts (what comes back, what
// is thrown) are those of CentralStore's members of the same names
// (central_store.h); on any throw the caller's transaction rolls back, so
// nothing changes.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/replication/changes.h"
#include "sync/server/central_store.h"

namespace yz {
struct Program;
}

namespace yz::sync {

// A merge of two patients as the merge log keeps it (srv_merge).
struct MergeRow {
  std::string merge_id, keep_id, duplicate_id, reason;
  int64_t at_ms = 0, undone_ms = 0;  // undone_ms 0: not undone
};
// One field of a record a merge changed (srv_merge_move): a link moved to
// the kept patient, or a field filled on it; the values before and after
// as the record holds them, so that undo moves back exactly those.
struct MergeMove {
  std::string entity, record_id, field;
  json was, set_to;
};

// What a store does for a coordinator's decision, in the caller's
// transaction.
class CoordinationSteps {
 public:
  virtual ~CoordinationSteps() = default;
  virtual int64_t now_ms() = 0;
  // One conflict / quarantine row by its rid, open or closed.
  virtual std::optional<ConflictRow> conflict(int64_t rid) = 0;
  virtual std::optional<QuarantineRow> quarantine(int64_t rid) = 0;
  // Close the conflict with `resolution` (core/replication/changes.h
  // close_conflict).
  virtual void close_conflict(int64_t rid, const json& resolution) = 0;
  // Close the open row of (batch, record) "retried" or "discarded" with
  // `note`; with `earlier_too`, the record's other open rows close
  // "accepted". Then the decision goes to the end of the feed, where its
  // device's next pull finds it.
  virtual void close_quarantine(const QuarantineRow& row, const std::string& outcome, const std::string& note,
                                bool earlier_too) = 0;
  // The record as a change (fields, stamps, bases), or nullopt.
  virtual std::optional<json> read(const EntitySpec& spec, const std::string& id) = 0;
  // The same, the record locked to the end of the transaction against the
  // other servers of the database (two coordinators merging one patient);
  // a store with one writer needs no lock.
  virtual std::optional<json> read_locked(const EntitySpec& spec, const std::string& id) { return read(spec, id); }
  // A server change of `fields` of a held record: stamped with the server's
  // clock, merged like any change, fed. ValidationError when refused.
  virtual void update(const std::string& entity, const std::string& id, const json& fields) = 0;
  // The enrolled device `device_id`, or nullopt.
  virtual std::optional<DeviceInfo> device(const std::string& device_id) = 0;
  // A kept change applied again as if `device` sent it now: authorised
  // (central_rules.h authorize_change), its stamps rebased, merged, its
  // stamp observed by the server's clock, fed. Returns the outcome
  // (quarantined with the errors when still refused; nothing written then).
  virtual ApplyOutcome apply_as(const DeviceInfo& device, const json& change) = 0;
  // The record moved to the end of the feed with its area as held now, for
  // the team that last changed it: when `moved` (the patient, household or
  // clinic day it takes its area from moved), whatever its area; otherwise
  // only when it was fed "its team only" (central_rules.h kTeamOnly: that
  // record was not held when it came).
  virtual void feed_again(const std::string& entity, const std::string& id, bool moved) = 0;
  // One audit row by `by` (the admin verbs' "admin", or a console account
  // with its address: central_store.h AuditBy, whose rows it counts).
  virtual void audit(const AuditBy& by, const char* action, const char* entity, const std::string& record_id,
                     const json& detail) = 0;

  // Records the server makes and deletes, as update() changes them
  // (stamped with the server's clock, merged like any change, fed).
  // ValidationError when refused.
  virtual std::string new_id() = 0;
  virtual void create(const std::string& entity, const std::string& id, const json& fields) = 0;
  virtual void remove(const std::string& entity, const std::string& id) = 0;
  // The ids of the live (not deleted) records of `spec` whose field `f` is
  // `value` (a list field: holds it), oldest first.
  virtual std::vector<std::string> live_ids(const EntitySpec& spec, const FieldSpec& f, const std::string& value) = 0;
  // The merged patients (tombstones) that field `f` (a patient link) of the
  // record `id` names: {patient id, its merged_into}.
  virtual std::vector<std::pair<std::string, std::string>> merged_patients_named(const EntitySpec& spec,
                                                                                 const FieldSpec& f,
                                                                                 const std::string& id) = 0;

  // The merge log (srv_merge, srv_merge_move).
  virtual void add_merge(const MergeRow& m) = 0;
  // One merge, locked to the end of the transaction; nullopt when unknown.
  virtual std::optional<MergeRow> merge(const std::string& merge_id) = 0;
  // The latest merge of `duplicate_id` not undone, or "".
  virtual std::string open_merge_of(const std::string& duplicate_id) = 0;
  virtual void set_merge_undone(const std::string& merge_id, int64_t at_ms) = 0;
  // Logs (or logs again: replaces) one field a merge changed.
  virtual void log_move(const std::string& merge_id, const MergeMove& m) = 0;
  // Every field merge `merge_id` changed, latest first.
  virtual std::vector<MergeMove> moves(const std::string& merge_id) = 0;

  // The official code the provisional place `provisional` was reconciled
  // with (srv_place_reconcile), or nullopt; and the note of one (kept when
  // there is one already).
  virtual std::optional<std::string> reconciled(const std::string& provisional) = 0;
  virtual void add_reconciled(const std::string& provisional, const std::string& official) = 0;

  // The published definition of program `id` version `version` (the
  // server's program table), or nullopt; and a new one, published: fed to
  // every device as {"entity": "program", "id": "ID@VERSION"}.
  virtual std::optional<std::string> program_definition(const std::string& id, int version) = 0;
  virtual void add_program(const Program& p, const std::string& definition) = 0;
};

// A conflict / quarantine row as the admin verbs and the console list them
// (both stores): conflicts() and quarantine() in central_store.h. A closed
// conflict adds "closed_at" and "resolution"; a quarantine row gives its
// reason in English ("reason") and Chinese ("reason_zh"), for a person
// (FieldError::plain_message).
json conflict_json(const ConflictRow& c);
json quarantine_json(const QuarantineRow& q);

json resolve_conflict(CoordinationSteps& steps, int64_t conflict_id, const std::string& value,
                      const std::string& reason, const AuditBy& by);
json correct_status(CoordinationSteps& steps, const std::string& entity, const std::string& id,
                    const std::string& status, const std::string& reason, const AuditBy& by);
json retry_quarantined(CoordinationSteps& steps, int64_t quarantine_id, const AuditBy& by);
json discard_quarantined(CoordinationSteps& steps, int64_t quarantine_id, const std::string& reason,
                         const AuditBy& by);

// patient_merges.cpp: central_store.h merge_patients, undo_merge,
// edit_patient (`fields` as prepared_patient_edit returned them, "" as
// null), and what a store does after a change from a device is applied: a
// record it added to a merged duplicate (the device had not heard of the
// merge) moves to the kept patient.
json merge_patients(CoordinationSteps& steps, const std::string& keep_id, const std::string& duplicate_id,
                    const std::string& reason, const AuditBy& by);
json undo_merge(CoordinationSteps& steps, const std::string& merge_id, const std::string& reason, const AuditBy& by);
json edit_patient(CoordinationSteps& steps, const std::string& id, const json& fields, const AuditBy& by);
void follow_merges(CoordinationSteps& steps, const std::string& entity, const std::string& id);
// A patient, household or clinic day the server holds at last (a
// quarantined one retried, or taken in with a later change): the records
// taken "team only" meanwhile because they named it (its visits and
// screenings, home visits, dispenses) go to its area now (feed_again).
// `moved`: one whose area changed (a patient who moved village): all of
// them go to its new area. Nothing for another kind.
void feed_dependents_again(CoordinationSteps& steps, const std::string& entity, const std::string& id,
                           bool moved = false);
json merge_json(const MergeRow& m, int64_t moved);

// places_admin.cpp: central_store.h import_places, reconcile_place,
// publish_program ({"published": bool}).
json import_places(CoordinationSteps& steps, std::string_view csv, const AuditBy& by);
json reconcile_place(CoordinationSteps& steps, const std::string& provisional, const std::string& official,
                     const AuditBy& by);
json publish_program(CoordinationSteps& steps, const json& definition, const AuditBy& by);

}  // namespace yz::sync
