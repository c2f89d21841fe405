#include "core/queries/duplicates.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "core/domain/pinyin.h"
#include "core/domain/search.h"
#include "core/store/column_text.h"

namespace yz {

namespace {

int year_of(std::string_view date) {
  if (date.size() < 4) return 0;
  int y = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (date[i] < '0' || date[i] > '9') return 0;
    y = y * 10 + (date[i] - '0');
  }
  return y;
}

std::set<std::string> readings_of(std::string_view name) {
  std::set<std::string> out;
  for (const auto& syllables : name_readings(name)) {
    std::string joined;
    for (const auto& s : syllables) joined += s;
    if (!joined.empty()) out.insert(joined);
  }
  return out;
}

// The township of a village code: its first 9 digits ("" when shorter).
std::string township_of(std::string_view code) { return code.size() >= 9 ? std::string(code.substr(0, 9)) : ""; }

}  // namespace

std::string name_match(std::string_view name_a, std::string_view native_a, std::string_view name_b,
                       std::string_view native_b, std::string* reading) {
  const std::string a = normalize_query(name_a), b = normalize_query(name_b);
  if (!a.empty() && a == b) return "same_name";
  const std::string na = normalize_query(native_a), nb = normalize_query(native_b);
  if (!na.empty() && na == nb) return "same_native_name";
  if (a.empty() || b.empty()) return "";
  const auto ra = readings_of(name_a);
  for (const auto& r : readings_of(name_b))
    if (ra.count(r)) {
      if (reading) *reading = r;
      return "same_pinyin";
    }
  return "";
}

bool birth_years_close(std::string_view a, std::string_view b) {
  const int ya = year_of(a), yb = year_of(b);
  return ya != 0 && yb != 0 && std::abs(ya - yb) <= 1;
}

std::optional<DuplicateMatch> match_patients(const PatientFacts& a, const PatientFacts& b) {
  if (a.id == b.id && !a.id.empty()) return std::nullopt;
  if (!a.id_number.empty() && !b.id_number.empty()) {
    // Two different numbers are two people, whatever their names.
    if (a.id_number != b.id_number) return std::nullopt;
    return DuplicateMatch{100, "same_id_number", "same 身份证 number"};
  }
  std::string reading;
  const std::string how = name_match(a.name, a.name_native, b.name, b.name_native, &reading);
  if (how.empty() || a.sex.empty() || a.sex != b.sex || !birth_years_close(a.birth_date, b.birth_date))
    return std::nullopt;
  int place_score = 0;
  std::string place;
  if (!a.village_code.empty() && a.village_code == b.village_code) {
    place_score = 20;
    place = "same village " + a.village_code;
  } else if (const std::string t = township_of(a.village_code); !t.empty() && t == township_of(b.village_code)) {
    place_score = 10;
    place = "same township " + t;
  } else {
    return std::nullopt;
  }
  DuplicateMatch m;
  m.reason = how;
  m.score = how == "same_name" ? 50 : how == "same_native_name" ? 45 : 40;
  std::string birth;
  if (a.birth_date == b.birth_date) {
    m.score += 25;
    birth = a.birth_date;
  } else if (year_of(a.birth_date) == year_of(b.birth_date)) {
    m.score += 15;
    birth = a.birth_date.substr(0, 4);
  } else {
    m.score += 5;
    birth = std::to_string(std::min(year_of(a.birth_date), year_of(b.birth_date))) + "/" +
            std::to_string(std::max(year_of(a.birth_date), year_of(b.birth_date)));
  }
  m.score += place_score;
  const std::string name = how == "same_pinyin" ? reading : how == "same_native_name" ? a.name_native : a.name;
  m.detail = name + " · " + a.sex + " · " + birth + " · " + place;
  return m;
}

std::vector<DuplicatePair> find_duplicate_pairs(SQLite::Database& db, std::string_view area, int limit) {
  // Blocking: two patients are compared only when they share a whole-name,
  // pinyin, native-name or 身份证 key of the search index (search.h). For a
  // name key the sex and township must agree as well (the rule needs both),
  // which keeps a common name's block small; the rule itself decides.
  SQLite::Statement pairs(db, R"SQL(
    SELECT DISTINCT a.patient_rid, b.patient_rid
    FROM patient p
    JOIN patient_key a ON a.patient_rid = p.rid AND a.kind IN (?3, ?4, ?5, ?6)
    JOIN patient_key b ON b.key = a.key AND b.kind = a.kind AND b.patient_rid <> a.patient_rid
    JOIN patient q ON q.rid = b.patient_rid
    WHERE p.deleted = 0 AND p.merged_into IS NULL AND q.deleted = 0 AND q.merged_into IS NULL
      AND (?1 = '' OR (p.village_code >= ?1 AND p.village_code < ?2))
      AND (a.kind = ?5 OR (q.sex = p.sex AND substr(q.village_code, 1, 9) = substr(p.village_code, 1, 9))))SQL");
  const std::string prefix(area);
  pairs.bind(1, prefix);
  pairs.bind(2, prefix + "\x7f");
  pairs.bind(3, static_cast<int>(KeyKind::name));
  pairs.bind(4, static_cast<int>(KeyKind::pinyin));
  pairs.bind(5, static_cast<int>(KeyKind::id_number));
  pairs.bind(6, static_cast<int>(KeyKind::name_native));
  std::set<std::pair<int64_t, int64_t>> seen;
  while (pairs.executeStep()) {
    const int64_t x = pairs.getColumn(0).getInt64(), y = pairs.getColumn(1).getInt64();
    seen.insert({std::min(x, y), std::max(x, y)});
  }
  pairs.reset();

  SQLite::Statement one(db,
                        "SELECT id, name, name_native, sex, birth_date, id_number, village_code FROM patient "
                        "WHERE rid = ?");
  std::map<int64_t, PatientFacts> facts;
  auto load = [&](int64_t rid) -> const PatientFacts& {
    auto it = facts.find(rid);
    if (it != facts.end()) return it->second;
    one.reset();
    one.bind(1, rid);
    PatientFacts f;
    if (one.executeStep())
      f = {column_text(one, 0), column_text(one, 1), column_text(one, 2), column_text(one, 3),
           column_text(one, 4), column_text(one, 5), column_text(one, 6)};
    one.reset();
    return facts.emplace(rid, std::move(f)).first->second;
  };
  std::vector<DuplicatePair> out;
  for (const auto& [x, y] : seen) {
    const PatientFacts& a = load(x);
    const PatientFacts& b = load(y);
    if (auto m = match_patients(a, b)) out.push_back({a, b, std::move(*m)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const DuplicatePair& l, const DuplicatePair& r) { return l.match.score > r.match.score; });
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(std::max(limit, 0)));
  return out;
}

}  // namespace yz
