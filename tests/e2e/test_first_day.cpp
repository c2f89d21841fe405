// A real team's first day (issue 17), end to end: a fresh laptop goes
// through the first-start wizard in the real app under Xvfb (driven with
// xdotool), adds a village missing from its lists, opens its first clinic
// day there and registers two patients; yizhenctl then reads what was
// stored. The laptop enrolls with a real yizhen-server on loopback and
// syncs, the server imports the county's village list, a coordinator
// reconciles the provisional township and village, and after the next sync
// every record is still there, on the official codes.
//
// Screenshots of each step are written to $YIZHEN_E2E_SHOTS when it is set
// (to look at them), else into the test's temporary folder.
#include <doctest/doctest.h>

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {

const std::string kCountyList = std::string(SOURCE_DIR) + "/tests/sync/data/mozhugongka.csv";

// Where the app draws what the test clicks at 1366x768, Chinese, text scale
// 1 (window coordinates): the "nurse" role chip of the wizard's staff step,
// and "+ 添加村" beside the new clinic day's place filter.
constexpr std::pair<int, int> kNurseChip{334, 244}, kAddVillage{685, 466};

json admin_json(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {kServer, "--db", db, "--json", "admin"});
  RunResult r = run(args);
  INFO("yizhen-server admin " << args[5] << ": " << r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

// The one patient found by `query`, as `patient show` prints it.
json patient(const std::string& db, const std::string& query) {
  const json hits = ctl_json(db, {"patient", "search", query});
  REQUIRE(hits.size() == 1);
  return ctl_json(db, {"patient", "show", hits[0]["id"]})["patient"];
}

// How many clinic days the report finds at places under `code`.
int days_at(const std::string& db, const std::string& code) {
  const json r = ctl_json(db, {"report", "--township", code});
  return r["total"]["clinic_days"].get<int>();
}

}  // namespace

TEST_CASE("a fresh laptop's first day: wizard, its own village, a clinic day, two patients, then sync and reconcile") {
  if (!have_x()) return;
  Xvfb x;
  REQUIRE_MESSAGE(!x.display().empty(), "Xvfb did not start");
  const std::string d = x.display();
  TempDir dir;
  const std::string db = dir.file("laptop.db"), log = dir.file("app.log");
  const char* keep = std::getenv("YIZHEN_E2E_SHOTS");
  const std::string shots = keep && *keep ? keep : dir.file("shots");
  std::filesystem::create_directories(shots);
  // A plain database: the app's own encrypted first start is tests/e2e/test_lock.cpp's.
  plain_db(db);

  {
    Child app({kApp, "--db", db, "--size", "1366x768", "--scale", "1"},
              {"DISPLAY=" + d, "ASAN_OPTIONS=detect_leaks=0", "XDG_DATA_HOME=/nonexistent-yizhen-test"}, log);
    const std::string w = wait_window(d, "yizhen", 60000);
    REQUIRE_MESSAGE(!w.empty(), "the app's window did not appear: " << slurp(log));
    xdotool(d, {"windowfocus", "--sync", w});
    xdotool(d, {"mousemove", "--window", w, "1300", "700"});
    sleep_ms(1500);  // first frames, fonts
    auto shot = [&](const std::string& name) {
      sleep_ms(300);
      window_png(d, w, shots + "/" + name + ".png");
    };

    // The wizard: language, team and hospital, staff, stations, county.
    shot("01-language");
    keys(d, {"Return"});  // 简体中文, as chosen
    type_cjk(d, "北京援藏医疗队");
    keys(d, {"Tab"});
    type_cjk(d, "北京协和医院");
    shot("02-team");
    keys(d, {"Return"});
    type_cjk(d, "王医生");
    keys(d, {"Return"});  // added as a clinician (the default role)
    click(d, w, kNurseChip);   // the next one's role: the name field has the keyboard again
    type_cjk(d, "卓玛");
    keys(d, {"Return"});
    shot("03-staff");
    keys(d, {"Return"});
    shot("04-stations");  // 登记, 内科, 药房 offered
    keys(d, {"Return"});
    type(d, "mzgk");
    sleep_ms(1000);  // the search runs on the worker
    keys(d, {"Return"});  // the first county found
    shot("05-county");
    keys(d, {"Return"});  // finish
    sleep_ms(1500);

    // The first clinic day: its form is open; the village is not in any
    // list yet, so the nurse adds it under a new township.
    shot("06-clinic-day-form");
    click(d, w, kAddVillage);
    type_cjk(d, "塔巴村");
    keys(d, {"Tab"});
    type_cjk(d, "工卡镇");
    shot("07-add-village");
    keys(d, {"Return"});
    sleep_ms(800);
    shot("08-village-added");
    keys(d, {"Return"});  // open the day
    sleep_ms(1000);
    shot("09-clinic-day-open");

    // Two patients; the village is the day's. The first Enter, before the
    // consent is ticked, saves nothing and says so.
    keys(d, {"ctrl+n"});
    type_cjk(d, "次仁");
    keys(d, {"Tab"});
    type(d, "540127198001010014");
    keys(d, {"Return"});
    sleep_ms(500);
    shot("10-registration-no-consent");
    keys(d, {"ctrl+y"});
    keys(d, {"Return"});
    sleep_ms(1000);
    keys(d, {"ctrl+n"});
    type_cjk(d, "格桑");
    keys(d, {"Tab"});
    type(d, "540127197506150026");
    keys(d, {"ctrl+y"});
    shot("11-second-patient");
    keys(d, {"Return"});
    sleep_ms(1000);
    shot("12-registered");
    INFO("app log: " << slurp(log));
    REQUIRE_MESSAGE(app.running(), "the app ended (crashed)");
    CHECK(app.stop(SIGTERM) == 0);
  }

  // What the laptop stored, read with yizhenctl.
  const json team = ctl_json(db, {"team", "show"});
  CHECK(team["name"] == "北京援藏医疗队");
  CHECK(team["origin_hospital"] == "北京协和医院");
  CHECK(team["area_code"] == "540127");
  CHECK(team["stations"] == json::array({"登记", "内科", "药房"}));
  CHECK(team["enrolled"] == false);
  REQUIRE(team["members"].size() == 2);
  std::map<std::string, std::string> roles;
  for (const auto& m : team["members"]) roles[m["name"]] = m["role"];
  CHECK(roles["王医生"] == "clinician");
  CHECK(roles["卓玛"] == "nurse");

  const json found = ctl_json(db, {"places", "search", "塔巴"});
  REQUIRE(found.size() == 1);
  const std::string village = found[0]["code"];
  CHECK(found[0]["provisional"] == true);
  CHECK(found[0]["level"] == "village");
  CHECK(found[0]["label"] == "塔巴村 · 工卡镇 · 墨竹工卡县");
  const std::string township = found[0]["parent_code"];
  CHECK(ctl_json(db, {"place", "show", township})["provisional"] == true);

  const json ciren = patient(db, "次仁"), gesang = patient(db, "格桑");
  CHECK(ciren["village_code"] == village);
  CHECK(ciren["sex"] == "M");
  CHECK(ciren["birth_date"] == "1980-01-01");
  CHECK(ciren["consent"] == true);
  CHECK(gesang["village_code"] == village);
  CHECK(gesang["sex"] == "F");
  CHECK(days_at(db, village) == 1);
  json stats = ctl_json(db, {"stats"});
  CHECK(stats["patient"] == 2);
  CHECK(stats["clinic_day"] == 1);

  // The county server: enroll, sync, import the county's list, reconcile.
  const std::string central = dir.file("central.db");
  Server server(kServer, central, dir.file("server.log"));
  RunResult code = run({kServer, "--db", central, "admin", "enroll-code", "--team", "墨竹工卡县人民医院", "--area", "540127"});
  REQUIRE_MESSAGE(code.code == 0, code.err);
  RunResult r = run({kCtl, "--db", db, "enroll", "--server", server.url, "--code", code.out.substr(0, code.out.find('\n'))});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  r = run({kCtl, "--db", db, "sync"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  json central_stats = admin_json(central, {"stats"});
  CHECK(central_stats["patient"] == 2);
  CHECK(central_stats["clinic_day"] == 1);
  CHECK(central_stats["place"] == 2);  // the provisional township and village
  CHECK(central_stats["quarantined"] == 0);

  const json imported = admin_json(central, {"places", "import", kCountyList});
  CHECK(imported["created"] == 49);
  r = run({kServer, "--db", central, "admin", "places", "reconcile", township, "540127100"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const json moved = admin_json(central, {"places", "reconcile", village, "540127100202"});
  CHECK(moved["moved"] == 3);  // two patients and the clinic day

  r = run({kCtl, "--db", db, "sync"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(patient(db, "次仁")["village_code"] == "540127100202");
  CHECK(patient(db, "格桑")["village_code"] == "540127100202");
  CHECK(days_at(db, "540127100202") == 1);
  CHECK(days_at(db, village) == 0);
  stats = ctl_json(db, {"stats"});
  CHECK(stats["patient"] == 2);
  CHECK(stats["clinic_day"] == 1);
  const json after = ctl_json(db, {"places", "search", "塔巴"});
  REQUIRE(after.size() == 1);
  CHECK(after[0]["code"] == "540127100202");
  CHECK(after[0]["provisional"] == false);
  CHECK(after[0]["label"] == "塔巴村委会 · 工卡镇 · 墨竹工卡县");
  CHECK(ctl_json(db, {"team", "show"})["enrolled"] == true);
}
