#pragma once
// `yizhen-server --pg CONNINFO admin migrate --from central.db`: copy the
// embedded (SQLite) central store into an empty PostgreSQL database, nothing
// lost (sync/server/pg_migrate_sqlite.h says what moves). An encrypted
// --from is unlocked like every admin verb's database. Prints each copied
// table's rows and digest (equal on both stores), and how to start the
// server on PostgreSQL with the key file devices trust. Registered on the
// `admin` subcommand; the callback sets `code` (0 done, 2 bad input or a
// non-empty target: nothing changed, 3 storage failure).

#include <CLI/CLI.hpp>

#include <string>

void add_migrate_admin(CLI::App& admin, const bool& as_json, int& code);
