#include "app/yizhen/model/vital_series.h"

#include <algorithm>
#include <map>

#include "core/domain/vitals.h"

namespace yz::app {

std::vector<VitalSeries> vital_series(const nlohmann::json& observations) {
  std::map<std::string, std::vector<std::pair<std::string, double>>> by_kind;
  for (const auto& o : observations)
    by_kind[o.value("kind", "")].push_back({o.value("taken_at", ""), o.value("value", 0.0)});
  std::vector<VitalSeries> out;
  for (const VitalKind& k : vital_kinds()) {
    auto it = by_kind.find(std::string(k.code));
    if (it == by_kind.end()) continue;
    out.push_back({it->first, std::move(it->second)});
    by_kind.erase(it);
  }
  for (auto& [kind, values] : by_kind) out.push_back({kind, std::move(values)});
  for (auto& s : out)
    std::stable_sort(s.values.begin(), s.values.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return out;
}

}  // namespace yz::app
