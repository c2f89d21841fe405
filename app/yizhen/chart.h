#pragma once
// Charts drawn with ImGui's draw list (ImGui 1.86's PlotLines has no time
// axis, no band and one series): a vital's readings over time with its
// usual band, and a group of horizontal bars. What to draw comes from the
// model (model/vital_charts.h, model/summary.h summary_bars); these only
// paint it.
//
// Threads: UI thread only.

#include "app/yizhen/model/summary.h"
#include "app/yizhen/model/vital_charts.h"
#include "core/base/errors.h"

namespace yz::app::ui {

// One chart `width` wide (its plot about 8 lines high): a title, the band(s)
// in pale green, each line with its points (red outside the band), the
// newest value beside its point, the first and last dates underneath, and
// a legend when it has two lines.
void VitalChartView(const VitalChart& chart, Lang lang, float width);
// A titled group of bars, one row each: the label, the bar (its highlighted
// part first, in red) and the number.
void BarChart(const BarGroup& group, float width);

}  // namespace yz::app::ui
