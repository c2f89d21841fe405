#include "core/store/store.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <atomic>
#include <map>
#include <thread>

#include "core/base/errors.h"
#include "core/base/hlc.h"
#include "core/store/audit_chain.h"
#include "core/store/checkpointer.h"
#include "core/store/encryption.h"
#include "core/store/entities.h"
#include "core/store/records.h"
#include "core/store/rules.h"
#include "core/store/schema.h"

namespace yz {

namespace {

// The date this program was built, from __DATE__ ("Nov 23 2026"): no real
// clock can be earlier, so it floors a device clock that says 1970.
std::string build_date() {
  static const std::string d = [] {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::string s = __DATE__;
    int m = 1;
    for (int i = 0; i < 12; ++i)
      if (s.compare(0, 3, kMonths[i]) == 0) m = i + 1;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s-%02d-%02d", s.substr(7, 4).c_str(), m, std::atoi(s.substr(4, 2).c_str()));
    return std::string(buf);
  }();
  return d;
}

// Process-wide SQLite settings, made before the first connection opens
// (sqlite3_config is refused after sqlite3_initialize). Memory statistics
// off: with them on, every SQLite allocation takes a global mutex, about 5 %
// of a batch ingest's CPU (BENCHMARKS.md, server ingest).
void configure_sqlite_once() {
  static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)rc;  // SQLITE_MISUSE if SQLite was initialised before: harmless
}

void configure_writer(SQLite::Database& db, int cache_kib) {
  // The busy timeout first: even setting the journal mode takes a lock, and
  // another process (the server, while an admin verb opens its database)
  // may hold one for a moment.
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA temp_store = MEMORY");
  db.exec("PRAGMA cache_size = -" + std::to_string(cache_kib > 0 ? cache_kib : 16000));
}

json column_value(const SQLite::Column& c, FieldType t) {
  if (c.isNull()) return nullptr;
  switch (t) {
    case FieldType::integer: return c.getInt64();
    case FieldType::boolean: return c.getInt() != 0;
    case FieldType::real: return c.getDouble();
    default: return c.getString();
  }
}

void reset(SQLite::Statement& st) {
  st.tryReset();
  st.clearBindings();
}

std::string join_names(const std::vector<std::string>& names) {
  json arr = names;
  return arr.dump();
}

}  // namespace

SQLite::Database open_connection(const std::string& path, int flags) {
  const char* vfs = vfs_for(path);
  SQLite::Database db(path, flags, 0, vfs ? vfs : "");
  if (vfs) {
    prepare_encrypted_connection(db.getHandle());
    return db;
  }
  // An encrypted database copied without its key file opens as a plain one
  // and reads as "malformed"; the page header SQLite read says what it is
  // (the bytes each page reserves for the nonce and tag). Asked through
  // SQLite: a second descriptor of the file, once closed, would drop the
  // process's POSIX locks on it.
  sqlite3_busy_timeout(db.getHandle(), 5000);  // as every connection of the store waits
  try {
    db.exec("SELECT 1 FROM sqlite_master LIMIT 1");
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() != SQLITE_CORRUPT && e.getErrorCode() != SQLITE_NOTADB) throw;
    int reserved = -1;
    sqlite3_file_control(db.getHandle(), "main", SQLITE_FCNTL_RESERVE_BYTES, &reserved);
    if (reserved == kReservedBytes)
      throw EncryptionError("database " + path + " is encrypted but its key file " + path +
                            ".key is missing: put it back beside the database (from where the database was "
                            "copied, or the team's backup)");
    throw;
  }
  return db;
}

// --------------------------------------------------------------------------
// Writer::Impl holds the connection, the clocks and the prepared statements.

struct Writer::Impl {
  std::string path;
  SQLite::Database db;
  SystemClock system_clock;
  IdSource own_ids;
  Clock* clock;
  IdSource* ids;
  std::string actor;
  bool audit_enabled;
  std::string device;
  HlcClock hlc{""};
  std::string saved_hlc;
  bool in_txn = false;
  const RecordRules& rules;
  std::unique_ptr<RecordIndex> index;
  std::unique_ptr<WalCheckpointer> checkpointer;  // declared after db: stops before it closes
  std::map<std::string, std::unique_ptr<SQLite::Statement>, std::less<>> stmts;
  std::unique_ptr<AuditAppender> auditor;  // made on the first audited write (after migration)
  // The thread inside a public call now (none: no one). The connection has
  // no SQLite mutex (below), so a second thread coming in would corrupt
  // memory: Use refuses it instead.
  std::atomic<std::thread::id> user{};

