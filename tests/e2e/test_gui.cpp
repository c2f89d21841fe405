// The real field app under Xvfb, driven with xdotool: a registration and an
// encounter typed with the keyboard only, a draft that survives a kill, and
// screenshots at both sizes. Skipped (with a warning) when Xvfb or xdotool
// is not installed, failed instead under CI=true.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sstream>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {
// Where the Sync screen draws the export folder field and its button at
// 1366x768, English, text scale 1, for an enrolled laptop whose server is
// down (the offline state and its two lines above; window coordinates).
constexpr std::pair<int, int> kExportField{370, 432}, kExportButton{683, 435};

// Width and height from a PNG's IHDR.
std::pair<int, int> png_size(const std::string& path) {
  const std::string b = slurp(path);
  if (b.size() < 24 || b.substr(1, 3) != "PNG") return {0, 0};
  auto be = [&](size_t o) {
    return (static_cast<unsigned char>(b[o]) << 24) | (static_cast<unsigned char>(b[o + 1]) << 16) |
           (static_cast<unsigned char>(b[o + 2]) << 8) | static_cast<unsigned char>(b[o + 3]);
  };
  return {static_cast<int>(be(16)), static_cast<int>(be(20))};
}
}  // namespace

TEST_CASE("register a patient and an encounter with the keyboard only, then read them with yizhenctl") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db");
  // A team with a village of its own (no clinic day: the village is chosen).
  plain_db(db);
  REQUIRE(run({kCtl, "--db", db, "team", "init", "--name", "北京援藏医疗队", "--county", "540127"}).code == 0);
  RunResult township = run({kCtl, "--db", db, "place", "add", "--name", "工卡镇", "--parent", "540127", "--json"});
  REQUIRE(township.code == 0);
  RunResult village = run({kCtl, "--db", db, "place", "add", "--name", "塔巴村", "--parent",
                           json::parse(township.out)["code"].get<std::string>(), "--json"});
  REQUIRE(village.code == 0);
  const std::string village_code = json::parse(village.out)["code"];
  Child app({kApp, "--db", db, "--lang", "zh", "--screen", "patients"}, app_env(x.display()), dir.file("app.log"));
  start_and_focus(x.display(), app, dir.file("app.log"));
  const std::string d = x.display();

  keys(d, {"ctrl+n"});           // register: the name field has focus
  type_cjk(d, "卓玛");
  keys(d, {"Tab"});
  type(d, "540102198503020020");  // fills birth date and sex
  keys(d, {"Tab", "Tab", "Tab", "Tab", "Tab"});  // past birth date, age, phone, native name: the village filter
  type(d, village_code);          // its code (Latin: no keycode remapping to lose a character)
  keys(d, {"Return"});            // Enter in the filter picks the only match
  keys(d, {"ctrl+y"});            // consent
  keep_screenshot(d, wait_window(d, "yizhen", 1000), "keyboard-registration.png");
  keys(d, {"Return"});            // Enter saves
  sleep_ms(800);
  keys(d, {"ctrl+e"});            // encounter for the patient on the card
  type_cjk(d, "头晕");
  keys(d, {"Tab"});
  type(d, "150");                 // systolic
  // Diastolic typed at once after Tab, as a quick nurse does: the first
  // digit must not be lost to the focus change (it was, one time in three).
  xdotool(d, {"key", "--delay", "15", "Tab", "9", "5"});
  sleep_ms(300);
  keys(d, {"Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab"});  // to the diagnosis search
  type(d, "I10");
  keys(d, {"Return"});            // Enter adds the first match
  keys(d, {"Tab", "Tab"});        // past the advice, to the medicine search
  type_cjk(d, "氨氯");
  keys(d, {"Return"});
  keys(d, {"ctrl+s"});            // save the encounter
  sleep_ms(1000);
  CHECK(app.stop(SIGTERM) == 0);  // SDL turns SIGTERM into a clean quit
  INFO(slurp(dir.file("app.log")));

  RunResult found = run({kCtl, "--db", db, "patient", "search", "zhuoma", "--json"});
  REQUIRE(found.code == 0);
  json hits = json::parse(found.out);
  REQUIRE(hits.is_array());
  REQUIRE(hits.size() == 1);
  const std::string id = hits[0]["id"];
  RunResult shown = run({kCtl, "--db", db, "patient", "show", id, "--json"});
  REQUIRE(shown.code == 0);
  json h = json::parse(shown.out);
  CHECK(h["patient"]["name"] == "卓玛");
  CHECK(h["patient"]["birth_date"] == "1985-03-02");
  CHECK(h["patient"]["sex"] == "F");
  CHECK(h["patient"]["consent"] == true);
  CHECK(h["patient"]["village_code"] == village_code);
  REQUIRE(h["encounters"].size() == 1);
  const json& e = h["encounters"][0];
  CHECK(e["complaint"] == "头晕");
  CHECK(e["diagnoses"][0]["code"] == "I10");
  bool sbp = false, dbp = false;
  for (const auto& o : e["observations"]) {
    sbp |= o["kind"] == "sbp" && o["value"] == 150.0;
    dbp |= o["kind"] == "dbp" && o["value"] == 95.0;
  }
  CHECK(sbp);
  CHECK_MESSAGE(dbp, e["observations"].dump());
  REQUIRE(e["dispenses"].size() == 1);
  CHECK(e["dispenses"][0]["item"] == "氨氯地平片");
}

