#include "core/output/report.h"

#include <SQLiteCpp/Statement.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>

#include "core/programs/programs.h"

namespace yz {

namespace {

double round2(double v) { return std::round(v * 100.0) / 100.0; }

std::string program_name(SQLite::Database& db, const std::string& id, Lang lang) {
  ProgramPtr p = latest_program(db, id);
  return p ? p->name.in(lang) : id;
}

json figures_json(SQLite::Database& db, const ReportFigures& f) {
  json progs = json::object();
  for (const auto& [id, p] : f.by_program)
    progs[id] = {{"name", program_name(db, id, Lang::zh)},
                 {"screened", p.screened},
                 {"positive", p.positive},
                 {"suspected", p.suspected}};
  json given = json::object();
  for (const auto& [kind, g] : f.given)
    given[kind] = {{"lines", g.lines}, {"quantity", round2(g.quantity)}, {"value", round2(g.value)}};
  return {{"clinic_days", f.clinic_days},
          {"visits", f.visits},
          {"people", f.people},
          {"home_visits", f.home_visits},
          {"households", f.households},
          {"screenings", f.screenings},
          {"positive", f.positive},
          {"suspected", f.suspected},
          {"by_program", progs},
          {"referrals", f.referrals},
          {"follow_ups",
           {{"created", f.follow_ups.created},
            {"due", f.follow_ups.due},
            {"done", f.follow_ups.done},
            {"overdue", f.follow_ups.overdue},
            {"lost", f.follow_ups.lost}}},
          {"given", given},
          {"value", round2(f.value)}};
}

std::string money(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string pct(int64_t part, int64_t whole) {
  if (whole == 0) return "—";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return b;
}

}  // namespace

json report_json(SQLite::Database& db, const Report& r) {
  json scope = json::object();
  if (!r.query.day_id.empty()) scope["day"] = r.query.day_id;
  if (!r.query.from.empty()) scope["from"] = r.query.from;
  if (!r.query.to.empty()) scope["to"] = r.query.to;
  if (!r.query.campaign.empty()) scope["campaign"] = r.query.campaign;
  if (!r.query.township.empty()) scope["township"] = r.query.township;
  json tws = json::array();
  for (const auto& t : r.townships) {
    json j = figures_json(db, t.figures);
    j["code"] = t.code;
    j["name"] = t.name;
    tws.push_back(std::move(j));
  }
  return {{"scope", scope}, {"as_of", r.query.as_of}, {"total", figures_json(db, r.total)}, {"townships", tws}};
}

std::string report_markdown(SQLite::Database& db, const Report& r, Lang lang) {
  const bool zh = lang == Lang::zh;
  const ReportFigures& t = r.total;
  std::ostringstream md;
  md << (zh ? "# 工作量统计\n\n" : "# Activity report\n\n");
  std::string scope;
  auto add = [&](const std::string& s) { scope += (scope.empty() ? "" : zh ? "；" : "; ") + s; };
  if (!r.query.day_id.empty()) add((zh ? "义诊日 " : "clinic day ") + r.query.day_id);
  if (!r.query.from.empty() || !r.query.to.empty())
    add((zh ? "日期 " : "dates ") + (r.query.from.empty() ? "…" : r.query.from) + (zh ? " 至 " : " to ") +
        (r.query.to.empty() ? "…" : r.query.to));
  if (!r.query.campaign.empty()) add((zh ? "活动 " : "campaign ") + r.query.campaign);
  if (!r.query.township.empty()) add((zh ? "地区 " : "area ") + r.query.township);
  if (scope.empty()) scope = zh ? "全部" : "everything";
  md << (zh ? "范围：" : "Scope: ") << scope << (zh ? "。统计日期：" : ". As of ") << r.query.as_of << "\n\n";

  md << (zh ? "## 总计\n\n| 指标 | 数值 |\n|---|---:|\n" : "## Totals\n\n| figure | value |\n|---|---:|\n");
  auto line = [&](const char* z, const char* e, const std::string& v) { md << "| " << (zh ? z : e) << " | " << v << " |\n"; };
  line("义诊/巡诊天数", "clinic days", std::to_string(t.clinic_days));
  line("接诊人次", "patient visits (人次)", std::to_string(t.visits));
  line("服务人数", "people served", std::to_string(t.people));
  line("入户诊疗（户）", "households visited (户)", std::to_string(t.households));
  line("入户次数", "home visits", std::to_string(t.home_visits));
  line("筛查人次", "screenings", std::to_string(t.screenings));
  line("阳性", "positive", std::to_string(t.positive));
  line("可疑", "suspected", std::to_string(t.suspected));
  line("转诊", "referrals", std::to_string(t.referrals));
  line("随访（已安排）", "follow-ups planned", std::to_string(t.follow_ups.created));
  line("随访：待随访 / 已完成 / 逾期 / 失访", "follow-ups: due / done / overdue / lost",
       std::to_string(t.follow_ups.due) + " / " + std::to_string(t.follow_ups.done) + " / " +
           std::to_string(t.follow_ups.overdue) + " / " + std::to_string(t.follow_ups.lost));
  line("发放药品器械价值（元）", "value given (yuan)", money(t.value));

  if (!t.by_program.empty()) {
    md << (zh ? "\n## 分筛查项目\n\n| 筛查项目 | 筛查人次 | 阳性 | 可疑 | 阳性率 |\n|---|---:|---:|---:|---:|\n"
              : "\n## By program\n\n| program | screened | positive | suspected | positive rate |\n"
                "|---|---:|---:|---:|---:|\n");
    for (const auto& [id, p] : t.by_program)
      md << "| " << program_name(db, id, lang) << " | " << p.screened << " | " << p.positive << " | " << p.suspected
         << " | " << pct(p.positive, p.screened) << " |\n";
  }
  if (!t.given.empty()) {
    md << (zh ? "\n## 药品器械发放\n\n| 类别 | 条目 | 数量 | 价值（元） |\n|---|---:|---:|---:|\n"
              : "\n## Given\n\n| kind | lines | quantity | value (yuan) |\n|---|---:|---:|---:|\n");
    for (const auto& [kind, g] : t.given) {
      const std::string label = !zh ? kind : kind == "medicine" ? "药品" : kind == "device" ? "医疗器械" : "耗材";
      char q[32];
      std::snprintf(q, sizeof q, "%g", g.quantity);
      md << "| " << label << " | " << g.lines << " | " << q << " | " << money(g.value) << " |\n";
    }
  }
  if (!r.townships.empty()) {
    md << (zh ? "\n## 分乡镇\n\n| 乡镇 | 天数 | 接诊人次 | 服务人数 | 入户（户） | 筛查 | 阳性 | 转诊 | 随访 应/完成/逾期 | "
                "价值（元） |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
              : "\n## By township\n\n| township | days | visits | people | households | screenings | positive | "
                "referrals | follow-ups due/done/overdue | value (yuan) |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const auto& tw : r.townships) {
      const ReportFigures& f = tw.figures;
      md << "| " << (tw.name.empty() ? tw.code : tw.name + " (" + tw.code + ")") << " | " << f.clinic_days << " | "
         << f.visits << " | " << f.people << " | " << f.households << " | " << f.screenings << " | " << f.positive
         << " | " << f.referrals << " | " << f.follow_ups.due << "/" << f.follow_ups.done << "/"
         << f.follow_ups.overdue << " | " << money(f.value) << " |\n";
    }
  }
  return md.str();
}

}  // namespace yz
