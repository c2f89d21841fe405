#pragma once
// The central database behind yizhen-server (DESIGN.md §5), as an interface:
// the embedded SQLite store implements it now (sqlite_central_store.h);
// PostgreSQL is next. The HTTP API and the admin commands only use this.
//
// Threads: every member may be called from any thread; implementations
// serialise writes (one writer) and let reads run alongside.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"
#include "core/care/places.h"
#include "core/output/export.h"
#include "core/programs/programs.h"
#include "core/queries/summary.h"
#include "sync/server/accounts.h"
#include "sync/server/server_keys.h"

namespace yz::sync {

class CoordinationSteps;  // coordination.h

using json = nlohmann::json;

struct PreparedBatch;  // central_rules.h

struct DeviceInfo {
  std::string device_id, team_id, team_area, name;
  // Its Ed25519 public key (base64): batches are checked with it. Empty for
  // a device enrolled under protocol 1 that has not registered one yet.
  std::string public_key;
  bool revoked = false;
};

// A request the store refuses. `status` is the HTTP status the API answers
// with, `code` the problem's stable word.
// `errors`: the problems behind it, when a record's own rules refused it
// (a quarantined change still refused), which say themselves in both
// languages where what() is English.
class CentralError : public std::runtime_error {
 public:
  CentralError(int status, std::string code, const std::string& what, std::vector<FieldError> errors = {})
      : std::runtime_error(what), status_(status), code_(std::move(code)), errors_(std::move(errors)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  int status_;
  std::string code_;
  std::vector<FieldError> errors_;
};

struct Enrollment {
  DeviceInfo device;
  std::string token;  // shown once, to the device; only its hash (crypto.h token_key) is kept
  std::string team_name;
};

// Who a coordinator's verb is by, for its one audit row: the admin verbs
// pass AuditBy{} ("admin"); the console passes "console:NAME" and the
// client's address (kept in the row's detail), so that a console action is
// one row, the store's, not two. A member that takes one writes its rows as
// `by` and counts them in `rows` (the console writes its own row only for
// an action the store did not audit: refused, or a change of nothing).
struct AuditBy {
  std::string actor = "admin";
  std::string address;  // "" for the admin verbs
  std::string verb;     // the console's word for the action, for a row whose detail names none
  mutable int rows = 0;
};

// How far ahead of the server's own clock a change stamp may be, after the
// sending device's measured skew is taken off (network delay, clock drift).
inline constexpr int64_t kClockAheadMs = 120'000;

// The patient fields a coordinator may correct (edit_patient).
inline constexpr const char* kPatientEditable[] = {"name", "phone", "id_number", "birth_date", "sex", "village_code"};

class CentralStore {
 public:
  virtual ~CentralStore() = default;

  virtual std::string server_id() = 0;
  // What opening the database repaired (stamps from a device's wrong clock
  // that had run ahead of the server's, teams without an area, ...), one
  // line each; empty when nothing needed it.
  virtual std::vector<std::string> repairs() = 0;

