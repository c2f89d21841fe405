#pragma once
// End-to-end harness for the field app: an Xvfb server on a free display, the
// app as a background process, xdotool to type. Every process started here
// is stopped by its destructor, also when a test fails.

#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/child.h"
#include "tests/support/plain_db.h"
#include "tests/support/process.h"

namespace yz::test {

// The programs under test, as built (compile definitions of gui_tests).
inline const std::string kApp = YIZHEN_APP;
inline const std::string kCtl = YIZHENCTL;
inline const std::string kServer = YIZHEN_SERVER;

// Path of a program found on PATH, or empty.
std::string which(const std::string& name);

// An Xvfb on a free display it chose itself (-displayfd), started and
// answering (or display() is empty); stopped with SIGTERM so it removes its
// lock file and socket. Any number of them may start at once.
class Xvfb {
 public:
  Xvfb();
  ~Xvfb();
  Xvfb(const Xvfb&) = delete;
  Xvfb& operator=(const Xvfb&) = delete;
  const std::string& display() const { return display_; }

 private:
  std::string display_;
  std::unique_ptr<Child> child_;
};

// What a GUI test needs and this machine lacks ("Xvfb", "xdotool"), or empty.
std::string missing_gui_tools();
// True when the environment says it is CI (CI=true, as GitHub Actions and
// GitLab set it): there a GUI test that cannot run must fail, not be skipped.
bool under_ci();

// The real yizhen-server (`program`) on `db`, listening on a free loopback
// port; `url` read from the first line it prints. Throws std::runtime_error
// (with its log) when it did not start within 20 s.
struct Server {
  std::unique_ptr<Child> child;
  std::string url;
  Server(const std::string& program, const std::string& db, const std::string& log);
};

// The WCAG relative luminance (0 black .. 1 white) of the window's pixel
// `at`, or -1 if it could not be read. White text on it has the contrast
// ratio 1.05 / (luminance + 0.05).
double window_luminance(const std::string& display, const std::string& window, std::pair<int, int> at);

// Save window `window` of `display` as a PNG (ImageMagick's import); false
// when import is missing or failed. For looking at what a test drove.
bool window_png(const std::string& display, const std::string& window, const std::string& path);

// Whether a GUI test can run here. Missing tools skip it with a warning on a
// developer's machine, but fail it under CI=true: there a skipped GUI test
// would let the suite pass without ever starting the app. (doctest checks:
// call inside a test case.)
bool have_x();

// Run xdotool with DISPLAY set; returns its stdout.
std::string xdotool(const std::string& display, const std::vector<std::string>& args);
// Wait for a visible window whose name matches; returns its id or "".
std::string wait_window(const std::string& display, const std::string& name, int timeout_ms);
void sleep_ms(int ms);
// Keys by their X names ("Return", "ctrl+a"), then a moment for the app to
// draw what they did.
void keys(const std::string& display, const std::vector<std::string>& names);
// Text typed character by character. Each character not on the keyboard
// (Chinese) makes xdotool remap a spare keycode, and the app must see each
// mapping before the next: type_cjk types slowly.
void type(const std::string& display, const std::string& text, int delay_ms = 60);
void type_cjk(const std::string& display, const std::string& text);
// A click at `at` in window coordinates. The pointer moves first and the app
// draws a frame under it: ImGui takes a press only on an item hovered in the
// frame that sees it.
void click(const std::string& display, const std::string& window, std::pair<int, int> at);
// A tap at `at` with `text` typed straight after it, with no pause for the
// app to draw a frame between them, as a nurse types on a touch laptop: the
// pointer moves first (as in click), then the press, the release and the
// keys go in one xdotool command.
void tap_and_type(const std::string& display, const std::string& window, std::pair<int, int> at,
                  const std::string& text);
// The mouse wheel turned `notches` times (positive: down, negative: up),
// `pause_ms` apart, with the pointer at `at` in the window (moved there
// first), then a moment for the view to settle.
void wheel(const std::string& display, const std::string& window, std::pair<int, int> at, int notches,
           int pause_ms = 100);
// The same where the pointer already is.
void wheel_here(const std::string& display, int notches, int pause_ms = 100);
// The environment of the app under test on `display`: Mesa and libX11 keep
// allocations to exit, which LeakSanitizer would report as ours (the unit
// tests check our leaks); no per-user data folder.
std::vector<std::string> app_env(const std::string& display);
// Wait for the app's window (doctest REQUIRE: its log when it did not come),
// focus it, park the pointer, and give it a second for its first frame and
// fonts. Returns the window id.
std::string start_and_focus(const std::string& display, Child& app, const std::string& log);
// A finger's drag from `from` to `to` (window coordinates): press, move in
// steps the app sees frame by frame, release.
void drag(const std::string& display, const std::string& window, std::pair<int, int> from, std::pair<int, int> to);
// Type `query` into the patient search (it has the focus), give the search
// worker time to answer (under a loaded suite it took more than 0.5 s), and
// press Enter: the first result's card opens.
void open_first_hit(const std::string& display, const std::string& query);
// yizhenctl (the build's) on `db` with --json: its parsed output (doctest
// REQUIRE: exit 0, its stderr shown when not).
nlohmann::json ctl_json(const std::string& db, std::vector<std::string> args);
// A laptop's plain database (made when missing) with its team (北京援藏医疗队, county 540127) and one
// village of its own (塔巴村 under 工卡镇, provisional codes): the village's code.
std::string team_with_village(const std::string& db);
// The app's saved setting `key` (its preferences: "pref.lang", "pref.day_id",
// ...) in the plain database `db`, read with SQLite once the app has
// stopped; empty when it has none.
std::string setting(const std::string& db, const std::string& key);
// setting() on an encrypted database, its key unwrapped with `passphrase`
// (core's key file and encrypting VFS, as the app opens it).
std::string encrypted_setting(const std::string& db, const std::string& passphrase, const std::string& key);
// The first column of the first row `sql` returns on the plain database
// `db` (as text; empty when no row), for what yizhenctl does not show.
std::string query_one(const std::string& db, const std::string& sql);
// window_png into $YIZHEN_E2E_SHOTS/`name` when that variable names a folder
// (for a person to look at), else nothing.
void keep_screenshot(const std::string& display, const std::string& window, const std::string& name);

}  // namespace yz::test
