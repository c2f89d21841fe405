// The encounter's reference lists on a real window: a diagnosis picked by a
// click from the list an empty search shows, a medicine found by its pinyin
// ("anlu") and picked by a click, its dose typed and frequency chosen, the
// encounter saved, and what was stored read back with yizhenctl.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <signal.h>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {

// Window coordinates at 1366x768, Chinese, text scale 1, with the patient
// below open on the encounter screen, its form scrolled by four wheel notches
// (read off screenshots of this test; look at them after a layout change).
constexpr std::pair<int, int> kFirstHit{300, 205};      // patient desk: the first search result
constexpr std::pair<int, int> kFormMiddle{500, 400};    // where the wheel scrolls the form
constexpr std::pair<int, int> kDxFirstRow{300, 256};    // the diagnosis list's first row (I10 for an empty query)
constexpr std::pair<int, int> kItemField{500, 473};     // the medicine search, once I10 is added
constexpr std::pair<int, int> kItemFirstRow{300, 514};  // its first match
constexpr std::pair<int, int> kDoseField{408, 527};     // the added medicine's dose
constexpr std::pair<int, int> kOnceADay{546, 529};      // its 每日一次 chip
}  // namespace

TEST_CASE("an encounter's diagnosis picked from the empty search's list, a medicine found by pinyin with dose and frequency") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db");
  plain_db(db);
  ctl_json(db, {"team", "init", "--name", "北京援藏医疗队", "--county", "540127"});
  const std::string pid =
      ctl_json(db, {"patient", "add", "--name", "卓玛", "--sex", "F", "--birth", "1985-03-02", "--consent"})["id"];
  Child app({kApp, "--db", db, "--lang", "zh", "--size", "1366x768", "--screen", "patients"}, app_env(x.display()),
            dir.file("app.log"));
  const std::string d = x.display();
  const std::string w = start_and_focus(d, app, dir.file("app.log"));

  type(d, "zhuoma");  // the patient search has focus
  sleep_ms(500);
  click(d, w, kFirstHit);
  keys(d, {"ctrl+e"});  // the encounter of the patient on the card: the complaint has focus
  // Tab to the diagnosis search (12 fields on): empty, it lists the commonest
  // diagnoses below it; scroll them into view.
  for (int i = 0; i < 12; ++i) keys(d, {"Tab"});
  wheel(d, w, kFormMiddle, 4, 200);
  keep_screenshot(d, w, "ref-1-dx-list.png");
  click(d, w, kDxFirstRow);  // a click in the list of an empty search picks
  click(d, w, kItemField);
  type(d, "anlu");
  keep_screenshot(d, w, "ref-2-anlu.png");
  click(d, w, kItemFirstRow);
  click(d, w, kDoseField);
  type(d, "5mg");
  click(d, w, kOnceADay);
  keep_screenshot(d, w, "ref-3-dose.png");
  keys(d, {"ctrl+s"});
  sleep_ms(1000);
  CHECK(app.stop(SIGTERM) == 0);
  INFO(slurp(dir.file("app.log")));

  RunResult shown = run({kCtl, "--db", db, "patient", "show", pid, "--json"});
  REQUIRE(shown.code == 0);
  const json h = json::parse(shown.out);
  REQUIRE(h["encounters"].size() == 1);
  const json& e = h["encounters"][0];
  REQUIRE(e["diagnoses"].size() == 1);
  CHECK(e["diagnoses"][0]["code"] == "I10");
  REQUIRE(e["dispenses"].size() == 1);
  CHECK(e["dispenses"][0]["item"] == "氨氯地平片");
  CHECK(e["dispenses"][0]["dose"] == "5 mg");
  CHECK(e["dispenses"][0]["frequency"] == "qd");
  RunResult text = run({kCtl, "--db", db, "patient", "show", pid});
  CHECK(text.out.find("gave 氨氯地平片 × 1 盒  dose 5 mg  qd") != std::string::npos);
}

TEST_CASE("the diagnosis list closes when Tab moves on from its search") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db"), state = dir.file("state.json");
  plain_db(db);
  ctl_json(db, {"team", "init", "--name", "北京援藏医疗队", "--county", "540127"});
  ctl_json(db, {"patient", "add", "--name", "卓玛", "--sex", "F", "--birth", "1985-03-02", "--consent"});
  Child app({kApp, "--db", db, "--lang", "zh", "--size", "1366x768", "--screen", "patients", "--state-out", state},
            app_env(x.display()), dir.file("app.log"));
  const std::string d = x.display();
  const std::string w = start_and_focus(d, app, dir.file("app.log"));
  type(d, "zhuoma");
  sleep_ms(500);
  click(d, w, kFirstHit);
  keys(d, {"ctrl+e"});
  for (int i = 0; i < 12; ++i) keys(d, {"Tab"});  // the diagnosis search
  type(d, "gxy");
  wheel(d, w, kFormMiddle, 4, 200);
  keep_screenshot(d, w, "dx-tab-1-list.png");  // 高血压 I10 first
  keys(d, {"Tab"});                             // on to the advice
  keep_screenshot(d, w, "dx-tab-2-closed.png");
  INFO(slurp(dir.file("app.log")));
  REQUIRE_MESSAGE(app.running(), "the app ended (crashed)");
  CHECK(app.stop(SIGTERM) == 0);
  const json st = json::parse(slurp(state));
  CHECK(st["dx_list_open"] == false);
  CHECK(st["encounter_form"]["diagnoses"].empty());  // Tab picked nothing
}
