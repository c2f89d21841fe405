// The embedded SQLite central store. It holds the same record tables as a
// device (core/schema.cpp) and applies changes with the same merge
// (core/changes.h), plus the server's own tables (srv_*) created here:
// enrollment codes, devices, received batches with their receipts, and the
// feed that pull reads. SQL lives here rather than in core/ because it is
// the server's alone (DESIGN.md §3 places the central store in sync/).
//
// One writer connection (the Store) behind a mutex; pulls and stats read
// through per-thread reader connections that never checkpoint.

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <mutex>
#include <span>
#include <string_view>

#include "core/care/patient.h"
#include "core/care/places.h"
#include "core/care/transitions.h"
#include "core/domain/places.h"
#include "core/replication/changes.h"
#include "core/base/clock.h"
#include "core/store/entities.h"
#include "core/base/errors.h"
#include "core/base/hlc.h"
#include "core/programs/programs.h"
#include "core/store/audit_chain.h"
#include "core/store/password_hash.h"
#include "core/store/rules.h"
#include "core/store/records.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "core/base/utf8.h"
#include "core/base/uuid.h"
#include "core/domain/validate.h"
#include "core/domain/search.h"
#include "core/queries/duplicates.h"
#include "core/queries/views.h"
#include "core/output/report.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/crypto.h"
#include "sync/server/central_rules.h"
#include "sync/server/central_store.h"
#include "sync/server/console_session.h"
#include "sync/server/coordination.h"
#include "sync/server/group_commit.h"
#include "sync/server/pg_migrate_sqlite.h"
#include "sync/server/teams.h"

namespace yz::sync {

namespace {

constexpr const char* kServerSchema = R"SQL(
CREATE TABLE IF NOT EXISTS srv_enroll_code (
  code_key TEXT PRIMARY KEY, team_id TEXT NOT NULL, created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL, used_ms INTEGER, device_id TEXT);
-- key: the hash of the device's bearer token (crypto.h token_key), for
-- lookup only; sign_key: its Ed25519 public key ('' for a device enrolled
-- under protocol 1 that has not registered one yet).
CREATE TABLE IF NOT EXISTS srv_device (
  device_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
  enrolled_ms INTEGER NOT NULL, revoked_ms INTEGER, last_seen_ms INTEGER, last_seq INTEGER NOT NULL DEFAULT 0,
  clock_skew_ms INTEGER, sign_key TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS srv_batch (
  batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, seq INTEGER NOT NULL, digest TEXT NOT NULL,
  receipt TEXT NOT NULL, received_ms INTEGER NOT NULL, source TEXT NOT NULL);
-- The latest change of each record, in the order the server made it: pull
-- reads it after a cursor. `area` is the place code the record belongs to
-- ('' for team-wide records), `echo_device` the device whose change left the
-- record exactly as that device holds it (it need not be sent back).
CREATE TABLE IF NOT EXISTS srv_feed (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, record_id TEXT NOT NULL,
  area TEXT NOT NULL, team_id TEXT, echo_device TEXT, UNIQUE (entity, record_id));
-- Teams as the server's configuration: the only source of a device's area
-- (the synced team record is a copy devices read). name_key: teams.h
-- team_name_key; area: an area code, or '' (nothing) for a team made before
-- areas were required, until a coordinator sets one.
CREATE TABLE IF NOT EXISTS srv_team (
  team_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, area TEXT NOT NULL DEFAULT '');
-- A coordinator's decision on a quarantined change (retried, discarded)
-- moves a feed row (entity 'quarantine', record_id its rid, no area, no team:
-- no device pulls it as a record) so its device learns it at the next pull.
CREATE INDEX IF NOT EXISTS srv_feed_quarantine ON srv_feed(seq) WHERE entity = 'quarantine';
-- Console accounts (accounts.h): pw_hash is Argon2id (crypto_pwhash_str).
CREATE TABLE IF NOT EXISTS srv_account (
  name_key TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, area TEXT NOT NULL DEFAULT '',
  pw_hash TEXT NOT NULL, created_ms INTEGER NOT NULL, disabled_ms INTEGER);
-- Console sessions (console_api.h): key is the hash of the cookie's token
-- (crypto.h token_key), never the token; last_ms moves with each use.
CREATE TABLE IF NOT EXISTS srv_console_session (
  key TEXT PRIMARY KEY, account_key TEXT NOT NULL, address TEXT NOT NULL, created_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL);
-- The merge log (central_store.h merge_patients): one row per merge, and
-- one per field of a record it moved (or filled on the kept patient), with
-- the value before and after as JSON, so that undo_merge moves back
-- exactly those.
CREATE TABLE IF NOT EXISTS srv_merge (merge_id TEXT PRIMARY KEY, keep_id TEXT NOT NULL,
  duplicate_id TEXT NOT NULL, reason TEXT NOT NULL, at_ms INTEGER NOT NULL, undone_ms INTEGER);
CREATE INDEX IF NOT EXISTS srv_merge_duplicate ON srv_merge(duplicate_id);
CREATE TABLE IF NOT EXISTS srv_merge_move (merge_id TEXT NOT NULL, entity TEXT NOT NULL,
  record_id TEXT NOT NULL, field TEXT NOT NULL, was TEXT NOT NULL, set_to TEXT NOT NULL,
  PRIMARY KEY (merge_id, entity, record_id, field));
-- Provisional places reconciled with official ones (reconcile_place).
CREATE TABLE IF NOT EXISTS srv_place_reconcile (provisional TEXT PRIMARY KEY, official TEXT NOT NULL,
  at_ms INTEGER NOT NULL);
)SQL";

std::string digits13(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%013lld", static_cast<long long>(ms));
  return buf;
}

int64_t now_ms() { return SystemClock().now_ms(); }

class SqliteCentralStore : public CentralStore {
 public:
  explicit SqliteCentralStore(const std::string& path)
      : path_(path), repairs_(repair_clocks(path)), store_(open_store(path, options())) {
    store_.db().exec(kServerSchema);
    migrate_devices();
    migrate_teams();
    // New keys only while no device holds the old ones (central_store.h).
    keys_ = load_server_keys(server_keys_path(path),
                             store_.db().execAndGet("SELECT count(*) FROM srv_device WHERE sign_key != ''").getInt64() == 0);
  }

  const ServerKeys& server_keys() override { return keys_; }

  std::string server_id() override { return store_.device_id(); }
  std::vector<std::string> repairs() override { return repairs_; }

  std::string create_enroll_code(const std::string& team_name, const std::string& area_code, int64_t valid_ms,
                                 const AuditBy& by) override {
    const std::string name = checked_team_name(team_name);
    if (!area_code.empty() && !is_area_code(area_code)) throw bad_area(area_code);
    std::lock_guard lock(mu_);
    const std::string code = random_enroll_code();
    write([&](SQLite::Database& db) {
      std::string team_id = enroll_code_team(team_by_key(db, team_name_key(name)), name, area_code);
      if (team_id.empty()) {
        team_id = ids_.next(now_ms());
        create_here(db, "team", team_id, {{"name", name}, {"area_code", area_code}}, team_id);
        SQLite::Statement ins(db, "INSERT INTO srv_team (team_id, name, name_key, area) VALUES (?, ?, ?, ?)");
        ins.bind(1, team_id);
        ins.bind(2, name);
        ins.bind(3, team_name_key(name));
        ins.bind(4, area_code);
        ins.exec();
      }
      SQLite::Statement ins(db,
                            "INSERT INTO srv_enroll_code (code_key, team_id, created_ms, expires_ms) "
                            "VALUES (?, ?, ?, ?)");
      ins.bind(1, token_key(normalized_enroll_code(code)));
      ins.bind(2, team_id);
      ins.bind(3, now_ms());
      ins.bind(4, now_ms() + valid_ms);
      ins.exec();
      audit(db, by, "create", "enroll_code", team_id, {{"team", name}, {"valid_ms", valid_ms}});
    });
    return code;
  }

  json teams() override {
    SQLite::Database& db = reader();
    SQLite::Statement st(db,
                         "SELECT t.team_id, t.name, t.area, (SELECT count(*) FROM srv_device d WHERE d.team_id = "
                         "t.team_id AND d.revoked_ms IS NULL) FROM srv_team t ORDER BY t.name");
    json out = json::array();
    while (st.executeStep())
      out.push_back({{"team_id", st.getColumn(0).getString()},
                     {"name", st.getColumn(1).getString()},
                     {"area", st.getColumn(2).getString()},
                     {"devices", st.getColumn(3).getInt64()}});
    return out;
  }

  void set_team_area(const std::string& team, const std::string& area_code) override {
    if (!is_area_code(area_code)) throw bad_area(area_code);
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) {
      const TeamRow t = find_team(db, team);
      SQLite::Statement up(db, "UPDATE srv_team SET area = ? WHERE team_id = ?");
      up.bind(1, area_code);
      up.bind(2, t.team_id);
      up.exec();
      update_here(db, "team", t.team_id, {{"area_code", area_code}}, t.team_id);
      audit(db, kAdmin, "update", "team", t.team_id, {{"area", area_code}, {"was", t.area}});
    });
  }