  // Teams are server configuration (DESIGN.md §4): the server's own table
  // (srv_team) decides every device's area; the synced team record is only
  // a copy devices read. Names are trimmed and unique by team_name_key.
  //
  // A one-time code for a device of team `team_name`, valid `valid_ms`. A
  // new team needs `area_code` (teams.h is_area_code) and is made with it;
  // for an existing team `area_code` must be empty or its area. Throws
  // CentralError 400: bad_area, area_required, area_differs, name_taken
  // (another team's name differs only by spaces or width: the message names
  // it), bad_name.
  virtual std::string create_enroll_code(const std::string& team_name, const std::string& area_code,
                                         int64_t valid_ms, const AuditBy& by) = 0;
  // Every team: [{"team_id", "name", "area", "devices"}], by name.
  virtual json teams() = 0;
  // Set the area of a team named (or with the id) `team`; its devices pull
  // and push by it from their next contact. Throws CentralError (404
  // no_team, 400 bad_area).
  virtual void set_team_area(const std::string& team, const std::string& area_code) = 0;
  // Rename a team. Throws CentralError (404 no_team, 400 bad_name, 409
  // name_taken).
  virtual void rename_team(const std::string& team, const std::string& new_name) = 0;
  // Console accounts (accounts.h): add one (its password kept as an
  // Argon2id hash), list them [{"name", "role", "area", "created_at",
  // "disabled_at"}] by name, disable one (it signs in no more; kept for the
  // audit), set a new password. Each is audited (actor "admin", or `by`), never the
  // password. Throws CentralError: accounts.h's 400s, 409 name_taken, 404
  // no_account.
  virtual void add_account(const std::string& name, const std::string& role, const std::string& area,
                           const std::string& password, const AuditBy& by) = 0;
  virtual json accounts() = 0;
  virtual void disable_account(const std::string& name, const AuditBy& by) = 0;
  virtual void set_account_password(const std::string& name, const std::string& password) = 0;
  // The account `name` signs in with `password`: its role and area, or
  // nullopt (unknown, disabled or the wrong password: one answer for all).
  virtual std::optional<AccountInfo> sign_in(const std::string& name, const std::string& password) = 0;

  // Use a code: the device gets a fresh random token, and its Ed25519
  // `public_key` (crypto.h, base64) is kept. Throws CentralError (403
  // bad_code: unknown, used or expired; 409 device_exists; 400
  // bad_public_key).
  virtual Enrollment enroll(const std::string& code, const std::string& device_id, const std::string& name,
                            const std::string& public_key) = 0;
  // A device enrolled under protocol 1 (a token, no key pair) registers its
  // Ed25519 public key, once: the same key again changes nothing (a lost
  // answer is retried). Throws CentralError (409 key_exists: it has another
  // key; 400 bad_public_key).
  virtual void register_device_key(const std::string& device_id, const std::string& public_key) = 0;
  // The server's key pairs (server_keys.h): the public halves go to devices
  // at enrollment; the secret ones sign receipts and open batch files.
  virtual const ServerKeys& server_keys() = 0;
  // The device a bearer token belongs to (revoked ones included).
  virtual std::optional<DeviceInfo> device_by_token(const std::string& token) = 0;
  virtual std::optional<DeviceInfo> device_by_id(const std::string& device_id) = 0;
  // Refuse the device from its next contact. False if unknown.
  virtual bool revoke(const std::string& device_id, const AuditBy& by) = 0;

  // Apply a checked batch (batch.h check_batch) from `device` in one
  // transaction and return its signed receipt. Each change is authorised
  // first (docs/sync-protocol.md, "Trust"): one that touches team, device or
  // account records, or another team's staff, is quarantined "not_allowed";
  // one that creates, changes or deletes a record outside the device's team
  // area, "outside_area"; one stamped ahead of the server's clock by more
  // than kClockAheadMs once its device's measured skew is taken off,
  // "stamp_ahead". The server's clock never moves past its own time plus
  // kClockAheadMs. The same batch again returns the stored receipt and
  // changes nothing. The receipt is signed with the server's signing key
  // (batch.h sign_receipt). Throws CentralError (409 batch_conflict: same
  // id, other digest). `source`: "http" or "file".
  // The batch's changes are checked (central_rules.h prepare_batch) before
  // the store's writer is taken, then applied with apply_prepared.
  json apply_batch(const json& batch, const DeviceInfo& device, const std::string& source);
  // The same for a batch prepared before, so that a caller can prepare the
  // next batch while this one is applied; the receipt is the one
  // apply_batch(*batch.batch, batch.device, source) gives. On SQLite the
  // batches of several callers that wait for the writer together are
  // committed in one transaction (group_commit.h); each caller still gets
  // its own receipt or error, and none before the commit. `batch` may be
  // prepared again inside (a batch taken in uses up its prepared changes).
  virtual json apply_prepared(PreparedBatch& batch, const std::string& source) = 0;