TEST_CASE("a half-typed registration survives a kill and comes back") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE(!x.display().empty());
  TempDir dir;
  const std::string db = dir.file("t.db");
  // A plain database (the encrypted case: tests/e2e/test_lock.cpp's canary)
  // with its team: with none, the first-start wizard would take the keys.
  plain_db(db);
  REQUIRE(run({kCtl, "--db", db, "team", "init", "--name", "北京援藏医疗队", "--county", "540127"}).code == 0);
  {
    Child app({kApp, "--db", db}, app_env(x.display()), dir.file("app.log"));
    start_and_focus(x.display(), app, dir.file("app.log"));
    keys(x.display(), {"ctrl+n"});
    type_cjk(x.display(), "热依汗古丽");
    keys(x.display(), {"Tab"});
    type(x.display(), "13912345678");
    sleep_ms(1200);  // the draft is written ~300 ms after typing stops
    CHECK(app.stop(SIGKILL) == 128 + SIGKILL);
  }
  // Start again (a screenshot run, which reports its forms as JSON).
  RunResult r = run({"/usr/bin/env", "DISPLAY=" + x.display(), "ASAN_OPTIONS=detect_leaks=0", kApp, "--db", db,
                     "--screenshot", dir.file("restored.png"), "--frames", "3", "--state-out", dir.file("state.json")});
  INFO(r.err);
  REQUIRE(r.code == 0);
  json st = json::parse(slurp(dir.file("state.json")));
  CHECK(st["screen"] == "patients");
  CHECK(st["registering"] == true);
  CHECK(st["patient_form"]["name"] == "热依汗古丽");
  CHECK(st["patient_form"]["id_number"] == "13912345678");  // typed into the ID field (Tab order)
  CHECK(png_size(dir.file("restored.png")) == std::make_pair(1366, 768));
}

