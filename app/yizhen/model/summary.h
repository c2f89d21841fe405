#pragma once
// The numbers a team reports for a day (DESIGN.md §1), as the rows the Day
// summary screen shows and the text a closed day keeps in its notes. No UI.

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/errors.h"
#include "core/programs/programs.h"
#include "core/queries/summary.h"

namespace yz::app {

struct SummaryRow {
  std::string label, value;
  bool header = false;  // a section title (value empty)
};
// Program rows are named from `programs` (the installed definitions).
std::vector<SummaryRow> summary_rows(const DaySummary& s, const std::vector<ProgramPtr>& programs, Lang lang);
// The day summary's bar charts: screened by programme (the positives
// highlighted) and visits by station, each group largest first; a group
// with nothing to show is left out.
struct Bar {
  std::string label;
  int64_t value = 0;
  int64_t highlight = 0;  // the part of `value` drawn in the warning colour
};
struct BarGroup {
  std::string title;
  std::vector<Bar> bars;
};
std::vector<BarGroup> summary_bars(const DaySummary& s, const std::vector<ProgramPtr>& programs, Lang lang);
// One paragraph: "人次 120，人数 98，筛查 40（阳性 5），转诊 3，入户 2，药品价值 1234.50 元".
std::string summary_text(const DaySummary& s, Lang lang);
// 1234.5 -> "1,234.50"
std::string money(double yuan);

}  // namespace yz::app