  // Up to `limit` changes after `cursor` in the device's team area (its
  // team's own records and staff, and published programs, too):
  // {"server_id", "cursor", "more", "reset", "time_ms", "changes": [...]}.
  // Published programs come as {"entity": "program", "id": "ID@VERSION",
  // "definition": {...}} among the changes.
  virtual json changes_after(const DeviceInfo& device, int64_t cursor, int limit) = 0;

  // Publish a screening program version (core/programs.h format): devices
  // receive it with their next pull. Same id, version and body again: no
  // change (returns false). Throws ValidationError for a bad definition or
  // a changed body under a published id and version.
  bool publish_program(const json& definition);

  // A county's township and village list as CSV (core/care/places.h
  // parse_place_list, checked against the places this store holds and the
  // compiled-in divisions): new places are created, renamed ones renamed,
  // and both published to the devices whose area holds them. Same list
  // again: no change. {"created", "renamed", "unchanged"}. Throws
  // ValidationError at the first bad line; nothing is written then.
  json import_places(std::string_view csv);
  // A coordinator confirms that the provisional place `provisional` (added
  // on a device) is the official `official`: every patient, household and
  // clinic day that uses the provisional code takes the official one, places
  // under it move to it, and the provisional place is deleted — all synced
  // to every device of the area. Again later (a device that was still
  // offline brought more records): those follow too. {"moved": N}.
  // Throws CentralError (400 bad_code, 404 unknown_place, 409 level_mismatch,
  // already_reconciled).
  json reconcile_place(const std::string& provisional, const std::string& official);
  // Duplicate patients (core/queries/duplicates.h has the rule): candidate
  // pairs with at least one patient in `area` (a place code prefix, "" all),
  // best first: [{"score", "reason", "detail", "a_id", "a_name", "a_sex",
  // "a_birth_date", "a_village", "b_id", ...}]; `a` registered first.
  virtual json duplicates(const std::string& area, int limit);
  // A coordinator's merge of `duplicate_id` into `keep_id`, made as server
  // changes that every device of the area receives at its next pull: every
  // encounter, observation, dispense, screening, referral and follow-up of
  // the duplicate points to the kept patient, so do its home visits; the
  // kept patient takes the duplicate's phone, 身份证, household, native name
  // and ethnicity where it has none; the duplicate becomes a tombstone
  // (merged_into: the kept id; its id still opens the kept patient). A
  // record a device adds to the duplicate later is moved when it arrives.
  // Logged (srv_merge) and audited (actor "admin", the reason).
  // {"merge_id", "kept", "duplicate", "moved", "filled"}. Throws
  // CentralError: 400 reason_required, same_patient; 404 unknown_patient;
  // 409 merged (either is a tombstone), deleted.
  json merge_patients(const std::string& keep_id, const std::string& duplicate_id, const std::string& reason,
                      const AuditBy& by);
  // Undo a merge: the tombstone is a patient again and exactly the records
  // the merge moved (and those moved after it, as they arrived) go back —
  // each unless it was changed since. {"merge_id", "restored", "moved_back",
  // "skipped"}. Throws CentralError: 404 unknown_merge; 409 undone, or
  // kept_merged (the kept patient was merged since: undo that first).
  json undo_merge(const std::string& merge_id, const std::string& reason, const AuditBy& by);
  // The merges, newest first: [{"merge_id", "kept", "duplicate", "reason",
  // "at", "moved", "undone_at"}].
  virtual json merges(int limit);

