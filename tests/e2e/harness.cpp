#include "tests/e2e/harness.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "tests/support/process.h"

extern char** environ;

namespace yz::test {

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string which(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    const size_t end = p.find(':', start);
    const std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const std::string full = dir + "/" + name;
    if (!dir.empty() && access(full.c_str(), X_OK) == 0) return full;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

std::string missing_gui_tools() {
  std::string missing;
  for (const char* tool : {"Xvfb", "xdotool"})
    if (which(tool).empty()) missing += (missing.empty() ? "" : ", ") + std::string(tool);
  return missing;
}

bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci && (std::string(ci) == "true" || std::string(ci) == "1");
}

bool have_x() {
  const std::string missing = missing_gui_tools();
  if (missing.empty()) return true;
  if (under_ci()) FAIL_CHECK("not installed: " << missing << " (CI=true: a GUI test that cannot run fails)");
  else WARN_MESSAGE(false, "not installed: " << missing << ": GUI test skipped");
  return false;
}

Xvfb::Xvfb() {
  const std::string xvfb = which("Xvfb");
  if (xvfb.empty()) return;
  // -displayfd 1: Xvfb takes the first free display number itself and
  // writes it to our pipe once it listens, so tests that start at once
  // never race for a number (they run in parallel).
  // -noreset: without it Xvfb resets when its last client leaves, and a
  // client connecting during the reset is refused. SDL connects, hangs up
  // and connects again when it probes its X11 driver; refused, it fell back
  // to its offscreen driver and the app ran with no window.
  auto child = std::make_unique<Child>(std::vector<std::string>{xvfb, "-displayfd", "1", "-noreset", "-screen", "0",
                                                                "1400x1300x24", "-nolisten", "tcp"});
  const std::string number = child->read_line(30000);
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) return;
  const std::string d = ":" + number;
  for (int i = 0; i < 250; ++i) {
    if (!xdotool(d, {"getdisplaygeometry"}).empty()) {
      display_ = d;
      child_ = std::move(child);
      return;
    }
    sleep_ms(40);
  }
}

Xvfb::~Xvfb() {
  if (child_) child_->stop(SIGTERM, 3000);
}

std::string xdotool(const std::string& display, const std::vector<std::string>& args) {
  // A UTF-8 locale, whatever the caller's: `xdotool type` cannot type
  // Chinese under C or POSIX.
  std::vector<std::string> argv{"/usr/bin/env", "DISPLAY=" + display, "LC_ALL=C.UTF-8", which("xdotool")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv).out;
}

Server::Server(const std::string& program, const std::string& db, const std::string& log) {
  child = std::make_unique<Child>(std::vector<std::string>{program, "--db", db, "--listen", "127.0.0.1:0"},
                                  std::vector<std::string>{}, log);
  for (int waited = 0; waited < 20000 && url.empty(); waited += 100) {
    const std::string out = slurp(log);
    if (const auto at = out.find("http://"); at != std::string::npos && out.find('\n', at) != std::string::npos)
      url = out.substr(at, out.find('\n', at) - at);
    else sleep_ms(100);
  }
  if (url.empty()) throw std::runtime_error("yizhen-server did not start: " + slurp(log));
}

bool window_png(const std::string& display, const std::string& window, const std::string& path) {
  const std::string import = which("import");
  if (import.empty()) return false;
  return run({import, "-display", display, "-window", window, path}).code == 0 && std::filesystem::exists(path);
}

double window_luminance(const std::string& display, const std::string& window, std::pair<int, int> at) {
  const std::string import = which("import");
  if (import.empty()) return -1;
  // One pixel as ImageMagick's text format: "0,0: (r,g,b) ...".
  const RunResult r = run({import, "-display", display, "-window", window, "-crop",
                           "1x1+" + std::to_string(at.first) + "+" + std::to_string(at.second), "-depth", "8", "txt:-"});
  const auto open = r.out.find(": (");
  int rgb[3];
  if (r.code != 0 || open == std::string::npos ||
      std::sscanf(r.out.c_str() + open + 3, "%d,%d,%d", &rgb[0], &rgb[1], &rgb[2]) != 3)
    return -1;
  // WCAG relative luminance of an sRGB colour.
  double lum = 0;
  const double weight[3] = {0.2126, 0.7152, 0.0722};
  for (int i = 0; i < 3; ++i) {
    const double c = rgb[i] / 255.0;
    lum += weight[i] * (c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4));
  }
  return lum;
}

std::string wait_window(const std::string& display, const std::string& name, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 100) {
    std::string out = xdotool(display, {"search", "--onlyvisible", "--name", name});
    if (!out.empty()) return out.substr(0, out.find('\n'));
    sleep_ms(100);
  }
  return {};
}

std::vector<std::string> app_env(const std::string& display) {
  return {"DISPLAY=" + display, "ASAN_OPTIONS=detect_leaks=0", "XDG_DATA_HOME=/nonexistent-yizhen-test"};
}

std::string start_and_focus(const std::string& display, Child& app, const std::string& log) {
  const std::string w = wait_window(display, "yizhen", 60000);
  REQUIRE_MESSAGE(!w.empty(), "the app's window did not appear; app running: " << app.running() << "; its log: "
                                                                                << slurp(log));
  REQUIRE(app.running());
  xdotool(display, {"windowfocus", "--sync", w});
  xdotool(display, {"mousemove", "--window", w, "600", "300"});
  sleep_ms(1000);  // first frame, fonts
  return w;
}

