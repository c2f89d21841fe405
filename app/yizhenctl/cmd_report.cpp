// report [--day ID | --from DATE --to DATE] [--campaign NAME] [--township CODE] [--as-of DATE]
//        [--format md|json]      (--json is the same as --format json)

#include <memory>

#include "app/yizhenctl/cli.h"
#include "core/output/report.h"

namespace yz::cli {

void add_report_commands(CLI::App& app, Context& ctx, int& exit_code) {
  struct Args {
    ReportQuery q;
    std::string format = "md";
  };
  auto a = std::make_shared<Args>();
  auto* rep = app.add_subcommand("report", "Figures for a day, a date range or a campaign, by township");
  rep->add_option("--day", a->q.day_id, "Clinic day id");
  rep->add_option("--from", a->q.from, "First clinic day date YYYY-MM-DD");
  rep->add_option("--to", a->q.to, "Last clinic day date YYYY-MM-DD");
  rep->add_option("--campaign", a->q.campaign, "Campaign name, as on the clinic days");
  rep->add_option("--township", a->q.township, "Township or county code (prefix of the clinic day's place)");
  rep->add_option("--as-of", a->q.as_of, "Date follow-ups are judged on (default: today)");
  rep->add_option("--format", a->format, "md or json");
  rep->callback([&, a] {
    exit_code = guarded(ctx, [&] {
      if (a->format != "md" && a->format != "json")
        throw ValidationError(FieldError{"format", "bad_format", {"md|json", a->format}});
      if (!a->q.day_id.empty() && (!a->q.from.empty() || !a->q.to.empty()))
        throw UsageError("--day", "give either --day or --from/--to, not both");
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
