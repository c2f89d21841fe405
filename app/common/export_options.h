#pragma once
// The options of the two coordinators' lists (DESIGN.md §8), written once
// for both tools that export them: `yizhenctl export screening-list |
// follow-ups` (a device's records) and `yizhen-server admin export
// screening-list | follow-ups` (every team's, from the central store).
//
//   screening-list --program ID --format csv|xlsx --out FILE
//                  [--result positive|suspected|abnormal|negative|incomplete]
//                  [--township CODE] [--from DATE] [--to DATE] [--mask-ids] [--by-township]
//   follow-ups --format csv|xlsx --out FILE [--village CODE] [--from DATE] [--to DATE]
//              [--as-of DATE] [--status due,overdue,…] [--program ID] [--mask-ids] [--by-township]

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "core/output/export.h"
#include "core/queries/worklist.h"

namespace yz::cli_common {

struct ExportFile {
  std::string format, out;
  bool mask_ids = false, by_township = false;

  ExportFormat parsed_format() const { return parse_export_format(format); }  // ValidationError "format"
  IdNumbers ids() const { return mask_ids ? IdNumbers::masked : IdNumbers::whole; }
  Sheets sheets() const { return by_township ? Sheets::per_township : Sheets::one; }
};

struct ScreeningListArgs {
  ScreeningListQuery q;
  ExportFile file;
};

struct FollowUpArgs {
  WorklistQuery q;
  std::string status = "due,overdue";
  ExportFile file;
  // The worklist query: the statuses split, as_of `today` unless given.
  WorklistQuery query(const std::string& today) const;
};

// Add the subcommand with its options to `parent` (an `export` command);
// the caller sets its callback.
CLI::App* add_screening_list_command(CLI::App& parent, ScreeningListArgs& a);
CLI::App* add_follow_up_command(CLI::App& parent, FollowUpArgs& a);

// What an export prints: {"rows", "path"}, or "N rows -> PATH".
nlohmann::json summary_json(const ExportSummary& s);
std::string summary_text(const ExportSummary& s);

}  // namespace yz::cli_common
