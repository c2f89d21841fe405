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

}  // namespace yz::platform