  // Patients of every team (the console's patients page; `admin patient
  // search | show | edit`).
  //
  // core/domain/search.h's search (name, pinyin, initials, 身份证, phone)
  // over the central patient index, which applying changes keeps (as on a
  // device): up to `limit` live patients, best first, [{"id", "name",
  // "name_native", "sex", "birth_date", "id_number", "phone",
  // "village_code"}]. Reads only; not audited (the caller narrows and masks).
  virtual json search_patients(const std::string& query, int limit);
  // core/queries/views.h patient_history of `id` (a merged duplicate's id
  // gives the kept patient's) without the device-side "changes". Reads only:
  // the caller audits the opening. Throws CentralError 404 unknown_patient.
  virtual json patient_history(const std::string& id);
  // A coordinator's correction of a patient's demographic fields
  // (kPatientEditable: name, phone, id_number, birth_date, sex,
  // village_code; null or "" clears an optional one), made as one server
  // change that every device of the area receives at its next pull — the
  // same path merge and resolve take — under the record's own rules
  // (core/care/patient.h prepared_patient_edit, then the rules every change
  // meets). One audit row by `by` (action "update", entity "patient", detail
  // {"verb": "edit", "fields": [names]}: never the values). Returns {"id",
  // "changed": [names]}. Throws ValidationError (a bad value, naming the
  // field: nothing changed), CentralError 400 not_editable (another field)
  // or bad_request (no field), 404 unknown_patient, 409 merged or deleted.
  json edit_patient(const std::string& id, const json& fields, const AuditBy& by);

  // The server's audit trail (core/store/audit_chain.h, the `audit` table):
  // one row per operation — a coordinator's verb (actor "admin") or a
  // device's enrollment, key and batch (actor "device:ID") — each chained to
  // the one before. audit_log: the newest `limit` rows, newest first
  // ({"rid", "at", "actor", "action", "entity", "record_id"?, "detail"?}).
  // verify_audit: the chain recomputed, {"rows", "ok"} plus {"first_bad",
  // "problem"} when a row was removed or changed.
  virtual json audit_log(int limit) = 0;
  virtual json verify_audit() = 0;

  // Coordinators' reports over the records of every team (DESIGN.md §6):
  // core/queries/summary.h's figures for `q` (as_of empty: today), narrowed
  // to one team when `team` (a name or id) is given. report_json's text, or
  // Markdown in `lang` (core/output/report.h). Reads only. Throws
  // CentralError 404 no_team, ValidationError for a bad query.
  virtual std::string report(const std::string& team, ReportQuery q, bool markdown, Lang lang) = 0;
  // The coordinators' lists over every team's patients (core/output/export.h
  // export_screening_list, export_follow_ups; as_of empty: today). Each
  // export is written to the audit (actor "admin", "create" "export" with
  // the list's name: its filters, rows, whether ID numbers were masked). Throws ValidationError for a bad
  // query or --out, nothing written.
  virtual ExportSummary export_screening_list(const ScreeningListQuery& q, ExportFormat format,
                                              const std::string& out, Lang lang, IdNumbers ids, Sheets sheets,
                                              const AuditBy& by) = 0;
  virtual ExportSummary export_follow_ups(WorklistQuery q, ExportFormat format, const std::string& out, Lang lang,
                                          IdNumbers ids, Sheets sheets, const AuditBy& by) = 0;

