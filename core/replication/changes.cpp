#include "core/replication/changes.h"

#include <algorithm>
#include <unordered_map>

#include "core/base/clock.h"
#include "core/domain/record_rules.h"
#include "core/base/hlc.h"
#include "core/base/messages.h"
#include "core/store/records.h"
#include "core/domain/search.h"
#include "core/base/uuid.h"

namespace yz {

namespace {

// Stamps compare as text (hlc.h: byte order is stamp order); the empty
// stamp, a field's original value, is older than every other.
std::string_view node_of(std::string_view stamp) { return stamp.size() > 20 ? stamp.substr(20) : std::string_view(); }

json stored_column(const SQLite::Column& c, FieldType t) {
  if (c.isNull()) return nullptr;
  switch (t) {
    case FieldType::integer:
    case FieldType::boolean: return c.getInt64();
    case FieldType::real: return c.getDouble();
    default: return c.getString();
  }
}

}  // namespace

json api_value(const FieldSpec& f, const json& stored) {
  if (stored.is_null()) return nullptr;
  if (f.type == FieldType::boolean) return stored.get<int64_t>() != 0;
  if (is_json_type(f.type)) return json::parse(stored.get<std::string>(), nullptr, false);
  return stored;
}

// ---------------------------------------------------------------------------

ChangeReader::ChangeReader(SQLite::Database& db) : db_(db) {}
ChangeReader::~ChangeReader() = default;

SQLite::Statement& ChangeReader::stmt(const std::string& sql) {
  auto it = stmts_.find(sql);
  if (it == stmts_.end()) it = stmts_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  it->second->tryReset();
  it->second->clearBindings();
  return *it->second;
}

void ChangeReader::release() noexcept {
  for (auto& [sql, st] : stmts_) st->tryReset();
}

std::optional<json> ChangeReader::read(const EntitySpec& spec, std::string_view id) {
  // The SQL texts are made once per process, not per record read.
  static const std::map<const EntitySpec*, std::string> kById = [] {
    std::map<const EntitySpec*, std::string> m;
    for (const EntitySpec* e : entities()) m[e] = record_select_sql(*e) + " WHERE id = ?";
    return m;
  }();
  static const std::string kClocks = "SELECT field, hlc, base FROM field_clock WHERE entity = ? AND record_id = ?";
  const auto sql = kById.find(&spec);
  auto& st = stmt(sql != kById.end() ? sql->second : record_select_sql(spec) + " WHERE id = ?");
  st.bind(1, std::string(id));
  if (!st.executeStep()) return std::nullopt;
  json rec = record_from_row(spec, st);
  st.tryReset();
  json change = {{"entity", spec.name}, {"id", rec["id"]}, {"hlc", rec["hlc"]}, {"deleted", rec["deleted"]}};
  rec.erase("id");
  rec.erase("hlc");
  rec.erase("deleted");
  change["fields"] = std::move(rec);
  auto& fc = stmt(kClocks);
  fc.bind(1, std::string(spec.name));
  fc.bind(2, std::string(id));
  json stamps = json::object(), bases = json::object();
  while (fc.executeStep()) {
    const std::string field = fc.getColumn(0).getString();
    if (!spec.field(field)) continue;
    stamps[field] = fc.getColumn(1).getString();
    if (!fc.getColumn(2).isNull()) bases[field] = fc.getColumn(2).getString();
  }
  if (!stamps.empty()) change["stamps"] = std::move(stamps);
  if (!bases.empty()) change["bases"] = std::move(bases);
  return change;
}

std::optional<CheckedChange> check_change(const json& change, const std::string& today_floor, ApplyOutcome& out) {
  auto& errs = out.errors;
  if (!change.is_object()) {
    errs.push_back({"change", "bad_type", {"a JSON object"}});
    return std::nullopt;
  }
  auto text = [&](const char* key) -> std::string {
    auto it = change.find(key);
    return it != change.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  out.entity = text("entity");
  out.id = text("id");
  const EntitySpec* spec = find_entity(out.entity);
  if (!spec) errs.push_back({"entity", "unknown_entity", {out.entity}});
  if (!is_uuid(out.id) || out.id.find_first_of("ABCDEF") != std::string::npos)
    errs.push_back({"id", "bad_uuid", {out.id}});
  const std::string hlc = text("hlc");
  const auto stamp = Hlc::parse(hlc);
  if (!stamp) errs.push_back({"hlc", "bad_hlc", {hlc}});
  if (change.contains("deleted") && !change["deleted"].is_boolean())
    errs.push_back({"deleted", "bad_type", {"true or false"}});
  // A reference into `change`, not a copy (a conditional with a temporary
  // json on one side would copy the whole object).
  static const json kNoFields;
  const auto given_fields = change.find("fields");
  const json& fields = given_fields != change.end() ? *given_fields : kNoFields;
  if (!fields.is_object()) errs.push_back({"fields", "bad_type", {"a JSON object"}});
  CheckedChange in;
  // Absent clocks stay null, which reads as empty (find, items); copied
  // only when sent.
  for (auto [key, clocks] : {std::pair{"stamps", &in.stamps}, std::pair{"bases", &in.bases}}) {
    const auto it = change.find(key);
    if (it == change.end()) continue;
    if (it->is_object()) *clocks = *it;
    else errs.push_back({key, "bad_type", {"a JSON object"}});
  }
  if (!errs.empty()) return std::nullopt;
  out.max_hlc = hlc;

  for (const json* clocks : {&in.stamps, &in.bases})
    for (const auto& [k, v] : clocks->items()) {
      const FieldSpec* f = spec->field(k);
      if (!f || !merged_per_field(*spec, *f)) errs.push_back({k, "not_editable"});
      else if (!v.is_string() || !Hlc::parse(v.get_ref<const std::string&>())) errs.push_back({k, "bad_hlc", {v.dump()}});
      else if (clocks == &in.stamps && v.get_ref<const std::string&>() > out.max_hlc)
        out.max_hlc = v.get_ref<const std::string&>();
    }
  for (const auto& [k, v] : fields.items())
    if (!spec->field(k)) errs.push_back({k, "unknown_field"});

  // Dates are judged against the later of our date and the date the
  // change was made on its device.
  std::string today = date_of_ms(stamp->wall_ms);
  if (today < today_floor) today = today_floor;
  for (const auto& f : spec->fields) {
    const auto given = fields.find(f.name);
    json v = given != fields.end() ? convert_field(f, *given, today, errs) : json(nullptr);
    if (v.is_null() && !f.fallback.empty() && f.fallback != "now" && f.fallback != "today")
      v = convert_field(f, std::string(f.fallback), today, errs);
    in.fields.insert_or_assign(std::string(f.name), std::move(v));
  }
  // The same rules as a local save (record_rules.h), 身份证 cross-field
  // rules included; only what needs this device's other records (live
  // references, a 身份证 registered twice) is left to people to review.
  check_record_rules(*spec, in.fields, today, errs);
  if (!errs.empty()) return std::nullopt;
  in.spec = spec;
  in.id = out.id;
  in.hlc = hlc;
  in.deleted = change.value("deleted", false);
  return in;
}

MergeDecision merge_change(const CheckedChange& in, const HeldRecord& held) {
  const EntitySpec& spec = *in.spec;
  MergeDecision d;
  auto stamp_in = [&](const json& clocks, const std::string& name) {
    auto it = clocks.find(name);
    return it != clocks.end() ? it->get<std::string>() : std::string();
  };
  auto clock_of = [&](const std::string& name) {
    auto lc = held.clock.find(name);
    return lc != held.clock.end() ? lc->second : FieldClock{};
  };
  if (in.deleted && !held.deleted) d.changed = true;
  d.deleted = in.deleted || held.deleted;
  RecordFields after = held.fields;
  if (!held.deleted) {
    for (const auto& f : spec.fields) {
      if (!merged_per_field(spec, f)) continue;
      const std::string name(f.name);
      const std::string s_in = stamp_in(in.stamps, name), b_in = stamp_in(in.bases, name);
      const FieldClock loc = clock_of(name);
      const json& v_in = in.fields.at(name);
      auto held_value = held.fields.find(name);
      static const json kNull;
      const json& v_loc = held_value != held.fields.end() ? held_value->second : kNull;
      if (s_in > loc.hlc) {
        // The incoming edit wins. Did it see the value it replaces?
        const bool saw = loc.hlc.empty() || node_of(loc.hlc) == node_of(s_in) || b_in >= loc.hlc;
        if (!saw && v_in != v_loc) d.conflicts.push_back({name, api_value(f, v_in), api_value(f, v_loc), s_in, loc.hlc});
        if (saw) d.superseded.push_back({name, s_in, api_value(f, v_in)});
        if (v_in != v_loc) {
          d.columns.push_back(name);
          after[name] = v_in;
        }
        d.clocks.push_back({name, FieldClock{s_in, b_in}});
        d.changed = true;
      } else if (s_in < loc.hlc) {
        if (v_in != v_loc && !s_in.empty() && node_of(loc.hlc) != node_of(s_in) && loc.base < s_in)
          d.conflicts.push_back({name, api_value(f, v_loc), api_value(f, v_in), loc.hlc, s_in});
      }
    }
  }
  d.hlc = std::max(held.hlc, in.hlc);
  // Does the device that sent this now hold exactly what we hold?
  d.same_as_change = d.deleted == in.deleted && after == in.fields;
  if (d.same_as_change)
    for (const auto& f : spec.fields) {
      if (!merged_per_field(spec, f)) continue;
      const std::string name(f.name);
      if (clock_of(name).hlc > stamp_in(in.stamps, name)) d.same_as_change = false;
    }
  return d;
}

// ---------------------------------------------------------------------------

namespace {

// Whether a patient as stored has search keys: a tombstone has none, and a
// merged duplicate (merged_into) is found through its kept patient only.
bool indexed(bool deleted, const RecordFields& rec) {
  const auto merged = rec.find("merged_into");
  return !deleted && (merged == rec.end() || !merged->second.is_string());
}

std::vector<SearchKey> keys_of(const RecordFields& rec) {
  auto s = [&](const char* k) {
    const auto it = rec.find(k);
    return it != rec.end() && it->second.is_string() ? std::string_view(it->second.get_ref<const std::string&>())
                                                     : std::string_view();
  };
  return patient_index_keys(s("name"), s("name_native"), s("id_number"), s("phone"));
}

}  // namespace

void with_index_keys(CheckedChange& in) {
  if (in.spec->name == "patient" && indexed(in.deleted, in.fields)) in.index_keys = keys_of(in.fields);
}

struct ChangeApplier::Impl {
  SQLite::Database& db;
  std::string today_floor;
  int64_t now_ms;
  PatientIndexer indexer;
  // Hashed: SQL texts share long prefixes, which an ordered map compares.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> stmts;

  Impl(SQLite::Database& d, std::string t, int64_t n) : db(d), today_floor(std::move(t)), now_ms(n), indexer(d) {}

  SQLite::Statement& stmt(const std::string& sql) {
    auto it = stmts.find(sql);
    if (it == stmts.end()) it = stmts.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
    it->second->tryReset();
    it->second->clearBindings();
    return *it->second;
  }

  // The two statements every change runs, per entity, prepared once: found
  // by the spec's address instead of by building their SQL and comparing it
  // with the cached ones' (string building and memcmp showed in the profile
  // of a batch ingest, BENCHMARKS.md).
  struct EntityStatements {
    std::unique_ptr<SQLite::Statement> insert_new, select_local;
    std::string name;  // the kind's name, bound without a copy
  };
  std::map<const EntitySpec*, EntityStatements> by_entity;

  EntityStatements& entity_statements(const EntitySpec& spec) {
    EntityStatements& e = by_entity[&spec];
    if (!e.insert_new) {
      e.name = spec.name;
      // A change for a record we do not hold is inserted in one step; one for
      // a record we hold changes nothing here (and is merged after `load`).
      e.insert_new = std::make_unique<SQLite::Statement>(db, record_insert_sql(spec) + " ON CONFLICT (id) DO NOTHING");
      std::string sql = "SELECT rid, deleted, hlc";
      for (const auto& f : spec.fields) sql += ", " + std::string(f.name);
      e.select_local = std::make_unique<SQLite::Statement>(db, sql + " FROM " + std::string(spec.name) + " WHERE id = ?");
    }
    return e;
  }

  struct Local {
    int64_t rid = 0;
    HeldRecord held;
  };

  std::optional<Local> load(const EntitySpec& spec, const std::string& id) {
    auto& st = *entity_statements(spec).select_local;
    st.tryReset();
    st.bind(1, id);
    if (!st.executeStep()) return std::nullopt;
    Local l;
    l.rid = st.getColumn(0).getInt64();
    l.held.deleted = st.getColumn(1).getInt() != 0;
    l.held.hlc = st.getColumn(2).getString();
    int i = 3;
    for (const auto& f : spec.fields) l.held.fields[std::string(f.name)] = stored_column(st.getColumn(i++), f.type);
    st.tryReset();
    {
      static const std::string kSql = "SELECT field, hlc, base FROM field_clock WHERE entity = ? AND record_id = ?";
      auto& fc = stmt(kSql);
      fc.bindNoCopy(1, entity_statements(spec).name);
      fc.bind(2, id);
      while (fc.executeStep())
        l.held.clock[fc.getColumn(0).getString()] = {fc.getColumn(1).getString(), fc.getColumn(2).getString()};
      fc.tryReset();
    }
    return l;
  }

  void set_clock(const EntitySpec& spec, const std::string& id, const std::string& field, const std::string& hlc,
                 const std::string& base) {
    // Once per stamp: the SQL's text is made once, not per call.
    static const std::string kSql =
        "INSERT INTO field_clock (entity, record_id, field, hlc, base) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(entity, record_id, field) DO UPDATE SET hlc = excluded.hlc, base = excluded.base";
    auto& st = stmt(kSql);
    // All of them live until the exec below.
    st.bindNoCopy(1, entity_statements(spec).name);
    st.bindNoCopy(2, id);
    st.bindNoCopy(3, field);
    st.bindNoCopy(4, hlc);
    if (base.empty()) st.bind(5);
    else st.bindNoCopy(5, base);
    st.exec();
  }

  void log_conflict(const EntitySpec& spec, const std::string& id, const FieldConflict& c) {
    auto& st = stmt(
        "INSERT OR IGNORE INTO conflict (entity, record_id, field, kept_value, kept_hlc, other_value, "
        "other_hlc, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, std::string(spec.name));
    st.bind(2, id);
    st.bind(3, c.field);
    st.bind(4, c.kept_value.dump());
    st.bind(5, c.kept_hlc);
    st.bind(6, c.other_value.dump());
    st.bind(7, c.other_hlc);
    st.bind(8, now_ms);
    st.exec();
  }

  // Open conflicts of a field close when an edit that saw the current value
  // wins over both of theirs (changes.h). Looked up once per applier: most
  // batches meet no open conflict, and then no edit pays for the UPDATE.
  int open_conflicts = -1;  // unknown

  void close_superseded(const EntitySpec& spec, const std::string& id, const std::string& field,
                        const std::string& hlc, const json& value) {
    if (open_conflicts < 0)
      open_conflicts = db.execAndGet("SELECT EXISTS (SELECT 1 FROM conflict WHERE resolved_ms IS NULL)").getInt();
    if (open_conflicts == 0) return;
    auto& st = stmt(
        "UPDATE conflict SET resolved_ms = ?1, resolution = ?2 WHERE entity = ?3 AND record_id = ?4 AND field = ?5 "
        "AND resolved_ms IS NULL AND kept_hlc < ?6 AND other_hlc < ?6");
    st.bind(1, now_ms);
    st.bind(2, json{{"by", "superseded"}, {"hlc", hlc}, {"value", value}}.dump());
    st.bind(3, std::string(spec.name));
    st.bind(4, id);
    st.bind(5, field);
    st.bind(6, hlc);
    st.exec();
  }

  void index(const EntitySpec& spec, int64_t rid, bool deleted, RecordFields& rec) {
    if (spec.name != "patient") return;
    indexer.remove(rid);
    if (indexed(deleted, rec)) indexer.index_new(rid, keys_of(rec));
  }

  // Inserts the record unless one with its id exists (false: nothing done).
  bool insert_new(const EntitySpec& spec, const std::string& id, const std::string& hlc, bool deleted,
                  RecordFields& rec, const json& stamps, const json& bases,
                  const std::optional<std::vector<SearchKey>>& keys) {
    auto& st = *entity_statements(spec).insert_new;
    st.tryReset();
    st.clearBindings();
    st.bindNoCopy(1, id);  // all of them live until the exec below
    st.bindNoCopy(2, hlc);
    st.bind(3, deleted ? 1 : 0);
    int i = 4;
    for (const auto& f : spec.fields) {
      // An absent field stays NULL (clearBindings above).
      if (const auto it = rec.find(f.name); it != rec.end()) bind_stored(st, i, it->second);
      ++i;
    }
    if (st.exec() == 0) return false;
    const int64_t rid = db.getLastInsertRowid();
    static const std::string kNoBase;
    for (const auto& [k, v] : stamps.items()) {
      const auto base = bases.find(k);
      set_clock(spec, id, k, v.get_ref<const std::string&>(),
                base != bases.end() ? base->get_ref<const std::string&>() : kNoBase);
    }
    if (keys) indexer.index_new(rid, *keys);
    else if (spec.name == "patient" && indexed(deleted, rec)) indexer.index_new(rid, keys_of(rec));
    return true;
  }

  ApplyOutcome apply(const json& change) {
    ApplyOutcome out;
    auto in = check_change(change, today_floor, out);
    if (!in) {
      out.status = ApplyOutcome::Status::quarantined;
      return out;
    }
    return apply(*in, std::move(out));
  }

  ApplyOutcome apply(CheckedChange& in, ApplyOutcome out) {
    const EntitySpec& spec = *in.spec;
    const std::string& id = in.id;
    if (insert_new(spec, id, in.hlc, in.deleted, in.fields, in.stamps, in.bases, in.index_keys)) {
      out.status = ApplyOutcome::Status::inserted;
      out.same_as_change = true;
      return out;
    }
    auto local = load(spec, id);
    if (!local) throw std::logic_error("record " + id + " neither new nor held");
    MergeDecision d = merge_change(in, local->held);
    for (auto& c : d.conflicts) log(spec, id, out, std::move(c));
    for (const auto& s : d.superseded) close_superseded(spec, id, s.field, s.hlc, s.value);
    for (const auto& [field, clock] : d.clocks) set_clock(spec, id, field, clock.hlc, clock.base);
    if (d.changed) {
      std::string sql = "UPDATE " + std::string(spec.name) + " SET hlc = ?, deleted = ?";
      for (const auto& c : d.columns) sql += ", " + c + " = ?";
      auto& st = stmt(sql + " WHERE rid = ?");
      st.bind(1, d.hlc);
      st.bind(2, d.deleted ? 1 : 0);
      int i = 3;
      for (const auto& c : d.columns) {
        bind_stored(st, i++, in.fields[c]);
        local->held.fields[c] = in.fields[c];
      }
      st.bind(i, local->rid);
      st.exec();
      if (spec.name == "patient" && (!d.columns.empty() || d.deleted != local->held.deleted))
        index(spec, local->rid, d.deleted, local->held.fields);
      out.status = ApplyOutcome::Status::updated;
    }
    out.same_as_change = d.same_as_change;
    return out;
  }

  void log(const EntitySpec& spec, const std::string& id, ApplyOutcome& out, FieldConflict c) {
    log_conflict(spec, id, c);
    open_conflicts = 1;
    out.conflicts.push_back(std::move(c));
  }
};

ChangeApplier::ChangeApplier(SQLite::Database& db, std::string today_floor, int64_t now_ms)
    : impl_(std::make_unique<Impl>(db, std::move(today_floor), now_ms)) {}
ChangeApplier::~ChangeApplier() = default;
ApplyOutcome ChangeApplier::apply(const json& change) { return impl_->apply(change); }
ApplyOutcome ChangeApplier::apply(CheckedChange& in, ApplyOutcome out) { return impl_->apply(in, std::move(out)); }
void ChangeApplier::restart(std::string today_floor, int64_t now_ms) {
  impl_->today_floor = std::move(today_floor);
  impl_->now_ms = now_ms;
  impl_->open_conflicts = -1;  // looked up again in the new transaction
}
void ChangeApplier::release() noexcept {
  for (auto& [sql, st] : impl_->stmts) st->tryReset();
  for (auto& [spec, e] : impl_->by_entity) {
    if (e.insert_new) e.insert_new->tryReset();
    if (e.select_local) e.select_local->tryReset();
  }
}

// ---------------------------------------------------------------------------

json errors_json(const std::vector<FieldError>& errors) {
  json out = json::array();
  for (const auto& e : errors)
    out.push_back({{"field", e.field},
                   {"code", e.code},
                   {"args", e.args},
                   {"message", e.message(Lang::en)},
                   {"message_zh", e.message(Lang::zh)}});
  return out;
}

FieldError error_from_json(const json& e) {
  FieldError f{e.value("field", ""), e.value("code", ""), {}};
  if (e.contains("args") && e["args"].is_array())
    for (const auto& a : e["args"]) f.args.push_back(a.is_string() ? a.get<std::string>() : a.dump());
  return f;
}

namespace {
constexpr const char* kRecordQuarantine =
    "INSERT OR IGNORE INTO quarantine (entity, record_id, batch_id, device_id, errors, change, at_ms) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
void bind_record(SQLite::Statement& st, const std::string& batch_id, const std::string& device_id,
                 const std::string& entity, const std::string& id, const json& errors,
                 std::optional<std::string_view> change_text, int64_t now_ms) {
  st.bind(1, entity);
  st.bind(2, id);
  st.bind(3, batch_id);
  st.bind(4, device_id);
  st.bind(5, errors.dump());
  if (!change_text) st.bind(6);
  else st.bind(6, std::string(*change_text));
  st.bind(7, now_ms);
}
std::optional<std::string> text_of(const json& change) {
  if (change.is_null()) return std::nullopt;
  return change.dump(-1, ' ', false, json::error_handler_t::replace);
}
constexpr const char* kResolveQuarantine =
    "UPDATE quarantine SET resolved_ms = ?, outcome = 'accepted' WHERE entity = ? AND record_id = ? "
    "AND resolved_ms IS NULL";
void bind_resolve(SQLite::Statement& st, std::string_view entity, std::string_view id, int64_t now_ms) {
  st.bind(1, now_ms);
  st.bind(2, std::string(entity));
  st.bind(3, std::string(id));
}
}  // namespace

void record_quarantine(SQLite::Database& db, const std::string& batch_id, const std::string& device_id,
                       const std::string& entity, const std::string& id, const json& errors, const json& change,
                       int64_t now_ms) {
  SQLite::Statement st(db, kRecordQuarantine);
  bind_record(st, batch_id, device_id, entity, id, errors, text_of(change), now_ms);
  st.exec();
}

void resolve_quarantine(SQLite::Database& db, std::string_view entity, std::string_view id, int64_t now_ms) {
  SQLite::Statement st(db, kResolveQuarantine);
  bind_resolve(st, entity, id, now_ms);
  st.exec();
}

QuarantineResolver::QuarantineResolver(SQLite::Database& db)
    : db_(db),
      open_(db.execAndGet("SELECT EXISTS (SELECT 1 FROM quarantine WHERE resolved_ms IS NULL)").getInt() != 0) {}

QuarantineResolver::~QuarantineResolver() = default;

void QuarantineResolver::only(const std::map<std::string, std::string>& id_lists) {
  if (!open_) return;
  only_ = true;
  for (const auto& [entity, list] : id_lists) {
    // Whichever reads fewer rows: all open rows of the kind (one range of
    // the partial index; extra records are harmless, resolve() is asked
    // only of the batch's), when they are no more than the batch's ids of
    // it; else each id looked up. The count of ids only picks the way.
    const auto ids = static_cast<int64_t>(std::count(list.begin(), list.end(), ',') + 1);
    SQLite::Statement open_rows(db_,
                                "SELECT record_id FROM quarantine WHERE entity = ? AND resolved_ms IS NULL LIMIT ?");
    open_rows.bind(1, entity);
    open_rows.bind(2, ids + 1);
    std::vector<std::string> all;
    while (open_rows.executeStep()) all.push_back(open_rows.getColumn(0).getString());
    if (static_cast<int64_t>(all.size()) <= ids) {
      for (const auto& id : all) open_ids_.insert(entity + '\x1f' + id);
      continue;
    }
    SQLite::Statement st(db_,
                         "SELECT record_id FROM quarantine WHERE entity = ? AND resolved_ms IS NULL AND record_id IN "
                         "(SELECT value FROM json_each(?))");
    st.bind(1, entity);
    st.bindNoCopy(2, list);
    while (st.executeStep()) open_ids_.insert(entity + '\x1f' + st.getColumn(0).getString());
  }
}

bool QuarantineResolver::resolve(std::string_view entity, std::string_view id, int64_t now_ms) {
  if (!open_) return false;
  if (only_) {
    std::string record(entity);
    record += '\x1f';
    record += id;
    if (!open_ids_.count(record)) return false;
  }
  if (!resolve_) resolve_ = std::make_unique<SQLite::Statement>(db_, kResolveQuarantine);
  resolve_->reset();
  bind_resolve(*resolve_, entity, id, now_ms);
  return resolve_->exec() > 0;
}

void QuarantineResolver::record(const std::string& batch_id, const std::string& device_id, const std::string& entity,
                                const std::string& id, const json& errors, const json& change, int64_t now_ms) {
  const std::optional<std::string> text = text_of(change);
  record(batch_id, device_id, entity, id, errors, text ? std::optional<std::string_view>(*text) : std::nullopt, now_ms);
}

void QuarantineResolver::record(const std::string& batch_id, const std::string& device_id, const std::string& entity,
                                const std::string& id, const json& errors, std::optional<std::string_view> change_text,
                                int64_t now_ms) {
  if (!record_) record_ = std::make_unique<SQLite::Statement>(db_, kRecordQuarantine);
  record_->reset();
  bind_record(*record_, batch_id, device_id, entity, id, errors, change_text, now_ms);
  record_->exec();
  open_ = true;
  if (only_) open_ids_.insert(entity + '\x1f' + id);
}

void QuarantineResolver::release() noexcept {
  if (resolve_) resolve_->tryReset();
  if (record_) record_->tryReset();
}

bool close_quarantine(SQLite::Database& db, const std::string& batch_id, const std::string& entity,
                      const std::string& id, const std::string& outcome, const std::string& note, int64_t now_ms) {
  SQLite::Statement st(db,
                       "UPDATE quarantine SET resolved_ms = ?, outcome = ?, note = ? WHERE batch_id = ? AND entity = ? "
                       "AND record_id = ? AND resolved_ms IS NULL");
  st.bind(1, now_ms);
  st.bind(2, outcome);
  if (note.empty()) st.bind(3);
  else st.bind(3, note);
  st.bind(4, batch_id);
  st.bind(5, entity);
  st.bind(6, id);
  return st.exec() > 0;
}

namespace {

constexpr const char* kQuarantineColumns =
    "SELECT rid, entity, record_id, batch_id, device_id, errors, change, at_ms, coalesce(outcome, ''), "
    "coalesce(note, ''), coalesce(resolved_ms, 0) FROM quarantine ";

QuarantineRow quarantine_from(SQLite::Statement& st) {
  QuarantineRow r;
  r.rid = st.getColumn(0).getInt64();
  r.entity = st.getColumn(1).getString();
  r.record_id = st.getColumn(2).getString();
  r.batch_id = st.getColumn(3).getString();
  r.device_id = st.getColumn(4).getString();
  r.errors = json::parse(st.getColumn(5).getString(), nullptr, false);
  if (!st.getColumn(6).isNull()) r.change = json::parse(st.getColumn(6).getString(), nullptr, false);
  r.at_ms = st.getColumn(7).getInt64();
  r.outcome = st.getColumn(8).getString();
  r.note = st.getColumn(9).getString();
  r.resolved_ms = st.getColumn(10).getInt64();
  return r;
}

constexpr const char* kConflictColumns =
    "SELECT rid, entity, record_id, field, kept_value, kept_hlc, other_value, other_hlc, at_ms, "
    "coalesce(resolved_ms, 0), resolution FROM conflict ";

ConflictRow conflict_from(SQLite::Statement& st) {
  ConflictRow r;
  r.rid = st.getColumn(0).getInt64();
  r.entity = st.getColumn(1).getString();
  r.record_id = st.getColumn(2).getString();
  r.field = st.getColumn(3).getString();
  r.kept_value = json::parse(st.getColumn(4).getString(), nullptr, false);
  r.kept_hlc = st.getColumn(5).getString();
  r.other_value = json::parse(st.getColumn(6).getString(), nullptr, false);
  r.other_hlc = st.getColumn(7).getString();
  r.at_ms = st.getColumn(8).getInt64();
  r.resolved_ms = st.getColumn(9).getInt64();
  if (!st.getColumn(10).isNull()) r.resolution = json::parse(st.getColumn(10).getString(), nullptr, false);
  return r;
}

}  // namespace

std::vector<QuarantineRow> list_quarantine(SQLite::Database& db, int limit, bool decided) {
  SQLite::Statement st(db, std::string(kQuarantineColumns) +
                               (decided ? "WHERE resolved_ms IS NULL OR outcome IN ('retried', 'discarded') "
                                        : "WHERE resolved_ms IS NULL ") +
                               "ORDER BY rid DESC LIMIT ?");
  st.bind(1, limit);
  std::vector<QuarantineRow> out;
  while (st.executeStep()) out.push_back(quarantine_from(st));
  return out;
}

std::optional<QuarantineRow> quarantine_row(SQLite::Database& db, int64_t rid) {
  SQLite::Statement st(db, std::string(kQuarantineColumns) + "WHERE rid = ?");
  st.bind(1, rid);
  if (!st.executeStep()) return std::nullopt;
  return quarantine_from(st);
}

std::vector<ConflictRow> list_conflicts(SQLite::Database& db, int limit, bool closed) {
  SQLite::Statement st(db, std::string(kConflictColumns) + (closed ? "" : "WHERE resolved_ms IS NULL ") +
                               "ORDER BY rid DESC LIMIT ?");
  st.bind(1, limit);
  std::vector<ConflictRow> out;
  while (st.executeStep()) out.push_back(conflict_from(st));
  return out;
}

std::optional<ConflictRow> conflict_row(SQLite::Database& db, int64_t rid) {
  SQLite::Statement st(db, std::string(kConflictColumns) + "WHERE rid = ?");
  st.bind(1, rid);
  if (!st.executeStep()) return std::nullopt;
  return conflict_from(st);
}

bool close_conflict(SQLite::Database& db, int64_t rid, const json& resolution, int64_t now_ms) {
  SQLite::Statement st(db, "UPDATE conflict SET resolved_ms = coalesce(resolved_ms, ?), resolution = ? WHERE rid = ?");
  st.bind(1, now_ms);
  st.bind(2, resolution.dump());
  st.bind(3, rid);
  return st.exec() > 0;
}

}  // namespace yz