TEST_CASE("screenshots of the main screens at 1366x768 and 800x1280, at text scales 1, 1.5 and 2") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE(!x.display().empty());
  TempDir dir;
  const std::string db = dir.file("demo.db");
  REQUIRE(run({kCtl, "--db", db, "demo", "--plain", "--patients", "300", "--seed", "7"}).code == 0);
  struct Layout {
    int w, h;
    const char* scale;
  };
  for (const Layout& l : {Layout{1366, 768, "1"}, Layout{800, 1280, "1"}, Layout{1366, 768, "2"}, Layout{800, 1280, "1.5"}})
    for (const char* screen : {"clinic-day", "patients", "encounter", "summary", "follow-ups", "sync"}) {
      const int w = l.w, h = l.h;
      const std::string size = std::to_string(w) + "x" + std::to_string(h);
      const std::string png = dir.file(std::string(screen) + "-" + size + "-" + l.scale + ".png");
      RunResult r = run({"/usr/bin/env", "DISPLAY=" + x.display(), "ASAN_OPTIONS=detect_leaks=0", kApp, "--db", db,
                         "--screenshot", png, "--frames", "3", "--size", size, "--scale", l.scale, "--screen", screen,
                         "--query", "a"});
      INFO(screen << " " << size << " scale " << l.scale << ": " << r.err);
      REQUIRE(r.code == 0);
      CHECK(png_size(png) == std::make_pair(w, h));
      CHECK(slurp(png).size() > 20000);  // drawn, not blank
    }
  // Bad arguments exit 2 with one line naming the problem.
  RunResult bad = run({kApp, "--size", "huge"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--size") != std::string::npos);
}

namespace {

// Where the Follow-ups screen draws the first row's buttons at 1366x768,
// English, text scale 1 (window coordinates).
constexpr std::pair<int, int> kFuDone{893, 186}, kFuLost{1013, 186}, kFuReschedule{1138, 186};
constexpr std::pair<int, int> kFuPatient{1245, 186};  // the row's 患者: her card
constexpr std::pair<int, int> kFuCancel{626, 435};    // the dialog's 取消
// The navigation button of the follow-ups screen (its label), same layout.
constexpr std::pair<int, int> kNavFollowUps{88, 308}, kNavSync{88, 428}, kFuNavSettings{88, 488};
constexpr std::pair<int, int> kFuAll{192, 115}, kFuPlaceFilter{330, 167}, kFuVillageRow{300, 219};  // the places
constexpr std::pair<int, int> kStChinese{200, 145};  // 设置: 简体中文

// Status -> how many follow-ups have it, with the due date of the open ones.
std::map<std::string, int> follow_up_statuses(const std::string& db, std::vector<std::string>* due_dates = nullptr) {
  RunResult r = run({kCtl, "--db", db, "--json", "follow-up", "list", "--status", "due,overdue,done,lost"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::map<std::string, int> out;
  for (const auto& f : json::parse(r.out)) {
    ++out[f["status"].get<std::string>()];
    if (due_dates && f["status"] == "due") due_dates->push_back(f["due_date"]);
  }
  return out;
}

size_t batch_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    n += e.path().filename().string().ends_with(".batch.json");
  return n;
}
}  // namespace

TEST_CASE("export to a USB folder from the Sync screen writes the pending change as a batch the server imports") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE(!x.display().empty());
  const std::string d = x.display();
  TempDir dir;
  const std::string db = dir.file("laptop.db"), central = dir.file("central.db"), usb = dir.file("usb");
  std::filesystem::create_directory(usb);
  plain_db(db);
  // Enroll the laptop, then stop the server: the change stays pending (the
  // app's engine cannot push it) and the USB folder is the only way out.
  {
    Server server(kServer, central, dir.file("server.log"));
    RunResult code = run({kServer, "--db", central, "admin", "enroll-code", "--team", "上海援藏医疗队", "--area", "54"});
    REQUIRE_MESSAGE(code.code == 0, code.err);
    RunResult enrolled =
        run({kCtl, "--db", db, "enroll", "--server", server.url, "--code", code.out.substr(0, code.out.find('\n'))});
    REQUIRE_MESSAGE(enrolled.code == 0, enrolled.err);
    server.child->stop(SIGTERM);
  }
  RunResult added = run({kCtl, "--db", db, "patient", "add", "--name", "卓玛", "--sex", "F", "--age", "40"});
  REQUIRE_MESSAGE(added.code == 0, added.err);

  Child app({kApp, "--db", db, "--lang", "en", "--scale", "1", "--size", "1366x768", "--screen", "sync"},
            app_env(d), dir.file("app.log"));
  const std::string w = start_and_focus(d, app, dir.file("app.log"));
  sleep_ms(3000);  // the engine's first attempt fails: the offline lines are drawn
  // The folder field, then the button beside it.
  click(d, w, kExportField);
  keys(d, {"ctrl+a", "BackSpace"});
  type(d, usb);
  keys(d, {"Return"});
  click(d, w, kExportButton);
  for (int waited = 0; waited < 10000 && batch_files(usb) == 0; waited += 200) sleep_ms(200);
  sleep_ms(500);  // a few frames after the result came back
  INFO("app log: " << slurp(dir.file("app.log")));
  REQUIRE_MESSAGE(app.running(), "the app ended (crashed) after the export button");
  CHECK(batch_files(usb) == 1);
  CHECK(app.stop(SIGTERM) == 0);
  // What the app wrote is readable by its owner only (DESIGN.md §7).
  for (const auto& e : std::filesystem::directory_iterator(usb)) CHECK_MESSAGE(file_mode(e.path()) == 0600, e.path());

  // The server takes the file: the patient arrives.
  const std::string receipts = dir.file("receipts");
  std::filesystem::create_directory(receipts);
  RunResult imported =
      run({kServer, "--db", central, "--json", "admin", "import-batches", usb, "--receipts-to", receipts});
  INFO(imported.err);
  REQUIRE(imported.code == 0);
  const json r = json::parse(imported.out);
  CHECK(r["applied"] == 1);
  CHECK(r["quarantined"] == 0);
  for (const auto& e : std::filesystem::directory_iterator(receipts)) CHECK_MESSAGE(file_mode(e.path()) == 0600, e.path());
  CHECK(file_mode(central) == 0600);
}

TEST_CASE("follow-ups: a double tap on Mark done closes nobody's, and done, lost and reschedule each wait for a confirmation") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE(!x.display().empty());
  const std::string d = x.display();
  TempDir dir;
  const std::string db = dir.file("laptop.db");
  const std::string village = team_with_village(db);  // 塔巴村, and 拉木村 beside it for the place filter
  const std::string other_village = ctl_json(
      db, {"place", "add", "--name", "拉木村", "--parent", ctl_json(db, {"place", "show", village})["parent_code"]})["code"];
  // Three patients of one village screened positive for hypertension: three follow-ups due.
  std::vector<std::string> patients;
  for (const char* name : {"卓玛", "次仁", "央金"}) {
    RunResult p = run({kCtl, "--db", db, "patient", "add", "--name", name, "--sex", "F", "--age", "50", "--village",
                       village});
    REQUIRE_MESSAGE(p.code == 0, p.err);
    patients.push_back(p.out.substr(0, p.out.find('\n')));
    RunResult s = run({kCtl, "--db", db, "screen", "--patient", p.out.substr(0, p.out.find('\n')), "--program",
                       "hypertension", "--answers", R"({"sbp": 172, "dbp": 104})"});
    REQUIRE_MESSAGE(s.code == 0, s.err);
  }
  REQUIRE(follow_up_statuses(db)["due"] == 3);

  Child app({kApp, "--db", db, "--lang", "en", "--scale", "1", "--size", "1366x768", "--screen", "follow-ups",
             "--state-out", dir.file("state.json")},
            app_env(d), dir.file("app.log"));
  const std::string w = start_and_focus(d, app, dir.file("app.log"));
  INFO("app log: " << slurp(dir.file("app.log")));
  // After a tap on the current screen's navigation button the pointer rests
  // on it: its white label stays readable (a dark fill, contrast >= 4.5:1).
  click(d, w, kNavFollowUps);
  keep_screenshot(d, w, "nav-hovered.png");
  const double fill = window_luminance(d, w, {kNavFollowUps.first - 60, kNavFollowUps.second});
  REQUIRE(fill >= 0);
  MESSAGE("hovered navigation button: white text at " << 1.05 / (fill + 0.05) << ":1");
  CHECK(1.05 / (fill + 0.05) >= 4.5);
  // A double tap on the first row's Mark done: a dialog opens, nothing is written.
  xdotool(d, {"mousemove", "--window", w, std::to_string(kFuDone.first), std::to_string(kFuDone.second)});
  sleep_ms(400);
  xdotool(d, {"click", "--repeat", "2", "--delay", "80", "1"});
  sleep_ms(1500);
  CHECK(follow_up_statuses(db)["due"] == 3);
  keep_screenshot(d, w, "follow-up-confirm.png");
  // The result typed in the dialog, Enter: that one follow-up is done.
  type(d, "BP 132/84");
  keys(d, {"Return"});
  sleep_ms(1500);
  auto st = follow_up_statuses(db);
  CHECK(st["done"] == 1);
  CHECK(st["due"] == 3);  // two left, and the chronic patient's next one (months away: last in the list)
  // Lost, on the row that slid up: the reason in the dialog.
  click(d, w, kFuLost);
  type(d, "moved away");
  keys(d, {"Return"});
  sleep_ms(1500);
  st = follow_up_statuses(db);
  CHECK(st["lost"] == 1);
  CHECK(st["due"] == 2);
  // Mark done begun on the row left, its result typed, and 取消: nothing written.
  click(d, w, kFuDone);
  type(d, "not yet");
  click(d, w, kFuCancel);
  sleep_ms(1000);
  CHECK(follow_up_statuses(db) == st);
  // 患者 on it: her card on the patient desk (card_patient_id, checked below); back.
  click(d, w, kFuPatient);
  sleep_ms(1000);
  keep_screenshot(d, w, "follow-up-patient.png");
  click(d, w, kNavFollowUps);
  sleep_ms(500);
  // Reschedule the last one: a date in the past is refused in the dialog, a later one taken.
  click(d, w, kFuReschedule);
  type(d, "2001-01-01");
  keys(d, {"Return"});
  sleep_ms(1000);
  CHECK(follow_up_statuses(db)["due"] == 2);
  keys(d, {"ctrl+a", "BackSpace"});
  type(d, "2099-06-01");
  keys(d, {"Return"});
  sleep_ms(1500);
  std::vector<std::string> due;
  st = follow_up_statuses(db, &due);
  CHECK(st["due"] == 2);
  CHECK(std::count(due.begin(), due.end(), "2099-06-01") == 1);

  // The place filters (the list shows who is due within 30 days). Two more
  // screened now: 次旦 of 塔巴村, due a few days after 拉姆 of 拉木村, who is
  // first of all.
  std::map<std::string, std::string> newcomers;  // name -> id
  for (const auto& [name, place] : {std::pair{"拉姆", other_village}, std::pair{"次旦", village}}) {
    const std::string id = ctl_json(db, {"patient", "add", "--name", name, "--sex", "F", "--age", "50", "--village",
                                         place})["id"];
    ctl_json(db, {"screen", "--patient", id, "--program", "hypertension", "--answers", R"({"sbp": 172, "dbp": 104})"});
    newcomers[name] = id;
  }
  const std::string lamu = newcomers["拉姆"], ciden = newcomers["次旦"];
  const std::chrono::year_month_day later{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) + std::chrono::days{20}};
  char later_date[16];
  std::snprintf(later_date, sizeof later_date, "%04d-%02u-%02u", static_cast<int>(later.year()),
                static_cast<unsigned>(later.month()), static_cast<unsigned>(later.day()));
  for (const auto& f : ctl_json(db, {"follow-up", "list", "--status", "due"}))
    if (f["patient_id"] == ciden) ctl_json(db, {"follow-up", "reschedule", f["id"], "--due", later_date});
  // 塔巴村 in the place list (its code typed in the filter: the list is in
  // the order of the codes, provisional ones random): 拉姆 is not listed;
  // the first row's 完成 is 次旦's.
  click(d, w, kFuPlaceFilter);
  type(d, village);
  click(d, w, kFuVillageRow);
  keep_screenshot(d, w, "follow-up-place.png");
  click(d, w, kFuDone);
  type(d, "BP 128/80");
  keys(d, {"Return"});
  sleep_ms(1500);
  // 全部: 拉姆 first again; 失访 on her row.
  click(d, w, kFuAll);
  keep_screenshot(d, w, "follow-up-all.png");
  click(d, w, kFuLost);
  type(d, "gone to Lhasa");
  keys(d, {"Return"});
  sleep_ms(1500);
  std::map<std::string, std::set<std::string>> status_of;  // patient -> her follow-ups' statuses
  for (const auto& f : ctl_json(db, {"follow-up", "list", "--status", "due,overdue,done,lost"}))
    status_of[f["patient_id"].get<std::string>()].insert(f["status"].get<std::string>());
  CHECK(status_of[ciden].count("done") == 1);  // under 塔巴村: hers, not 拉姆's
  CHECK(status_of[lamu] == std::set<std::string>{"lost"});  // under 全部: 拉姆's, first again

  // 设置: 简体中文 (the app was started in English): the strings change, the choice is stored.
  click(d, w, kFuNavSettings);
  click(d, w, kStChinese);
  sleep_ms(500);
  keep_screenshot(d, w, "settings-chinese.png");
  click(d, w, kNavSync);  // last, 同步 in the navigation: the sync screen
  REQUIRE_MESSAGE(app.running(), "the app ended");
  CHECK(app.stop(SIGTERM) == 0);
  const json state = json::parse(slurp(dir.file("state.json")));
  CHECK(std::count(patients.begin(), patients.end(), state["card_patient_id"].get<std::string>()) == 1);
  CHECK(state["screen"] == "sync");
  CHECK(setting(db, "pref.lang") == "zh");
}
