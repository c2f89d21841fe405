#pragma once
// The team passphrase for command-line tools: from the environment variable
// YIZHEN_PASSPHRASE (scripts, tests), else typed on the controlling terminal
// with echo off. Never logged, never echoed.

#include <optional>
#include <string>

namespace yz::platform {

// The passphrase, or nullopt when there is neither the variable nor a
// terminal to ask on. `prompt` is written to the terminal, not to stdout.
std::optional<std::string> read_passphrase(const std::string& prompt);

// Whether read_passphrase can have one: the variable is set, or there is
// a controlling terminal to ask on.
bool passphrase_available();

// A secret typed on the controlling terminal with echo off (no variable),
// or nullopt when there is no terminal.
std::optional<std::string> read_terminal_secret(const std::string& prompt);

// A new passphrase for the database at `path`: YIZHEN_PASSPHRASE, else
// typed twice on the terminal. Throws std::invalid_argument saying what is
// wrong (no variable and no terminal, empty, the two entries differ).
std::string read_new_passphrase(const std::string& path);

}  // namespace yz::platform
