// Editing under Xvfb, driven with xdotool: a patient's phone and 身份证 edited
// from the card (a typo refused first, with its error and nothing stored),
// and an encounter corrected from the card; each checked with yizhenctl.
#include <doctest/doctest.h>

#include <signal.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {
constexpr const char* kCard = "540102198503020020";  // a woman born 1985-03-02

// A laptop with its team, one village and 卓玛 (age 41, a phone, no 身份证).
std::string laptop_with_patient(const std::string& db) {
  const std::string village = team_with_village(db);
  return ctl_json(db, {"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "41", "--phone", "13800138000",
                       "--village", village, "--consent"})["id"];
}

// Start the app on the patient desk and open 卓玛's card (Enter in the
// search opens the first result).
std::string open_card(const std::string& d, Child& app, const std::string& log) {
  const std::string w = start_and_focus(d, app, log);
  open_first_hit(d, "zhuoma");
  return w;
}
}  // namespace

TEST_CASE("edit a patient from the card: a 身份证 typo is refused and nothing stored, then phone and 身份证 saved") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  const std::string d = x.display();
  TempDir dir;
  const std::string db = dir.file("t.db"), log = dir.file("app.log");
  const std::string id = laptop_with_patient(db);

  {  // The typo: refused under its field, the form stays open.
    Child app({kApp, "--db", db, "--lang", "en", "--screen", "patients", "--state-out", dir.file("typo.json")},
              app_env(d), log);
    const std::string w = open_card(d, app, log);
    keys(d, {"ctrl+u"});                       // Edit: the name field has focus
    keys(d, {"Tab"});                          // the 身份证 field
    type(d, "540102198503020021");             // wrong check digit
    keys(d, {"Tab", "Tab", "Tab", "ctrl+a"});  // past birth date and age: the phone
    type(d, "13900139000");
    keys(d, {"Return"});  // save: refused
    sleep_ms(500);
    keep_screenshot(d, w, "edit-typo-refused.png");
    CHECK(app.stop(SIGTERM) == 0);
  }
  json st = json::parse(slurp(dir.file("typo.json")));
  CHECK(st["editing"] == true);
  REQUIRE(st["edit_errors"].contains("id_number"));
  CHECK_FALSE(st["edit_errors"]["id_number"].get<std::string>().empty());
  json h = ctl_json(db, {"patient", "show", id});
  CHECK(h["patient"]["phone"] == "13800138000");  // nothing stored, not even the good phone
  CHECK(h["patient"]["id_number"].is_null());
  CHECK(h["changes"].empty());

  {  // The right number and the new phone.
    Child app({kApp, "--db", db, "--lang", "zh", "--screen", "patients"}, app_env(d), log);
    const std::string w = open_card(d, app, log);
    keys(d, {"ctrl+u", "Tab"});
    type(d, kCard);
    keys(d, {"Tab", "Tab", "Tab", "ctrl+a"});
    type(d, "13900139000");
    keys(d, {"Return"});  // save: the card again, with the history of changes
    sleep_ms(800);
    keep_screenshot(d, w, "edit-saved-history.png");
    CHECK(app.stop(SIGTERM) == 0);
  }
  h = ctl_json(db, {"patient", "show", id});
  CHECK(h["patient"]["phone"] == "13900139000");
  CHECK(h["patient"]["id_number"] == kCard);
  CHECK(h["patient"]["birth_date"] == "1985-03-02");  // the card's, replacing the estimate from the age
  CHECK(h["patient"]["birth_estimated"] == false);
  std::map<std::string, json> changes;
  for (const auto& c : h["changes"]) changes[c["field"].get<std::string>()] = c;
  CHECK(h["changes"].size() == 4);  // one edit: phone, 身份证, and the birth date it fixed
  CHECK(changes["phone"]["from"] == "13800138000");
  CHECK(changes["phone"]["to"] == "13900139000");
  CHECK(changes["id_number"]["from"].is_null());
  CHECK(changes["id_number"]["to"] == kCard);
  // The text form shows the history too.
  RunResult text = run({kCtl, "--db", db, "patient", "show", id});
  CHECK(text.out.find("phone: 13800138000 -> 13900139000") != std::string::npos);
}

TEST_CASE("correct an encounter from the card: the correction replaces it") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  const std::string d = x.display();
  TempDir dir;
  const std::string db = dir.file("t.db"), log = dir.file("app.log");
  const std::string id = laptop_with_patient(db);
  {
    Child app({kApp, "--db", db, "--lang", "en", "--screen", "patients"}, app_env(d), log);
    const std::string w = open_card(d, app, log);
    keys(d, {"ctrl+e"});  // an encounter: complaint, then systolic
    type(d, "dizzy");
    keys(d, {"Tab"});
    type(d, "185");
    keys(d, {"ctrl+s"});
    sleep_ms(800);
    keys(d, {"F2"});      // back to the card
    keys(d, {"ctrl+r"});  // correct its newest encounter: the form, prefilled
    keep_screenshot(d, w, "correct-prefilled.png");
    keys(d, {"ctrl+a"});
    type(d, "dizzy since Monday");
    keys(d, {"Tab", "ctrl+a"});
    type(d, "158");
    keys(d, {"ctrl+s"});
    sleep_ms(800);
    keys(d, {"F2"});
    keep_screenshot(d, w, "correct-card.png");
    CHECK(app.stop(SIGTERM) == 0);
  }
  json h = ctl_json(db, {"patient", "show", id});
  REQUIRE(h["encounters"].size() == 1);  // the correction alone
  const json& e = h["encounters"][0];
  CHECK(e["complaint"] == "dizzy since Monday");
  CHECK(e["supersedes_id"].is_string());
  bool sbp = false;
  for (const auto& o : e["observations"]) sbp |= o["kind"] == "sbp" && o["value"] == 158.0;
  CHECK(sbp);
  CHECK(ctl_json(db, {"stats"})["encounter"] == 1);
}
