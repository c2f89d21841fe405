#include "app/yizhen/model/options.h"

#include <cstdlib>

namespace yz::app {

std::string usage() {
  return "usage: yizhen [--db PATH] [--lang zh|en] [--scale F]\n"
         "       yizhen --screenshot FILE [--frames N] [--size WxH] [--screen NAME] [--query Q]\n"
         "              [--program ID]   (encounter: start a screening under program ID)\n"
         "screens: clinic-day patients encounter home-visit follow-ups summary sync settings\n";
}

Options parse_options(const std::vector<std::string>& args, std::string& error) {
  Options o;
  error.clear();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) {
        error = a + ": needs a value";
        return false;
      }
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") o.help = true;
    else if (a == "--db") { if (!value(o.db)) return o; }
    else if (a == "--lang") {
      if (!value(v)) return o;
      if (v != "zh" && v != "en") { error = "--lang: must be zh or en, got \"" + v + "\""; return o; }
      o.lang = v;
    } else if (a == "--scale") {
      if (!value(v)) return o;
      char* end = nullptr;
      const float f = std::strtof(v.c_str(), &end);
      if (end == v.c_str() || *end || !(f >= 0.5f && f <= 4.0f)) { error = "--scale: must be a number from 0.5 to 4, got \"" + v + "\""; return o; }
      o.scale = f;
    } else if (a == "--screenshot") { if (!value(o.screenshot)) return o; }
    else if (a == "--frames") {
      if (!value(v)) return o;
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (end == v.c_str() || *end || n < 1 || n > 1000) { error = "--frames: must be 1 to 1000, got \"" + v + "\""; return o; }
      o.frames = static_cast<int>(n);
    } else if (a == "--size") {
      if (!value(v)) return o;
      int w = 0, h = 0;
      char* end = nullptr;
      w = static_cast<int>(std::strtol(v.c_str(), &end, 10));
      if (end && (*end == 'x' || *end == 'X')) h = static_cast<int>(std::strtol(end + 1, &end, 10));
      if (!end || *end || w < 320 || h < 320 || w > 8192 || h > 8192) { error = "--size: must be WxH (e.g. 1366x768), got \"" + v + "\""; return o; }
      o.width = w;
      o.height = h;
    } else if (a == "--screen") { if (!value(o.screen)) return o; }
    else if (a == "--query") { if (!value(o.query)) return o; }
    else if (a == "--program") { if (!value(o.program)) return o; }
    else if (a == "--state-out") { if (!value(o.state_out)) return o; }
    else { error = a + ": unknown option"; return o; }
  }
  return o;
}

}  // namespace yz::app
