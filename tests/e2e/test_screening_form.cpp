// Screening programs through the encounter's generic form on a real window,
// and an encounter's own referral:
// two encounters for one woman, each under another program picked from the
// list the form offers her, answers given with chips and typed numbers, the
// result decided live, and both screenings (with the referral and follow-up
// the programs ask for) read back with yizhenctl.
//
// Screenshots go to $YIZHEN_E2E_SHOTS when it is set (the coordinates below
// are read off them: look at them after a layout change).
#include <doctest/doctest.h>

#include <signal.h>

#include <map>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {

// Window coordinates at 1366x768, Chinese, text scale 1, on the encounter
// form scrolled to its end (the wheel over the form).
constexpr std::pair<int, int> kFormMiddle{500, 400};
constexpr std::pair<int, int> kHypertension{527, 161}, kDiabetes{527, 215};  // in the list of programs offered
constexpr std::pair<int, int> kKnownNo{288, 455};    // hypertension: 既往确诊 否
constexpr std::pair<int, int> kHeadache{209, 539};   // and 伴随症状 剧烈头痛
constexpr std::pair<int, int> kRefer{193, 225};  // 转诊, the form scrolled to its end and back three notches
constexpr std::pair<int, int> kReferTo{527, 304}, kReferReason{527, 384}, kUrgent{256, 467};  // its 转往, 原因, 尽快
constexpr std::pair<int, int> kFastingYes{207, 289}, kGlucose{258, 371}, kDmKnownNo{287, 455},
    kThreeMoreYes{207, 538};  // diabetes: 空腹 是, 血糖, 既往确诊 否, 三多一少 是;

void scroll_form_to_end(const std::string& d, const std::string& w) { wheel(d, w, kFormMiddle, 15); }
}  // namespace

TEST_CASE("screenings under two programs through the encounter's generic form, each stored with its result, and a referral") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db");
  const std::string village = team_with_village(db);
  const std::string pid = ctl_json(db, {"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "41", "--village",
                                        village, "--consent"})["id"];
  Child app({kApp, "--db", db, "--lang", "zh", "--size", "1366x768", "--screen", "patients"}, app_env(x.display()),
            dir.file("app.log"));
  const std::string w = start_and_focus(x.display(), app, dir.file("app.log"));
  const std::string d = x.display();
  open_first_hit(d, "zhuoma");
  keys(d, {"ctrl+e"});  // her encounter: the complaint has focus
  keys(d, {"Tab"});
  type(d, "168");  // systolic
  keys(d, {"Tab"});
  type(d, "102");  // diastolic
  scroll_form_to_end(d, w);
  keep_screenshot(d, w, "sc-1-programs.png");
  click(d, w, kHypertension);
  scroll_form_to_end(d, w);
  keep_screenshot(d, w, "sc-2-form.png");
  click(d, w, kKnownNo);
  click(d, w, kHeadache);
  keep_screenshot(d, w, "sc-3-answered.png");
  keys(d, {"ctrl+s"});
  sleep_ms(1000);

  // The second encounter, under the diabetes program, with a referral of its own.
  keys(d, {"ctrl+e"});
  scroll_form_to_end(d, w);
  wheel_here(d, -3);  // back up a little: the referral's box
  click(d, w, kRefer);
  click(d, w, kReferTo);
  type(d, "Mozhugongka County Hospital");
  click(d, w, kReferReason);
  type(d, "fundus check");
  click(d, w, kUrgent);
  keep_screenshot(d, w, "sc-4a-referral.png");
  scroll_form_to_end(d, w);
  click(d, w, kDiabetes);
  scroll_form_to_end(d, w);
  keep_screenshot(d, w, "sc-4-diabetes.png");
  click(d, w, kFastingYes);
  click(d, w, kGlucose);
  type(d, "7.8");
  click(d, w, kDmKnownNo);
  click(d, w, kThreeMoreYes);
  keep_screenshot(d, w, "sc-5-diabetes-answered.png");
  keys(d, {"ctrl+s"});
  sleep_ms(1000);
  CHECK(app.stop(SIGTERM) == 0);
  INFO(slurp(dir.file("app.log")));

  const json h = ctl_json(db, {"patient", "show", pid});
  CHECK(h["encounters"].size() == 2);
  REQUIRE(h["screenings"].size() == 2);
  std::map<std::string, json> by_program;
  for (const auto& sc : h["screenings"]) by_program[sc["program_id"].get<std::string>()] = sc;
  REQUIRE(by_program.count("hypertension"));
  REQUIRE(by_program.count("diabetes"));
  const json& ht = by_program["hypertension"];
  CHECK(ht["result"] == "positive");
  CHECK(ht["answers"]["sbp"] == 168.0);  // carried over from the vitals typed above
  CHECK(ht["answers"]["dbp"] == 102.0);
  CHECK(ht["answers"]["known"] == false);
  CHECK(ht["answers"]["symptoms"] == json::array({"headache"}));
  const json& dm = by_program["diabetes"];
  CHECK(dm["result"] == "positive");
  CHECK(dm["answers"]["glucose"] == 7.8);
  CHECK(dm["answers"]["fasting"] == true);
  CHECK(dm["answers"]["known"] == false);
  CHECK(dm["answers"]["symptoms"] == true);
  // The referral the second encounter made, besides what its screening asked for.
  bool referred = false;
  for (const auto& r : h["referrals"])
    referred |= r.value("to_facility", "") == "Mozhugongka County Hospital" && r.value("urgency", "") == "urgent" &&
                r.value("reason", "") == "fundus check";
  CHECK_MESSAGE(referred, h["referrals"].dump());
  // What the programs ask for after a positive screen: a follow-up each.
  CHECK(h["follow_ups"].size() >= 2);
  INFO(h.dump(1));
}

