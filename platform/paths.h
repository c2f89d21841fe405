#pragma once
// Per-user file locations (XDG base directories on Linux).

#include <string>

namespace yz::platform {

// The folder for the user's data ($XDG_DATA_HOME/yizhen or
// ~/.local/share/yizhen), created if missing.
std::string data_dir();

// The default database path: data_dir() + "/yizhen.db".
std::string default_db_path();

// Patient data (DESIGN.md §7): from here on, every file and folder this
// process creates (database, WAL, drafts, key, batches, receipts, exports,
// logs) is readable and writable by its owner only (umask 077). Each program
// calls it first thing in main.
void make_new_files_private();

}  // namespace yz::platform
