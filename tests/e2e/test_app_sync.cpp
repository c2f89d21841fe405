// Sync from the field app's own screen against the real yizhen-server on
// loopback: the laptop enrolls through the Sync screen's form (server
// address, one-time code), its records reach the server, and a record made
// afterwards goes with the next press of "立即同步"; what arrived is read
// with yizhen-server admin. A patient of a village outside the team's
// county is quarantined by the server, and the Sync screen lists it with its
// reason in plain words.
#include <doctest/doctest.h>

#include <signal.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {

// Window coordinates at 1366x768, Chinese, text scale 1, on the Sync screen.
constexpr std::pair<int, int> kUrlField{414, 317};  // 服务器地址
constexpr std::pair<int, int> kEnroll{253, 610};    // 注册本机
constexpr std::pair<int, int> kSyncNow{253, 270};   // 立即同步, once enrolled

int central_patients(const std::string& central) {
  RunResult r = run({kServer, "--db", central, "--json", "admin", "stats"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return json::parse(r.out)["patient"].get<int>();
}

bool wait_for(const std::function<bool()>& done, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 250) {
    if (done()) return true;
    sleep_ms(250);
  }
  return done();
}
}  // namespace

TEST_CASE("the app enrolls from its Sync screen and syncs with Sync now against a real server") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db"), central = dir.file("central.db");
  plain_db(db);
  REQUIRE(run({kCtl, "--db", db, "team", "init", "--name", "北京援藏医疗队", "--county", "540127"}).code == 0);
  REQUIRE(run({kCtl, "--db", db, "patient", "add", "--name", "卓玛", "--sex", "F", "--birth", "1985-03-02", "--consent"})
              .code == 0);
  // One of a village outside the team's county (城关区, Lhasa): the server
  // quarantines it, and the Sync screen says why.
  const json outsider = ctl_json(db, {"patient", "add", "--name", "次仁", "--sex", "M", "--age", "50", "--village",
                                      "540102001001", "--consent"});
  Server server(kServer, central, dir.file("server.log"));
  RunResult code = run({kServer, "--db", central, "admin", "enroll-code", "--team", "北京援藏医疗队", "--area", "540127"});
  REQUIRE_MESSAGE(code.code == 0, code.err);
  const std::string one_time = code.out.substr(0, code.out.find('\n'));

  Child app({kApp, "--db", db, "--lang", "zh", "--size", "1366x768", "--screen", "sync", "--state-out",
             dir.file("state.json")},
            app_env(x.display()), dir.file("app.log"));
  const std::string w = start_and_focus(x.display(), app, dir.file("app.log"));
  const std::string d = x.display();
  keep_screenshot(d, w, "sync-1-form.png");
  click(d, w, kUrlField);
  type(d, server.url);
  keys(d, {"Tab", "Tab"});  // past the fingerprint (plain http on loopback): the code
  type(d, one_time);
  keep_screenshot(d, w, "sync-2-filled.png");
  click(d, w, kEnroll);
  CHECK_MESSAGE(wait_for([&] { return central_patients(central) == 1; }, 20000), slurp(dir.file("app.log")));

  // The screen follows the engine (a frame a second): the state settles, the pending count drops.
  xdotool(d, {"mousemove", "--window", w, "700", "600"});
  sleep_ms(2500);
  keep_screenshot(d, w, "sync-3-enrolled.png");
  // A patient registered meanwhile goes with the next "立即同步".
  REQUIRE(run({kCtl, "--db", db, "patient", "add", "--name", "格桑", "--sex", "M", "--age", "40", "--consent"}).code == 0);
  click(d, w, kSyncNow);
  CHECK(wait_for([&] { return central_patients(central) == 2; }, 20000));
  keep_screenshot(d, w, "sync-4-synced.png");
  CHECK(app.stop(SIGTERM) == 0);
  RunResult devices = run({kServer, "--db", central, "--json", "admin", "devices"});
  REQUIRE(devices.code == 0);
  CHECK(json::parse(devices.out).size() == 1);
  // The quarantined patient listed on the Sync screen (without leaving it:
  // the list followed the sync round), its reason in plain words: no field
  // code such as "(area)".
  const json shown = json::parse(slurp(dir.file("state.json")))["sync_quarantine"];
  INFO(shown.dump());
  REQUIRE(shown.size() == 1);
  const std::string line = shown[0];
  CHECK(line.rfind("patient " + outsider["id"].get<std::string>().substr(0, 8) + " — ", 0) == 0);
  CHECK(line.find("不在本队的地区") != std::string::npos);
  CHECK(line.find("(area)") == std::string::npos);
}