namespace {
// The encounter form's other buttons, at 1366x768, Chinese, text scale 1
// (read off this test's screenshots: look at them after a layout change).
constexpr std::pair<int, int> kEncFirstHit{300, 205};     // patient desk: the first search result
constexpr std::pair<int, int> kStartEncounter{747, 173};  // the card's 开始就诊
constexpr std::pair<int, int> kSurgery{313, 129};         // station chip 外科
constexpr std::pair<int, int> kKey1{962, 309}, kKey4{962, 251}, kKey2{1041, 309};  // the side keypad
constexpr std::pair<int, int> kKey9{1122, 193}, kKeyBack{1122, 367}, kKeyClear{1041, 423};  // its 9, <- and C
constexpr std::pair<int, int> kKey7{962, 193}, kKey8{1041, 193}, kKeyDot{962, 367};  // its 7, 8 and .
constexpr std::pair<int, int> kComplaint{527, 265};
constexpr std::pair<int, int> kRemoveFirstDx{195, 345};   // × of the first diagnosis (the form scrolled to it)
constexpr std::pair<int, int> kPlusFirstItem{321, 357}, kMinusFirstItem{249, 357};  // + and - of the first medicine
constexpr std::pair<int, int> kItemSearch{527, 517};       // the medicine search under it
constexpr std::pair<int, int> kRemoveSecondItem{195, 517}; // × of a second medicine (where the search was)
constexpr std::pair<int, int> kFollowUpBox{193, 543};     // 安排随访, the form scrolled to its end
constexpr std::pair<int, int> kFollowUpDate{273, 623};
constexpr std::pair<int, int> kSaveEncounter{263, 677}, kCancelEncounter{413, 677};
constexpr std::pair<int, int> kChangeProgram{318, 182};   // 换一个项目 beside the program's name
constexpr std::pair<int, int> kSaveScreeningAlone{263, 623};
}  // namespace

