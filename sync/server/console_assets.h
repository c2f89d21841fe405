#pragma once
// The console's pages, scripts and styles (sync/server/console/) and
// Chart.js (Debian's libjs-chart.js), embedded into the binary at build
// time by CMake (sync/server/console/embed.cmake): no file is read at run
// time, so the server serves the console it was built with.

#include <span>
#include <string_view>

namespace yz::sync {

struct ConsoleAsset {
  std::string_view path;  // relative to the console folder: "index.html", "pages/dashboard.js", "vendor/chart.js"
  std::string_view body;
};

std::span<const ConsoleAsset> console_assets();

}  // namespace yz::sync
