#pragma once
// Per-user file locations (XDG base directories on Linux).

#include <string>

namespace yz::platform {

// The folder for the user's data ($XDG_DATA_HOME/yizhen or
// ~/.local/share/yizhen), created if missing.
std::string data_dir();

// The default database path: data_dir() + "/yizhen.db".
std::string default_db_path();

}  // namespace yz::platform
