// Coordinators' reports from the central store (issue 14): `yizhen-server
// admin report` over every team's synced records, or one team's, in JSON and
// Markdown; bad input refused with one line.
#include "core/base/errors.h"
#include "tests/sync/server_fixture.h"

using namespace yz_sync_test;
using json = nlohmann::json;

namespace {

// A clinic day of the device's (server) team in `village` with `visits`
// patients seen.
void clinic_day(Device& d, int visits, const std::string& village = "540102001001") {
  yz::Store& s = d.store;
  const std::string day = s.create("clinic_day", {{"date", s.today()}, {"place_code", village},
                                                  {"team_id", *s.setting("sync.team_id")}, {"kind", "yizhen"}});
  for (int i = 0; i < visits; ++i) {
    const std::string p = s.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"age", 40 + i}, {"village_code", village}});
    s.create("encounter", {{"patient_id", p}, {"clinic_day_id", day}, {"station", "内科"}, {"complaint", "头痛"}});
  }
}

}  // namespace

TEST_CASE("admin report: every team's figures from the central store, or one team's") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device lhasa(dir.file("a.db")), dulong(dir.file("b.db"));
  lhasa.enroll(server, server.enroll_code("拉萨队", "540102"));
  dulong.enroll(server, server.enroll_code("堆龙队", "540102"));  // the same county: areas overlap
  lhasa.sync(server);  // each has its team's record now
  dulong.sync(server);
  clinic_day(lhasa, 2);
  clinic_day(dulong, 3);
  lhasa.sync(server);
  dulong.sync(server);

  auto report = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "report");
    args.push_back("--json");
    const auto r = server.admin(args);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    return json::parse(r.out);
  };
  const json all = report({});
  CHECK(all["total"]["clinic_days"] == 2);
  CHECK(all["total"]["visits"] == 5);
  CHECK(all["total"]["people"] == 5);
  REQUIRE(all["townships"].size() == 1);
  CHECK(all["townships"][0]["code"] == "540102001");
  const json one = report({"--team", "拉萨队"});
  CHECK(one["total"]["clinic_days"] == 1);
  CHECK(one["total"]["visits"] == 2);
  CHECK(one["scope"]["team_name"] == "拉萨队");
  CHECK(report({"--team", "堆龙队", "--township", "540102001"})["total"]["visits"] == 3);
  CHECK(report({"--from", "2001-01-01", "--to", "2001-12-31"})["total"]["visits"] == 0);

  // Markdown, in Chinese by default and in English.
  auto md = server.admin({"report", "--team", "拉萨队"});
  REQUIRE(md.code == 0);
  CHECK(md.out.find("医疗队 拉萨队") != std::string::npos);
  CHECK(md.out.find("| 接诊人次 | 2 |") != std::string::npos);
  md = server.admin({"report", "--lang", "en"});
  CHECK(md.out.find("| patient visits (人次) | 5 |") != std::string::npos);

  // Bad input: one line naming what is wrong, exit 1 for an unknown team.
  for (const auto& [args, want] : std::vector<std::pair<std::vector<std::string>, int>>{
           {{"report", "--team", "没有这个队"}, 1},
           {{"report", "--from", "2026-02-30"}, 2},
           {{"report", "--format", "pdf"}, 2},
           {{"report", "--township", "54x"}, 2},
           {{"report", "--day", "01900000-0000-7000-8000-000000000000"}, 1}}) {
    const auto r = server.admin(args);
    CAPTURE(args.back());
    CHECK(r.code == want);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}
