#include "core/care/places.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <random>

#include "core/base/utf8.h"
#include "core/base/errors.h"
#include "core/domain/places.h"
#include "core/domain/search.h"
#include "core/domain/validate.h"

namespace yz {

namespace {

int level_rank(std::string_view level) {
  if (level == "province") return 0;
  if (level == "prefecture") return 1;
  if (level == "county") return 2;
  if (level == "township") return 3;
  return 4;
}

// 0 exact, 1 prefix, 2 part of (when `inside`), 3 no match.
int match(std::string_view text, std::string_view q, bool inside) {
  if (text.empty()) return 3;
  if (text == q) return 0;
  if (text.starts_with(q)) return 1;
  if (inside && text.find(q) != std::string_view::npos) return 2;
  return 3;
}

// Readings of place-record names, computed once per process (ICU takes
// ~0.15 ms a name; a county has a few thousand villages).
PlaceReading cached_reading(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, PlaceReading> cache;
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(name); it != cache.end()) return it->second;
  }
  PlaceReading r = place_reading(name);
  std::lock_guard lock(mu);
  return cache.emplace(name, r).first->second;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

std::optional<PlaceInfo> find_place(SQLite::Database& db, std::string_view code) {
  {
    SQLite::Statement st(db,
                         "SELECT code, name, level, COALESCE(parent_code, ''), id FROM place "
                         "WHERE code = ? AND deleted = 0 ORDER BY rid LIMIT 1");
    st.bind(1, std::string(code));
    if (st.executeStep())
      return held_place(st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                        st.getColumn(3).getString(), st.getColumn(4).getString());
  }
  SQLite::Statement st(db, "SELECT code, name, level, COALESCE(parent_code, '') FROM ref_place WHERE code = ?");
  st.bind(1, std::string(code));
  if (!st.executeStep()) return std::nullopt;
  return PlaceInfo{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                   st.getColumn(3).getString(), {}, false};
}

PlaceInfo held_place(std::string code, std::string name, std::string level, std::string parent_code, std::string id) {
  PlaceInfo p{std::move(code), std::move(name), std::move(level), std::move(parent_code), std::move(id), false};
  p.provisional = is_provisional_place_code(p.code);
  if (p.parent_code.empty()) p.parent_code = structural_parent(p.code);
  return p;
}

std::map<std::string, std::string> place_names(SqlReader& r, const std::vector<std::string>& codes) {
  std::map<std::string, std::string> out;
  auto st = r.prepare("SELECT name FROM place WHERE code = ?1 AND deleted = 0 LIMIT 1");
  for (const auto& code : codes) {
    if (code.empty() || out.count(code)) continue;
    st->reset();
    st->bind(1, code);
    if (st->step()) out[code] = st->text(0);
    else if (const auto p = find_reference_place(code)) out[code] = p->name;
  }
  return out;
}

std::optional<PlaceInfo> find_reference_place(std::string_view code) {
  static const std::map<std::string, const ReferencePlace*, std::less<>> by_code = [] {
    std::map<std::string, const ReferencePlace*, std::less<>> m;
    for (const auto& p : reference_places()) m.emplace(p.code, &p);
    return m;
  }();
  const auto it = by_code.find(code);
  if (it == by_code.end()) return std::nullopt;
  const ReferencePlace& p = *it->second;
  return PlaceInfo{p.code, p.name, p.level, p.parent_code, {}, false};
}

std::vector<PlaceInfo> place_lineage(SQLite::Database& db, std::string_view code) {
  std::vector<PlaceInfo> out;
  std::string next(code);
  while (!next.empty() && out.size() < 5) {
    auto p = find_place(db, next);
    if (!p) {
      // An unknown division in between (a township not imported yet): its
      // parent may still be known.
      next = structural_parent(next);
      continue;
    }
    next = p->parent_code;
    out.push_back(std::move(*p));
  }
  return out;
}

std::string place_label(SQLite::Database& db, std::string_view code) {
  const auto lineage = place_lineage(db, code);
  if (lineage.empty() || lineage.front().code != code) return std::string(code);
  std::string out;
  for (size_t i = 0; i < lineage.size() && i < 3; ++i) out += (i ? " · " : "") + lineage[i].name;
  return out;
}

std::vector<PlaceHit> search_places(SQLite::Database& db, std::string_view query, int limit) {
  const std::string q = lower(normalize_query(query));
  std::vector<PlaceHit> hits;
  if (q.empty() || limit <= 0) return hits;
  std::map<std::string, bool> seen;  // codes of live records: they take precedence
  auto consider = [&](PlaceInfo p, const PlaceReading& r) {
    const int s = std::min({match(p.name, q, true), match(lower(p.code), q, false), match(lower(r.pinyin), q, false),
                            match(lower(r.initials), q, false)});
    if (s < 3) hits.push_back({std::move(p), {}, s});
  };
  {
    SQLite::Statement st(db, "SELECT code, name, level, COALESCE(parent_code, ''), id FROM place WHERE deleted = 0");
    while (st.executeStep()) {
      PlaceInfo p{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                  st.getColumn(3).getString(), st.getColumn(4).getString(), false};
      p.provisional = is_provisional_place_code(p.code);
      if (p.parent_code.empty()) p.parent_code = structural_parent(p.code);
      seen[p.code] = true;
      const PlaceReading r = cached_reading(p.name);
      consider(std::move(p), r);
    }
  }
  {
    // The reference divisions carry their readings: match them in SQL.
    SQLite::Statement st(db, R"SQL(
      SELECT code, name, level, COALESCE(parent_code, ''), pinyin, initials FROM ref_place
      WHERE instr(name, ?1) > 0 OR substr(code, 1, length(?1)) = ?1
         OR substr(pinyin, 1, length(?1)) = ?1 OR substr(initials, 1, length(?1)) = ?1)SQL");
    st.bind(1, q);
    while (st.executeStep()) {
      if (seen.count(st.getColumn(0).getString())) continue;
      PlaceInfo p{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                  st.getColumn(3).getString(), {}, false};
      consider(std::move(p), {st.getColumn(4).getString(), st.getColumn(5).getString()});
    }
  }
  std::sort(hits.begin(), hits.end(), [](const PlaceHit& a, const PlaceHit& b) {
    if (a.score != b.score) return a.score < b.score;
    if (level_rank(a.place.level) != level_rank(b.place.level))
      return level_rank(a.place.level) < level_rank(b.place.level);
    return a.place.code < b.place.code;
  });
  if (hits.size() > static_cast<size_t>(limit)) hits.resize(static_cast<size_t>(limit));
  for (auto& h : hits) h.label = place_label(db, h.place.code);
  return hits;
}

std::string add_place(Store& store, std::string_view name_in, std::string_view parent_in) {
  SQLite::Database& db = store.db();
  const std::string name = trim(name_in);
  if (name.empty()) throw ValidationError(FieldError{"name", "required"});
  const auto checked = check_place_code("parent", parent_in);
  if (auto* e = std::get_if<FieldError>(&checked)) throw ValidationError(*e);
  const std::string parent_code = std::get<std::string>(checked);
  const auto parent = find_place(db, parent_code);
  if (!parent) throw ValidationError(FieldError{"parent", "unknown_place", {parent_code}});
  std::string level;
  if (parent->code.size() == 6 && parent->level != "province") level = "township";
  else if (parent->level == "township") level = "village";
  else throw ValidationError(FieldError{"parent", "place_parent", {parent->name}});
  {
    SQLite::Statement st(db, "SELECT code FROM place WHERE parent_code = ? AND name = ? AND deleted = 0 LIMIT 1");
    st.bind(1, parent->code);
    st.bind(2, name);
    if (st.executeStep()) throw ValidationError(FieldError{"name", "place_exists", {name, st.getColumn(0).getString()}});
  }
  // Three random capitals (17,576 per parent), none used here before; the
  // server's reconcile step resolves the rare clash between two devices.
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> letter(0, 25);
  std::string code;
  for (int attempt = 0; attempt < 100 && code.empty(); ++attempt) {
    std::string c = parent->code;
    for (int i = 0; i < 3; ++i) c += static_cast<char>('A' + letter(rng));
    SQLite::Statement st(db, "SELECT 1 FROM place WHERE code = ?");
    st.bind(1, c);
    if (!st.executeStep()) code = c;
  }
  if (code.empty()) throw StoreError("no free provisional code under " + parent->code);
  store.create("place", {{"code", code}, {"name", name}, {"level", level}, {"parent_code", parent->code}});
  return code;
}

}  // namespace yz

