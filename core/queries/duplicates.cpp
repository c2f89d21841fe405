#include "core/queries/duplicates.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "core/base/dates.h"
#include "core/domain/pinyin.h"
#include "core/domain/search.h"

namespace yz {

namespace {

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

namespace {

// The rule (duplicates.h) on `a` and `b`; with `typed_only`, a's sex, birth
// date and village are compared only when given (a registration being typed).
std::optional<DuplicateMatch> apply_rule(const PatientFacts& a, const PatientFacts& b, bool typed_only) {
  if (a.id == b.id && !a.id.empty()) return std::nullopt;
  if (!a.id_number.empty() && !b.id_number.empty()) {
    // Two different numbers are two people, whatever their names.
    if (a.id_number != b.id_number) return std::nullopt;
    return DuplicateMatch{100, "same_id_number", "same 身份证 number", {"same_id_number"}};
  }
  std::string reading;
  const std::string how = name_match(a.name, a.name_native, b.name, b.name_native, &reading);
  if (how.empty()) return std::nullopt;
  DuplicateMatch m;
  m.reason = how;
  m.matched.push_back(how);
  m.score = how == "same_name" ? 50 : how == "same_native_name" ? 45 : 40;
  const std::string name = how == "same_pinyin" ? reading : how == "same_native_name" ? a.name_native : a.name;
  m.detail = name;
  const bool sex_given = !typed_only || !a.sex.empty();
  if (sex_given) {
    if (a.sex.empty() || a.sex != b.sex) return std::nullopt;
    m.matched.push_back("same_sex");
    m.detail += " · " + a.sex;
  }
  const bool birth_given = !typed_only || year_of(a.birth_date) != 0;
  if (birth_given) {
    if (!birth_years_close(a.birth_date, b.birth_date)) return std::nullopt;
    std::string birth;
    if (a.birth_date == b.birth_date) {
      m.score += 25;
      birth = a.birth_date;
      m.matched.push_back("same_birth_date");
    } else if (year_of(a.birth_date) == year_of(b.birth_date)) {
      m.score += 15;
      birth = a.birth_date.substr(0, 4);
      m.matched.push_back("same_birth_year");
    } else {
      m.score += 5;
      birth = std::to_string(std::min(year_of(a.birth_date), year_of(b.birth_date))) + "/" +
              std::to_string(std::max(year_of(a.birth_date), year_of(b.birth_date)));
      m.matched.push_back("birth_year_apart");
    }
    m.detail += " · " + birth;
  }
  const bool place_given = !typed_only || !a.village_code.empty();
  if (place_given) {
    if (!a.village_code.empty() && a.village_code == b.village_code) {
      m.score += 20;
      m.detail += " · same village " + a.village_code;
      m.matched.push_back("same_village");
    } else if (const std::string t = township_of(a.village_code); !t.empty() && t == township_of(b.village_code)) {
      m.score += 10;
      m.detail += " · same township " + t;
      m.matched.push_back("same_township");
    } else {
      return std::nullopt;
    }
  }
  return m;
}

}  // namespace

std::optional<DuplicateMatch> match_patients(const PatientFacts& a, const PatientFacts& b) {
  return apply_rule(a, b, false);
}

std::optional<DuplicateMatch> match_registration(const PatientFacts& typed, const PatientFacts& on_file) {
  return apply_rule(typed, on_file, true);
}

std::vector<DuplicatePair> find_duplicate_pairs(SqlReader& db, std::string_view area, int limit) {
  // Blocking: patients are compared only within a block — those sharing a
  // whole-name, pinyin or native-name key of the search index (search.h)
  // and the sex and township the rule needs as well, or sharing a 身份证
  // number. SQL groups them (one pass and a sort, no pairs of all
  // patients); the rule itself decides within each block.
  const std::string prefix(area);
  const std::string town_scope = prefix.substr(0, std::min<size_t>(prefix.size(), 9));
  const std::string rids = sql_group_concat(db, "p.rid");
  auto blocks = db.prepare_many(R"SQL(
    SELECT )SQL" + rids + R"SQL( FROM patient p
    JOIN patient_key a ON a.patient_rid = p.rid AND a.kind IN (?3, ?4, ?5)
    WHERE p.deleted = 0 AND p.merged_into IS NULL AND length(p.village_code) >= 9
      AND (?6 = '' OR (p.village_code >= ?6 AND p.village_code < ?7))
    GROUP BY a.key, a.kind, p.sex, substr(p.village_code, 1, 9)
    HAVING count(*) > 1
       AND (?1 = '' OR sum(CASE WHEN p.village_code >= ?1 AND p.village_code < ?2 THEN 1 ELSE 0 END) > 0)
    UNION ALL
    SELECT )SQL" + rids + R"SQL( FROM patient p
    WHERE p.id_number IS NOT NULL AND p.deleted = 0 AND p.merged_into IS NULL
    GROUP BY p.id_number
    HAVING count(*) > 1
       AND (?1 = '' OR sum(CASE WHEN p.village_code >= ?1 AND p.village_code < ?2 THEN 1 ELSE 0 END) > 0))SQL");
  blocks->bind(1, prefix);
  blocks->bind(2, prefix + "\x7f");
  blocks->bind(3, static_cast<int>(KeyKind::name));
  blocks->bind(4, static_cast<int>(KeyKind::pinyin));
  blocks->bind(5, static_cast<int>(KeyKind::name_native));
  blocks->bind(6, town_scope);
  blocks->bind(7, town_scope + "\x7f");
  std::set<std::pair<int64_t, int64_t>> seen;
  while (blocks->step()) {
    std::vector<int64_t> block;
    const std::string list = blocks->text(0);
    for (size_t at = 0; at < list.size();) {
      size_t end = list.find(',', at);
      if (end == std::string::npos) end = list.size();
      block.push_back(std::stoll(list.substr(at, end - at)));
      at = end + 1;
    }
    std::sort(block.begin(), block.end());
    for (size_t i = 0; i < block.size(); ++i)
      for (size_t j = i + 1; j < block.size(); ++j)
        if (block[i] != block[j]) seen.insert({block[i], block[j]});
  }
  blocks->reset();

  auto one = db.prepare(
      "SELECT id, name, name_native, sex, birth_date, id_number, village_code FROM patient "
      "WHERE rid = ?1");
  std::map<int64_t, PatientFacts> facts;
  auto load = [&](int64_t rid) -> const PatientFacts& {
    auto it = facts.find(rid);
    if (it != facts.end()) return it->second;
    one->reset();
    one->bind(1, rid);
    PatientFacts f;
    if (one->step())
      f = {one->text(0), one->text(1), one->text(2), one->text(3), one->text(4), one->text(5), one->text(6)};
    one->reset();
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
