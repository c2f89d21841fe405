// Coordinators' exports (DESIGN.md §6) of this device's records:
//   export screening-list | follow-ups   (options: app/common/export_options.h)
// Bad input exits 2 and writes nothing (core/export.h writes a temporary
// file and renames it only when complete).

#include <memory>

#include "app/common/export_options.h"
#include "app/yizhenctl/cli.h"
#include "core/output/export.h"

namespace yz::cli {

void add_export_commands(CLI::App& app, Context& ctx, int& exit_code) {
  using namespace yz::cli_common;
  auto* exp = app.add_subcommand("export", "Screening lists and follow-up worklists as CSV or XLSX");
  exp->require_subcommand(1);

  auto la = std::make_shared<ScreeningListArgs>();
  add_screening_list_command(*exp, *la)->callback([&, la] {
    exit_code = guarded(ctx, [&] {
      const ExportFormat f = la->file.parsed_format();
      Store store = ctx.open_existing();
      const ExportSummary s = export_screening_list(store.db(), la->q, f, la->file.out, ctx.language(),
                                                    la->file.ids(), la->file.sheets());
      emit(ctx, summary_json(s), summary_text(s));
      return 0;
    });
  });

  auto fa = std::make_shared<FollowUpArgs>();
  add_follow_up_command(*exp, *fa)->callback([&, fa] {
    exit_code = guarded(ctx, [&] {
      const ExportFormat f = fa->file.parsed_format();
      Store store = ctx.open_existing();
      const ExportSummary s = export_follow_ups(store.db(), fa->query(store.today()), f, fa->file.out,
                                                ctx.language(), fa->file.ids(), fa->file.sheets());
      emit(ctx, summary_json(s), summary_text(s));
      return 0;
    });
  });
}

}  // namespace yz::cli