namespace yz {

std::vector<ListedPlace> parse_place_list(SQLite::Database& db, std::string_view csv) {
  return parse_place_list([&db](std::string_view code) { return find_place(db, code); }, csv);
}

std::vector<ListedPlace> parse_place_list(const PlaceLookup& known, std::string_view csv) {
  std::vector<ListedPlace> out;
  std::map<std::string, std::string> in_file;  // code -> level, of every line so far
  std::vector<std::pair<ListedPlace, std::string>> pending;  // villages whose township comes later
  auto bad = [](int line, const std::string& reason) {
    return ValidationError(FieldError{"file", "place_line", {std::to_string(line), reason}});
  };
  int line_no = 0;
  size_t pos = 0;
  if (csv.starts_with("\xEF\xBB\xBF")) pos = 3;  // a byte-order mark from a spreadsheet
  while (pos < csv.size()) {
    size_t nl = csv.find('\n', pos);
    if (nl == std::string_view::npos) nl = csv.size();
    std::string_view raw = csv.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    if (trim(raw).empty()) continue;
    std::vector<std::string> f(1);
    bool quoted = false;
    for (char c : raw) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) f.emplace_back();
      else f.back() += c;
    }
    for (auto& x : f) x = trim(x);
    if (line_no == 1 && !f[0].empty() && (f[0][0] < '0' || f[0][0] > '9')) continue;  // header
    if (f.size() < 2 || f.size() > 3) throw bad(line_no, "expected code,name[,urban-rural class], got " +
                                                             std::to_string(f.size()) + " columns");
    ListedPlace p;
    p.line = line_no;
    p.name = f[1];
    if (f.size() == 3) p.urban_rural = f[2];
    // The bureau's own order is code, class, name: accept it too (an empty
    // name is not a class: "code,,220" is a village without its name).
    if (!p.name.empty() && !p.urban_rural.empty() && all_digits(p.name))
      std::swap(p.name, p.urban_rural);
    const std::string code = short_place_code(f[0]);
    const auto checked = check_place_code("code", code);
    if (std::holds_alternative<FieldError>(checked) || is_provisional_place_code(code))
      throw bad(line_no, "\"" + f[0] + "\" is not a division code");
    p.code = code;
    p.level = place_level_of(code);
    if (p.name.empty()) throw bad(line_no, "the name is empty");
    // Only digits: the class read as the name ("code,220," — the bureau's
    // order with its name left empty).
    if (all_digits(p.name))
      throw bad(line_no, "the name \"" + p.name + "\" is a number: expected code,name[,urban-rural class]");
    // A list saved by a Chinese Excel is GBK: say so at its first line, not
    // later as a record's "control character".
    if (const auto e = check_display_name("name", p.name))
      throw bad(line_no, e->code == "control_char" && !e->args.empty() && e->args[0] == "invalid UTF-8"
                             ? "the name is not UTF-8 text (save the list as UTF-8, not GBK)"
                             : e->message(Lang::en));
    if (utf8_length(p.name) > 200) throw bad(line_no, "the name is too long");
    if (!p.urban_rural.empty()) {
      static const char* kClasses[] = {"111", "112", "121", "122", "123", "210", "220"};
      if (std::none_of(std::begin(kClasses), std::end(kClasses), [&](const char* c) { return p.urban_rural == c; }))
        throw bad(line_no, "\"" + p.urban_rural + "\" is not an urban-rural class (111 112 121 122 123 210 220)");
    }
    if (in_file.count(code)) throw bad(line_no, "code " + code + " appears twice");
    if (p.level != "county" && p.level != "township" && p.level != "village")
      throw bad(line_no, code + " is a " + p.level + ", not a county, township or village");
    if (p.level == "county") {
      if (!known(code)) throw bad(line_no, "county " + code + " is not a known division");
      in_file[code] = p.level;
      continue;
    }
    p.parent_code = code.substr(0, p.level == "township" ? 6 : 9);
    in_file[code] = p.level;
    if (p.level == "township") {
      if (!in_file.count(p.parent_code)) {
        const auto parent = known(p.parent_code);
        if (!parent || parent->level == "province")
          throw bad(line_no, "its county " + p.parent_code + " is not a known division");
      }
      out.push_back(std::move(p));
    } else {
      pending.emplace_back(std::move(p), std::string());
    }
  }
  for (auto& [p, unused] : pending) {
    const auto it = in_file.find(p.parent_code);
    if (it == in_file.end()) {
      const auto parent = known(p.parent_code);
      if (!parent || parent->level != "township")
        throw bad(p.line, "its township " + p.parent_code + " is neither in the file nor a known place");
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string record_listed_place(Writer& w, const ListedPlace& p, int altitude_m) {
  json f = {{"code", p.code}, {"name", p.name}, {"level", p.level}};
  if (!p.parent_code.empty()) f["parent_code"] = p.parent_code;
  if (altitude_m != 0) f["altitude_m"] = altitude_m;
  return w.create("place", f);
}

}  // namespace yz
