// report [--day ID | --from DATE --to DATE] [--campaign NAME] [--township CODE] [--as-of DATE]
//        [--format md|json]      (options: app/common/report_options.h)

#include <memory>

#include "app/common/report_options.h"
#include "app/yizhenctl/cli.h"
#include "core/output/report.h"

namespace yz::cli {

void add_report_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto a = std::make_shared<cli_common::ReportArgs>();
  auto* rep = app.add_subcommand("report", "Figures for a day, a date range or a campaign, by township");
  cli_common::add_report_options(rep, *a);
  rep->callback([&, a] {
    exit_code = guarded(ctx, [&] {
      a->check();
      Store store = ctx.open_existing();
      ReportQuery q = a->q;
      if (q.as_of.empty()) q.as_of = store.today();
      const Report r = build_report(store.db(), q);
      if (ctx.json_out || a->format == "json") std::cout << report_json(store.db(), r).dump(2) << "\n";
      else std::cout << report_markdown(store.db(), r, ctx.language());
      return 0;
    });
  });
}

}  // namespace yz::cli
