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

#include <mutex>

#include "core/replication/changes.h"
#include "core/base/clock.h"
#include "core/store/entities.h"
#include "core/base/errors.h"
#include "core/base/hlc.h"
#include "core/programs/programs.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "core/base/uuid.h"
#include "core/queries/views.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/crypto.h"
#include "sync/server/central_store.h"

namespace yz::sync {

namespace {

constexpr const char* kServerSchema = R"SQL(
CREATE TABLE IF NOT EXISTS srv_enroll_code (
  code_key TEXT PRIMARY KEY, team_id TEXT NOT NULL, created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL, used_ms INTEGER, device_id TEXT);
CREATE TABLE IF NOT EXISTS srv_device (
  device_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
  enrolled_ms INTEGER NOT NULL, revoked_ms INTEGER, last_seen_ms INTEGER, last_seq INTEGER NOT NULL DEFAULT 0,
  clock_skew_ms INTEGER);
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
)SQL";

int64_t now_ms() { return SystemClock().now_ms(); }

class SqliteCentralStore : public CentralStore {
 public:
  explicit SqliteCentralStore(const std::string& path) : path_(path), store_(open_store(path, options())) {
    store_.db().exec(kServerSchema);
  }

  std::string server_id() override { return store_.device_id(); }

  std::string create_enroll_code(const std::string& team_name, const std::string& area_code,
                                 int64_t valid_ms) override {
    std::lock_guard lock(mu_);
    const std::string code = random_enroll_code();
    store_.transact_synced([&](SQLite::Database& db) {
      std::string team_id;
      {
        SQLite::Statement q(db, "SELECT id FROM team WHERE name = ? AND deleted = 0 ORDER BY rid LIMIT 1");
        q.bind(1, team_name);
        if (q.executeStep()) team_id = q.getColumn(0).getString();
      }
      if (team_id.empty()) {
        team_id = ids_.next(now_ms());
        json fields = {{"name", team_name}};
        if (!area_code.empty()) fields["area_code"] = area_code;
        create_here(db, "team", team_id, fields, "");
      }
      SQLite::Statement ins(db,
                            "INSERT INTO srv_enroll_code (code_key, team_id, created_ms, expires_ms) "
                            "VALUES (?, ?, ?, ?)");
      ins.bind(1, token_key(normalize_code(code)));
      ins.bind(2, team_id);
      ins.bind(3, now_ms());
      ins.bind(4, now_ms() + valid_ms);
      ins.exec();
    });
    return code;
  }

  Enrollment enroll(const std::string& code, const std::string& device_id, const std::string& name) override {
    if (!is_uuid(device_id)) throw CentralError(400, "bad_device_id", "device_id must be a UUID");
    std::lock_guard lock(mu_);
    Enrollment out;
    store_.transact_synced([&](SQLite::Database& db) {
      SQLite::Statement q(db,
                          "SELECT team_id, expires_ms, used_ms IS NOT NULL FROM srv_enroll_code WHERE code_key = ?");
      q.bind(1, token_key(normalize_code(code)));
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
                            "INSERT INTO srv_device (device_id, team_id, name, key, enrolled_ms) VALUES (?, ?, ?, ?, ?)");
      ins.bind(1, device_id);
      ins.bind(2, team_id);
      const std::string short_name = name.substr(0, 100);
      ins.bind(3, short_name);
      ins.bind(4, key);
      ins.bind(5, now_ms());
      ins.exec();
      SQLite::Statement use(db, "UPDATE srv_enroll_code SET used_ms = ?, device_id = ? WHERE code_key = ?");
      use.bind(1, now_ms());
      use.bind(2, device_id);
      use.bind(3, token_key(normalize_code(code)));
      use.exec();
      create_here(db, "device", device_id,
                  {{"team_id", team_id},
                   {"name", short_name.empty() ? device_id.substr(0, 8) : short_name},
                   {"enrolled_at", datetime_of_ms(now_ms())}},
                  team_id);
      out.device = *find_device(db, "device_id", device_id);
      SQLite::Statement t(db, "SELECT name FROM team WHERE id = ?");
      t.bind(1, team_id);
      if (t.executeStep()) out.team_name = t.getColumn(0).getString();
    });
    return out;
  }

  std::optional<DeviceInfo> device_by_token(const std::string& token) override {
    return find_device(reader(), "key", token_key(token));
  }

  std::optional<DeviceInfo> device_by_id(const std::string& device_id) override {
    return find_device(reader(), "device_id", device_id);
  }

  bool revoke(const std::string& device_id) override {
    std::lock_guard lock(mu_);
    bool found = false;
    store_.transact_synced([&](SQLite::Database& db) {
      SQLite::Statement st(db, "UPDATE srv_device SET revoked_ms = ? WHERE device_id = ? AND revoked_ms IS NULL");
      st.bind(1, now_ms());
      st.bind(2, device_id);
      st.exec();
      found = find_device(db, "device_id", device_id).has_value();
    });
    return found;
  }

