#pragma once
// What the field app's pickers offer beyond core/domain/catalogue.h (the
// formulary, clinic-day kinds and stations, kept there once): the formulary
// search, program names from the installed definitions, the ethnicities met
// most often. Plain data, no UI.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"
#include "core/domain/catalogue.h"
#include "core/programs/programs.h"

namespace yz::app {

// Items matching `query` by name or alias (core/domain/catalogue.h
// item_aliases), in Chinese, full pinyin or initials ("anlu", "adlp" find
// 氨氯地平片), best first as core/domain/term_search.h ranks them; all in list
// order for an empty query. At most `limit`.
// Build the search keys of `stock` now (any thread; search_stock would on
// its first call, on the UI thread).
void prepare_stock_search(const std::vector<StockItem>& stock);
std::vector<const StockItem*> search_stock(const std::vector<StockItem>& stock, std::string_view query,
                                           size_t limit = 30);

// The name of a screening program among the installed ones (the latest
// version of each, as AppView::programs holds them); the id if not installed.
std::string program_name(const std::vector<ProgramPtr>& installed, std::string_view program_id, Lang lang);

// GB 3304 codes most often met by the teams, first in the picker.
const std::vector<std::string>& common_ethnicities();

// Every text of the reference lists, both languages (the font needs their glyphs).
std::vector<std::string> catalog_texts();

}  // namespace yz::app
