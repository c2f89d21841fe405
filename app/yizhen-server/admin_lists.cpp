#include "app/yizhen-server/admin_lists.h"

#include <iostream>
#include <memory>

#include "app/common/export_options.h"
#include "app/common/report_options.h"
#include "app/yizhen-server/admin_common.h"
#include "core/base/errors.h"
#include "core/queries/summary.h"
#include "sync/server/central_store.h"

using yz::server_admin::guarded;
using yz::server_admin::print;

namespace {

// --lang: the language of a report or an export's headers.
yz::Lang parsed_lang(const std::string& lang) {
  if (lang != "zh" && lang != "en") throw yz::ValidationError(yz::FieldError{"lang", "bad_format", {"zh|en", lang}});
  return lang == "en" ? yz::Lang::en : yz::Lang::zh;
}

}  // namespace

void add_lists_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code) {
  struct Args {
    yz::cli_common::ReportArgs report;
    std::string team, lang = "zh";
  };
  auto a = std::make_shared<Args>();
  auto* rep = admin.add_subcommand("report", "Figures of every team's (or one team's) clinic days, by township");
  rep->add_option("--team", a->team, "One team (name or id)");
  yz::cli_common::add_report_options(rep, a->report);
  rep->add_option("--lang", a->lang, "zh or en");
  rep->callback([&db, &as_json, &code, a] {
    code = guarded([&] {
      a->report.check();
      const yz::Lang lang = parsed_lang(a->lang);
      auto store = yz::server_admin::open_central(db, true);
      std::cout << store->report(a->team, a->report.q, !as_json && a->report.format == "md", lang);
      return 0;
    });
  });

  // Exports: the same options as yizhenctl's (app/common/export_options.h),
  // over every team's patients, audited; --lang for the headers.
  using namespace yz::cli_common;
  auto* exp = admin.add_subcommand("export", "Screening lists and follow-up worklists of every team, CSV or XLSX");
  exp->require_subcommand(1);
  exp->fallthrough();  // --lang after the list's name too
  auto lang = std::make_shared<std::string>("zh");
  exp->add_option("--lang", *lang, "Headers in zh or en");
  auto language = [lang] { return parsed_lang(*lang); };
  auto la = std::make_shared<ScreeningListArgs>();
  add_screening_list_command(*exp, *la)->callback([&db, &as_json, &code, la, language] {
    code = guarded([&] {
      const yz::ExportFormat f = la->file.parsed_format();
      auto store = yz::server_admin::open_central(db, true);
      const auto s = store->export_screening_list(la->q, f, la->file.out, language(), la->file.ids(), la->file.sheets(),
                                                 yz::sync::AuditBy{});
      if (as_json) print(true, summary_json(s));
      else std::cout << summary_text(s) << "\n";
      return 0;
    });
  });
  auto fa = std::make_shared<FollowUpArgs>();
  add_follow_up_command(*exp, *fa)->callback([&db, &as_json, &code, fa, language] {
    code = guarded([&] {
      const yz::ExportFormat f = fa->file.parsed_format();
      auto store = yz::server_admin::open_central(db, true);
      const auto s = store->export_follow_ups(fa->query(""), f, fa->file.out, language(), fa->file.ids(),
                                              fa->file.sheets(), yz::sync::AuditBy{});
      if (as_json) print(true, summary_json(s));
      else std::cout << summary_text(s) << "\n";
      return 0;
    });
  });
}
