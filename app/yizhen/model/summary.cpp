#include "app/yizhen/model/summary.h"

#include <algorithm>
#include <cstdio>

#include "app/yizhen/model/catalog.h"
#include "app/yizhen/strings.h"

namespace yz::app {

std::string money(double yuan) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", yuan < 0 ? -yuan : yuan);
  const std::string s(buf);
  const size_t dot = s.find('.');
  // Appended digit by digit: std::string::insert here trips GCC 12's false
  // -Wrestrict (GCC bug 105329), an error where warnings are errors.
  std::string out = yuan < 0 ? "-" : "";
  for (size_t i = 0; i < dot; ++i) {
    if (i > 0 && (dot - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out + s.substr(dot);
}

namespace {
int64_t dispense_lines(const ReportFigures& f) {
  int64_t n = 0;
  for (const auto& [kind, g] : f.given) n += g.lines;
  return n;
}
}  // namespace

std::vector<SummaryRow> summary_rows(const DaySummary& day, const std::vector<ProgramPtr>& programs, Lang lang) {
  const ReportFigures& s = day.figures;
  auto ll = [](int64_t n) { return static_cast<long long>(n); };
  std::vector<SummaryRow> r;
  r.push_back({tr(S::sum_visits, lang), std::to_string(s.visits)});
  r.push_back({tr(S::sum_people, lang), std::to_string(s.people)});
  r.push_back({tr(S::sum_new_people, lang), std::to_string(s.new_people)});
  r.push_back({tr(S::sum_screenings, lang), std::to_string(s.screenings)});
  if (!s.by_program.empty()) {
    r.push_back({tr(S::sum_by_program, lang), "", true});
    for (const auto& [id, c] : s.by_program) {
      std::string v = trf(lang, S::sum_screened_positive, ll(c.screened), ll(c.positive));
      if (c.suspected) v += trf(lang, S::sum_suspected, ll(c.suspected));
      r.push_back({program_name(programs, id, lang), v});
    }
  }
  r.push_back({tr(S::sum_referrals, lang), std::to_string(s.referrals)});
  r.push_back({tr(S::sum_follow_ups_planned, lang), std::to_string(s.follow_ups.created)});
  r.push_back({tr(S::sum_follow_ups_closed, lang), std::to_string(s.follow_ups_closed)});
  r.push_back({tr(S::sum_home_visits, lang), std::to_string(s.home_visits)});
  r.push_back({tr(S::sum_dispense_lines, lang), std::to_string(dispense_lines(s))});
  r.push_back({tr(S::sum_value, lang), trf(lang, S::sum_yuan, money(s.value).c_str())});
  return r;
}

std::vector<BarGroup> summary_bars(const DaySummary& day, const std::vector<ProgramPtr>& programs, Lang lang) {
  const ReportFigures& f = day.figures;
  std::vector<BarGroup> out;
  auto add = [&](BarGroup g) {
    if (g.bars.empty()) return;
    std::stable_sort(g.bars.begin(), g.bars.end(), [](const Bar& a, const Bar& b) { return a.value > b.value; });
    out.push_back(std::move(g));
  };
  BarGroup progs{tr(S::sum_bars_programs, lang), {}};
  for (const auto& [id, c] : f.by_program) progs.bars.push_back({program_name(programs, id, lang), c.screened, c.positive});
  add(std::move(progs));
  BarGroup stations{tr(S::sum_by_station, lang), {}};
  for (const auto& [station, n] : f.by_station)
    stations.bars.push_back({station.empty() ? tr(S::sum_no_station, lang) : station, n, 0});
  add(std::move(stations));
  return out;
}

std::string summary_text(const DaySummary& day, Lang lang) {
  const ReportFigures& s = day.figures;
  return trf(lang, S::sum_text, static_cast<long long>(s.visits), static_cast<long long>(s.people),
             static_cast<long long>(s.screenings), static_cast<long long>(s.positive),
             static_cast<long long>(s.referrals), static_cast<long long>(s.home_visits), money(s.value).c_str());
}

}  // namespace yz::app
