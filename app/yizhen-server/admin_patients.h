#pragma once
// `yizhen-server admin patient search QUERY`, `admin patient show ID` and
// `admin patient edit ID [--name N] [--phone P] [--id-number X]
// [--birth YYYY-MM-DD] [--sex M|F] [--village CODE]` (DESIGN.md §8): a
// coordinator finds a patient of any team in the central store and corrects
// their demographic fields as a server change every device of the area
// receives (central_store.h edit_patient, shared with the console). An empty
// value clears an optional field. Registered on the `admin` subcommand; the
// callbacks set `code` (0 done, 1 unknown patient, 2 bad input or refused,
// 3 storage failure). Nothing is changed when an edit is refused.

#include <CLI/CLI.hpp>

#include <string>

void add_patient_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code);
