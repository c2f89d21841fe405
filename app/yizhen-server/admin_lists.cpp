#include "app/yizhen-server/admin_lists.h"

#include <iostream>
#include <memory>

#include "app/common/export_options.h"
#include "app/yizhen-server/admin_common.h"
#include "core/base/errors.h"
#include "core/queries/summary.h"
#include "sync/server/central_store.h"

using yz::server_admin::guarded;
using yz::server_admin::print;

void add_lists_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code) {
  struct Args {
    yz::ReportQuery q;
    std::string team, format = "md", lang = "zh";
  };
  auto a = std::make_shared<Args>();
  auto* rep = admin.add_subcommand("report", "Figures of every team's (or one team's) clinic days, by township");
  rep->add_option("--team", a->team, "One team (name or id)");
  rep->add_option("--township", a->q.township, "Township or county code (prefix of the clinic day's place)");
  rep->add_option("--from", a->q.from, "First date YYYY-MM-DD");
  rep->add_option("--to", a->q.to, "Last date YYYY-MM-DD");
  rep->add_option("--campaign", a->q.campaign, "Campaign name, as on the clinic days");
  rep->add_option("--day", a->q.day_id, "One clinic day id");
  rep->add_option("--as-of", a->q.as_of, "Date follow-ups are judged on (default: today)");
  rep->add_option("--format", a->format, "md or json (--json is the same as --format json)");
  rep->add_option("--lang", a->lang, "zh or en");
  rep->callback([&db, &as_json, &code, a] {
    code = guarded([&] {
      if (a->format != "md" && a->format != "json")
        throw yz::ValidationError(yz::FieldError{"format", "bad_format", {"md|json", a->format}});
      if (a->lang != "zh" && a->lang != "en")
        throw yz::ValidationError(yz::FieldError{"lang", "bad_format", {"zh|en", a->lang}});
      auto store = yz::server_admin::open_central(db, true);
      std::cout << store->report(a->team, a->q, !as_json && a->format == "md",
                                 a->lang == "en" ? yz::Lang::en : yz::Lang::zh);
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
  auto language = [lang] {
    if (*lang != "zh" && *lang != "en") throw yz::ValidationError(yz::FieldError{"lang", "bad_format", {"zh|en", *lang}});
    return *lang == "en" ? yz::Lang::en : yz::Lang::zh;
  };
  auto la = std::make_shared<ScreeningListArgs>();
  add_screening_list_command(*exp, *la)->callback([&db, &as_json, &code, la, language] {
    code = guarded([&] {
      const yz::ExportFormat f = la->file.parsed_format();
      auto store = yz::server_admin::open_central(db, true);
      const auto s = store->export_screening_list(la->q, f, la->file.out, language(), la->file.ids(), la->file.sheets());
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
                                              fa->file.sheets());
      if (as_json) print(true, summary_json(s));
      else std::cout << summary_text(s) << "\n";
      return 0;
    });
  });
}