  json apply_batch(const json& batch, const DeviceInfo& device, const std::string& source) override {
    const std::string batch_id = batch["batch_id"].get<std::string>();
    const std::string digest = batch["digest"].get<std::string>();
    std::lock_guard lock(mu_);
    json receipt;
    const int64_t received = now_ms();
    store_.transact_synced([&](SQLite::Database& db) {
      {
        SQLite::Statement q(db, "SELECT digest, receipt FROM srv_batch WHERE batch_id = ?");
        q.bind(1, batch_id);
        if (q.executeStep()) {
          if (q.getColumn(0).getString() != digest)
            throw CentralError(409, "batch_conflict", "a different batch with this id was received before");
          receipt = json::parse(q.getColumn(1).getString());
          receipt.erase("mac");  // stored by earlier versions signed
          return;
        }
      }
      ChangeApplier applier(db, date_of_ms(received), received);
      int64_t applied = 0, unchanged = 0, conflicts = 0;
      const bool open_quarantine = has_open_quarantine(db);
      json quarantined = json::array();
      for (const auto& change : batch["changes"]) {
        ApplyOutcome o = applier.apply(change);
        if (o.status == ApplyOutcome::Status::quarantined) {
          applier.release();
          record_quarantine(db, batch_id, device.device_id, o.entity, o.id, errors_json(o.errors), change, received);
          quarantined.push_back({{"entity", o.entity}, {"id", o.id}, {"errors", errors_json(o.errors)}});
          continue;
        }
        conflicts += static_cast<int64_t>(o.conflicts.size());
        if (open_quarantine) resolve_quarantine(db, o.entity, o.id, received);
        if (auto h = Hlc::parse(o.max_hlc)) store_.observe(*h);
        if (o.status == ApplyOutcome::Status::unchanged) {
          ++unchanged;
          continue;
        }
        ++applied;
        const bool inserted = o.status == ApplyOutcome::Status::inserted && change.contains("fields");
        feed(db, o.entity, o.id, device.team_id, o.same_as_change ? device.device_id : std::string(),
             inserted ? &change["fields"] : nullptr);
      }
      applier.release();
      release();
      receipt = {{"format", kReceiptFormat},
                 {"version", kFormatVersion},
                 {"batch_id", batch_id},
                 {"device_id", device.device_id},
                 {"seq", batch["seq"]},
                 {"digest", digest},
                 {"server_id", server_id()},
                 {"received_ms", received},
                 {"received_at", datetime_of_ms(received)},
                 {"applied", applied},
                 {"unchanged", unchanged},
                 {"conflicts", conflicts},
                 {"quarantined", quarantined}};
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
      int64_t skew = 0;
      if (batch.contains("created_ms") && batch["created_ms"].is_number_integer())
        skew = batch["created_ms"].get<int64_t>() - received;
      SQLite::Statement dev(db,
                            "UPDATE srv_device SET last_seen_ms = ?, last_seq = max(last_seq, ?), clock_skew_ms = ? "
                            "WHERE device_id = ?");
      dev.bind(1, received);
      dev.bind(2, batch["seq"].get<int64_t>());
      dev.bind(3, skew);
      dev.bind(4, device.device_id);
      dev.exec();
    });
    // Signed as it leaves, with the device's current key: a device enrolled
    // again resends its old batches under its new key and must be able to
    // check their receipts.
    sign_receipt(receipt, device.key);
    return receipt;
  }

  json changes_after(const DeviceInfo& device, int64_t cursor, int limit) override {
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
    SQLite::Statement st(db,
                         "SELECT seq, entity, record_id, echo_device FROM srv_feed WHERE seq > ?1 AND "
                         "(area = '' OR ?2 = '' OR substr(area, 1, length(?2)) = ?2 OR team_id = ?3) "
                         "ORDER BY seq LIMIT ?4");
    st.bind(1, cursor);
    st.bind(2, device.team_area);
    st.bind(3, device.team_id);
    st.bind(4, limit);
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
    return out;
  }

  bool publish_program(const json& definition) override {
    std::lock_guard lock(mu_);
    bool added = false;
    store_.transact_synced([&](SQLite::Database& db) {
      added = install_program(db, definition);
      if (added) {
        const ProgramPtr p = parse_program(definition);
        feed(db, "program", p->id + "@" + std::to_string(p->version), "", "");
      }
      release();
    });
    return added;
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
    SQLite::Statement st(db,
                         "SELECT d.device_id, coalesce(t.name, d.team_id), d.name, d.enrolled_ms, d.revoked_ms, "
                         "d.last_seen_ms, d.last_seq, d.clock_skew_ms FROM srv_device d LEFT JOIN team t ON t.id = "
                         "d.team_id ORDER BY d.enrolled_ms");
    auto when = [&](int col) -> json {
      return st.getColumn(col).isNull() ? json(nullptr) : json(datetime_of_ms(st.getColumn(col).getInt64()));
    };
    json out = json::array();
    while (st.executeStep())
      out.push_back({{"device_id", st.getColumn(0).getString()},
                     {"team", st.getColumn(1).getString()},
                     {"name", st.getColumn(2).getString()},
                     {"enrolled_at", when(3)},
                     {"revoked_at", when(4)},
                     {"last_seen_at", when(5)},
                     {"last_seq", st.getColumn(6).getInt64()},
                     {"clock_skew_ms", st.getColumn(7).isNull() ? json(nullptr) : json(st.getColumn(7).getInt64())}});
    return out;
  }

