// A clinic day's other flows on a real window (issue 15): the day opened in
// the app, a patient registered with an age only, a home visit to a family
// met for the first time (its household registered with the visit), the
// day summary with its bars, and the day closed with its figures kept in its
// notes; yizhenctl then reads what was stored.
//
// Screenshots go to $YIZHEN_E2E_SHOTS when it is set (look at them after a
// layout change: the coordinates below are read off them).
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {

// Window coordinates at 1366x768, Chinese, text scale 1.
constexpr std::pair<int, int> kVillageRow{288, 563};      // new clinic day: 塔巴村 in the place list
constexpr std::pair<int, int> kMaleChip{684, 317};        // registration: 男
constexpr std::pair<int, int> kDragFrom{990, 520}, kDragTo{990, 150};  // a drag up the registration form
constexpr std::pair<int, int> kConsent{688, 589};         // then its consent box
constexpr std::pair<int, int> kNewHousehold{253, 356};    // home visit: 新建户
constexpr std::pair<int, int> kHeadName{700, 184};        // its 户主姓名 field
constexpr std::pair<int, int> kSaveVisit{646, 671};       // 保存入户记录
constexpr std::pair<int, int> kCancelVisit{796, 671};     // 取消 beside it
constexpr std::pair<int, int> kCloseDay{263, 268};        // clinic day: 结束义诊日
constexpr std::pair<int, int> kCloseYes{223, 298};        // and 是 to confirm

}  // namespace

TEST_CASE("a clinic day: opened, a patient by age only, a home visit that registers a household, the summary, closed") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db");
  const std::string village = team_with_village(db);
  Child app({kApp, "--db", db, "--lang", "zh", "--size", "1366x768", "--screen", "clinic-day"}, app_env(x.display()),
            dir.file("app.log"));
  const std::string w = start_and_focus(x.display(), app, dir.file("app.log"));
  const std::string d = x.display();

  // The team's first day: its form is open; the village picked from its list.
  click(d, w, kVillageRow);
  keep_screenshot(d, w, "day-1-new.png");
  keys(d, {"Return"});  // open the day
  sleep_ms(800);
  keep_screenshot(d, w, "day-2-open.png");

  // A man who knows only his age: the village is the day's.
  keys(d, {"F2", "ctrl+n"});
  type_cjk(d, "多吉");
  keys(d, {"Tab", "Tab", "Tab"});  // past the 身份证 and the birth date: the age
  type(d, "62");
  click(d, w, kMaleChip);
  // The consent is below the fold: a finger drags the form up (touch
  // scrolling), then taps the box.
  drag(d, w, kDragFrom, kDragTo);
  drag(d, w, kDragFrom, kDragTo);
  keep_screenshot(d, w, "day-3-dragged.png");
  click(d, w, kConsent);
  keep_screenshot(d, w, "day-3-age-only.png");
  keys(d, {"Return"});
  sleep_ms(800);

  // A home visit to a family met for the first time.
  keys(d, {"F4"});
  sleep_ms(500);
  keep_screenshot(d, w, "day-4-home-visit.png");
  // A household begun and cancelled: nothing of it is stored (one household at the end).
  click(d, w, kNewHousehold);
  click(d, w, kHeadName);
  type(d, "cancelled");
  click(d, w, kCancelVisit);
  keep_screenshot(d, w, "day-4b-cancelled.png");
  click(d, w, kNewHousehold);
  click(d, w, kHeadName);
  type_cjk(d, "扎西");
  keep_screenshot(d, w, "day-5-new-household.png");
  click(d, w, kSaveVisit);
  sleep_ms(800);

  keys(d, {"F6"});
  sleep_ms(800);
  keep_screenshot(d, w, "day-6-summary.png");
  keys(d, {"F1"});
  sleep_ms(500);
  keep_screenshot(d, w, "day-7-clinic-day.png");
  click(d, w, kCloseDay);
  keep_screenshot(d, w, "day-8-confirm.png");
  click(d, w, kCloseYes);
  sleep_ms(800);
  keep_screenshot(d, w, "day-9-closed.png");
  CHECK(app.stop(SIGTERM) == 0);
  INFO(slurp(dir.file("app.log")));

  // The day, opened at the village and closed with its figures in its notes.
  const json report = ctl_json(db, {"report", "--township", village});
  CHECK(report["total"]["clinic_days"] == 1);
  CHECK(report["total"]["home_visits"] == 1);
  CHECK(report["total"]["households"] == 1);
  const json search = ctl_json(db, {"patient", "search", "duoji"});
  REQUIRE(search.size() == 1);
  const json dorje = ctl_json(db, {"patient", "show", search[0]["id"]});
  const json& p = dorje["patient"];
  CHECK(p["name"] == "多吉");
  CHECK(p["sex"] == "M");
  CHECK(p["birth_estimated"] == true);  // from the age: 62 years before today
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  CHECK(std::stoi(p["birth_date"].get<std::string>().substr(0, 4)) == static_cast<int>(today.year()) - 62);
  CHECK(p["consent"] == true);  // ticked after the drag brought the box into view
  CHECK(p["village_code"] == village);  // the day's village, by default
  // The household registered with the visit, in the day's village, and the visit on the day.
  const json households = ctl_json(db, {"household", "list", "--village", village});
  REQUIRE(households.size() == 1);
  CHECK(households[0]["head_name"] == "扎西");
  const json days = ctl_json(db, {"clinic-day", "list"});
  REQUIRE(days.size() == 1);
  CHECK(days[0]["status"] == "closed");
  CHECK(days[0]["notes"].get<std::string>().find("入户 1 户次") != std::string::npos);
}

