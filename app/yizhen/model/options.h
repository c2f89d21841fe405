#pragma once
// The field app's command line (DESIGN.md §6):
//   yizhen [--db PATH] [--lang zh|en] [--scale F]
//   yizhen --screenshot FILE [--frames N] [--size WxH] [--screen NAME] [--query Q] [--program ID]
// plus --state-out FILE (the forms as JSON at exit, for end-to-end tests).

#include <optional>
#include <string>
#include <vector>

namespace yz::app {

struct Options {
  std::string db;  // empty: the per-user default
  std::optional<std::string> lang;  // "zh" | "en"; unset: the saved preference
  std::optional<float> scale;       // text scale; unset: the saved preference
  std::string screenshot;           // PNG path: render and exit
  int frames = 3;
  int width = 1366, height = 768;
  std::string screen;               // which screen to open first
  std::string query;                // patient desk: search and open the first hit
  std::string program;              // encounter: start a screening under this program id
  std::string state_out;            // write the UI state as JSON at exit
  bool help = false;
};

// Parse argv; on a bad argument returns the message (one line) in `error`.
Options parse_options(const std::vector<std::string>& args, std::string& error);
std::string usage();

}  // namespace yz::app
