// Coordinators' exports (DESIGN.md §6):
//   export screening-list --program ID --format csv|xlsx --out FILE
//                         [--result positive|suspected|abnormal|negative|incomplete]
//                         [--township CODE] [--from DATE] [--to DATE]
//   export follow-ups --format csv|xlsx --out FILE [--village CODE] [--from DATE] [--to DATE]
//                     [--as-of DATE] [--status due,overdue,…] [--program ID]
// Bad input exits 2 and writes nothing (core/export.h writes a temporary
// file and renames it only when complete).

#include <memory>
#include <sstream>

#include "app/yizhenctl/cli.h"
#include "core/output/export.h"

namespace yz::cli {

namespace {
std::vector<std::string> split_statuses(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

json summary_json(const ExportSummary& s) { return {{"rows", s.rows}, {"path", s.path}}; }
}  // namespace

void add_export_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* exp = app.add_subcommand("export", "Screening lists and follow-up worklists as CSV or XLSX");
  exp->require_subcommand(1);

  struct ListArgs {
    ScreeningListQuery q;
    std::string format, out;
    bool mask_ids = false;
  };
  auto la = std::make_shared<ListArgs>();
  auto* sl = exp->add_subcommand("screening-list", "Screenings of one program (who needs what next)");
  sl->add_option("--program", la->q.program, "Program id (yizhenctl programs list)")->required();
  sl->add_option("--format", la->format, "csv or xlsx")->required();
  sl->add_option("--out", la->out, "Output file")->required();
  sl->add_option("--result", la->q.result, "positive, suspected, abnormal (both), negative or incomplete");
  sl->add_option("--township", la->q.township, "Township (or county, village) code of the patients");
  sl->add_option("--from", la->q.from, "Screened on or after YYYY-MM-DD");
  sl->add_option("--to", la->q.to, "Screened on or before YYYY-MM-DD");
  sl->add_flag("--mask-ids", la->mask_ids, "ID numbers as their first 6 and last 4 characters only");
  sl->callback([&, la] {
    exit_code = guarded(ctx, [&] {
      const ExportFormat f = parse_export_format(la->format);
      Store store = ctx.open_existing();
      const ExportSummary s = export_screening_list(store.db(), la->q, f, la->out, ctx.language(),
                                                    la->mask_ids ? IdNumbers::masked : IdNumbers::whole);
      emit(ctx, summary_json(s), std::to_string(s.rows) + " rows -> " + s.path);
      return 0;
    });
  });

  struct FuArgs {
    WorklistQuery q;
    std::string format, out, status = "due,overdue";
    bool mask_ids = false;
  };
  auto fa = std::make_shared<FuArgs>();
  auto* fu = exp->add_subcommand("follow-ups", "The follow-up worklist of a village, township or county");
  fu->add_option("--format", fa->format, "csv or xlsx")->required();
  fu->add_option("--out", fa->out, "Output file")->required();
  fu->add_option("--village", fa->q.place, "Village, township or county code (prefix)");
  fu->add_option("--from", fa->q.from, "Due on or after YYYY-MM-DD");
  fu->add_option("--to", fa->q.until, "Due on or before YYYY-MM-DD");
  fu->add_option("--as-of", fa->q.as_of, "Today for overdue (default: today)");
  fu->add_option("--status", fa->status, "Statuses, comma-separated (due,overdue,done,lost)");
  fu->add_option("--program", fa->q.program, "Only follow-ups of this program's screenings");
  fu->add_flag("--mask-ids", fa->mask_ids, "ID numbers as their first 6 and last 4 characters only");
  fu->callback([&, fa] {
    exit_code = guarded(ctx, [&] {
      const ExportFormat f = parse_export_format(fa->format);
      Store store = ctx.open_existing();
      WorklistQuery q = fa->q;
      q.statuses = split_statuses(fa->status);
      if (q.as_of.empty()) q.as_of = store.today();
      const ExportSummary s = export_follow_ups(store.db(), q, f, fa->out, ctx.language(),
                                                fa->mask_ids ? IdNumbers::masked : IdNumbers::whole);
      emit(ctx, summary_json(s), std::to_string(s.rows) + " rows -> " + s.path);
      return 0;
    });
  });
}

}  // namespace yz::cli