  void rename_team(const std::string& team, const std::string& new_name) override {
    const std::string name = checked_team_name(new_name);
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) {
      const TeamRow t = find_team(db, team);
      if (auto other = team_by_key(db, team_name_key(name)); other && other->team_id != t.team_id)
        throw CentralError(409, "name_taken", "a team named \"" + other->name + "\" exists");
      SQLite::Statement up(db, "UPDATE srv_team SET name = ?, name_key = ? WHERE team_id = ?");
      up.bind(1, name);
      up.bind(2, team_name_key(name));
      up.bind(3, t.team_id);
      up.exec();
      update_here(db, "team", t.team_id, {{"name", name}}, t.team_id);
      audit(db, kAdmin, "update", "team", t.team_id, {{"name", name}, {"was", t.name}});
    });
  }

  void add_account(const std::string& name, const std::string& role, const std::string& area,
                   const std::string& password, const AuditBy& by) override {
    const std::string n = checked_account(name, role, area);
    check_password(password);
    const std::string hash = argon2id_hash(password);  // outside the writer's lock: it takes a few tenths of a second
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) {
      SQLite::Statement taken(db, "SELECT name FROM srv_account WHERE name_key = ?");
      taken.bind(1, account_name_key(n));
      if (taken.executeStep())
        throw CentralError(409, "name_taken", "--name: an account named " + taken.getColumn(0).getString() + " exists");
      SQLite::Statement ins(db, "INSERT INTO srv_account (name_key, name, role, area, pw_hash, created_ms) "
                                "VALUES (?, ?, ?, ?, ?, ?)");
      ins.bind(1, account_name_key(n));
      ins.bind(2, n);
      ins.bind(3, role);
      ins.bind(4, area);
      ins.bind(5, hash);
      ins.bind(6, now_ms());
      ins.exec();
      audit(db, by, "create", "account", n, {{"role", role}, {"area", area}});
    });
  }

  json accounts() override {
    SQLite::Statement st(reader(), "SELECT name, role, area, created_ms, disabled_ms FROM srv_account ORDER BY name");
    json out = json::array();
    while (st.executeStep())
      out.push_back({{"name", st.getColumn(0).getString()},
                     {"role", st.getColumn(1).getString()},
                     {"area", st.getColumn(2).getString()},
                     {"created_at", datetime_of_ms(st.getColumn(3).getInt64())},
                     {"disabled_at", st.getColumn(4).isNull() ? json(nullptr) : json(datetime_of_ms(st.getColumn(4).getInt64()))}});
    return out;
  }

  void disable_account(const std::string& name, const AuditBy& by) override {
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) {
      const std::string n = account_named(db, name);
      SQLite::Statement up(db, "UPDATE srv_account SET disabled_ms = coalesce(disabled_ms, ?) WHERE name_key = ?");
      up.bind(1, now_ms());
      up.bind(2, account_name_key(n));
      up.exec();
      audit(db, by, "update", "account", n, {{"disabled", true}});
    });
  }

  void set_account_password(const std::string& name, const std::string& password) override {
    check_password(password);
    const std::string hash = argon2id_hash(password);
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) {
      const std::string n = account_named(db, name);
      SQLite::Statement up(db, "UPDATE srv_account SET pw_hash = ? WHERE name_key = ?");
      up.bind(1, hash);
      up.bind(2, account_name_key(n));
      up.exec();
      audit(db, "admin", "update", "account", n, {{"password", "changed"}});
    });
  }

  std::optional<AccountInfo> sign_in(const std::string& name, const std::string& password) override {
    SQLite::Statement st(reader(), "SELECT name, role, area, pw_hash, disabled_ms FROM srv_account WHERE name_key = ?");
    st.bind(1, account_name_key(trim(name)));
    if (!st.executeStep() || !st.getColumn(4).isNull()) {
      // As long for an unknown name as for a wrong password: a hash no password matches.
      static const std::string dummy = argon2id_hash("no account has this password");
      argon2id_matches(dummy, password);
      return std::nullopt;
    }
    if (!argon2id_matches(st.getColumn(3).getString(), password)) return std::nullopt;
    return AccountInfo{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(), false};
  }

  Enrollment enroll(const std::string& code, const std::string& device_id, const std::string& name,
                    const std::string& public_key) override {
    if (!is_uuid(device_id)) throw CentralError(400, "bad_device_id", "device_id must be a UUID");
    if (!is_signing_public_key(public_key))
      throw CentralError(400, "bad_public_key", "public_key must be an Ed25519 public key (32 bytes, base64)");
    std::lock_guard lock(mu_);
    Enrollment out;
    write([&](SQLite::Database& db) {
      SQLite::Statement q(db,
                          "SELECT team_id, expires_ms, used_ms IS NOT NULL FROM srv_enroll_code WHERE code_key = ?");
      q.bind(1, token_key(normalized_enroll_code(code)));
      if (!q.executeStep() || q.getColumn(2).getInt() != 0 || q.getColumn(1).getInt64() < now_ms())
        throw CentralError(403, "bad_code", "the enrollment code is unknown, used or expired");
      const std::string team_id = q.getColumn(0).getString();
      q.reset();
      // A revoked device may be enrolled again (a new token, maybe a new
      // team); a live one must be revoked first.
      if (auto existing = find_device(db, "device_id", device_id)) {
        if (!existing->revoked)
          throw CentralError(409, "device_exists", "this device is already enrolled; a coordinator must revoke it first");
        SQLite::Statement del(db, "DELETE FROM srv_device WHERE device_id = ?");
        del.bind(1, device_id);
        del.exec();
      }
      out.token = random_token(32);
      const std::string key = token_key(out.token);
      SQLite::Statement ins(db,
                            "INSERT INTO srv_device (device_id, team_id, name, key, enrolled_ms, sign_key) "
                            "VALUES (?, ?, ?, ?, ?, ?)");
      ins.bind(1, device_id);
      ins.bind(2, team_id);
      const std::string short_name = name.substr(0, 100);
      ins.bind(3, short_name);
      ins.bind(4, key);
      ins.bind(5, now_ms());
      ins.bind(6, public_key);
      ins.exec();
      SQLite::Statement use(db, "UPDATE srv_enroll_code SET used_ms = ?, device_id = ? WHERE code_key = ?");
      use.bind(1, now_ms());
      use.bind(2, device_id);
      use.bind(3, token_key(normalized_enroll_code(code)));
      use.exec();
      create_here(db, "device", device_id,
                  {{"team_id", team_id},
                   {"name", short_name.empty() ? device_id.substr(0, 8) : short_name},
                   {"enrolled_at", datetime_of_ms(now_ms())}},
                  team_id);
      out.device = *find_device(db, "device_id", device_id);
      audit(db, device_actor(device_id), "create", "device", device_id, {{"team_id", team_id}, {"name", short_name}});
      SQLite::Statement t(db, "SELECT name FROM srv_team WHERE team_id = ?");
      t.bind(1, team_id);
      if (t.executeStep()) out.team_name = t.getColumn(0).getString();
    });
    return out;
  }

  void register_device_key(const std::string& device_id, const std::string& public_key) override {
    if (!is_signing_public_key(public_key))
      throw CentralError(400, "bad_public_key", "public_key must be an Ed25519 public key (32 bytes, base64)");
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) {
      const auto d = find_device(db, "device_id", device_id);
      if (!d) throw CentralError(404, "unknown_device", "this device is not enrolled");
      if (d->public_key == public_key) return;
      if (!d->public_key.empty())
        throw CentralError(409, "key_exists", "this device already has a signing key; a coordinator must enroll it again");
      SQLite::Statement up(db, "UPDATE srv_device SET sign_key = ? WHERE device_id = ?");
      up.bind(1, public_key);
      up.bind(2, device_id);
      up.exec();
      audit(db, device_actor(device_id), "update", "device", device_id, {{"sign_key", "registered"}});
    });
  }

  std::optional<DeviceInfo> device_by_token(const std::string& token) override {
    return find_device(reader(), "key", token_key(token));
  }

  std::optional<DeviceInfo> device_by_id(const std::string& device_id) override {
    return find_device(reader(), "device_id", device_id);
  }

  bool revoke(const std::string& device_id, const AuditBy& by) override {
    std::lock_guard lock(mu_);
    bool found = false;
    write([&](SQLite::Database& db) {
      SQLite::Statement st(db, "UPDATE srv_device SET revoked_ms = ? WHERE device_id = ? AND revoked_ms IS NULL");
      st.bind(1, now_ms());
      st.bind(2, device_id);
      const bool revoked_now = st.exec() > 0;
      found = find_device(db, "device_id", device_id).has_value();
      if (revoked_now) audit(db, by, "update", "device", device_id, {{"revoked", true}});
    });
    return found;
  }

  json apply_prepared(PreparedBatch& prepared, const std::string& source) override {
    // Signed by the caller's thread once its group is written, so that the
    // next group does not wait for the signatures.
    return signed_receipt(group_commit_.submit(prepared, source));
  }

  // GroupCommit's run: the batches that waited together are taken in, in
  // the order they came, in one transaction (one durable commit). If one of
  // them fails, none is committed that way; each is then taken in in a
  // transaction of its own, so that only the failing one gets the error.
  // Each job gets its receipt unsigned (apply_prepared signs it).
  void apply_group(std::span<GroupCommit::Job* const> jobs) {
    std::lock_guard lock(mu_);
    if (jobs.size() > 1) {
      try {
        std::vector<json> receipts;
        write([&](SQLite::Database& db) {
          receipts.clear();
          for (GroupCommit::Job* j : jobs) receipts.push_back(take_in_batch(db, *j->batch, *j->source));
        });
        for (size_t i = 0; i < jobs.size(); ++i) jobs[i]->receipt = std::move(receipts[i]);
        return;
      } catch (...) {
        // Each on its own, below, prepared again: taking a batch in uses
        // up its prepared changes (take_in_prepared).
        for (GroupCommit::Job* j : jobs) {
          PreparedBatch& p = *j->batch;
          p = prepare_batch(*p.batch, p.device, p.received_ms, server_id());
        }
      }
    }
    for (GroupCommit::Job* j : jobs) {
      try {
        json receipt;
        write([&](SQLite::Database& db) { receipt = take_in_batch(db, *j->batch, *j->source); });
        j->receipt = std::move(receipt);
      } catch (...) {
        j->error = std::current_exception();
      }
    }
  }

  // The store's date (Store::today), for a read that runs beside the
  // writer: Store::today reads a setting through the writer connection,
  // which one thread at a time may use (the writer has no mutex of its own).
  std::string today() {
    std::lock_guard lock(mu_);
    return store_.today();
  }

  // Signed as it leaves: a receipt stored before is signed again with the
  // server's current key.
  json signed_receipt(json receipt) const {
    sign_receipt(receipt, keys_.sign.secret_key);
    return receipt;
  }

  // One batch taken in, inside the writer's transaction: its unsigned
  // receipt, stored (or the one stored before, for the same batch again).
  json take_in_batch(SQLite::Database& db, PreparedBatch& prepared, const std::string& source) {
    const json& batch = *prepared.batch;
    const DeviceInfo& device = prepared.device;
    const std::string batch_id = batch["batch_id"].get<std::string>();
    const std::string digest = batch["digest"].get<std::string>();
    const int64_t received = prepared.received_ms;
    json receipt;
    {
      SQLite::Statement q(db, "SELECT digest, receipt FROM srv_batch WHERE batch_id = ?");
      q.bind(1, batch_id);
      if (q.executeStep()) {
        if (q.getColumn(0).getString() != digest)
          throw CentralError(409, "batch_conflict", "a different batch with this id was received before");
        receipt = json::parse(q.getColumn(1).getString());
        receipt.erase("mac");  // stored by earlier versions signed
        return receipt;
      }
    }
    // Kept from batch to batch, with its statements prepared.
    if (applier_) applier_->restart(date_of_ms(received), received);
    else applier_ = std::make_unique<ChangeApplier>(db, date_of_ms(received), received);
    ChangeApplier& applier = *applier_;
    int64_t applied = 0, unchanged = 0, conflicts = 0;
    QuarantineResolver quarantine(db);
    quarantine.only(prepared.id_lists);
    moved_.clear();
    // follow_merges has nothing to follow while no patient is merged
    // (a batch merges none): one look per batch, on a partial index.
    const bool merged_patients =
        db.execAndGet("SELECT EXISTS (SELECT 1 FROM patient WHERE merged_into IS NOT NULL)").getInt() != 0;
    json quarantined = json::array();
    const int64_t ceiling = prepared.ceiling;
    const int64_t skew = prepared.skew;
    auto set_aside = [&](const std::string& entity, const std::string& id, const std::vector<FieldError>& errors,
                         const json& change) {
      const json errs = errors_json(kept_errors(errors));
      // A later change of the record in this batch resolves it.
      const std::string kept = kept_change(change);
      quarantine.record(batch_id, device.device_id, entity, id, errs, std::optional<std::string_view>(kept), received);
      quarantined.push_back({{"entity", entity}, {"id", id}, {"errors", errs}});
    };
    Held held(*this, db);
    held.prefetch(prepared);
    std::vector<std::pair<std::string, std::string>> team_only;  // fed "its team only" (below)
    std::vector<std::pair<std::string, std::string>> held_at_last;  // set aside before, taken now (below)
    for (PreparedChange& p : prepared.changes) {
      const json& sent = *p.sent;
      held.take_in(p.entity, p.id);
      // Its fields are the sent ones (rebasing changes stamps only).
      std::string area_as_sent;  // read by the trust rules; a record inserted now is fed in it
      ApplyOutcome o = take_in_prepared(
          held, device, p,
          [&](CheckedChange& c, ApplyOutcome checked) { return applier.apply(c, std::move(checked)); },
          &area_as_sent);
      if (o.status == ApplyOutcome::Status::quarantined) {
        applier.release();
        set_aside(o.entity, o.id, o.errors, sent);
        continue;
      }
      // What the record holds now, when the change says it exactly.
      if (o.status == ApplyOutcome::Status::inserted || o.same_as_change)
        held.stored_as(o.entity, o.id, p.checked->fields);
      else if (o.status != ApplyOutcome::Status::unchanged)
        held.changed(o.entity, o.id);
      conflicts += static_cast<int64_t>(o.conflicts.size());
      if (quarantine.resolve(o.entity, o.id, received) && is_area_parent(o.entity))
        held_at_last.emplace_back(o.entity, o.id);
      if (auto h = Hlc::parse(o.max_hlc); h && h->wall_ms <= ceiling) store_.observe(*h);
      if (o.status == ApplyOutcome::Status::unchanged) {
        ++unchanged;
        continue;
      }
      ++applied;
      if (o.status == ApplyOutcome::Status::inserted) held.inserted(o.entity, o.id);
      const auto fields = sent.find("fields");
      const bool inserted = o.status == ApplyOutcome::Status::inserted && fields != sent.end();
      // Inserted: its area as the trust rules read it from the same fields
      // just before (taking the change in wrote only its own record).
      if (feed(db, o.entity, o.id, device.team_id, o.same_as_change ? device.device_id : std::string(),
               inserted ? &*fields : nullptr, &held, inserted ? area_as_sent : std::string()) == kTeamOnly)
        team_only.emplace_back(o.entity, o.id);
      if (!merged_patients) continue;
      held.done();  // follow_merges may change other records
      Steps steps(*this, db);
      yz::sync::follow_merges(steps, o.entity, o.id);
    }
    // A record fed "its team only" because its patient (household, clinic
    // day) came later in this batch takes the area it has at the end, as
    // on PostgreSQL; no device has pulled the batch's feed rows yet.
    // No change is taken in any more: what was read and known of the
    // records stays true (as if a change of no record came).
    held.take_in({}, {});
    for (const auto& [entity, id] : team_only)
      if (const std::string area = area_of(db, entity, id, nullptr, &held); area != kTeamOnly) {
        auto& up = cached(db, "UPDATE srv_feed SET area = ? WHERE entity = ? AND record_id = ?");
        up.bind(1, area);
        up.bind(2, entity);
        up.bind(3, id);
        up.exec();
      }
    // A patient (household, clinic day) set aside in an earlier batch and
    // taken now: what was taken "team only" meanwhile goes to its area;
    // one that moved takes what follows it along.
    if (!held_at_last.empty() || !moved_.empty()) {
      held.done();
      Steps steps(*this, db);
      for (const auto& [entity, id] : held_at_last) yz::sync::feed_dependents_again(steps, entity, id);
      feed_moved(db);
    }
    applier.release();
    quarantine.release();
    release();
    receipt = batch_receipt(batch, device.device_id, server_id(), received, applied, unchanged, conflicts, quarantined);
    SQLite::Statement ins(db,
                          "INSERT INTO srv_batch (batch_id, device_id, seq, digest, receipt, received_ms, source) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, batch_id);
    ins.bind(2, device.device_id);
    ins.bind(3, batch["seq"].get<int64_t>());
    ins.bind(4, digest);
    ins.bind(5, receipt.dump());
    ins.bind(6, received);
    ins.bind(7, source);
    ins.exec();
    // How far the device's clock is from ours, for coordinators to see.
    SQLite::Statement dev(db,
                          "UPDATE srv_device SET last_seen_ms = ?, last_seq = max(last_seq, ?), clock_skew_ms = ? "
                          "WHERE device_id = ?");
    dev.bind(1, received);
    dev.bind(2, batch["seq"].get<int64_t>());
    dev.bind(3, skew);
    dev.bind(4, device.device_id);
    dev.exec();
    audit(db, device_actor(device.device_id), "import", "batch", batch_id,
          batch_audit_detail(batch, source, applied, unchanged, conflicts, quarantined));
    return receipt;
  }

  json changes_after(const DeviceInfo& device, int64_t cursor, int limit) override {
    note_contact(device.device_id, now_ms());
    SQLite::Database& db = reader();
    // One read transaction: the feed and the records it names are one snapshot.
    db.exec("BEGIN");
    struct End {
      SQLite::Database& db;
      ~End() {
        try {
          db.exec("COMMIT");
        } catch (...) {
        }
      }
    } end{db};
    const int64_t max_seq = db.execAndGet("SELECT coalesce(max(seq), 0) FROM srv_feed").getInt64();
    json out = {{"server_id", server_id()}, {"reset", false}, {"time_ms", now_ms()}};
    if (cursor < 0 || cursor > max_seq) {
      cursor = 0;  // a cursor we never gave out: start again from the beginning
      out["reset"] = true;
    }
    // Published programs (area ''), records in the team's area (an empty
    // area holds nothing), and what the team itself made or owns.
    SQLite::Statement st(db,
                         "SELECT seq, entity, record_id, echo_device FROM srv_feed WHERE seq > ?1 AND "
                         "(area = '' OR (?2 <> '' AND substr(area, 1, length(?2)) = ?2) OR team_id = ?3) "
                         "ORDER BY seq LIMIT ?4");
    st.bind(1, cursor);
    st.bind(2, device.team_area);
    st.bind(3, device.team_id);
    st.bind(4, limit);
    const int64_t first = cursor;
    ChangeReader records(db);
    json changes = json::array();
    int rows = 0;
    int64_t last = cursor;
    while (st.executeStep()) {
      ++rows;
      last = st.getColumn(0).getInt64();
      if (!st.getColumn(3).isNull() && st.getColumn(3).getString() == device.device_id) continue;
      if (st.getColumn(1).getString() == "program") {
        if (auto p = program_of(db, st.getColumn(2).getString()))
          changes.push_back({{"entity", "program"}, {"id", st.getColumn(2).getString()}, {"definition", p->definition}});
        continue;
      }
      const EntitySpec* spec = find_entity(st.getColumn(1).getString());
      if (!spec) continue;
      if (auto c = records.read(*spec, st.getColumn(2).getString())) changes.push_back(std::move(*c));
    }
    records.release();
    // Past the last row this device may see, the cursor can jump to the end.
    if (rows < limit) last = max_seq;
    out["cursor"] = last;
    out["more"] = rows == limit;
    out["changes"] = std::move(changes);
    // What coordinators decided on this device's quarantined changes, in
    // the span of the feed this page covers (docs/sync-protocol.md §10.1).
    SQLite::Statement decided(db,
                              "SELECT q.batch_id, q.entity, q.record_id, q.outcome, coalesce(q.note, ''), q.resolved_ms "
                              "FROM srv_feed f JOIN quarantine q ON q.rid = CAST(f.record_id AS INTEGER) "
                              "WHERE f.entity = 'quarantine' AND f.seq > ? AND f.seq <= ? AND q.device_id = ? "
                              "ORDER BY f.seq");
    decided.bind(1, first);
    decided.bind(2, last);
    decided.bind(3, device.device_id);
    json outcomes = json::array();
    while (decided.executeStep()) {
      json o = {{"batch_id", decided.getColumn(0).getString()},
                {"entity", decided.getColumn(1).getString()},
                {"id", decided.getColumn(2).getString()},
                {"outcome", decided.getColumn(3).getString()},
                {"at", datetime_of_ms(decided.getColumn(5).getInt64())}};
      if (!decided.getColumn(4).getString().empty()) o["reason"] = decided.getColumn(4).getString();
      outcomes.push_back(std::move(o));
    }
    if (!outcomes.empty()) out["quarantine"] = std::move(outcomes);
    return out;
  }

  json duplicates(const std::string& area, int limit) override {
    if (!area.empty() && !is_area_code(area)) throw bad_area(area);
    return duplicate_pairs_json(find_duplicate_pairs(reader(), area, limit));
  }

  json search_patients(const std::string& query, int limit) override {
    return patient_hits_json(yz::search_patients(reader(), query, limit));
  }

  json patient_history(const std::string& id) override {
    auto h = yz::patient_history(reader(), id);
    if (!h) throw CentralError(404, "unknown_patient", "no patient " + id);
    h->erase("changes");  // a device's own edits, read from its audit: not the server's
    return *h;
  }

  json merges(int limit) override {
    json out = json::array();
    SQLite::Statement st(reader(),
                         "SELECT m.merge_id, m.keep_id, m.duplicate_id, m.reason, m.at_ms, coalesce(m.undone_ms, 0), "
                         "(SELECT count(*) FROM srv_merge_move v WHERE v.merge_id = m.merge_id AND v.entity <> 'patient') "
                         "FROM srv_merge m ORDER BY m.at_ms DESC, m.rowid DESC LIMIT ?");
    st.bind(1, limit);
    while (st.executeStep())
      out.push_back(merge_json({st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                                st.getColumn(3).getString(), st.getColumn(4).getInt64(), st.getColumn(5).getInt64()},
                               st.getColumn(6).getInt64()));
    return out;
  }

  void open_console_session(const std::string& key, const std::string& account, const std::string& address,
                            int64_t idle_ms) override {
    const int64_t now = now_ms();
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) {
      SQLite::Statement old(db, "DELETE FROM srv_console_session WHERE last_ms < ?");
      old.bind(1, now - idle_ms);
      old.exec();
      SQLite::Statement ins(db, "INSERT INTO srv_console_session (key, account_key, address, created_ms, last_ms) "
                                "VALUES (?, ?, ?, ?, ?)");
      ins.bind(1, key);
      ins.bind(2, account_name_key(account_named(db, account)));
      ins.bind(3, address);
      ins.bind(4, now);
      ins.bind(5, now);
      ins.exec();
    });
  }

  std::optional<AccountInfo> console_session(const std::string& key, int64_t idle_ms) override {
    const int64_t now = now_ms();
    SQLite::Statement st(reader(),
                         "SELECT s.last_ms, a.name, a.role, a.area FROM srv_console_session s JOIN srv_account a "
                         "ON a.name_key = s.account_key WHERE s.key = ? AND a.disabled_ms IS NULL");
    st.bind(1, key);
    if (!st.executeStep()) return std::nullopt;
    const int64_t last = st.getColumn(0).getInt64();
    AccountInfo who{st.getColumn(1).getString(), st.getColumn(2).getString(), st.getColumn(3).getString(), false};
    st.reset();
    const SessionUse use = session_use(last, now, idle_ms);
    if (use == SessionUse::expired) {
      close_console_session(key);
      return std::nullopt;
    }
    if (use == SessionUse::touch) {
      std::lock_guard lock(mu_);
      SQLite::Statement up(store_.db(), "UPDATE srv_console_session SET last_ms = max(last_ms, ?) WHERE key = ?");
      up.bind(1, now);
      up.bind(2, key);
      up.exec();
    }
    return who;
  }

  void close_console_session(const std::string& key) override {
    std::lock_guard lock(mu_);
    SQLite::Statement del(store_.db(), "DELETE FROM srv_console_session WHERE key = ?");
    del.bind(1, key);
    del.exec();
  }

  void audit_console(const std::string& account, const std::string& address, const std::string& action,
                     const std::string& entity, const std::string& record_id, const json& detail) override {
    json d = detail.is_object() ? detail : json::object();
    d["address"] = address;
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) {
      audit(db, account.empty() ? std::string("console") : "console:" + account, action.c_str(), entity.c_str(),
            record_id, d);
    });
  }

  std::string record_area(const std::string& entity, const std::string& id) override {
    if (!find_entity(entity)) return "";
    std::lock_guard lock(mu_);
    SQLite::Database& db = store_.db();
    SQLite::Statement exists(db, "SELECT 1 FROM " + entity + " WHERE id = ?");
    exists.bind(1, id);
    if (!exists.executeStep()) return "";
    const std::string area = area_of(db, entity, id, nullptr);
    release();
    return area;
  }

  // Read on this thread's reader connection: a console list never waits
  // for a batch being taken in.
  std::vector<json> record_gists(const std::vector<GistOf>& records) override {
    ReaderHeld held(reader());
    std::vector<json> out;
    for (const auto& r : records) out.push_back(yz::sync::record_gist(held, r.entity, r.id, r.fields));
    return out;
  }

  ProgramPtr program(const std::string& id, int version) override { return find_program(reader(), id, version); }
  std::vector<ProgramPtr> programs() override { return latest_programs(reader()); }
  std::map<std::string, std::string> place_names(const std::vector<std::string>& codes) override {
    SqliteReader r(reader());
    return yz::place_names(r, codes);
  }

  json audit_log(int limit) override {
    SQLite::Statement st(reader(),
                         "SELECT rid, at_ms, actor, action, entity, record_id, detail FROM audit "
                         "ORDER BY rid DESC LIMIT ?");
    st.bind(1, limit);
    json out = json::array();
    while (st.executeStep()) {
      json row = {{"rid", st.getColumn(0).getInt64()},
                  {"at", datetime_of_ms(st.getColumn(1).getInt64())},
                  {"actor", st.getColumn(2).getString()},
                  {"action", st.getColumn(3).getString()},
                  {"entity", st.getColumn(4).getString()}};
      if (!st.getColumn(5).isNull()) row["record_id"] = st.getColumn(5).getString();
      if (!st.getColumn(6).isNull()) row["detail"] = json::parse(st.getColumn(6).getString(), nullptr, false);
      out.push_back(std::move(row));
    }
    return out;
  }

  json verify_audit() override {
    const AuditCheck c = verify_audit_chain(reader());
    json out = {{"rows", c.rows}, {"ok", c.ok}};
    if (!c.ok) out.update({{"first_bad", c.first_bad}, {"problem", c.problem}});
    return out;
  }

  std::string report(const std::string& team, ReportQuery q, bool markdown, Lang lang) override {
    SQLite::Database& db = reader();
    if (!team.empty()) q.team_id = find_team(db, team).team_id;
    if (q.as_of.empty()) q.as_of = today();
    const Report r = build_report(db, q);
    return markdown ? report_markdown(db, r, lang) : report_json(db, r).dump(2) + "\n";
  }

  ExportSummary export_screening_list(const ScreeningListQuery& q, ExportFormat format, const std::string& out,
                                      Lang lang, IdNumbers ids, Sheets sheets, const AuditBy& by) override {
    const ExportSummary s = yz::export_screening_list(reader(), q, format, out, lang, ids, sheets);
    audit_export(by, "screening_list", screening_list_audit(q, s, ids));
    return s;
  }

  ExportSummary export_follow_ups(WorklistQuery q, ExportFormat format, const std::string& out, Lang lang,
                                  IdNumbers ids, Sheets sheets, const AuditBy& by) override {
    if (q.as_of.empty()) q.as_of = today();
    const ExportSummary s = yz::export_follow_ups(reader(), q, format, out, lang, ids, sheets);
    audit_export(by, "follow_ups", follow_ups_audit(q, s, ids));
    return s;
  }

  json stats() override {
    SQLite::Database& db = reader();
    StoreStats s = store_stats(db);
    json out = s.counts;
    for (const auto& [key, table] : {std::pair{"devices", "srv_device"}, {"batches", "srv_batch"}})
      out[key] = db.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
    out["revoked_devices"] = db.execAndGet("SELECT count(*) FROM srv_device WHERE revoked_ms IS NOT NULL").getInt64();
    out["quarantined"] = db.execAndGet("SELECT count(*) FROM quarantine WHERE resolved_ms IS NULL").getInt64();
    out["conflicts"] = db.execAndGet("SELECT count(*) FROM conflict WHERE resolved_ms IS NULL").getInt64();
    out["feed_seq"] = db.execAndGet("SELECT coalesce(max(seq), 0) FROM srv_feed").getInt64();
    return out;
  }

  json devices() override {
    SQLite::Database& db = reader();
    // What arrived, from the stored receipts (their counts: batch.h).
    SQLite::Statement st(db, R"SQL(
      SELECT d.device_id, coalesce(t.name, d.team_id), d.name, d.enrolled_ms, d.revoked_ms, d.last_seen_ms,
             d.last_seq, d.clock_skew_ms, count(b.batch_id), coalesce(sum(b.source = 'file'), 0),
             coalesce(sum(json_extract(b.receipt, '$.applied')), 0),
             coalesce(sum(json_extract(b.receipt, '$.unchanged') + json_extract(b.receipt, '$.conflicts')), 0),
             coalesce(sum(json_array_length(b.receipt, '$.quarantined')), 0),
             (SELECT count(*) FROM quarantine q WHERE q.device_id = d.device_id AND q.resolved_ms IS NULL)
      FROM srv_device d LEFT JOIN srv_team t ON t.team_id = d.team_id
      LEFT JOIN srv_batch b ON b.device_id = d.device_id
      GROUP BY d.device_id ORDER BY d.enrolled_ms)SQL");
    auto when = [&](int col) -> json {
      return st.getColumn(col).isNull() ? json(nullptr) : json(datetime_of_ms(st.getColumn(col).getInt64()));
    };
    json out = json::array();
    while (st.executeStep()) {
      const int64_t applied = st.getColumn(10).getInt64(), quarantined = st.getColumn(12).getInt64();
      out.push_back({{"device_id", st.getColumn(0).getString()},
                     {"team", st.getColumn(1).getString()},
                     {"name", st.getColumn(2).getString()},
                     {"enrolled_at", when(3)},
                     {"revoked_at", when(4)},
                     {"last_seen_at", when(5)},
                     {"last_seq", st.getColumn(6).getInt64()},
                     {"clock_skew_ms", st.getColumn(7).isNull() ? json(nullptr) : json(st.getColumn(7).getInt64())},
                     {"batches", st.getColumn(8).getInt64()},
                     {"by_usb", st.getColumn(9).getInt64()},
                     {"records", applied + st.getColumn(11).getInt64() + quarantined},
                     {"applied", applied},
                     {"quarantined", quarantined},
                     {"quarantine_open", st.getColumn(13).getInt64()}});
    }
    return out;
  }

  json arrivals(int days) override {
    // Days as the teams count them (core/base/clock.h date_of_ms: China
    // Standard Time), so grouped here rather than in SQL.
    SQLite::Statement st(reader(), R"SQL(
      SELECT b.received_ms, coalesce(t.name, d.team_id),
             json_extract(b.receipt, '$.applied') + json_extract(b.receipt, '$.unchanged') +
                 json_extract(b.receipt, '$.conflicts') + json_array_length(b.receipt, '$.quarantined'),
             json_extract(b.receipt, '$.applied'), json_array_length(b.receipt, '$.quarantined')
      FROM srv_batch b JOIN srv_device d ON d.device_id = b.device_id LEFT JOIN srv_team t ON t.team_id = d.team_id
      WHERE b.received_ms >= ?)SQL");
    st.bind(1, now_ms() - int64_t{days} * 86'400'000);
    std::map<std::pair<std::string, std::string>, std::array<int64_t, 4>> by_day;
    while (st.executeStep()) {
      auto& n = by_day[{date_of_ms(st.getColumn(0).getInt64()), st.getColumn(1).getString()}];
      n[0] += 1;
      for (int i = 0; i < 3; ++i) n[i + 1] += st.getColumn(2 + i).getInt64();
    }
    json out = json::array();
    for (const auto& [key, n] : by_day)
      out.push_back({{"date", key.first},
                     {"team", key.second},
                     {"batches", n[0]},
                     {"records", n[1]},
                     {"applied", n[2]},
                     {"quarantined", n[3]}});
    return out;
  }

  json conflicts(int limit, bool closed) override {
    json out = json::array();
    for (const auto& c : list_conflicts(reader(), limit, closed)) out.push_back(conflict_json(c));
    return out;
  }

  json quarantine(int limit) override {
    json out = json::array();
    for (const auto& q : list_quarantine(reader(), limit)) out.push_back(quarantine_json(q));
    return out;
  }
  std::vector<int64_t> open_quarantine_ids() override {
    SQLite::Statement q(reader(), "SELECT rid FROM quarantine WHERE resolved_ms IS NULL ORDER BY rid");
    std::vector<int64_t> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
    return out;
  }

 private:
  // The coordinators' decisions (coordination.h) in one synced transaction
  // of this store.
  class Steps final : public CoordinationSteps {
   public:
    Steps(SqliteCentralStore& store, SQLite::Database& db) : s_(store), db_(db) {}
    int64_t now_ms() override { return yz::sync::now_ms(); }
    std::optional<ConflictRow> conflict(int64_t rid) override { return conflict_row(db_, rid); }
    std::optional<QuarantineRow> quarantine(int64_t rid) override { return quarantine_row(db_, rid); }
    void close_conflict(int64_t rid, const json& resolution) override {
      yz::close_conflict(db_, rid, resolution, now_ms());
    }
    void close_quarantine(const QuarantineRow& q, const std::string& outcome, const std::string& note,
                          bool earlier_too) override {
      yz::close_quarantine(db_, q.batch_id, q.entity, q.record_id, outcome, note, now_ms());
      if (earlier_too) resolve_quarantine(db_, q.entity, q.record_id, now_ms());
      s_.feed_outcome(db_, q.rid);
      s_.release();
    }
    std::optional<json> read(const EntitySpec& spec, const std::string& id) override {
      return read_change(db_, spec, id);
    }
    void update(const std::string& entity, const std::string& id, const json& fields) override {
      s_.update_here(db_, entity, id, fields);
    }
    std::optional<DeviceInfo> device(const std::string& device_id) override {
      return find_device(db_, "device_id", device_id);
    }
    ApplyOutcome apply_as(const DeviceInfo& device, const json& kept) override {
      const int64_t now = now_ms();
      json change = kept;
      Held held(s_, db_);
      ChangeApplier applier(db_, date_of_ms(now), now);
      ApplyOutcome o = take_in_change(held, device, s_.server_id(), change, 0, now + kClockAheadMs,
                                      [&](const json& c) { return applier.apply(c); });
      applier.release();
      if (o.status == ApplyOutcome::Status::quarantined) return o;
      if (auto h = Hlc::parse(o.max_hlc)) s_.store_.observe(*h);
      if (o.status != ApplyOutcome::Status::unchanged) {
        const bool inserted = o.status == ApplyOutcome::Status::inserted && change.contains("fields");
        s_.feed(db_, o.entity, o.id, device.team_id, "", inserted ? &change["fields"] : nullptr);
      }
      return o;
    }
    void feed_again(const std::string& entity, const std::string& id, bool moved) override {
      auto& q = s_.cached(db_, "SELECT team_id, echo_device, area FROM srv_feed WHERE entity = ? AND record_id = ?");
      q.bind(1, entity);
      q.bind(2, id);
      if (!q.executeStep()) return;
      auto text = [&](int col) { return q.getColumn(col).isNull() ? std::string() : q.getColumn(col).getString(); };
      const std::string team = text(0), echo = text(1);
      const bool again = moved || text(2) == kTeamOnly;
      q.tryReset();
      if (again) s_.feed(db_, entity, id, team, echo);
    }
    void audit(const AuditBy& by, const char* action, const char* entity, const std::string& record_id,
               const json& detail) override {
      s_.audit(db_, by, action, entity, record_id, detail);
    }
    std::string new_id() override { return s_.ids_.next(now_ms()); }
    void create(const std::string& entity, const std::string& id, const json& fields) override {
      s_.create_here(db_, entity.c_str(), id, fields, "");
    }
    void remove(const std::string& entity, const std::string& id) override { s_.delete_here(db_, entity, id); }
    std::vector<std::string> live_ids(const EntitySpec& spec, const FieldSpec& f, const std::string& value) override {
      const std::string table(spec.name), column(f.name);
      auto& q = s_.cached(db_, is_json_type(f.type)
                                   ? "SELECT id FROM " + table + " WHERE deleted = 0 AND EXISTS (SELECT 1 FROM json_each(" +
                                         table + "." + column + ") WHERE value = ?) ORDER BY rid"
                                   : "SELECT id FROM " + table + " WHERE deleted = 0 AND " + column + " = ? ORDER BY rid");
      q.bind(1, value);
      std::vector<std::string> ids;
      while (q.executeStep()) ids.push_back(q.getColumn(0).getString());
      q.tryReset();
      return ids;
    }
    std::vector<std::pair<std::string, std::string>> merged_patients_named(const EntitySpec& spec, const FieldSpec& f,
                                                                           const std::string& id) override {
      const std::string entity(spec.name), column(f.name);
      auto& q = s_.cached(db_, f.type == FieldType::ref
                                   ? "SELECT p.id, p.merged_into FROM " + entity + " r JOIN patient p ON p.id = r." +
                                         column + " WHERE r.id = ? AND p.merged_into IS NOT NULL"
                                   : "SELECT p.id, p.merged_into FROM " + entity + " r, json_each(r." + column +
                                         ") j JOIN patient p ON p.id = j.value WHERE r.id = ? AND p.merged_into IS NOT NULL");
      q.bind(1, id);
      std::vector<std::pair<std::string, std::string>> out;
      while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
      q.tryReset();
      return out;
    }
    void add_merge(const MergeRow& m) override {
      SQLite::Statement ins(db_, "INSERT INTO srv_merge (merge_id, keep_id, duplicate_id, reason, at_ms) VALUES (?, ?, ?, ?, ?)");
      ins.bind(1, m.merge_id);
      ins.bind(2, m.keep_id);
      ins.bind(3, m.duplicate_id);
      ins.bind(4, m.reason);
      ins.bind(5, m.at_ms);
      ins.exec();
    }
    std::optional<MergeRow> merge(const std::string& merge_id) override {
      SQLite::Statement q(db_, "SELECT keep_id, duplicate_id, reason, at_ms, coalesce(undone_ms, 0) FROM srv_merge "
                               "WHERE merge_id = ?");
      q.bind(1, merge_id);
      if (!q.executeStep()) return std::nullopt;
      return MergeRow{merge_id, q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                      q.getColumn(3).getInt64(), q.getColumn(4).getInt64()};
    }
    std::string open_merge_of(const std::string& duplicate_id) override {
      SQLite::Statement m(db_, "SELECT merge_id FROM srv_merge WHERE duplicate_id = ? AND undone_ms IS NULL "
                               "ORDER BY at_ms DESC LIMIT 1");
      m.bind(1, duplicate_id);
      return m.executeStep() ? m.getColumn(0).getString() : std::string();
    }
    void set_merge_undone(const std::string& merge_id, int64_t at_ms) override {
      SQLite::Statement up(db_, "UPDATE srv_merge SET undone_ms = ? WHERE merge_id = ?");
      up.bind(1, at_ms);
      up.bind(2, merge_id);
      up.exec();
    }
    void log_move(const std::string& merge_id, const MergeMove& m) override {
      SQLite::Statement ins(db_, "INSERT OR REPLACE INTO srv_merge_move (merge_id, entity, record_id, field, was, set_to) "
                                 "VALUES (?, ?, ?, ?, ?, ?)");
      ins.bind(1, merge_id);
      ins.bind(2, m.entity);
      ins.bind(3, m.record_id);
      ins.bind(4, m.field);
      ins.bind(5, m.was.dump());
      ins.bind(6, m.set_to.dump());
      ins.exec();
    }
    std::vector<MergeMove> moves(const std::string& merge_id) override {
      SQLite::Statement q(db_, "SELECT entity, record_id, field, was, set_to FROM srv_merge_move WHERE merge_id = ? "
                               "ORDER BY rowid DESC");
      q.bind(1, merge_id);
      std::vector<MergeMove> out;
      while (q.executeStep())
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       json::parse(q.getColumn(3).getString()), json::parse(q.getColumn(4).getString())});
      return out;
    }
    std::optional<std::string> reconciled(const std::string& provisional) override {
      SQLite::Statement q(db_, "SELECT official FROM srv_place_reconcile WHERE provisional = ?");
      q.bind(1, provisional);
      return q.executeStep() ? std::optional(q.getColumn(0).getString()) : std::nullopt;
    }
    void add_reconciled(const std::string& provisional, const std::string& official) override {
      SQLite::Statement log(db_, "INSERT OR IGNORE INTO srv_place_reconcile (provisional, official, at_ms) VALUES (?, ?, ?)");
      log.bind(1, provisional);
      log.bind(2, official);
      log.bind(3, now_ms());
      log.exec();
    }
    std::optional<std::string> program_definition(const std::string& id, int version) override {
      SQLite::Statement get(db_, "SELECT definition FROM program WHERE id = ? AND version = ?");
      get.bind(1, id);
      get.bind(2, version);
      return get.executeStep() ? std::optional(get.getColumn(0).getString()) : std::nullopt;
    }
    void add_program(const Program& p, const std::string&) override {
      install_program(db_, p.definition);  // the device's registry, as a device installs one
      s_.feed(db_, "program", p.id + "@" + std::to_string(p.version), "", "");
      s_.release();
    }

   private:
    SqliteCentralStore& s_;
    SQLite::Database& db_;
  };

  json coordinate(const std::function<json(CoordinationSteps&)>& decide) override {
    std::lock_guard lock(mu_);
    json out;
    write([&](SQLite::Database& db) {
      moved_.clear();
      Steps steps(*this, db);
      out = decide(steps);
      feed_moved(db);
    });
    return out;
  }

  // Patients (households, clinic days) whose area feed() saw change in this
  // transaction: the records that take their area from them follow them
  // (feed_moved, at the end of the transactions that change records).
  std::vector<std::pair<std::string, std::string>> moved_;
  void feed_moved(SQLite::Database& db) {
    if (moved_.empty()) return;
    Steps steps(*this, db);
    while (!moved_.empty()) {
      const auto [entity, id] = moved_.back();
      moved_.pop_back();
      yz::sync::feed_dependents_again(steps, entity, id, true);
    }
  }

  // Moves the decision on quarantine row `rid` to the end of the feed, where
  // its device's next pull finds it (changes_after).
  void feed_outcome(SQLite::Database& db, int64_t rid) {
    auto& del = cached(db, "DELETE FROM srv_feed WHERE entity = 'quarantine' AND record_id = ?");
    del.bind(1, std::to_string(rid));
    del.exec();
    auto& ins = cached(db, "INSERT INTO srv_feed (entity, record_id, area, team_id) VALUES ('quarantine', ?, '-', NULL)");
    ins.bind(1, std::to_string(rid));
    ins.exec();
  }

  // The record as a change (fields, stamps, bases), or nullopt.
  static std::optional<json> read_change(SQLite::Database& db, const EntitySpec& spec, const std::string& id) {
    ChangeReader r(db);
    auto c = r.read(spec, id);
    r.release();
    return c;
  }

  // The stored name of the account `name` (any spacing or width), or 404.
  static std::string account_named(SQLite::Database& db, const std::string& name) {
    SQLite::Statement st(db, "SELECT name FROM srv_account WHERE name_key = ?");
    st.bind(1, account_name_key(trim(name)));
    if (!st.executeStep()) throw CentralError(404, "no_account", "no account named " + name);
    return st.getColumn(0).getString();
  }

  // A pull is a contact too (devices(): "last seen"): written at most once
  // a minute per device, so that a pull of many pages is not a write each.
  void note_contact(const std::string& device_id, int64_t now) {
    std::lock_guard lock(mu_);
    int64_t& written = contact_written_[device_id];
    if (now - written < 60'000) return;
    written = now;
    // Not worth a wait on the disk (200 laptops pulling at once would queue
    // 200 fsyncs behind the writer's lock): committed without one, made
    // durable by the next synced commit or checkpoint.
    SQLite::Database& db = store_.db();
    db.exec("PRAGMA synchronous = NORMAL");
    struct Restore {
      SQLite::Database& db;
      ~Restore() {
        try {
          db.exec("PRAGMA synchronous = FULL");
        } catch (...) {
        }
      }
    } restore{db};
    SQLite::Statement st(db, "UPDATE srv_device SET last_seen_ms = max(coalesce(last_seen_ms, 0), ?) WHERE device_id = ?");
    st.bind(1, now);
    st.bind(2, device_id);
    st.exec();
  }

  std::string path_;
  std::vector<std::string> repairs_;
  std::mutex mu_;  // guards store_ (the one writer), ids_, stmts_ and contact_written_
  std::map<std::string, int64_t> contact_written_;  // device -> when a pull last wrote its contact
  Store store_;
  ServerKeys keys_;
  IdSource ids_;
  // On the writer, prepared once. Hashed: the keys are SQL texts that share
  // long prefixes, which an ordered map compares byte by byte per lookup.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> stmts_;
  std::unique_ptr<ChangeApplier> applier_;  // apply_prepared's, on the writer (released after each batch)
  // apply_prepared's queue: batches that wait for the writer together are
  // committed together (group_commit.h).
  GroupCommit group_commit_{kGroupCommitMax, [this](std::span<GroupCommit::Job* const> jobs) { apply_group(jobs); }};

  SQLite::Statement& cached(SQLite::Database& db, const std::string& sql) {
    auto& st = stmts_[sql];
    if (!st) st = std::make_unique<SQLite::Statement>(db, sql);
    st->tryReset();
    st->clearBindings();
    return *st;
  }
  // Every write of this store: a transaction of its one writer (store_;
  // the caller holds mu_). A store closed by `admin migrate` refuses every
  // write from its triggers (pg_migrate_sqlite.h): that is CentralError 503
  // migrated, so that a device pushes again later, to PostgreSQL.
  void write(const std::function<void(SQLite::Database&)>& fn) {
    try {
      store_.transact_synced(fn);
    } catch (const CentralError&) {
      throw;
    } catch (const std::exception& e) {
      if (std::string_view(e.what()).find(kClosedAfterMigrate) != std::string_view::npos)
        throw CentralError(503, "migrated", kClosedAfterMigrate);
      throw;
    }
  }

  // Finish cached statements, so none pins a WAL snapshot (see Store).
  void release() noexcept {
    for (auto& [sql, st] : stmts_) st->tryReset();
  }

  static StoreOptions options() {
    StoreOptions o;
    o.actor = "server";
    return o;
  }

  // A reader connection for the calling thread (reads never wait for the
  // writer, and never checkpoint: see open_reader).
  SQLite::Database& reader() {
    thread_local std::map<std::string, std::unique_ptr<SQLite::Database>> readers;
    auto& r = readers[path_];
    if (!r) r = std::make_unique<SQLite::Database>(open_reader(path_));
    return *r;
  }

  static std::optional<DeviceInfo> find_device(SQLite::Database& db, const char* column, const std::string& value) {
    SQLite::Statement st(db, std::string("SELECT d.device_id, d.team_id, coalesce(t.area, ''), d.name, d.sign_key, "
                                         "d.revoked_ms IS NOT NULL FROM srv_device d LEFT JOIN srv_team t ON "
                                         "t.team_id = d.team_id WHERE d.") +
                                 column + " = ?");
    st.bind(1, value);
    if (!st.executeStep()) return std::nullopt;
    return DeviceInfo{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                      st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getInt() != 0};
  }

  static std::optional<TeamRow> team_by_key(SQLite::Database& db, const std::string& key) {
    SQLite::Statement q(db, "SELECT team_id, name, area FROM srv_team WHERE name_key = ?");
    q.bind(1, key);
    if (!q.executeStep()) return std::nullopt;
    return TeamRow{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()};
  }

  // A team by its id or its name (as team_name_key compares them).
  static TeamRow find_team(SQLite::Database& db, const std::string& team) {
    {
      SQLite::Statement q(db, "SELECT team_id, name, area FROM srv_team WHERE team_id = ?");
      q.bind(1, team);
      if (q.executeStep())
        return TeamRow{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()};
    }
    if (auto t = team_by_key(db, team_name_key(trim(team)))) return *t;
    throw CentralError(404, "no_team", "no team named \"" + trim(team) + "\" (see admin teams)");
  }

  // Stamps a device's clock pushed ahead of ours before the server bounded
  // them (and the server's own clock, which followed them) are set back to
  // our time: otherwise enrollment fails (the server's stamps would no
  // longer parse) and the fields they stamped could never change again.
  // Runs before the Store opens, on its own connection, and writes only
  // when something needs repair.
  static std::vector<std::string> repair_clocks(const std::string& path) {
    std::vector<std::string> out;
    if (path == ":memory:" || !std::filesystem::exists(path)) return out;
    SQLite::Database db = open_connection(path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA busy_timeout = 10000");
    if (!db.tableExists("settings")) return out;
    const int64_t now = now_ms();
    const std::string now13 = digits13(now);
    // Ahead: a wall part longer than 13 digits, or past the ceiling.
    const std::string ahead = "(instr(hlc, '.') <> 14 OR substr(hlc, 1, 13) > '" + digits13(now + kClockAheadMs) + "')";
    SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
    int64_t fixed = 0;
    for (const EntitySpec* spec : entities()) {
      const std::string table(spec->name);
      if (!db.tableExists(table)) continue;
      fixed += db.exec("UPDATE " + table + " SET hlc = '" + now13 + "' || substr(hlc, instr(hlc, '.')) WHERE " +
                       ahead + " AND instr(hlc, '.') > 0");
    }
    if (db.tableExists("field_clock")) {
      fixed += db.exec("UPDATE field_clock SET hlc = '" + now13 + "' || substr(hlc, instr(hlc, '.')) WHERE " + ahead +
                       " AND instr(hlc, '.') > 0");
      fixed += db.exec("UPDATE field_clock SET base = '" + now13 + "' || substr(base, instr(base, '.')) WHERE " +
                       std::string(ahead).replace(ahead.find("hlc"), 3, "base") + " AND instr(base, '.') > 0");
    }
    bool clock_fixed = false;
    std::string old_clock;
    {
      SQLite::Statement q(db, "SELECT value FROM settings WHERE key = 'hlc'");
      if (q.executeStep()) old_clock = q.getColumn(0).getString();
    }
    const auto h = Hlc::parse(old_clock);
    if (!old_clock.empty() && (!h || h->wall_ms > now + kClockAheadMs)) {
      std::string node;
      SQLite::Statement d(db, "SELECT value FROM settings WHERE key = 'device_id'");
      if (d.executeStep()) node = d.getColumn(0).getString();
      SQLite::Statement up(db, "UPDATE settings SET value = ? WHERE key = 'hlc'");
      up.bind(1, Hlc{now, 0, node}.str());
      up.exec();
      SQLite::Statement own(db, "UPDATE settings SET value = ? WHERE key = 'own_wall_ms'");
      own.bind(1, std::to_string(now));
      own.exec();
      clock_fixed = true;
    }
    txn.commit();
    if (fixed > 0)
      out.push_back("clock: " + std::to_string(fixed) + " stamps ahead of the server's time were set to " +
                    datetime_of_ms(now) + " (UTC)");
    if (clock_fixed)
      out.push_back("clock: the server's clock stood at " + utf8_prefix_bytes(old_clock, 40) + " and was set back to " +
                    datetime_of_ms(now) + " (UTC)");
    return out;
  }

  // srv_device.sign_key for databases made under protocol 1: their devices
  // have none until they register one (register_device_key).
  void migrate_devices() {
    SQLite::Statement cols(store_.db(), "SELECT 1 FROM pragma_table_info('srv_device') WHERE name = 'sign_key'");
    if (!cols.executeStep())
      store_.db().exec("ALTER TABLE srv_device ADD COLUMN sign_key TEXT NOT NULL DEFAULT ''");
  }

  // srv_team from the team records of databases made before it, and feed
  // rows of team, member and device records scoped to their own team.
  void migrate_teams() {
    std::lock_guard lock(mu_);
    std::vector<std::string> notes;
    write([&](SQLite::Database& db) {
      SQLite::Statement q(db,
                          "SELECT id, name, coalesce(area_code, '') FROM team WHERE deleted = 0 AND id NOT IN "
                          "(SELECT team_id FROM srv_team) ORDER BY rid");
      while (q.executeStep()) {
        const std::string id = q.getColumn(0).getString(), name = trim(q.getColumn(1).getString());
        std::string area = q.getColumn(2).getString();
        std::string key = team_name_key(name);
        if (team_by_key(db, key)) {
          key += "#" + id;
          notes.push_back("team \"" + name + "\" (" + id +
                          ") has the name of another team: give it its own with admin team rename");
        }
        if (!is_area_code(area)) {
          area.clear();
          notes.push_back("team \"" + name + "\" (" + id +
                          ") has no area: its devices pull and push nothing in an area until admin team set-area");
        }
        SQLite::Statement ins(db, "INSERT INTO srv_team (team_id, name, name_key, area) VALUES (?, ?, ?, ?)");
        ins.bind(1, id);
        ins.bind(2, name);
        ins.bind(3, key);
        ins.bind(4, area);
        ins.exec();
      }
      q.reset();
      const int fixed = db.exec(
          "UPDATE srv_feed SET area = '-', team_id = CASE entity WHEN 'team' THEN record_id "
          "WHEN 'member' THEN (SELECT team_id FROM member WHERE id = record_id) "
          "ELSE (SELECT team_id FROM device WHERE id = record_id) END "
          "WHERE entity IN ('team', 'member', 'device') AND area = ''");
      if (fixed > 0)
        notes.push_back("feed: " + std::to_string(fixed) + " team, staff and device records now go to their own team only");
    });
    repairs_.insert(repairs_.end(), notes.begin(), notes.end());
  }

  // A change the server itself makes to fields of a record it holds (a
  // team's name or area), stamped now and fed like any change.
  void update_here(SQLite::Database& db, const char* entity, const std::string& id, const json& fields,
                   const std::string& team_id) {
    ChangeReader reader_of(db);
    auto change = reader_of.read(*find_entity(entity), id);
    reader_of.release();
    if (!change) throw CentralError(404, "not_found", std::string("no ") + entity + " " + id);
    const std::string stamp = store_.stamp();
    (*change)["hlc"] = stamp;
    if (!change->contains("stamps")) (*change)["stamps"] = json::object();
    for (const auto& [k, v] : fields.items()) {
      (*change)["fields"][k] = v;
      (*change)["stamps"][k] = stamp;
    }
    ChangeApplier applier(db, store_.today(), now_ms());
    ApplyOutcome o = applier.apply(*change);
    applier.release();
    if (o.status == ApplyOutcome::Status::quarantined) throw ValidationError(o.errors);
    feed(db, entity, id, team_id, "");
    release();
  }

  // The program "ID@VERSION" names, or nullptr.
  static ProgramPtr program_of(SQLite::Database& db, const std::string& key) {
    const auto at = key.rfind('@');
    if (at == std::string::npos) return nullptr;
    try {
      return find_program(db, key.substr(0, at), std::stoi(key.substr(at + 1)));
    } catch (const std::exception&) {
      return nullptr;
    }
  }

  // A record the server itself makes (a team, a device), fed like any change.
  // One row of the server's hash-chained audit trail (core/store/audit_chain.h)
  // for an operation, in the caller's transaction: a coordinator's verb
  // (kAdmin) or what a device asked (device_actor). `detail` never holds a
  // secret (no codes, tokens or keys) nor patient data.
  void audit(SQLite::Database& db, const std::string& actor, const char* action, const char* entity,
             const std::string& record_id, const json& detail) {
    AuditRow row;
    row.at_ms = now_ms();
    row.hlc = store_.stamp();
    row.actor = actor;
    row.action = action;
    row.entity = entity;
    if (!record_id.empty()) row.record_id = record_id;
    if (!detail.empty()) row.detail = detail.dump();
    append_audit_row(db, std::move(row));
  }
  static constexpr const char* kAdmin = "admin";
  // A row by `by` (central_store.h AuditBy): its actor, the client's address
  // added to the detail, counted.
  void audit(SQLite::Database& db, const AuditBy& by, const char* action, const char* entity,
             const std::string& record_id, json detail) {
    if (!by.address.empty()) detail["address"] = by.address;
    if (!by.verb.empty() && !detail.contains("verb")) detail["verb"] = by.verb;
    audit(db, by.actor, action, entity, record_id, detail);
    ++by.rows;
  }

  // An export of patients' data, in the audit (the audit's vocabulary: an
  // export is "create" of an "export", its id the list's name): its
  // filters (the empty ones left out), the file, rows, masked or not.
  void audit_export(const AuditBy& by, const char* list, const json& detail) {
    std::lock_guard lock(mu_);
    write([&](SQLite::Database& db) { audit(db, by, "create", "export", list, detail); });
  }
  static std::string device_actor(const std::string& device_id) { return "device:" + device_id; }

  void create_here(SQLite::Database& db, const char* entity, const std::string& id, const json& fields,
                   const std::string& team_id) {
    const json change = {{"entity", entity}, {"id", id}, {"hlc", store_.stamp()}, {"deleted", false}, {"fields", fields}};
    ChangeApplier applier(db, store_.today(), now_ms());
    ApplyOutcome o = applier.apply(change);
    applier.release();
    if (o.status == ApplyOutcome::Status::quarantined) throw ValidationError(o.errors);
    feed(db, entity, id, team_id, "");
    release();
  }

  // An edit the server itself makes (a coordinator's decision), fed like any
  // change: each field stamped now, on top of the stamp it replaces.
  void update_here(SQLite::Database& db, const std::string& entity, const std::string& id, const json& fields) {
    ChangeReader reader(db);
    auto change = reader.read(*find_entity(entity), id);
    reader.release();
    if (!change) throw NotFound(entity, id);
    const std::string stamp = store_.stamp();
    json& stamps = (*change)["stamps"];
    json& bases = (*change)["bases"];
    if (!stamps.is_object()) stamps = json::object();
    if (!bases.is_object()) bases = json::object();
    for (const auto& [field, value] : fields.items()) {
      if (stamps.contains(field)) bases[field] = stamps[field];
      else bases.erase(field);
      stamps[field] = stamp;
      (*change)["fields"][field] = value;
    }
    (*change)["hlc"] = stamp;
    apply_here(db, *change);
  }

  void delete_here(SQLite::Database& db, const std::string& entity, const std::string& id) {
    ChangeReader reader(db);
    auto change = reader.read(*find_entity(entity), id);
    reader.release();
    if (!change) throw NotFound(entity, id);
    (*change)["hlc"] = store_.stamp();
    (*change)["deleted"] = true;
    apply_here(db, *change);
  }

  void apply_here(SQLite::Database& db, const json& change) {
    ChangeApplier applier(db, store_.today(), now_ms());
    ApplyOutcome o = applier.apply(change);
    applier.release();
    if (o.status == ApplyOutcome::Status::quarantined) throw ValidationError(o.errors);
    feed(db, change["entity"].get<std::string>(), change["id"].get<std::string>(), "", "");
    release();
  }

  // The records as a reader connection sees them (one read snapshot per
  // statement), each column read once: for what the console shows, which
  // must not take the writer (record_gists).
  struct ReaderHeld : HeldRecords {
    SQLite::Database& db;
    std::map<std::tuple<std::string, std::string, std::string>, std::string> read;  // (kind, column, id)
    explicit ReaderHeld(SQLite::Database& d) : db(d) {}
    std::optional<std::string> one(const std::string& sql, const std::string& a, const std::string& b = {}) {
      SQLite::Statement st(db, sql);
      st.bind(1, a);
      if (!b.empty()) st.bind(2, b);
      if (!st.executeStep()) return std::nullopt;
      return st.getColumn(0).isNull() ? std::string() : st.getColumn(0).getString();
    }
    // Kinds and columns come from the catalogue (record_gist), never from a
    // request; an unknown kind is held by no one.
    bool held(const std::string& entity, const std::string& id) override {
      return find_entity(entity) && one("SELECT 1 FROM " + entity + " WHERE id = ?", id).has_value();
    }
    std::string column(const std::string& entity, const std::string& column, const std::string& id) override {
      if (!find_entity(entity)) return {};
      auto key = std::make_tuple(entity, column, id);
      if (auto it = read.find(key); it != read.end()) return it->second;
      std::string v = one("SELECT " + column + " FROM " + entity + " WHERE id = ?", id).value_or("");
      read.emplace(std::move(key), v);
      return v;
    }
    std::string feed_team(const std::string& entity, const std::string& id) override {
      return one("SELECT team_id FROM srv_feed WHERE entity = ? AND record_id = ?", entity, id).value_or("");
    }
  };

  // Lookups for the trust rules (central_rules.h), on the writer's cached
  // statements.
  struct Held : HeldRecords {
    SqliteCentralStore& store;
    SQLite::Database& db;
    Held(SqliteCentralStore& s, SQLite::Database& d) : store(s), db(d) {}
    std::string text(const std::string& sql, const std::string& key) {
      auto& st = store.cached(db, sql);
      st.bind(1, key);
      std::string v = st.executeStep() && !st.getColumn(0).isNull() ? st.getColumn(0).getString() : std::string();
      st.tryReset();
      return v;
    }
    bool held(const std::string& entity, const std::string& id) override {
      if (prefetched.count(entity)) return held_ids.count(key(entity, id)) > 0;
      auto& st = store.cached(db, "SELECT 1 FROM " + entity + " WHERE id = ?");
      st.bind(1, id);
      const bool found = st.executeStep();
      st.tryReset();
      return found;
    }
    std::string column(const std::string& entity, const std::string& column, const std::string& id) override {
      const bool keep = remembering && !(entity == self_entity && id == self_id);
      if (remembering) {
        const std::string& record = key(entity, id);
        // Known from this batch's change of it (the change's own record too).
        if (const auto it = stored_fields.find(record); it != stored_fields.end())
          if (const auto f = it->second->find(column); f != it->second->end()) {
            if (f->second.is_string()) return f->second.get<std::string>();
            if (f->second.is_null()) return {};
          }
      }
      if (keep)
        if (const auto it = remembered.find(key(entity, id)); it != remembered.end())
          for (const auto& [c, v] : it->second)
            if (c == column) return v;
      sql.assign("SELECT ").append(column).append(" FROM ").append(entity).append(" WHERE id = ?");
      std::string v = text(sql, id);
      if (keep) remembered[key(entity, id)].emplace_back(column, v);
      return v;
    }
    // While a batch is taken in (apply_batch): the columns read of records
    // other than the change's own are kept, so that the feed's area
    // (record_area after the merge) and the next changes' trust checks (a
    // patient's village for each of its encounters, vitals, screenings…) do
    // not read them again. Taking in a change writes only its own record
    // (ChangeApplier: the record, its field clocks and search keys,
    // conflicts), so what was read of a record stays true until a change of
    // that record is taken in: take_in(...) forgets that record, done() all
    // (before follow_merges, which moves other records).
    void take_in(const std::string& entity, const std::string& id) {
      remembering = true;
      self_entity = entity;
      self_id = id;
      if (!remembered.empty()) remembered.erase(key(entity, id));
    }
    void done() {
      remembering = false;
      remembered.clear();
      stored_fields.clear();
    }
    // After a change of a record is taken in: the record now holds `fields`
    // (stored forms; they outlive the batch's apply), or (changed) something
    // not known here. column() answers from `fields` until it changes again.
    void stored_as(const std::string& entity, const std::string& id, const RecordFields& fields) {
      if (remembering) stored_fields.insert_or_assign(key(entity, id), &fields);
    }
    void changed(const std::string& entity, const std::string& id) { stored_fields.erase(key(entity, id)); }
    // Which records a batch names are held, looked up once per kind for the
    // whole batch instead of once per change. Nothing removes a record while
    // a batch applies (a deletion is a tombstone), so one held before stays
    // held; one the batch inserts is added (inserted).
    void prefetch(const PreparedBatch& batch) {
      held_ids.reserve(2 * batch.changes.size());
      stored_fields.reserve(batch.changes.size());
      for (const auto& [entity, list] : batch.id_lists) {
        SQLite::Statement st(db, "SELECT id FROM " + entity + " WHERE id IN (SELECT value FROM json_each(?))");
        st.bindNoCopy(1, list);
        while (st.executeStep()) held_ids.insert(key(entity, st.getColumn(0).getString()));
        prefetched.insert(entity);
      }
    }
    void inserted(const std::string& entity, const std::string& id) { held_ids.insert(key(entity, id)); }
    // "entity\x1fid", the key of a record in the sets below, made in one
    // buffer: these lookups run several times per change, and building a
    // new string for each showed in the ingest profile (BENCHMARKS.md).
    // Valid until the next call.
    const std::string& key(std::string_view entity, std::string_view id) {
      key_.assign(entity).push_back('\x1f');
      key_.append(id);
      return key_;
    }
    std::string key_, sql;  // buffers of key() and column()
    std::set<std::string> prefetched;            // kinds looked up by prefetch
    std::unordered_set<std::string> held_ids;    // "entity\x1fid" of held records of those kinds
    bool remembering = false;
    std::string self_entity, self_id;
    // "entity\x1fid" -> the columns read of that record, with their values.
    std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> remembered;
    std::unordered_map<std::string, const RecordFields*> stored_fields;  // "entity\x1fid" -> as stored now
    std::string feed_team(const std::string& entity, const std::string& id) override {
      auto& st = store.cached(db, "SELECT team_id FROM srv_feed WHERE entity = ? AND record_id = ?");
      st.bind(1, entity);
      st.bind(2, id);
      std::string v = st.executeStep() && !st.getColumn(0).isNull() ? st.getColumn(0).getString() : std::string();
      st.tryReset();
      return v;
    }
  };
  std::string area_of(SQLite::Database& db, const std::string& entity, const std::string& id, const json* inserted,
                      Held* reading = nullptr) {
    if (reading) return yz::sync::record_area(*reading, entity, id, inserted);
    Held held(*this, db);
    return yz::sync::record_area(held, entity, id, inserted);
  }

  // Move the record to the end of the feed. A record inserted just now has
  // no feed row yet. Returns the area it was fed in.
  // `known_area`: the record's area, when the caller has it ("": read here).
  std::string feed(SQLite::Database& db, const std::string& entity, const std::string& id, const std::string& team_id,
                   const std::string& echo_device, const json* inserted = nullptr, Held* reading = nullptr,
                   std::string_view known_area = {}) {
    std::optional<std::string> was;  // the area it was fed in before
    if (!inserted) {
      // All rows are deleted at the first step (RETURNING's rows follow).
      static const std::string kDelete = "DELETE FROM srv_feed WHERE entity = ? AND record_id = ? RETURNING area";
      auto& del = cached(db, kDelete);
      del.bind(1, entity);
      del.bind(2, id);
      if (del.executeStep()) was = del.getColumn(0).getString();
      del.tryReset();
    }
    const std::string area = known_area.empty() ? area_of(db, entity, id, inserted, reading) : std::string(known_area);
    if (was && *was != area && *was != kTeamOnly && is_area_parent(entity)) moved_.emplace_back(entity, id);
    static const std::string kInsert =
        "INSERT INTO srv_feed (entity, record_id, area, team_id, echo_device) VALUES (?, ?, ?, ?, ?)";
    auto& ins = cached(db, kInsert);
    // All of them live until the exec below (unset ones stay NULL).
    ins.bindNoCopy(1, entity);
    ins.bindNoCopy(2, id);
    ins.bindNoCopy(3, area);
    if (!team_id.empty()) ins.bindNoCopy(4, team_id);
    if (!echo_device.empty()) ins.bindNoCopy(5, echo_device);
    ins.exec();
    return area;
  }
};

}  // namespace

std::unique_ptr<CentralStore> open_sqlite_central_store(const std::string& path) {
  return std::make_unique<SqliteCentralStore>(path);
}

}  // namespace yz::sync
