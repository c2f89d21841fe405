#include "core/domain/places.h"

#include <SQLiteCpp/Statement.h>

#include "core/base/utf8.h"
#include "core/domain/pinyin.h"

namespace yz::detail {
extern const char* const kReferencePlacesCsv;
}

namespace yz {

namespace {

bool capitals(std::string_view s) {
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return !s.empty();
}

std::vector<ReferencePlace> parse_reference() {
  std::vector<ReferencePlace> out;
  std::string_view text = detail::kReferencePlacesCsv;
  bool header = true;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (header || line.empty()) {
      header = false;
      continue;
    }
    std::vector<std::string> f(1);
    for (char c : line) {
      if (c == ',') f.emplace_back();
      else if (c != '\r') f.back() += c;
    }
    if (f.size() != 5) continue;  // the build checks the data (tests/core: every row parsed)
    ReferencePlace p{f[0], f[1], f[2], f[3], {}, {}};
    size_t start = 0;
    const std::string& py = f[4];
    while (start < py.size()) {
      size_t sp = py.find(' ', start);
      if (sp == std::string::npos) sp = py.size();
      if (sp > start) {
        p.pinyin += py.substr(start, sp - start);
        p.initials += py[start];
      }
      start = sp + 1;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

const std::vector<ReferencePlace>& reference_places() {
  static const std::vector<ReferencePlace> places = parse_reference();
  return places;
}

void seed_reference_places(SQLite::Database& db) {
  db.exec("DELETE FROM ref_place");
  SQLite::Statement ins(db,
                        "INSERT INTO ref_place (code, name, level, parent_code, pinyin, initials) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& p : reference_places()) {
    ins.bind(1, p.code);
    ins.bind(2, p.name);
    ins.bind(3, p.level);
    if (p.parent_code.empty()) ins.bind(4);
    else ins.bind(4, p.parent_code);
    ins.bind(5, p.pinyin);
    ins.bind(6, p.initials);
    ins.exec();
    ins.reset();
  }
}

std::string place_level_of(std::string_view code) {
  if (code.size() == 6 && all_digits(code)) {
    if (code.substr(2) == "0000") return "province";
    if (code.substr(4) == "00") return "prefecture";
    return "county";
  }
  // After the county's digits, groups of three digits or (provisional)
  // capitals: a village added under a provisional township has two.
  if (code.size() != 9 && code.size() != 12) return {};
  if (!all_digits(code.substr(0, 6))) return {};
  for (size_t at = 6; at < code.size(); at += 3)
    if (!all_digits(code.substr(at, 3)) && !capitals(code.substr(at, 3))) return {};
  if (code.size() == 9) return "township";
  if (code.size() == 12) return "village";
  return {};
}

std::string structural_parent(std::string_view code) {
  const std::string level = place_level_of(code);
  if (level == "village") return std::string(code.substr(0, 9));
  if (level == "township") return std::string(code.substr(0, 6));
  if (level == "county") return std::string(code.substr(0, 4)) + "00";
  if (level == "prefecture") return std::string(code.substr(0, 2)) + "0000";
  return {};
}

bool is_provisional_place_code(std::string_view code) {
  return !place_level_of(code).empty() && !all_digits(code);
}

std::string short_place_code(std::string_view code) {
  if (code.size() != 12 || !all_digits(code)) return std::string(code);
  if (code.substr(6) == "000000") return std::string(code.substr(0, 6));
  if (code.substr(9) == "000") return std::string(code.substr(0, 9));
  return std::string(code);
}

PlaceReading place_reading(std::string_view name) {
  PlaceReading r;
  const auto readings = name_readings(name);
  if (readings.empty()) return r;
  for (const auto& s : readings.front()) {
    r.pinyin += s;
    if (!s.empty()) r.initials += s[0];
  }
  return r;
}

}  // namespace yz
