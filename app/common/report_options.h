#pragma once
// The options of a report (DESIGN.md §8), written once for `yizhenctl
// report` (a device's records) and `yizhen-server admin report` (every
// team's, or one team's, from the central store):
//   [--day ID | --from DATE --to DATE] [--campaign NAME] [--township CODE]
//   [--as-of DATE] [--format md|json]

#include <CLI/CLI.hpp>

#include <string>

#include "core/queries/summary.h"

namespace yz::cli_common {

struct ReportArgs {
  ReportQuery q;
  std::string format = "md";
  // Throws ValidationError: a bad format, --day with --from/--to.
  void check() const;
};

// Add the options to `cmd`.
void add_report_options(CLI::App* cmd, ReportArgs& a);

}  // namespace yz::cli_common
