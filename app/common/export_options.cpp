#include "app/common/export_options.h"

#include <sstream>

namespace yz::cli_common {

namespace {

void add_file_options(CLI::App* cmd, ExportFile& f) {
  cmd->add_option("--format", f.format, "csv or xlsx")->required();
  cmd->add_option("--out", f.out, "Output file")->required();
  cmd->add_flag("--mask-ids", f.mask_ids, "ID numbers as their first 6 and last 4 characters only (the header says so)");
  cmd->add_flag("--by-township", f.by_township, "XLSX: one sheet per township");
}

}  // namespace

WorklistQuery FollowUpArgs::query(const std::string& today) const {
  WorklistQuery out = q;
  out.statuses.clear();
  std::stringstream in(status);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.statuses.push_back(item);
  if (out.as_of.empty()) out.as_of = today;
  return out;
}

CLI::App* add_screening_list_command(CLI::App& parent, ScreeningListArgs& a) {
  auto* sl = parent.add_subcommand("screening-list", "Screenings of one program (who needs what next)");
  sl->add_option("--program", a.q.program, "Program id (yizhenctl programs list)")->required();
  sl->add_option("--result", a.q.result, "positive, suspected, abnormal (both), negative or incomplete");
  sl->add_option("--township", a.q.township, "Township (or county, village) code of the patients");
  sl->add_option("--from", a.q.from, "Screened on or after YYYY-MM-DD");
  sl->add_option("--to", a.q.to, "Screened on or before YYYY-MM-DD");
  add_file_options(sl, a.file);
  return sl;
}

CLI::App* add_follow_up_command(CLI::App& parent, FollowUpArgs& a) {
  auto* fu = parent.add_subcommand("follow-ups", "The follow-up worklist of a village, township or county");
  fu->add_option("--village", a.q.place, "Village, township or county code (prefix)");
  fu->add_option("--from", a.q.from, "Due on or after YYYY-MM-DD");
  fu->add_option("--to", a.q.until, "Due on or before YYYY-MM-DD");
  fu->add_option("--as-of", a.q.as_of, "Today for overdue (default: today)");
  fu->add_option("--status", a.status, "Statuses, comma-separated (due,overdue,done,lost)");
  fu->add_option("--program", a.q.program, "Only follow-ups of this program's screenings");
  add_file_options(fu, a.file);
  return fu;
}

nlohmann::json summary_json(const ExportSummary& s) { return {{"rows", s.rows}, {"path", s.path}}; }
std::string summary_text(const ExportSummary& s) { return std::to_string(s.rows) + " rows -> " + s.path; }

}  // namespace yz::cli_common