namespace {
// The new-day form's and the other screens' buttons, same layout (two members in the team).
constexpr std::pair<int, int> kTourKind{269, 305};        // 类型: 巡回医疗
constexpr std::pair<int, int> kOpenDay{253, 684}, kCancelDay{393, 684};  // 开始, 取消 under the form
constexpr std::pair<int, int> kNewDay{263, 145};          // 开始新的一天, no day yet
constexpr std::pair<int, int> kNewDayAfterOne{263, 322};  // and below an open day
constexpr std::pair<int, int> kDayFormMiddle{450, 400};      // where the wheel scrolls the form
constexpr std::pair<int, int> kSurgeryStation{313, 392}, kPharmacyStation{515, 446}, kNurseStaff{197, 529};
constexpr std::pair<int, int> kVillageRowAtEnd{288, 136};  // 塔巴村, the form scrolled to its end
constexpr std::pair<int, int> kCloseNo{323, 298};         // 否 beside 是
constexpr std::pair<int, int> kOlderDay{1000, 180};       // the recent days' second row
constexpr std::pair<int, int> kNavSummary{88, 368}, kNavSettings{88, 488};
constexpr std::pair<int, int> kRefresh{230, 120};         // 当日统计: 刷新
constexpr std::pair<int, int> kEnglish{292, 145}, kScale125{327, 229}, kDeviceName{333, 393}, kFontField{700, 566},
    kApplyFont{1290, 566};  // 设置

}  // namespace

