#pragma once
// Coordinators' lists and reports from the central store (DESIGN.md §6, §8):
//   yizhen-server admin report [--team T] [--township CODE] [--from D --to D]
//                              [--campaign C] [--day ID] [--as-of D] [--format md|json] [--lang zh|en]
// the figures of core/queries/summary.h over every team's records, or one
// team's; and
//   yizhen-server admin export [--lang zh|en] screening-list | follow-ups ...
// yizhenctl's lists (app/common/export_options.h) over every team's
// patients, each export audited. Registered on the `admin` subcommand; the callbacks set `code`
// (0 done, 1 unknown team or day, 2 bad input, 3 storage failure).

#include <CLI/CLI.hpp>

#include <string>

void add_lists_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code);
