#pragma once
// Places as GB/T 2260 / 统计用区划代码 codes: the shape of a code (its level
// and the code above it), provisional codes of places added in the field, and
// the reference divisions down to county level that every database carries
// (data/places/gbt2260.csv, compiled in; data/places/README.md names the
// source and date). Nothing here writes records; seed_reference_places fills
// the non-synced ref_place table (schema migration v6).
//
// Codes: province XX0000, prefecture XXYY00, county XXYYZZ (6 digits),
// township 9 digits, village 12 digits. A provisional code is the code of the
// place above followed by three capital letters (a township "540127QKD", a
// village "540127100QKD"; a village under a provisional township
// "540127QKDMPL"): the same length as an official code of its level,
// so prefixes, levels and area scoping work unchanged, yet never mistaken for
// an official one.

#include <SQLiteCpp/Database.h>

#include <string>
#include <string_view>
#include <vector>

namespace yz {

struct ReferencePlace {
  std::string code, name, level, parent_code;
  std::string pinyin;  // syllables joined ("mozhugongkaxian")
  std::string initials;  // first letters ("mzgkx")
};

// The compiled-in divisions (province, prefecture, county), by code. Parsed
// once; thread-safe.
const std::vector<ReferencePlace>& reference_places();

// Fill ref_place with reference_places() (replacing what it held). Run in a
// write transaction (migration v6).
void seed_reference_places(SQLite::Database& db);

// "province", "prefecture", "county", "township" or "village" from the
// code's shape (provisional codes included); "" when it is no place code.
std::string place_level_of(std::string_view code);
// The code of the division above by the code's shape: village -> its
// township, township -> its county, county -> XXYY00, prefecture -> XX0000,
// province -> "". A reference county's recorded parent may differ (a county
// directly under its province, 济源市 419001 -> 419000): reference rows
// carry their own parent.
std::string structural_parent(std::string_view code);
// True for a code made in the field (letters after the parent's digits).
bool is_provisional_place_code(std::string_view code);

// The code as written in 统计用区划代码 (12 digits, zero-padded:
// "540127100000" is the township 540127100) shortened to its level's length;
// other shapes are returned unchanged.
std::string short_place_code(std::string_view code);

// Pinyin syllables joined, and their initials, for place-name matching.
struct PlaceReading {
  std::string pinyin, initials;
};
PlaceReading place_reading(std::string_view name);

}  // namespace yz
