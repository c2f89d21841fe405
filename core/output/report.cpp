#include "core/output/report.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>

#include "core/base/messages.h"
#include "core/programs/programs.h"

namespace yz {

namespace {

double round2(double v) { return std::round(v * 100.0) / 100.0; }

std::string program_name(SqlReader& db, const std::string& id, Lang lang) {
  ProgramPtr p = latest_program(db, id);
  return p ? p->name.in(lang) : id;
}

json figures_json(SqlReader& db, const ReportFigures& f) {
  json progs = json::object();
  for (const auto& [id, p] : f.by_program)
    progs[id] = {{"name", program_name(db, id, Lang::zh)},
                 {"label", {{"zh", program_name(db, id, Lang::zh)}, {"en", program_name(db, id, Lang::en)}}},
                 {"screened", p.screened},
                 {"positive", p.positive},
                 {"suspected", p.suspected}};
  json given = json::object();
  for (const auto& [kind, g] : f.given)
    given[kind] = {{"lines", g.lines}, {"quantity", round2(g.quantity)}, {"value", round2(g.value)}};
  return {{"clinic_days", f.clinic_days},
          {"visits", f.visits},
          {"by_station", f.by_station},
          {"people", f.people},
          {"new_people", f.new_people},
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
          {"follow_ups_closed", f.follow_ups_closed},
          {"given", given},
          {"value", round2(f.value)}};
}

// The team's name as its synced record has it, else its id.
std::string team_name(SqlReader& db, const std::string& team_id) {
  auto st = db.prepare("SELECT name FROM team WHERE id = ?1");
  st->bind(1, team_id);
  return st->step() ? st->text(0) : team_id;
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

json report_json(SqlReader& db, const Report& r) {
  json scope = json::object();
  if (!r.query.day_id.empty()) scope["day"] = r.query.day_id;
  if (!r.query.from.empty()) scope["from"] = r.query.from;
  if (!r.query.to.empty()) scope["to"] = r.query.to;
  if (!r.query.campaign.empty()) scope["campaign"] = r.query.campaign;
  if (!r.query.township.empty()) scope["township"] = r.query.township;
  if (!r.query.team_id.empty()) scope.update({{"team", r.query.team_id}, {"team_name", team_name(db, r.query.team_id)}});
  json tws = json::array();
  for (const auto& t : r.townships) {
    json j = figures_json(db, t.figures);
    j["code"] = t.code;
    j["name"] = t.name;
    tws.push_back(std::move(j));
  }
  return {{"scope", scope}, {"as_of", r.query.as_of}, {"total", figures_json(db, r.total)}, {"townships", tws}};
}

std::string report_markdown(SqlReader& db, const Report& r, Lang lang) {
  const ReportFigures& t = r.total;
  auto w = [lang](std::string_view key, std::vector<std::string> args = {}) {
    return format_message(word(key, lang), args);
  };
  std::ostringstream md;
  md << w("report.title");
  std::string scope;
  auto add = [&](const std::string& s) { scope += (scope.empty() ? "" : w("list_sep")) + s; };
  if (!r.query.day_id.empty()) add(w("report.scope_day", {r.query.day_id}));
  if (!r.query.from.empty() || !r.query.to.empty())
    add(w("report.scope_dates", {r.query.from.empty() ? "…" : r.query.from, r.query.to.empty() ? "…" : r.query.to}));
  if (!r.query.campaign.empty()) add(w("report.scope_campaign", {r.query.campaign}));
  if (!r.query.township.empty()) add(w("report.scope_area", {r.query.township}));
  if (!r.query.team_id.empty()) add(w("report.scope_team", {team_name(db, r.query.team_id)}));
  if (scope.empty()) scope = w("report.scope_all");
  md << w("report.scope", {scope, r.query.as_of});

  md << w("report.totals");
  auto line = [&](const char* key, const std::string& v) { md << "| " << w(key) << " | " << v << " |\n"; };
  line("report.clinic_days", std::to_string(t.clinic_days));
  line("report.visits", std::to_string(t.visits));
  line("report.people", std::to_string(t.people));
  line("report.new_people", std::to_string(t.new_people));
  line("report.households", std::to_string(t.households));
  line("report.home_visits", std::to_string(t.home_visits));
  line("report.screenings", std::to_string(t.screenings));
  line("report.positive", std::to_string(t.positive));
  line("report.suspected", std::to_string(t.suspected));
  line("report.referrals", std::to_string(t.referrals));
  line("report.follow_ups_planned", std::to_string(t.follow_ups.created));
  line("report.follow_ups", std::to_string(t.follow_ups.due) + " / " + std::to_string(t.follow_ups.done) + " / " +
                                std::to_string(t.follow_ups.overdue) + " / " + std::to_string(t.follow_ups.lost));
  line("report.follow_ups_closed", std::to_string(t.follow_ups_closed));
  line("report.value", money(t.value));

  if (!t.by_program.empty()) {
    md << w("report.by_program");
    for (const auto& [id, p] : t.by_program)
      md << "| " << program_name(db, id, lang) << " | " << p.screened << " | " << p.positive << " | " << p.suspected
         << " | " << pct(p.positive, p.screened) << " |\n";
  }
  if (!t.given.empty()) {
    md << w("report.given");
    for (const auto& [kind, g] : t.given) {
      char q[32];
      std::snprintf(q, sizeof q, "%g", g.quantity);
      md << "| " << word("item_kind", kind, lang) << " | " << g.lines << " | " << q << " | " << money(g.value)
         << " |\n";
    }
  }
  if (!r.townships.empty()) {
    md << w("report.by_township");
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