  // Counts of every record kind, devices, batches, quarantine, conflicts.
  virtual json stats() = 0;
  // Every enrolled device: id, team, name, enrolled/revoked/last seen
  // times (last contact: a batch, or a pull within the minute), last batch
  // seq, how far its clock was from ours at its last batch (clock_skew_ms,
  // positive: ahead), and what arrived from it: batches (by_usb of them
  // from batch files), records (changes sent: applied, unchanged, in
  // conflict or quarantined), applied, quarantined (all) and quarantine_open.
  virtual json devices() = 0;
  // What arrived per day (China Standard Time, as every date) and team over
  // the last `days` days: [{"date", "team", "batches", "records", "applied",
  // "quarantined"}] by date then team (`admin arrivals`, a chart's data).
  virtual json arrivals(int days) = 0;
  // The open conflicts, newest first: [{"conflict_id", "entity", "id",
  // "field", "kept", "kept_hlc", "other", "other_hlc", "at"}]; with
  // `closed`, the closed ones too, each with "closed_at" and "resolution"
  // ({"by", "value", "hlc", "reason"?}, or the later edit that superseded
  // both values).
  virtual json conflicts(int limit, bool closed) = 0;
  virtual json quarantine(int limit) = 0;
  // The coordinators' side of conflicts and quarantine (docs/sync-protocol.md
  // §10, §10.1). Each verb is a server change made like any other (stamped
  // with the server's clock, fed to the devices of the record's area) and
  // one audit row (actor "admin", action "update", detail {"verb", ...}).
  //
  // Resolve the open conflict `conflict_id` (its "conflict_id" in
  // conflicts()): the record's field becomes `value` (text; JSON for list
  // and object fields), validated like any change; the row closes with
  // {"by": "admin", "value", "hlc", "reason"?}. A status moved where its
  // transition table does not go (core/care/transitions.h, e.g. a referral
  // back from "lost") needs a `reason`. Returns {"conflict_id", "entity",
  // "id", "field", "value", "hlc"}. Throws ValidationError (a bad value:
  // nothing changed) or CentralError (404 no_conflict, not_found; 409
  // closed, deleted; 400 reason_required).
  json resolve_conflict(int64_t conflict_id, const std::string& value, const std::string& reason,
                        const AuditBy& by);
  // Correct the status of a referral or follow-up to `status`, backwards
  // too; `reason` is required and goes to the audit. Returns {"entity",
  // "id", "field", "from", "value", "hlc"}. Throws as resolve_conflict (400
  // bad_entity for another kind).
  json correct_status(const std::string& entity, const std::string& id, const std::string& status,
                      const std::string& reason);
  // Apply the kept change of the open quarantine row `quarantine_id` again,
  // authorised for its device as it is now (after a coordinator imported a
  // missing place, widened the team's area, ...). Applied: the row closes
  // "retried" (the device learns it at its next pull) and {"quarantine_id",
  // "entity", "id", "outcome", "status"} comes back. Throws CentralError
  // (404 no_quarantine; 409 closed, not_kept, still_refused with the
  // reason); nothing changes then.
  json retry_quarantined(int64_t quarantine_id, const AuditBy& by);
  // retry_quarantined for each of the rows `ids` in turn (a team's area
  // widened: all its refused changes at once; every open one:
  // open_quarantine_ids()), each in its own transaction. Returns
  // {"retried": n, "left": m}: the rows still refused (or not kept whole,
  // of a device no longer enrolled, closed meanwhile) stay as they are.
  // Throws what retry_quarantined throws otherwise (the rows retried before
  // stay retried).
  json retry_quarantined(const std::vector<int64_t>& ids, const AuditBy& by);
  // The ids of the open quarantine rows, oldest first.
  virtual std::vector<int64_t> open_quarantine_ids() = 0;
  // Close the open quarantine row `quarantine_id` "discarded" with `reason`
  // (required): the change is dropped; its device learns it at its next
  // pull. Throws CentralError (404 no_quarantine; 409 closed; 400
  // reason_required).
  json discard_quarantined(int64_t quarantine_id, const std::string& reason, const AuditBy& by);

