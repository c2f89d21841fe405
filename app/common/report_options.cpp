#include "app/common/report_options.h"

#include "core/base/errors.h"

namespace yz::cli_common {

void ReportArgs::check() const {
  if (format != "md" && format != "json") throw ValidationError(FieldError{"format", "bad_format", {"md|json", format}});
  if (!q.day_id.empty() && (!q.from.empty() || !q.to.empty()))
    throw ValidationError(FieldError{"day", "day_or_dates"});
}

void add_report_options(CLI::App* cmd, ReportArgs& a) {
  cmd->add_option("--day", a.q.day_id, "Clinic day id");
  cmd->add_option("--from", a.q.from, "First date YYYY-MM-DD");
  cmd->add_option("--to", a.q.to, "Last date YYYY-MM-DD");
  cmd->add_option("--campaign", a.q.campaign, "Campaign name, as on the clinic days");
  cmd->add_option("--township", a.q.township, "Township or county code (prefix of the clinic day's place)");
  cmd->add_option("--as-of", a.q.as_of, "Date follow-ups are judged on (default: today)");
  cmd->add_option("--format", a.format, "md or json (--json is the same as --format json)");
}

}  // namespace yz::cli_common
