#pragma once
// `yizhen-server admin account add | list | disable | passwd` (DESIGN.md §8):
// console accounts. A password comes from standard input (one line), or,
// on a terminal, typed twice with echo off; it is never an argument (it
// would sit in the shell's history and in `ps`). Registered on the `admin`
// subcommand; the callbacks set `code` (0 done, 1 unknown account, 2 bad
// input, 3 storage failure).

#include <CLI/CLI.hpp>

#include <string>

void add_account_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code);
