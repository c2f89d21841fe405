#pragma once
// `yizhen-server admin places import FILE` and `admin places reconcile
// PROVISIONAL_CODE OFFICIAL_CODE` (DESIGN.md §6: townships and villages come
// from the county; provisional villages added in the field are confirmed by
// a coordinator). Registered on the `admin` subcommand; the callbacks set
// `code` (0 done, 1 unknown place, 2 bad input, 3 storage failure).

#include <CLI/CLI.hpp>

#include <string>

void add_places_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code);
