#include "app/yizhen/model/options.h"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace yz::app {

namespace {
const char* const kScreens = "screens: clinic-day patients encounter home-visit follow-ups summary sync settings\n";

// WxH with both sides from 320 to 8192; false if `v` is not that.
bool parse_size(const std::string& v, int& w, int& h) {
  const size_t x = v.find_first_of("xX");
  if (x == std::string::npos || x == 0 || x + 1 >= v.size()) return false;
  const std::string ws = v.substr(0, x), hs = v.substr(x + 1);
  auto digits = [](const std::string& s) { return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  if (!digits(ws) || !digits(hs) || ws.size() > 5 || hs.size() > 5) return false;
  w = std::stoi(ws);
  h = std::stoi(hs);
  return w >= 320 && h >= 320 && w <= 8192 && h <= 8192;
}

// The one description of the command line: parse_options and usage both use it.
struct Parser {
  CLI::App app{"yizhen — the field app of yizhen", "yizhen"};
  std::string lang, size;
  float scale = 0;

  explicit Parser(Options& o) {
    app.add_option("--db", o.db, "Database file (default: the per-user data folder)");
    app.add_option("--lang", lang, "Language of the interface (zh|en; default: the saved preference)")
        ->check(CLI::IsMember({"zh", "en"}));
    app.add_option("--scale", scale, "Text scale (0.5 to 4; default: the saved preference)")
        ->check(CLI::Range(0.5f, 4.0f));
    app.add_option("--screenshot", o.screenshot, "Render to this PNG file and exit");
    app.add_option("--frames", o.frames, "Frames to draw before the screenshot")->check(CLI::Range(1, 1000));
    app.add_option("--size", size, "Window size WxH (e.g. 1366x768)");
    app.add_option("--screen", o.screen, "Screen to open first");
    app.add_option("--query", o.query, "Patient desk: search and open the first hit");
    app.add_option("--program", o.program, "Encounter: start a screening under this program id");
    app.add_option("--state-out", o.state_out, "Write the forms as JSON at exit (end-to-end tests)");
    app.footer(kScreens);
  }
};
}  // namespace

std::string usage() {
  Options o;
  return Parser(o).app.help();
}

Options parse_options(const std::vector<std::string>& args, std::string& error) {
  Options o;
  error.clear();
  Parser p(o);
  std::vector<std::string> rev(args.rbegin(), args.rend());  // CLI11 takes a vector last-first
  try {
    p.app.parse(rev);
  } catch (const CLI::CallForHelp&) {
    o.help = true;
    return o;
  } catch (const CLI::ParseError& e) {
    // One line that names the option (CLI11's own words).
    error = e.what();
    std::replace(error.begin(), error.end(), '\n', ' ');
    return o;
  }
  if (p.app.count("--lang")) o.lang = p.lang;
  if (p.app.count("--scale")) o.scale = p.scale;
  if (p.app.count("--size") && !parse_size(p.size, o.width, o.height)) {
    error = "--size: must be WxH (e.g. 1366x768), got \"" + p.size + "\"";
    return o;
  }
  return o;
}

}  // namespace yz::app