  json conflicts(int limit) override {
    json out = json::array();
    for (const auto& c : list_conflicts(reader(), limit))
      out.push_back({{"entity", c.entity},
                     {"id", c.record_id},
                     {"field", c.field},
                     {"kept", c.kept_value},
                     {"kept_hlc", c.kept_hlc},
                     {"other", c.other_value},
                     {"other_hlc", c.other_hlc},
                     {"at", datetime_of_ms(c.at_ms)}});
    return out;
  }

  json quarantine(int limit) override {
    json out = json::array();
    for (const auto& q : list_quarantine(reader(), limit))
      out.push_back({{"entity", q.entity},
                     {"id", q.record_id},
                     {"batch_id", q.batch_id},
                     {"device_id", q.device_id},
                     {"errors", q.errors},
                     {"at", datetime_of_ms(q.at_ms)}});
    return out;
  }

 private:
  std::string path_;
  std::mutex mu_;  // guards store_ (the one writer), ids_ and stmts_
  Store store_;
  IdSource ids_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> stmts_;  // on the writer, prepared once

  SQLite::Statement& cached(SQLite::Database& db, const std::string& sql) {
    auto& st = stmts_[sql];
    if (!st) st = std::make_unique<SQLite::Statement>(db, sql);
    st->tryReset();
    st->clearBindings();
    return *st;
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

  static std::string normalize_code(std::string code) {
    std::string out;
    for (char c : code)
      if (c != '-' && c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
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
    SQLite::Statement st(db, std::string("SELECT d.device_id, d.team_id, coalesce(t.area_code, ''), d.name, d.key, "
                                         "d.revoked_ms IS NOT NULL FROM srv_device d LEFT JOIN team t ON t.id = "
                                         "d.team_id WHERE d.") +
                                 column + " = ?");
    st.bind(1, value);
    if (!st.executeStep()) return std::nullopt;
    return DeviceInfo{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                      st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getInt() != 0};
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

  // The place code a record belongs to, for scoping pulls, read from the
  // record as stored (after the merge): its own village or place, else its
  // patient's (or household's, or clinic day's). Team, member and device
  // records are team-wide (""); a record whose place is unknown gets
  // kTeamOnly, which no area matches, so only its own team sees it.
  static constexpr const char* kTeamOnly = "-";
  // `inserted`: the fields of a record inserted just now (as stored), which
  // saves reading it back.
  std::string area_of(SQLite::Database& db, const std::string& entity, const std::string& id, const json* inserted) {
    auto lookup = [&](const std::string& sql, const std::string& key) -> std::string {
      if (key.empty()) return {};
      auto& st = cached(db, sql);
      st.bind(1, key);
      std::string v = st.executeStep() && !st.getColumn(0).isNull() ? st.getColumn(0).getString() : std::string();
      st.tryReset();
      return v;
    };
    auto own = [&](const char* column) -> std::string {
      if (inserted) {
        auto it = inserted->find(column);
        return it != inserted->end() && it->is_string() ? it->get<std::string>() : std::string();
      }
      return lookup("SELECT " + std::string(column) + " FROM " + entity + " WHERE id = ?", id);
    };
    std::string area;
    if (entity == "team" || entity == "member" || entity == "device" || entity == "program") return "";
    if (entity == "place") area = own("code");
    else if (entity == "clinic_day") area = own("place_code");
    else if (entity == "household" || entity == "patient") area = own("village_code");
    else if (entity == "home_visit")
      area = lookup("SELECT village_code FROM household WHERE id = ?", own("household_id"));
    else {
      area = lookup("SELECT village_code FROM patient WHERE id = ?", own("patient_id"));
      if (area.empty() && entity == "dispense")
        area = lookup("SELECT place_code FROM clinic_day WHERE id = ?", own("clinic_day_id"));
    }
    return area.empty() ? kTeamOnly : area;
  }

  // Move the record to the end of the feed. A record inserted just now has
  // no feed row yet.
  void feed(SQLite::Database& db, const std::string& entity, const std::string& id, const std::string& team_id,
            const std::string& echo_device, const json* inserted = nullptr) {
    if (!inserted) {
      auto& del = cached(db, "DELETE FROM srv_feed WHERE entity = ? AND record_id = ?");
      del.bind(1, entity);
      del.bind(2, id);
      del.exec();
    }
    const std::string area = area_of(db, entity, id, inserted);
    auto& ins = cached(db, "INSERT INTO srv_feed (entity, record_id, area, team_id, echo_device) VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, entity);
    ins.bind(2, id);
    ins.bind(3, area);
    if (team_id.empty()) ins.bind(4);
    else ins.bind(4, team_id);
    if (echo_device.empty()) ins.bind(5);
    else ins.bind(5, echo_device);
    ins.exec();
  }
};

}  // namespace

std::unique_ptr<CentralStore> open_sqlite_central_store(const std::string& path) {
  return std::make_unique<SqliteCentralStore>(path);
}

}  // namespace yz::sync