TEST_CASE("clinic day buttons: a new day cancelled, one opened with its kind, stations and staff chosen, close refused, an older day picked, the summary refreshed, settings changed") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db");
  const std::string village = team_with_village(db);
  const std::string doctor = ctl_json(db, {"member", "add", "--name", "王医生", "--role", "clinician"})["id"];
  const std::string nurse = ctl_json(db, {"member", "add", "--name", "卓玛", "--role", "nurse"})["id"];
  Child app({kApp, "--db", db, "--lang", "zh", "--size", "1366x768", "--scale", "1", "--screen", "clinic-day",
             "--state-out", dir.file("state.json")},
            app_env(x.display()), dir.file("app.log"));
  const std::string w = start_and_focus(x.display(), app, dir.file("app.log"));
  const std::string d = x.display();

  // The first day's form, its village picked, then cancelled: no day.
  click(d, w, kVillageRow);
  click(d, w, kCancelDay);
  keep_screenshot(d, w, "btn-day-1-cancelled.png");
  // Begun again: a tour, 外科 added and 药房 taken off, the nurse absent.
  click(d, w, kNewDay);
  click(d, w, kTourKind);
  click(d, w, kVillageRow);
  wheel(d, w, kDayFormMiddle, 10);
  keep_screenshot(d, w, "btn-day-2-chips.png");
  click(d, w, kSurgeryStation);
  click(d, w, kPharmacyStation);
  click(d, w, kNurseStaff);
  keep_screenshot(d, w, "btn-day-3-chosen.png");
  click(d, w, kOpenDay);
  sleep_ms(800);
  keep_screenshot(d, w, "btn-day-4-open.png");
  // 结束义诊日, then 否: still open.
  click(d, w, kCloseDay);
  keep_screenshot(d, w, "btn-day-5a-confirm.png");
  click(d, w, kCloseNo);
  keep_screenshot(d, w, "btn-day-5-not-closed.png");
  // A second day, then the first picked again from the recent days.
  click(d, w, kNewDayAfterOne);
  wheel(d, w, kDayFormMiddle, 10);  // the form's end: the village list at its top
  keep_screenshot(d, w, "btn-day-6-second-form.png");
  click(d, w, kVillageRowAtEnd);
  click(d, w, kOpenDay);
  sleep_ms(800);
  click(d, w, kOlderDay);
  sleep_ms(500);
  keep_screenshot(d, w, "btn-day-7-older-picked.png");

  click(d, w, kNavSummary);
  click(d, w, kRefresh);
  keep_screenshot(d, w, "btn-day-8-summary.png");

  click(d, w, kNavSettings);
  keep_screenshot(d, w, "btn-settings-1.png");
  click(d, w, kDeviceName);
  type(d, "laptop-3");
  click(d, w, kFontField);  // leaving the name saves it
  type(d, "/nonexistent/font.ttf");
  click(d, w, kApplyFont);  // a font file that is not there: the app keeps its own
  click(d, w, kEnglish);
  keep_screenshot(d, w, "btn-settings-2-english.png");
  click(d, w, kScale125);
  sleep_ms(800);
  keep_screenshot(d, w, "btn-settings-3-scale.png");
  INFO(slurp(dir.file("app.log")));
  REQUIRE_MESSAGE(app.running(), "the app ended (crashed)");
  CHECK(app.stop(SIGTERM) == 0);

  const json days = ctl_json(db, {"clinic-day", "list"});
  INFO(days.dump(1));
  REQUIRE(days.size() == 2);  // the cancelled form stored nothing
  const json& first = days[1];
  CHECK(first["kind"] == "circuit");  // 巡回医疗
  CHECK(first["status"] == "open");  // 否 kept it open
  CHECK(first["stations"] == json::array({"登记", "内科", "外科"}));
  CHECK(first["staff"] == json::array({doctor}));
  CHECK(setting(db, "pref.day_id") == first["id"]);  // the older day picked again
  CHECK(setting(db, "pref.device_name") == "laptop-3");
  CHECK(setting(db, "pref.font_path") == "/nonexistent/font.ttf");
  CHECK(setting(db, "pref.lang") == "en");
  CHECK(std::stod(setting(db, "pref.scale")) == doctest::Approx(1.25));
  // The top bar's count of changes to sync took the two days (it once stayed
  // where it was before them: opening and closing a day did not count).
  CHECK(json::parse(slurp(dir.file("state.json")))["pending"] == ctl_json(db, {"stats"})["pending"]);
}

