#pragma once
// The coordinators' side of what sync set aside (DESIGN.md §8,
// docs/sync-protocol.md §10): `yizhen-server admin resolve CONFLICT_ID
// --value V [--reason R]`, `admin correct-status ENTITY ID STATUS --reason
// R`, `admin retry QUARANTINE_ID` and `admin discard QUARANTINE_ID --reason
// R` (the ids as `admin conflicts` and `admin quarantine` show them). Each
// is a server change that reaches the devices at their next pull, and a row
// of the server's audit (central_store.h). Registered on the `admin`
// subcommand; the callbacks set `code` (0 done, 1 unknown id or record,
// 2 bad input or still refused, 3 storage failure).

#include <CLI/CLI.hpp>

#include <string>

void add_conflict_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code);