TEST_CASE("the encounter form's buttons: station, keypad, a diagnosis removed, a quantity raised, a follow-up, Save, then Cancel, then a screening saved alone") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db");
  const std::string village = team_with_village(db);
  const std::string pid = ctl_json(db, {"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "41", "--village",
                                        village, "--consent"})["id"];
  Child app({kApp, "--db", db, "--lang", "zh", "--size", "1366x768", "--scale", "1", "--screen", "patients"},
            app_env(x.display()), dir.file("app.log"));
  const std::string w = start_and_focus(x.display(), app, dir.file("app.log"));
  const std::string d = x.display();
  type(d, "zhuoma");
  sleep_ms(1000);
  click(d, w, kEncFirstHit);
  click(d, w, kStartEncounter);
  keep_screenshot(d, w, "btn-enc-1-open.png");
  click(d, w, kSurgery);
  // 142 into the systolic: 9 cleared with C, 144 corrected with <-.
  for (const auto& k : {kKey9, kKeyClear, kKey1, kKey4, kKey4, kKeyBack, kKey2}) click(d, w, k);
  click(d, w, kComplaint);
  type(d, "cough");
  for (int i = 0; i < 12; ++i) keys(d, {"Tab"});  // the diagnosis search
  type(d, "I10");
  keys(d, {"Return"});
  type(d, "E11");
  keys(d, {"Return"});
  keys(d, {"Tab", "Tab"});  // past the advice: the medicine search
  type(d, "anlu");
  keys(d, {"Return"});
  keep_screenshot(d, w, "btn-enc-2-dx-items.png");
  // The diagnosis list closed when Tab moved on from its search (it stayed
  // open, and this test clicked beside it to close it).
  click(d, w, kPlusFirstItem);
  click(d, w, kPlusFirstItem);
  click(d, w, kMinusFirstItem);  // 1 + 1 + 1 - 1: two boxes
  // A second medicine added and taken off again with its ×.
  click(d, w, kItemSearch);
  type(d, "xiaoben");
  keys(d, {"Return"});
  keep_screenshot(d, w, "btn-enc-3-second-item.png");
  click(d, w, kRemoveSecondItem);
  keep_screenshot(d, w, "btn-enc-3-plus.png");
  wheel_here(d, -3);  // up to the diagnoses
  keep_screenshot(d, w, "btn-enc-3a-up.png");
  click(d, w, kRemoveFirstDx);
  keep_screenshot(d, w, "btn-enc-3b-removed.png");
  wheel_here(d, 4);  // back down to the follow-up box
  keep_screenshot(d, w, "btn-enc-4-down.png");
  click(d, w, kFollowUpBox);
  keep_screenshot(d, w, "btn-enc-5-follow-up.png");
  click(d, w, kFollowUpDate);
  type(d, "2099-05-01");
  keys(d, {"Tab"});  // its reason, below the fold
  type(d, "recheck BP");
  keep_screenshot(d, w, "btn-enc-6-follow-up-typed.png");
  click(d, w, kSaveEncounter);
  sleep_ms(1000);
  keep_screenshot(d, w, "btn-enc-7-saved.png");

  // An encounter begun and cancelled: nothing of it stored.
  keys(d, {"ctrl+e"});
  type(d, "cancelled");
  click(d, w, kCancelEncounter);
  sleep_ms(500);
  keep_screenshot(d, w, "btn-enc-8-cancelled.png");

  // A screening saved on its own: hypertension picked, then changed for diabetes.
  keys(d, {"ctrl+e"});
  scroll_form_to_end(d, w);
  click(d, w, kHypertension);
  scroll_form_to_end(d, w);
  keep_screenshot(d, w, "btn-enc-9-hypertension.png");
  click(d, w, kChangeProgram);
  scroll_form_to_end(d, w);
  click(d, w, kDiabetes);
  scroll_form_to_end(d, w);
  click(d, w, kFastingYes);
  click(d, w, kGlucose);  // the keypad types into it now: 7 . 8
  for (const auto& k : {kKey7, kKeyDot, kKey8}) click(d, w, k);
  click(d, w, kDmKnownNo);
  click(d, w, kThreeMoreYes);
  keep_screenshot(d, w, "btn-enc-10-diabetes.png");
  click(d, w, kSaveScreeningAlone);
  sleep_ms(1000);
  keep_screenshot(d, w, "btn-enc-11-screening-saved.png");
  click(d, w, kCancelEncounter);
  sleep_ms(500);
  INFO(slurp(dir.file("app.log")));
  REQUIRE_MESSAGE(app.running(), "the app ended (crashed)");
  CHECK(app.stop(SIGTERM) == 0);

  const json h = ctl_json(db, {"patient", "show", pid});
  INFO(h.dump(1));
  REQUIRE(h["encounters"].size() == 1);  // the cancelled one is not stored
  const json& e = h["encounters"][0];
  CHECK(e["station"] == "外科");
  CHECK(e["complaint"] == "cough");
  bool sbp = false;
  for (const auto& o : e["observations"]) sbp |= o["kind"] == "sbp" && o["value"] == 142.0;
  CHECK(sbp);
  REQUIRE(e["diagnoses"].size() == 1);  // I10 removed with its ×
  CHECK(e["diagnoses"][0]["code"].get<std::string>().rfind("E11", 0) == 0);
  REQUIRE(e["dispenses"].size() == 1);
  CHECK(e["dispenses"][0]["quantity"] == 2.0);
  bool follow_up = false;
  for (const auto& f : h["follow_ups"]) follow_up |= f["due_date"] == "2099-05-01" && f["reason"] == "recheck BP";
  CHECK(follow_up);
  // The screening saved alone: diabetes (hypertension changed away), no encounter of its own.
  REQUIRE(h["screenings"].size() == 1);
  const json& sc = h["screenings"][0];
  CHECK(sc["program_id"] == "diabetes");
  CHECK(sc["answers"]["glucose"] == 7.8);
  CHECK(sc["result"] == "positive");
  CHECK(sc["encounter_id"].is_null());
}