  Impl(const std::string& p, const RecordRules& r, const StoreOptions& o)
      : path((configure_sqlite_once(), p)),
        // No per-call mutex: the writer belongs to one thread at a time
        // (store.h), so SQLite's serialising of every bind and step only
        // cost about 4 % of a batch ingest's writer (BENCHMARKS.md, server
        // ingest, seventh pass). Readers keep theirs (open_reader).
        db(open_connection(p, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX)),
        clock(o.clock ? o.clock : &system_clock),
        ids(o.ids ? o.ids : &own_ids),
        actor(o.actor),
        audit_enabled(o.audit),
        rules(r) {}

  // Finish every cached statement. A SELECT that returned a row and was not
  // stepped to its end keeps a read snapshot open, and while it is open the
  // WAL can neither be checkpointed nor restarted: it grows without bound.
  // Called when each transaction and each public read ends.
  void release_reads() noexcept {
    for (auto& [sql, st] : stmts) st->tryReset();
  }

  SQLite::Statement& stmt(const std::string& sql) {
    auto it = stmts.find(sql);
    if (it == stmts.end()) it = stmts.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
    reset(*it->second);
    return *it->second;
  }

  // The latest wall time this device's own clock gave a stamp (persisted
  // as "own_wall_ms"), and the last server time sync reported.
  int64_t own_wall_ms = 0;

  std::string today() {
    int64_t floor_ms = own_wall_ms;
    if (auto server = setting("sync.server_time_ms")) floor_ms = std::max<int64_t>(floor_ms, std::atoll(server->c_str()));
    std::string t = date_of_ms(std::max(clock->now_ms(), floor_ms));
    if (build_date() > t) t = build_date();
    return t;
  }

  std::optional<std::string> setting(std::string_view key) {
    auto& st = stmt("SELECT value FROM settings WHERE key = ?");
    st.bind(1, std::string(key));
    if (st.executeStep()) return st.getColumn(0).getString();
    return std::nullopt;
  }

