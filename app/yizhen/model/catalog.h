#pragma once
// Reference lists the field app offers in pickers: the formulary a team
// carries (medicines, devices, supplies with unit values in 元), the
// screening programs' names, common ethnicities, and the kinds of clinic day.
// Plain data, no UI.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"

namespace yz::app {

struct StockItem {
  std::string name, kind /* medicine | device | supply */, unit;
  double unit_value = 0;
};
// The default formulary (what teams usually bring).
const std::vector<StockItem>& default_stock();
// Items whose name contains `query` (or all for an empty query), at most `limit`.
std::vector<const StockItem*> search_stock(const std::vector<StockItem>& stock, std::string_view query,
                                           size_t limit = 30);

// Chinese or English name of a built-in screening program id; the id if unknown.
std::string program_name(std::string_view program_id, Lang lang);
// The built-in program ids (DESIGN.md §4).
const std::vector<std::string>& program_ids();

// GB 3304 codes most often met by the teams, first in the picker.
const std::vector<std::string>& common_ethnicities();

// Clinic day kinds (clinic_day.kind) and their names.
const std::vector<std::string>& clinic_day_kinds();
std::string clinic_day_kind_name(std::string_view kind, Lang lang);

// Every text of these lists, both languages (the font needs their glyphs).
std::vector<std::string> catalog_texts();

}  // namespace yz::app