  // The coordinators' web console (sync/server/console_api.h). Sessions are
  // kept only by `key`, the hash of the cookie's token (crypto.h token_key):
  // the token itself never reaches the database.
  //
  // Open a session of the account `account` (a name sign_in accepted) from
  // `address`; sessions idle longer than `idle_ms` are forgotten here too.
  virtual void open_console_session(const std::string& key, const std::string& account, const std::string& address,
                                    int64_t idle_ms);
  // The account of the session `key` as it is now (a disabled account has
  // no session), or nullopt: unknown, or idle longer than `idle_ms` (then
  // forgotten). A use moves its idle time on.
  virtual std::optional<AccountInfo> console_session(const std::string& key, int64_t idle_ms);
  // Forget the session `key` (logout); unknown: nothing.
  virtual void close_console_session(const std::string& key);
  // One row of the server's audit for a console request: actor
  // "console:ACCOUNT" (or "console" before sign-in), `action` one of the
  // audit's (create, update, delete, import), `detail` with the client's
  // "address" added. Never a password, token or patient data in `detail`.
  virtual void audit_console(const std::string& account, const std::string& address, const std::string& action,
                             const std::string& entity, const std::string& record_id, const json& detail);
  // The place code a record belongs to (its village, clinic day's place,
  // ...: the area rule that pull and authorisation use), "-" for team-wide
  // records, "" for an unknown record. A coordinator's console sees a
  // record when teams.h area_covers(their area, this).
  virtual std::string record_area(const std::string& entity, const std::string& id);
  // What a person knows each record by (central_rules.h record_gist: its
  // patient's name and village, its date), read as record_area reads it,
  // in the order given; a record's `fields` (a quarantined change's, or
  // null) win over the record as held. {} for an unknown kind or record.
  struct GistOf {
    std::string entity, id;
    const json* fields = nullptr;
  };
  virtual std::vector<json> record_gists(const std::vector<GistOf>& records) = 0;
  // The screening program `id` of `version` as this store knows it (built
  // in or published), or nullptr: its name and grades in words.
  virtual ProgramPtr program(const std::string& id, int version) = 0;
  // The name of each place code this store knows (core/care/places.h
  // place_names: a place record's, else the compiled-in division's).
  virtual std::map<std::string, std::string> place_names(const std::vector<std::string>& codes) = 0;
  // The latest version of every screening program this store knows (built
  // in or published), by id.
  virtual std::vector<ProgramPtr> programs() = 0;

 protected:
  // Runs `decide` (one of coordination.h's decisions, which the
  // coordinators' members above call: resolve_conflict ... discard_quarantined,
  // merge_patients, undo_merge, edit_patient, import_places, reconcile_place,
  // publish_program; coordination.cpp, patient_merges.cpp and
  // places_admin.cpp define them) in one write
  // transaction of this store, with the store's steps; its answer comes
  // back. Throwing rolls the transaction back.
  virtual json coordinate(const std::function<json(CoordinationSteps&)>& decide);
};

inline json CentralStore::search_patients(const std::string&, int) {
  throw CentralError(501, "not_supported", "this central store cannot search patients");
}
inline json CentralStore::patient_history(const std::string&) {
  throw CentralError(501, "not_supported", "this central store cannot show patients");
}
inline json CentralStore::coordinate(const std::function<json(CoordinationSteps&)>&) {
  throw CentralError(501, "not_supported", "this central store cannot decide on conflicts or quarantined changes");
}
inline json CentralStore::duplicates(const std::string&, int) {
  throw CentralError(501, "not_supported", "this central store cannot list duplicates");
}
inline json CentralStore::merges(int) {
  throw CentralError(501, "not_supported", "this central store cannot list merges");
}
inline void CentralStore::open_console_session(const std::string&, const std::string&, const std::string&, int64_t) {
  throw CentralError(501, "not_supported", "this central store has no console sessions");
}
inline std::optional<AccountInfo> CentralStore::console_session(const std::string&, int64_t) { return std::nullopt; }
inline void CentralStore::close_console_session(const std::string&) {}
inline void CentralStore::audit_console(const std::string&, const std::string&, const std::string&, const std::string&,
                                        const std::string&, const json&) {
  throw CentralError(501, "not_supported", "this central store cannot audit console requests");
}
inline std::string CentralStore::record_area(const std::string&, const std::string&) {
  throw CentralError(501, "not_supported", "this central store cannot tell a record's area");
}

// The embedded SQLite central store at `path` (created if missing), with
// its key file server_keys_path(path). The key file is made with the
// database, and later only while no enrolled device holds the server's
// keys: once one does, a missing or unreadable key file is an error
// (std::runtime_error naming it), never a silent new key.
std::unique_ptr<CentralStore> open_sqlite_central_store(const std::string& path);

}  // namespace yz::sync