namespace {
// Two teams on one laptop, same layout.
constexpr std::pair<int, int> kTeamShanghai{230, 330};  // new day form, wheeled 10: 医疗队 上海援藏医疗队 (first by name)
constexpr std::pair<int, int> kStTeamShanghai{232, 313};  // 设置: its 医疗队 chip
constexpr std::pair<int, int> kTeamsVillageRow{288, 160};  // 塔巴村 in the list, the form wheeled 10

// yizhen-server admin enroll-code for `team` (county 540127): the code.
std::string enroll_code(const std::string& central, const std::string& team) {
  RunResult r = run({kServer, "--db", central, "admin", "enroll-code", "--team", team, "--area", "540127"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return r.out.substr(0, r.out.find('\n'));
}
}  // namespace

TEST_CASE("two teams on one laptop (enrolled in one, then re-enrolled into another): a day opened for its own team by default, one for the other from its 医疗队 chip, the other picked in Settings") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  TempDir dir;
  const std::string db = dir.file("t.db"), central = dir.file("central.db");
  plain_db(db);
  {  // Enrolled in 上海援藏医疗队, then revoked and enrolled into 北京援藏医疗队: both teams' records on the laptop.
    Server server(kServer, central, dir.file("server.log"));
    const json first = ctl_json(db, {"enroll", "--server", server.url, "--code", enroll_code(central, "上海援藏医疗队")});
    ctl_json(db, {"sync"});
    const std::string second = enroll_code(central, "北京援藏医疗队");
    RunResult revoked = run({kServer, "--db", central, "admin", "revoke", first["device_id"]});
    REQUIRE_MESSAGE(revoked.code == 0, revoked.err);
    ctl_json(db, {"enroll", "--server", server.url, "--code", second});
    ctl_json(db, {"sync"});
  }
  const std::string shanghai = query_one(db, "SELECT id FROM team WHERE name = '上海援藏医疗队'");
  const std::string beijing = query_one(db, "SELECT id FROM team WHERE name = '北京援藏医疗队'");
  REQUIRE_FALSE(shanghai.empty());
  REQUIRE_FALSE(beijing.empty());
  const std::string township = ctl_json(db, {"place", "add", "--name", "工卡镇", "--parent", "540127"})["code"];
  ctl_json(db, {"place", "add", "--name", "塔巴村", "--parent", township});
  Child app({kApp, "--db", db, "--lang", "zh", "--size", "1366x768", "--scale", "1", "--screen", "clinic-day"},
            app_env(x.display()), dir.file("app.log"));
  const std::string w = start_and_focus(x.display(), app, dir.file("app.log"));
  const std::string d = x.display();
  // The first day: its team left as offered (the laptop's own, 北京).
  click(d, w, kVillageRow);
  wheel(d, w, kDayFormMiddle, 10);
  keep_screenshot(d, w, "teams-1-own.png");
  click(d, w, kOpenDay);
  sleep_ms(800);
  // A second day, for 上海援藏医疗队 (its chip).
  click(d, w, kNewDayAfterOne);
  wheel(d, w, kDayFormMiddle, 10);
  click(d, w, kTeamsVillageRow);
  click(d, w, kTeamShanghai);
  keep_screenshot(d, w, "teams-2-other.png");
  click(d, w, kOpenDay);
  sleep_ms(800);
  // 设置: 上海援藏医疗队 picked.
  click(d, w, kNavSettings);
  click(d, w, kStTeamShanghai);
  keep_screenshot(d, w, "teams-3-settings.png");
  INFO(slurp(dir.file("app.log")));
  REQUIRE_MESSAGE(app.running(), "the app ended (crashed)");
  CHECK(app.stop(SIGTERM) == 0);

  const json days = ctl_json(db, {"clinic-day", "list"});
  INFO(days.dump(1));
  REQUIRE(days.size() == 2);
  // Newest first: the chip's team, then the laptop's own (the first by name, 上海, took it before).
  CHECK(days[0]["team_id"] == shanghai);
  CHECK(days[1]["team_id"] == beijing);
  CHECK(setting(db, "pref.team_id") == shanghai);
}
