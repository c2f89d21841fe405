#include "app/yizhen/model/vital_charts.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "core/base/dates.h"
#include "core/domain/vitals.h"

namespace yz::app {

namespace {

struct Group {
  const char* id;
  std::vector<std::string_view> kinds;
};

const std::vector<Group>& groups() {
  static const std::vector<Group> g = {{"bp", {"sbp", "dbp"}},
                                       {"glucose", {"glucose_fasting", "glucose_random"}},
                                       {"spo2", {"spo2"}},
                                       {"weight", {"weight"}}};
  return g;
}

// Minutes into the day of "YYYY-MM-DDTHH:MM..." (0 when there is no time).
int minute_of_day(const std::string& taken_at) {
  if (taken_at.size() < 16 || taken_at[10] != 'T') return 0;
  int h = 0, m = 0;
  std::from_chars(taken_at.data() + 11, taken_at.data() + 13, h);
  std::from_chars(taken_at.data() + 14, taken_at.data() + 16, m);
  return h * 60 + m;
}

}  // namespace

std::vector<VitalChart> vital_charts(const std::vector<VitalSeries>& series) {
  std::vector<VitalChart> out;
  for (const Group& g : groups()) {
    std::vector<const VitalSeries*> members;
    bool trend = false;
    for (std::string_view k : g.kinds)
      for (const VitalSeries& s : series)
        if (s.kind == k && !s.values.empty()) {
          members.push_back(&s);
          trend = trend || s.values.size() >= 2;
        }
    if (!trend) continue;
    VitalChart c;
    c.id = g.id;
    std::string first = "9999", last;
    for (const VitalSeries* s : members)  // values are newest first
      for (const auto& v : s->values)
        if (is_real_date(v.first.substr(0, 10))) {
          first = std::min(first, v.first);
          last = std::max(last, v.first);
        }
    if (last.empty()) continue;
    c.first_date = first.substr(0, 10);
    c.last_date = last.substr(0, 10);
    bool any = false;
    auto widen = [&](double v) {
      c.y_min = any ? std::min(c.y_min, v) : v;
      c.y_max = any ? std::max(c.y_max, v) : v;
      any = true;
    };
    for (const VitalSeries* s : members) {
      ChartLine line;
      line.kind = s->kind;
      if (const VitalKind* vk = find_vital(s->kind); vk && vk->low < vk->high) {
        line.low = vk->low;
        line.high = vk->high;
        widen(line.low);
        widen(line.high);
      }
      for (auto it = s->values.rbegin(); it != s->values.rend(); ++it) {
        if (!is_real_date(it->first.substr(0, 10))) continue;  // never saved so; a chart must not throw
        const double x = days_between(c.first_date, it->first.substr(0, 10)) +
                         (minute_of_day(it->first) - minute_of_day(first)) / 1440.0;
        line.points.push_back({x, it->second});
        c.x_max = std::max(c.x_max, x);
        widen(it->second);
      }
      c.lines.push_back(std::move(line));
    }
    const double margin = std::max((c.y_max - c.y_min) * 0.08, 0.5);
    c.y_min -= margin;
    c.y_max += margin;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace yz::app