void keep_screenshot(const std::string& display, const std::string& window, const std::string& name) {
  const char* dir = std::getenv("YIZHEN_E2E_SHOTS");
  if (dir && *dir) window_png(display, window, std::string(dir) + "/" + name);
}

void keys(const std::string& display, const std::vector<std::string>& names) {
  std::vector<std::string> a{"key", "--delay", "150"};
  a.insert(a.end(), names.begin(), names.end());
  xdotool(display, a);
  sleep_ms(300);
}

void type(const std::string& display, const std::string& text, int delay_ms) {
  xdotool(display, {"type", "--delay", std::to_string(delay_ms), text});
  sleep_ms(300);
}

void type_cjk(const std::string& display, const std::string& text) { type(display, text, 300); }

void click(const std::string& display, const std::string& window, std::pair<int, int> at) {
  xdotool(display, {"mousemove", "--window", window, std::to_string(at.first), std::to_string(at.second)});
  sleep_ms(400);
  xdotool(display, {"click", "1"});
  sleep_ms(500);
}

void tap_and_type(const std::string& display, const std::string& window, std::pair<int, int> at,
                  const std::string& text) {
  xdotool(display, {"mousemove", "--window", window, std::to_string(at.first), std::to_string(at.second)});
  sleep_ms(400);
  xdotool(display, {"click", "1", "type", "--delay", "60", text});
  sleep_ms(500);
}

void wheel_here(const std::string& display, int notches, int pause_ms) {
  for (int i = 0; i < std::abs(notches); ++i) {
    xdotool(display, {"click", notches > 0 ? "5" : "4"});  // X buttons 5 and 4: the wheel down and up
    sleep_ms(pause_ms);
  }
  sleep_ms(400);
}

void wheel(const std::string& display, const std::string& window, std::pair<int, int> at, int notches, int pause_ms) {
  xdotool(display, {"mousemove", "--window", window, std::to_string(at.first), std::to_string(at.second)});
  sleep_ms(300);
  wheel_here(display, notches, pause_ms);
}

}  // namespace yz::test

namespace yz::test {

void drag(const std::string& display, const std::string& window, std::pair<int, int> from, std::pair<int, int> to) {
  auto move = [&](int x, int y) {
    xdotool(display, {"mousemove", "--window", window, std::to_string(x), std::to_string(y)});
    sleep_ms(60);
  };
  move(from.first, from.second);
  sleep_ms(300);
  xdotool(display, {"mousedown", "1"});
  sleep_ms(100);
  constexpr int kSteps = 12;
  for (int i = 1; i <= kSteps; ++i)
    move(from.first + (to.first - from.first) * i / kSteps, from.second + (to.second - from.second) * i / kSteps);
  sleep_ms(100);
  xdotool(display, {"mouseup", "1"});
  sleep_ms(400);
}

}  // namespace yz::test

namespace yz::test {

nlohmann::json ctl_json(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {YIZHENCTL, "--db", db, "--json"});
  RunResult r = run(args);
  INFO("yizhenctl " << args[4] << ": " << r.err);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

void open_first_hit(const std::string& display, const std::string& query) {
  type(display, query);
  sleep_ms(1500);
  keys(display, {"Return"});
}

std::string team_with_village(const std::string& db) {
  plain_db(db);
  ctl_json(db, {"team", "init", "--name", "北京援藏医疗队", "--county", "540127"});
  const std::string township = ctl_json(db, {"place", "add", "--name", "工卡镇", "--parent", "540127"})["code"];
  return ctl_json(db, {"place", "add", "--name", "塔巴村", "--parent", township})["code"];
}

}  // namespace yz::test

namespace yz::test {

namespace {
// The first column of the first row of `sql`, `param` bound to its ?s; an
// encrypted database opened with the key `passphrase` unwraps.
std::string first_text(const std::string& db, const std::string& sql, const std::string* param,
                       const std::string* passphrase = nullptr) {
  sqlite3* h = nullptr;
  std::string value;
  if (passphrase) unlock_database(db, [passphrase] { return std::optional<std::string>(*passphrase); });
  const bool opened = sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, vfs_for(db)) == SQLITE_OK;
  if (opened && passphrase) prepare_encrypted_connection(h);
  sqlite3_stmt* st = nullptr;
  const bool prepared = opened && sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK;
  if (prepared && param) sqlite3_bind_text(st, 1, param->c_str(), -1, SQLITE_TRANSIENT);
  if (prepared && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  const std::string error = h ? sqlite3_errmsg(h) : "out of memory";
  sqlite3_finalize(st);
  sqlite3_close(h);
  REQUIRE_MESSAGE(prepared, db << ": " << sql << ": " << error);
  return value;
}
}  // namespace

std::string setting(const std::string& db, const std::string& key) {
  return first_text(db, "SELECT value FROM settings WHERE key = ?", &key);
}

std::string query_one(const std::string& db, const std::string& sql) { return first_text(db, sql, nullptr); }

std::string encrypted_setting(const std::string& db, const std::string& passphrase, const std::string& key) {
  return first_text(db, "SELECT value FROM settings WHERE key = ?", &key, &passphrase);
}

}  // namespace yz::test
