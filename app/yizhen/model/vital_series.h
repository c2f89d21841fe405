#pragma once
// A patient's vitals over time as the patient card shows them: one series
// per kind, in the order of the vitals catalogue (core/domain/vitals.h:
// systolic before diastolic, as a nurse reads a blood pressure), kinds the
// catalogue does not know last; each series newest first.
//
// Threads: any (pure function of the history the DbWorker read).

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace yz::app {

struct VitalSeries {
  std::string kind;                                   // "sbp"
  std::vector<std::pair<std::string, double>> values;  // (taken_at, value), newest first
};

// `observations`: the history's [{"kind", "value", "taken_at"}, ...], in any order.
std::vector<VitalSeries> vital_series(const nlohmann::json& observations);

}  // namespace yz::app
