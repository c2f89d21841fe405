#pragma once
// Places for field work: find a place by name, pinyin, initials or code among
// the reference divisions (core/domain/places.h) and the township and village
// records this device holds; show a place with the divisions above it (a
// village always with its township and county); add a village (or township)
// missing from the county's list, under a provisional code that the server
// later reconciles with the official one.
//
// Threads: the reads take any connection (reader or writer); add_place runs
// on the writer's thread. Errors: ValidationError (bad input; nothing
// written), SQLite::Exception.

#include <SQLiteCpp/Database.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/sql_reader.h"
#include "core/store/store.h"

namespace yz {

struct PlaceInfo {
  std::string code, name, level, parent_code;
  std::string id;            // the place record's id; empty for a reference division
  bool provisional = false;  // added in the field, not yet reconciled
};

// A live place record with this code, else the reference division; nullopt
// when neither is known.
std::optional<PlaceInfo> find_place(SQLite::Database& db, std::string_view code);
// A place record as find_place answers it, from its columns (whichever store
// holds it): provisional by its code, its parent the code's structural one
// when the record names none.
PlaceInfo held_place(std::string code, std::string name, std::string level, std::string parent_code, std::string id);
// The compiled-in reference division with this code (what find_place finds
// in ref_place), or nullopt. No database needed.
std::optional<PlaceInfo> find_reference_place(std::string_view code);

// The place and the divisions above it that are known, nearest first:
// village, township, county, prefecture, province.
std::vector<PlaceInfo> place_lineage(SQLite::Database& db, std::string_view code);

// The name of each place code (a live place record's, else the compiled-in
// division's); codes neither knows are left out. Over any store's reader
// (core/store/sql_reader.h): the central store on PostgreSQL too.
std::map<std::string, std::string> place_names(SqlReader& r, const std::vector<std::string>& codes);

// How a place is shown: its name and the two divisions above it, joined by
// " · " ("甲玛村 · 甲玛乡 · 墨竹工卡县"; "墨竹工卡县 · 拉萨市 · 西藏自治区").
// The code itself when unknown.
std::string place_label(SQLite::Database& db, std::string_view code);

struct PlaceHit {
  PlaceInfo place;
  std::string label;  // place_label
  int score = 0;      // 0 exact, 1 prefix, 2 inside the name; lower first
};
// Up to `limit` places matching `query` (trimmed, case-insensitive) by name
// (prefix or part), full pinyin or initials (prefix), or code (prefix); best
// first, then higher levels, then by code. An empty query finds nothing.
std::vector<PlaceHit> search_places(SQLite::Database& db, std::string_view query, int limit = 20);

// Add a place missing from the lists under `parent_code`: a village under a
// township, a township under a county. It gets a provisional code (the
// parent's code and three capital letters) and syncs like any record.
// Returns the new code. ValidationError: "name" empty or too long, or a live
// place of that name already under the parent ("place_exists"); "parent"
// unknown ("unknown_place") or not a county or township ("place_parent").
std::string add_place(Store& store, std::string_view name, std::string_view parent_code);

}  // namespace yz

namespace yz {

// One line of a county's list in the 统计用区划代码 layout, checked.
struct ListedPlace {
  std::string code, name, level, parent_code;  // code in its short form (short_place_code)
  std::string urban_rural;                     // 城乡分类代码 (villages), may be empty
  int line = 0;
};
// Read a county's township and village list as CSV: code (12 digits as the
// statistics bureau writes them, or the short 6/9/12-digit form), name, and
// for villages the urban-rural class (111 112 121 122 123 210 220); a header
// line is skipped. Every code is checked against its parent: a township's
// county must be a known division (or a county line of the file), a
// village's township a line of the file or a known place. County lines name
// the county and are not returned. ValidationError ("file", "place_line",
// {line number, reason}) at the first bad line; nothing is returned then.
std::vector<ListedPlace> parse_place_list(SQLite::Database& db, std::string_view csv);
// The same with the known places from `known` (a place by code, as
// find_place answers): a central store other than SQLite keeps its place
// records elsewhere.
using PlaceLookup = std::function<std::optional<PlaceInfo>(std::string_view code)>;
std::vector<ListedPlace> parse_place_list(const PlaceLookup& known, std::string_view csv);

// Write a place of an official list under its own code (a county's list
// checked by parse_place_list, or synthetic demo data), in the caller's
// transaction, with its altitude when known (0: unknown). The store checks
// the record (the code's length against its level). Returns the record's id.
std::string record_listed_place(Writer& w, const ListedPlace& place, int altitude_m = 0);

}  // namespace yz
