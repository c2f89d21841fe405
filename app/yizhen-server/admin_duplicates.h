#pragma once
// `yizhen-server admin duplicates [--area CODE]`, `admin merge KEEP_ID
// DUPLICATE_ID --reason R`, `admin merge --undo MERGE_ID [--reason R]` and
// `admin merges` (DESIGN.md §5, §8): a coordinator finds the same person
// registered twice (core/queries/duplicates.h), merges the two as server
// changes every device of the area receives, and can undo a merge made in
// error. Registered on the `admin` subcommand; the callbacks set `code` (0
// done, 1 unknown patient or merge, 2 bad input or refused, 3 storage
// failure). Nothing is changed when a merge is refused.

#include <CLI/CLI.hpp>

#include <string>

void add_duplicates_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code);
