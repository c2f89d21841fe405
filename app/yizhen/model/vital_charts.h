#pragma once
// The patient card's charts: blood pressure, glucose, SpO2 and weight over
// time, each with the usual (normal) band of the vitals catalogue
// (core/domain/vitals.h low..high) shaded behind the line. What to draw is
// decided here, without ImGui, so it can be tested; app/yizhen/chart.h
// draws it.
//
// Threads: any (pure function of the series vital_series built).

#include <string>
#include <vector>

#include "app/yizhen/model/vital_series.h"

namespace yz::app {

struct ChartLine {
  std::string kind;  // "sbp"
  // (x, y), oldest first; x in days since the chart's first reading
  // (minutes as a fraction), y in the kind's unit.
  std::vector<std::pair<double, double>> points;
  double low = 0, high = 0;  // the usual band; low == high: none (weight)
};

struct VitalChart {
  std::string id;  // "bp" | "glucose" | "spo2" | "weight"
  std::vector<ChartLine> lines;
  double x_max = 0;         // days from the first reading to the last
  double y_min = 0, y_max = 0;  // the axis: every point and band, with a margin
  std::string first_date, last_date;  // YYYY-MM-DD of the first and last reading
};

// A chart for each group with at least two readings of one kind (one
// reading is no trend: the table beside it shows it), in the order above.
std::vector<VitalChart> vital_charts(const std::vector<VitalSeries>& series);

}  // namespace yz::app
