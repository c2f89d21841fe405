#include "app/yizhen/model/summary.h"

#include <cstdio>

#include "app/yizhen/model/catalog.h"

namespace yz::app {

std::string money(double yuan) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", yuan < 0 ? -yuan : yuan);
  std::string s(buf);
  const size_t dot = s.find('.');
  for (long i = static_cast<long>(dot) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return yuan < 0 ? "-" + s : s;
}

namespace {
int64_t dispense_lines(const ReportFigures& f) {
  int64_t n = 0;
  for (const auto& [kind, g] : f.given) n += g.lines;
  return n;
}
}  // namespace

std::vector<SummaryRow> summary_rows(const DaySummary& day, Lang lang) {
  const ReportFigures& s = day.figures;
  const bool zh = lang == Lang::zh;
  std::vector<SummaryRow> r;
  r.push_back({zh ? "诊疗人次" : "Visits (encounters)", std::to_string(s.visits)});
  r.push_back({zh ? "服务人数" : "People seen", std::to_string(s.people)});
  r.push_back({zh ? "筛查" : "Screenings", std::to_string(s.screenings)});
  if (!s.by_program.empty()) {
    r.push_back({zh ? "按筛查项目" : "By programme", "", true});
    for (const auto& [id, c] : s.by_program) {
      std::string v = std::to_string(c.screened) + (zh ? " 人，阳性 " : " screened, ") + std::to_string(c.positive);
      if (!zh) v += " positive";
      if (c.suspected) v += (zh ? "，可疑 " : ", ") + std::to_string(c.suspected) + (zh ? "" : " suspected");
      r.push_back({program_name(id, lang), v});
    }
  }
  r.push_back({zh ? "转诊" : "Referrals", std::to_string(s.referrals)});
  r.push_back({zh ? "入户诊疗" : "Home visits", std::to_string(s.home_visits)});
  r.push_back({zh ? "发放药品器械（条）" : "Items dispensed (lines)", std::to_string(dispense_lines(s))});
  r.push_back({zh ? "药品器械价值" : "Value dispensed", money(s.value) + (zh ? " 元" : " yuan")});
  return r;
}

std::string summary_text(const DaySummary& day, Lang lang) {
  const ReportFigures& s = day.figures;
  const int64_t positive = s.positive;
  char buf[512];
  if (lang == Lang::zh)
    std::snprintf(buf, sizeof buf, "诊疗 %lld 人次，服务 %lld 人，筛查 %lld 人（阳性 %lld），转诊 %lld，入户 %lld 户次，药品器械价值 %s 元",
                  static_cast<long long>(s.visits), static_cast<long long>(s.people),
                  static_cast<long long>(s.screenings), static_cast<long long>(positive),
                  static_cast<long long>(s.referrals), static_cast<long long>(s.home_visits),
                  money(s.value).c_str());
  else
    std::snprintf(buf, sizeof buf, "%lld visits, %lld people, %lld screened (%lld positive), %lld referrals, %lld home visits, %s yuan dispensed",
                  static_cast<long long>(s.visits), static_cast<long long>(s.people),
                  static_cast<long long>(s.screenings), static_cast<long long>(positive),
                  static_cast<long long>(s.referrals), static_cast<long long>(s.home_visits),
                  money(s.value).c_str());
  return buf;
}

}  // namespace yz::app
