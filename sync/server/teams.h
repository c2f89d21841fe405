#pragma once
// Teams and their areas as server-side configuration (DESIGN.md §4–5): the
// rules the central store, the HTTP API and the admin verbs share.

#include <string>
#include <string_view>

namespace yz::sync {

// A team's area: a GB/T 2260 code prefix of 2 (province), 4 (prefecture),
// 6 (county), 9 (township) or 12 (village) digits naming a division of the
// compiled-in list (core/domain/places.h), or for a township or village
// lying in one of its counties (the list stops at counties).
bool is_area_code(std::string_view code);
// What is wrong with `code` as an area ("" when nothing): the words of
// central_rules.h bad_area.
std::string area_code_problem(std::string_view code);

// Whether a record whose place code is `code` lies inside `area`: the code
// starts with the area's digits. An empty area holds nothing.
bool area_covers(std::string_view area, std::string_view code);

// The key two team names must not share: NFKC with case folding (full-width
// letters and digits become ASCII), and every space removed. "上海援藏医疗队",
// "上海援藏医疗队 " and "上海 援藏医疗队" have one key.
std::string team_name_key(std::string_view name);

}  // namespace yz::sync
