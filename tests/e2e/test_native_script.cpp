// Names in Tibetan and Uyghur script under Xvfb: two patients seeded with
// yizhenctl, found in the app by a word of their native-script name, their
// cards and search rows drawn shaped (screenshots kept in this test's build
// folder, native-script/, for a person to look at); and a Uyghur name typed
// into the edit form with xdotool is stored as typed.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {
const std::string kShots = std::string(E2E_OUT_DIR) + "/native-script";

// A shot into this test's folder, and into $YIZHEN_E2E_SHOTS when set.
void keep(const std::string& png) {
  namespace fs = std::filesystem;
  fs::create_directories(kShots);
  fs::copy_file(png, kShots + "/" + fs::path(png).filename().string(), fs::copy_options::overwrite_existing);
  if (const char* dir = std::getenv("YIZHEN_E2E_SHOTS"); dir && *dir)
    fs::copy_file(png, std::string(dir) + "/" + fs::path(png).filename().string(), fs::copy_options::overwrite_existing);
}
}  // namespace

TEST_CASE("Tibetan and Uyghur names: found by a word of the native name and shown shaped, a typed one stored") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  const std::string d = x.display();
  TempDir dir;
  const std::string db = dir.file("t.db"), log = dir.file("app.log");
  const std::string village = team_with_village(db);
  const std::string tibetan = ctl_json(db, {"patient", "add", "--name", "扎西卓玛", "--name-native", "བཀྲ་ཤིས་སྒྲོལ་མ",
                                            "--sex", "F", "--age", "46", "--village", village, "--consent"})["id"];
  const std::string uyghur =
      ctl_json(db, {"patient", "add", "--name", "热依汗古丽", "--name-native", "رەيھانگۈل ئابدۇللا", "--sex", "F",
                    "--age", "38", "--village", village, "--consent"})["id"];
  const std::string plain = ctl_json(db, {"patient", "add", "--name", "古丽", "--sex", "F", "--age", "30",
                                          "--village", village, "--consent"})["id"];

  // Each found by a later word of the native name (སྒྲོལ of བཀྲ་ཤིས་སྒྲོལ་མ,
  // ئابدۇللا of رەيھانگۈل ئابدۇللا) and its card opened: the screenshot run
  // opens the first result.
  for (const auto& each : {std::tuple{std::string("སྒྲོལ"), tibetan, std::string("native-tibetan-card.png")},
                           std::tuple{std::string("ئابدۇللا"), uyghur, std::string("native-uyghur-card.png")}}) {
    // Copies, not a structured binding: INFO captures `png` (clang).
    const std::string query = std::get<0>(each), id = std::get<1>(each), png = std::get<2>(each);
    const std::string shot = dir.file(png), state = dir.file(png + ".json");
    RunResult r = run({"/usr/bin/env", "DISPLAY=" + d, "ASAN_OPTIONS=detect_leaks=0", kApp, "--db", db, "--lang", "zh",
                       "--screenshot", shot, "--frames", "3", "--size", "1366x768", "--screen", "patients", "--query",
                       query, "--state-out", state});
    INFO(png << ": " << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.err.find("font") == std::string::npos);  // no font missing
    CHECK(json::parse(slurp(state))["card_patient_id"] == id);
    CHECK(slurp(shot).size() > 20000);
    keep(shot);
  }

  // The Uyghur name typed into the edit form of 古丽 (who has none yet):
  // the field shows the letters, the preview below it the shaped name.
  const std::string typed = "ئەلى";
  {
    Child app({kApp, "--db", db, "--lang", "zh", "--screen", "patients"}, app_env(d), log);
    const std::string w = start_and_focus(d, app, log);
    open_first_hit(d, "gu");                        // the first result: 古丽
    keys(d, {"ctrl+u"});                            // Edit: the name field has focus
    keys(d, {"Tab", "Tab", "Tab", "Tab", "Tab"});   // 身份证, birth date, age, phone: the native name
    type_cjk(d, typed);
    sleep_ms(600);
    const std::string shot = dir.file("native-typed-preview.png");
    REQUIRE(window_png(d, w, shot));
    keep(shot);
    keys(d, {"Return"});  // save
    sleep_ms(800);
    CHECK(app.stop(SIGTERM) == 0);
  }
  json h = ctl_json(db, {"patient", "show", plain});
  CHECK(h["patient"]["name_native"] == typed);
  // And now found by it.
  json found = ctl_json(db, {"patient", "search", typed});
  REQUIRE(found.is_array());
  REQUIRE_FALSE(found.empty());
  CHECK(found[0]["id"] == plain);
}
