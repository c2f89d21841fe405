#pragma once
// Reference lists, each kept here once and read by the field app, yizhenctl,
// the report and the demo generator: the formulary a team carries
// (medicines, devices, supplies with unit values in 元), the kinds of clinic
// day, and the stations (desks) a clinic day may offer. Screening programs are
// not listed here: their ids and names are those of the installed program
// definitions (core/programs), so a program that arrives by sync is named
// like a built-in one. Plain data, no database.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"

namespace yz {

struct StockItem {
  std::string name, kind /* medicine | device | supply */, unit;
  double unit_value = 0;  // 元 per unit
};
// The default formulary (what teams usually bring), medicines first.
const std::vector<StockItem>& formulary();
// The formulary's item of this name, or nullptr.
const StockItem* formulary_item(std::string_view name);
// Other names of a formulary item for search (core/domain/term_search.h):
// the generic name without its form (氨氯地平), brand names met in the
// villages (络活喜), the word a patient uses (降压药), the English generic
// name. Empty for an item with none or not in the formulary.
std::vector<std::string_view> item_aliases(std::string_view name);

// A kind of clinic day (clinic_day.kind) with its names.
struct ClinicDayKind {
  std::string id, zh, en;
  const std::string& name(Lang lang) const { return lang == Lang::en ? en : zh; }
};
// Every kind, in the order the app offers them: yizhen (义诊), circuit
// (巡回医疗), screening (筛查), home_visits (入户诊疗).
const std::vector<ClinicDayKind>& clinic_day_kinds();
// The name of a kind in `lang`; the id itself if unknown.
std::string clinic_day_kind_name(std::string_view kind, Lang lang);

// The stations a team usually offers (科室 of a clinic day; an encounter's
// station), in the order of the app's chips. "入户" is the station of a home
// visit's encounters.
const std::vector<std::string>& stations();
// The stations a new clinic day starts with.
const std::vector<std::string>& default_stations();
bool is_station(std::string_view name);

}  // namespace yz