  void set_setting(std::string_view key, std::string_view value) {
    auto& st = stmt("INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    st.bind(1, std::string(key));
    st.bind(2, std::string(value));
    st.exec();
  }

  // ---- validation --------------------------------------------------------

  // The value a field takes when it is not given on creation or is cleared
  // by an update; null when it has no fallback.
  json fallback(const FieldSpec& f, const std::string& today, std::vector<FieldError>& errs) {
    if (f.fallback.empty()) return nullptr;
    if (f.fallback == "now") return datetime_of_ms(clock->now_ms());
    if (f.fallback == "today") return today;
    return rules.convert(f, std::string(f.fallback), today, errs);
  }

  // The rules of one whole record, as it would be stored (RecordRules::check,
  // the same a synced change meets), then what only a local save checks:
  // references to live records and the rules' local checks. On update,
  // `before` is the stored record: references and the local checks apply
  // only to values that change, so a record stays editable when a record it
  // refers to was deleted (here or by sync) or a duplicate registration
  // awaits a coordinator's merge.
  void check_record(const EntitySpec& spec, RecordFields& rec, const std::string& today,
                    std::vector<FieldError>& errs, std::string_view self_id, const RecordFields* before = nullptr) {
    auto unchanged = [&](std::string_view k) {
      if (!before) return false;
      auto it = before->find(k);
      return it != before->end() && it->second == rec[std::string(k)];
    };
    rules.check(spec, rec, today, errs);
    rules.check_local(db, spec, rec, before, self_id, errs);
    for (const auto& f : spec.fields) {
      const json& v = rec[std::string(f.name)];
      if (v.is_null() || unchanged(f.name)) continue;
      if (f.type == FieldType::ref) check_exists(f, v.get<std::string>(), errs);
      if (f.type == FieldType::id_list)
        for (const auto& id : json::parse(v.get<std::string>())) check_exists(f, id.get<std::string>(), errs);
    }
  }

  void check_exists(const FieldSpec& f, const std::string& id, std::vector<FieldError>& errs) {
    auto& st = stmt("SELECT deleted FROM " + std::string(f.extra) + " WHERE id = ?");
    st.bind(1, id);
    if (!st.executeStep() || st.getColumn(0).getInt() != 0)
      errs.push_back({std::string(f.name), "ref_missing", {std::string(f.extra), id}});
  }

  // ---- reads ---------------------------------------------------------------

  struct Stored {
    int64_t rid = 0;
    bool deleted = false;
    std::string hlc;
    RecordFields fields;
  };

  std::optional<Stored> load(const EntitySpec& spec, std::string_view id) {
    std::string sql = "SELECT rid, deleted, hlc";
    for (const auto& f : spec.fields) sql += ", " + std::string(f.name);
    sql += " FROM " + std::string(spec.name) + " WHERE id = ?";
    auto& st = stmt(sql);
    st.bind(1, std::string(id));
    if (!st.executeStep()) return std::nullopt;
    Stored s;
    s.rid = st.getColumn(0).getInt64();
    s.deleted = st.getColumn(1).getInt() != 0;
    s.hlc = st.getColumn(2).getString();
    int i = 3;
    for (const auto& f : spec.fields) {
      json v = column_value(st.getColumn(i++), f.type);
      if (f.type == FieldType::boolean && v.is_boolean()) v = v.get<bool>() ? 1 : 0;
      s.fields[std::string(f.name)] = std::move(v);
    }
    return s;
  }

  // ---- writes --------------------------------------------------------------

  Hlc tick() {
    const int64_t now = clock->now_ms();
    if (now > own_wall_ms) own_wall_ms = now;
    return hlc.tick(now);
  }

  void outbox(std::string_view entity, std::string_view id, const char* op, const std::string& stamp,
              const std::optional<std::string>& fields) {
    auto& st = stmt("INSERT INTO outbox (entity, record_id, op, hlc, fields) VALUES (?, ?, ?, ?, ?)");
    st.bind(1, std::string(entity));
    st.bind(2, std::string(id));
    st.bind(3, op);
    st.bind(4, stamp);
    if (fields) st.bind(5, *fields);
    st.exec();
  }

  void audit(const char* action, std::string_view entity, std::string_view id, const std::string& stamp,
             const std::string& detail) {
    if (!audit_enabled) return;
    if (!auditor) auditor = std::make_unique<AuditAppender>(db);
    AuditRow row;
    row.at_ms = clock->now_ms();
    row.hlc = stamp;
    row.actor = actor;
    row.action = action;
    row.entity = std::string(entity);
    if (!id.empty()) row.record_id = std::string(id);
    if (!detail.empty()) row.detail = detail;
    auditor->append(std::move(row));
  }

  const EntitySpec& spec_of(std::string_view entity) {
    const EntitySpec* spec = find_entity(entity);
    if (!spec) throw ValidationError(FieldError{"entity", "unknown_entity", {std::string(entity)}});
    return *spec;
  }

  std::string create(std::string_view entity, const json& input) {
    const EntitySpec& spec = spec_of(entity);
    if (!input.is_object()) throw ValidationError(FieldError{"fields", "bad_type", {"a JSON object"}});
    const std::string day = today();
    std::vector<FieldError> errs;
    json fields = input;
    rules.prepare_new(spec, fields, day, errs);
    for (const auto& [k, v] : fields.items()) {
      const FieldSpec* f = spec.field(k);
      if (!f) errs.push_back({k, "unknown_field"});
      // A record starts in its kind's initial status (the fallback); every
      // later status is a transition of core/care (transitions.h), never a
      // value written at creation.
      else if (f->status && !v.is_null() && !(v.is_string() && v.get<std::string>() == f->fallback))
        errs.push_back({k, "not_initial_status", {std::string(f->fallback), v.is_string() ? v.get<std::string>() : v.dump()}});
    }
    RecordFields rec;
    for (const auto& f : spec.fields) {
      const std::string name(f.name);
      json v = fields.contains(name) ? rules.convert(f, fields[name], day, errs) : json(nullptr);
      if (v.is_null()) v = fallback(f, day, errs);
      rec[name] = std::move(v);
    }
    if (errs.empty()) check_record(spec, rec, day, errs, "");
    if (!errs.empty()) throw ValidationError(std::move(errs));

    const int64_t now = clock->now_ms();
    const std::string id = ids->next(now);
    const std::string stamp = tick().str();
    auto& st = stmt(record_insert_sql(spec));
    st.bind(1, id);
    st.bind(2, stamp);
    st.bind(3, 0);
    int i = 4;
    for (const auto& f : spec.fields) bind_stored(st, i++, rec[std::string(f.name)]);
    st.exec();
    index->index(spec, db.getLastInsertRowid(), rec);
    outbox(spec.name, id, "create", stamp, std::nullopt);
    audit("create", spec.name, id, stamp, "");
    return id;
  }

  // `statuses`: whether status fields may change (only through set_status).
  void update(std::string_view entity, std::string_view id, const json& input, bool statuses) {
    const EntitySpec& spec = spec_of(entity);
    if (!input.is_object()) throw ValidationError(FieldError{"fields", "bad_type", {"a JSON object"}});
    auto cur = load(spec, id);
    if (!cur || cur->deleted) throw NotFound(std::string(entity), std::string(id));
    const std::string day = today();
    std::vector<FieldError> errs;
    auto rec = cur->fields;
    for (const auto& [k, v] : input.items()) {
      const FieldSpec* f = spec.field(k);
      if (!f) errs.push_back({k, "unknown_field"});
      else if (!f->editable || spec.append_only) errs.push_back({k, "not_editable"});
      else if (f->status && !statuses) errs.push_back({k, "status_field"});
      else {
        json nv = rules.convert(*f, v, day, errs);
        if (nv.is_null()) nv = fallback(*f, day, errs);  // cleared: back to its default
        rec[k] = std::move(nv);
      }
    }
    if (errs.empty()) check_record(spec, rec, day, errs, id, &cur->fields);
    if (!errs.empty()) throw ValidationError(std::move(errs));

    std::vector<std::string> changed;
    for (const auto& f : spec.fields)
      if (rec[std::string(f.name)] != cur->fields[std::string(f.name)]) changed.emplace_back(f.name);
    if (changed.empty()) return;

    const std::string stamp = tick().str();
    std::string sql = "UPDATE " + std::string(spec.name) + " SET hlc = ?";
    for (const auto& c : changed) sql += ", " + c + " = ?";
    sql += " WHERE rid = ?";
    auto& st = stmt(sql);
    st.bind(1, stamp);
    int i = 2;
    for (const auto& c : changed) bind_stored(st, i++, rec[c]);
    st.bind(i, cur->rid);
    st.exec();
    // Each changed field keeps the stamp of the value its editor replaced,
    // or, when that value was this device's own unsynced or synced edit, the
    // base that edit had: the latest stamp from elsewhere this device had
    // seen. A merge compares it with the other side's stamp to tell a later
    // edit from a concurrent one (changes.h).
    std::map<std::string, std::pair<std::string, std::string>, std::less<>> prior;  // field -> (hlc, base)
    {
      auto& q = stmt("SELECT field, hlc, base FROM field_clock WHERE entity = ? AND record_id = ?");
      q.bind(1, std::string(spec.name));
      q.bind(2, std::string(id));
      while (q.executeStep())
        prior[q.getColumn(0).getString()] = {q.getColumn(1).getString(), q.getColumn(2).getString()};
    }
    auto& fc = stmt("INSERT INTO field_clock (entity, record_id, field, hlc, base) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(entity, record_id, field) DO UPDATE SET hlc = excluded.hlc, base = excluded.base");
    for (const auto& c : changed) {
      std::string base;
      if (auto it = prior.find(c); it != prior.end()) {
        const auto was = Hlc::parse(it->second.first);
        base = was && was->node == device ? it->second.second : it->second.first;
      }
      reset(fc);
      fc.bind(1, std::string(spec.name));
      fc.bind(2, std::string(id));
      fc.bind(3, c);
      fc.bind(4, stamp);
      if (base.empty()) fc.bind(5);
      else fc.bind(5, base);
      fc.exec();
    }
    // A local edit is made over the value this device holds: it supersedes
    // both values of an open conflict of its field (replication/changes.h).
    auto& cf = stmt("UPDATE conflict SET resolved_ms = ?, resolution = ? WHERE entity = ? AND record_id = ? AND "
                    "field = ? AND resolved_ms IS NULL");
    for (const auto& c : changed) {
      reset(cf);
      cf.bind(1, clock->now_ms());
      cf.bind(2, json{{"by", "superseded"}, {"hlc", stamp}, {"value", rec[c]}}.dump());
      cf.bind(3, std::string(spec.name));
      cf.bind(4, std::string(id));
      cf.bind(5, c);
      cf.exec();
    }
    index->index(spec, cur->rid, rec);
    outbox(spec.name, id, "update", stamp, join_names(changed));
    // The audit says what each field was and became, so a record's history
    // of changes (core/queries/views.h record_changes) can be shown.
    json detail = json::object();
    for (const auto& c : changed) detail[c] = json::array({cur->fields[c], rec[c]});
    audit("update", spec.name, id, stamp, detail.dump());
  }

  void remove(std::string_view entity, std::string_view id) {
    const EntitySpec& spec = spec_of(entity);
    auto cur = load(spec, id);
    if (!cur || cur->deleted) throw NotFound(std::string(entity), std::string(id));
    const std::string stamp = tick().str();
    auto& st = stmt("UPDATE " + std::string(spec.name) + " SET deleted = 1, hlc = ? WHERE rid = ?");
    st.bind(1, stamp);
    st.bind(2, cur->rid);
    st.exec();
    index->remove(spec, cur->rid);
    outbox(spec.name, id, "delete", stamp, std::nullopt);
    audit("delete", spec.name, id, stamp, "");
  }

  void transact(const std::function<void(Writer&)>& fn) {
    run_transaction([&] {
      Writer w(*this);
      fn(w);
    });
  }

  // Foreign keys are checked by check_record for local saves; synced changes
  // may arrive before the records they refer to, so their transaction runs
  // with SQLite's own checks off (the pragma is a no-op inside one).
  void transact_synced(const std::function<void(SQLite::Database&)>& fn) {
    db.exec("PRAGMA foreign_keys = OFF");
    struct Restore {
      SQLite::Database& db;
      ~Restore() {
        try {
          db.exec("PRAGMA foreign_keys = ON");
        } catch (...) {  // a destructor never throws; the next open sets it again
        }
      }
    } restore{db};
    run_transaction([&] { fn(db); });
  }

  void run_transaction(const std::function<void()>& fn) {
    if (in_txn) throw StoreError("nested transaction");
    in_txn = true;
    struct Guard {
      bool& flag;
      ~Guard() { flag = false; }
    } guard{in_txn};
    SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
    const Hlc before = hlc.last();
    try {
      fn();
      if (hlc.last() != before) {
        set_setting("hlc", hlc.last().str());
        set_setting("own_wall_ms", std::to_string(own_wall_ms));
      }
      release_reads();
      txn.commit();
    } catch (...) {
      release_reads();
      hlc = HlcClock(device, before);
      throw;
    }
  }
};

// --------------------------------------------------------------------------

std::string Writer::create(std::string_view entity, const json& fields) { return impl_.create(entity, fields); }
void Writer::update(std::string_view entity, std::string_view id, const json& fields) {
  impl_.update(entity, id, fields, false);
}
void Writer::set_status(StatusKey, std::string_view entity, std::string_view id, const json& fields) {
  impl_.update(entity, id, fields, true);
}
void Writer::remove(std::string_view entity, std::string_view id) { impl_.remove(entity, id); }

Store::Store() = default;
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

Store Store::open(const std::string& path, const RecordRules& rules, StoreOptions options) {
  Store s;
  try {
    s.impl_ = std::make_unique<Writer::Impl>(path, rules, options);
    auto& im = *s.impl_;
    configure_writer(im.db, options.cache_kib);
    migrate(im.db, rules);
    im.checkpointer = std::make_unique<WalCheckpointer>(im.db.getHandle(), path);
    im.index = rules.open_index(im.db);
    auto dev = im.setting("device_id");
    if (!dev) {
      dev = im.ids->next(im.clock->now_ms());
      im.set_setting("device_id", *dev);
    }
    im.device = *dev;
    Hlc last;
    if (auto h = im.setting("hlc"))
      if (auto parsed = Hlc::parse(*h)) last = *parsed;
    im.hlc = HlcClock(im.device, last);
    if (auto w = im.setting("own_wall_ms")) im.own_wall_ms = std::atoll(w->c_str());
    else if (last.node == im.device) im.own_wall_ms = last.wall_ms;  // databases from before v3
    im.release_reads();
  } catch (const SQLite::Exception& e) {
    throw StoreError("cannot open database " + path + ": " + e.what());
  } catch (const EncryptionError& e) {  // locked, wrong key, plain file
    throw StoreError("cannot open database " + path + ": " + e.what());
  }
  return s;
}

namespace {

// One public call of a Store: the calling thread holds the store until the
// outermost call returns (calls made inside it, on the same thread, pass).
// A Store belongs to one thread at a time (store.h); another thread coming
// in meanwhile is a bug in the caller, refused with a StoreError before it
// touches the connection.
class Use {
 public:
  explicit Use(std::atomic<std::thread::id>& user) : user_(user) {
    std::thread::id none{};
    const std::thread::id me = std::this_thread::get_id();
    if (user_.compare_exchange_strong(none, me)) outer_ = true;
    else if (none != me)
      throw StoreError("the store is in use by another thread: a Store belongs to one thread at a time");
  }
  ~Use() {
    if (outer_) user_.store(std::thread::id{});
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

 private:
  std::atomic<std::thread::id>& user_;
  bool outer_ = false;
};

}  // namespace

std::string Store::create(std::string_view entity, const json& fields) {
  std::string id;
  transact([&](Writer& w) { id = w.create(entity, fields); });
  return id;
}
void Store::update(std::string_view entity, std::string_view id, const json& fields) {
  transact([&](Writer& w) { w.update(entity, id, fields); });
}
void Store::remove(std::string_view entity, std::string_view id) {
  transact([&](Writer& w) { w.remove(entity, id); });
}
void Store::transact(const std::function<void(Writer&)>& fn) {
  Use use(impl_->user);
  impl_->transact(fn);
}
void Store::transact_synced(const std::function<void(SQLite::Database&)>& fn) {
  Use use(impl_->user);
  impl_->transact_synced(fn);
}
std::string Store::stamp() {
  Use use(impl_->user);
  if (!impl_->in_txn) throw StoreError("stamp outside a transaction");
  return impl_->tick().str();
}
void Store::observe(const Hlc& stamp) {
  Use use(impl_->user);
  if (!impl_->in_txn) throw StoreError("observe outside a transaction");
  impl_->hlc.observe(stamp);
}

std::optional<json> Store::get(std::string_view entity, std::string_view id) {
  const EntitySpec* spec = find_entity(entity);
  if (!spec) return std::nullopt;
  Use use(impl_->user);
  return read_record(impl_->db, *spec, id);
}

SQLite::Database& Store::db() { return impl_->db; }
const std::string& Store::path() const { return impl_->path; }
const std::string& Store::device_id() const { return impl_->device; }
void Store::set_actor(std::string actor) { impl_->actor = std::move(actor); }
std::string Store::today() {
  Use use(impl_->user);
  std::string t = impl_->today();
  if (!impl_->in_txn) impl_->release_reads();
  return t;
}
int64_t Store::now_ms() { return impl_->clock->now_ms(); }
std::optional<std::string> Store::setting(std::string_view key) {
  Use use(impl_->user);
  auto v = impl_->setting(key);
  impl_->release_reads();
  return v;
}
void Store::set_setting(std::string_view key, std::string_view value) {
  Use use(impl_->user);
  impl_->set_setting(key, value);
}

SQLite::Database open_reader(const std::string& path) {
  configure_sqlite_once();
  SQLite::Database db = open_connection(path, SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX);
  int ignored = 0;
  sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &ignored);
  db.exec("PRAGMA busy_timeout = 5000");
  // A page of an encrypted database is decrypted each time it is read into
  // the cache (about 2 µs for 4 KiB): a reader keeps up to 32 MB of them
  // instead of SQLite's 2 MB, so that repeated searches decrypt only what is
  // new (BENCHMARKS.md, encryption at rest). The cache grows only as pages
  // are read.
  if (vfs_for(path)) db.exec("PRAGMA cache_size = -32768");
  return db;
}

}  // namespace yz
