// Coordinators' reports and lists from the central store (issue 14):
// `yizhen-server admin report` over every team's synced records, or one
// team's, in JSON and Markdown; `admin export` of every team's lists, masked
// on request and audited; bad input refused with one line.
#include "core/base/errors.h"
#include "tests/sync/server_fixture.h"

using namespace yz_sync_test;
using json = nlohmann::json;

namespace {

// A clinic day of the device's (server) team in `village` with `visits`
// patients seen.
void clinic_day(Device& d, int visits, const std::string& village = "540102001001", const std::string& id_number = "") {
  yz::Store& s = d.store;
  const std::string day = s.create("clinic_day", {{"date", s.today()}, {"place_code", village},
                                                  {"team_id", *s.setting("sync.team_id")}, {"kind", "yizhen"}});
  for (int i = 0; i < visits; ++i) {
    json patient = {{"name", "次仁"}, {"sex", "M"}, {"age", 40 + i}, {"village_code", village}};
    if (i == 0 && !id_number.empty())  // a woman born 1985-03-02
      patient = {{"name", "卓玛"}, {"sex", "F"}, {"id_number", id_number}, {"village_code", village}};
    const std::string p = s.create("patient", patient);
    s.create("encounter", {{"patient_id", p}, {"clinic_day_id", day}, {"station", "内科"}, {"complaint", "头痛"}});
    s.create("follow_up", {{"patient_id", p}, {"due_date", s.today()}, {"reason", "血压复查"}});
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
  for (const auto& bad : std::vector<std::pair<std::vector<std::string>, int>>{
           {{"report", "--team", "没有这个队"}, 1},
           {{"report", "--from", "2026-02-30"}, 2},
           {{"report", "--format", "pdf"}, 2},
           {{"report", "--township", "54x"}, 2},
           {{"report", "--day", "01900000-0000-7000-8000-000000000000"}, 1}}) {
    const auto r = server.admin(bad.first);  // not a structured binding: doctest's checks are lambdas
    CAPTURE(bad.first.back());
    CHECK(r.code == bad.second);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("admin export: every team's follow-ups from the central store, masked on request, audited") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device lhasa(dir.file("a.db")), dulong(dir.file("b.db"));
  lhasa.enroll(server, server.enroll_code("拉萨队", "540102"));
  dulong.enroll(server, server.enroll_code("堆龙队", "540102"));
  lhasa.sync(server);
  dulong.sync(server);
  const std::string id_number = "540102198503020020";
  clinic_day(lhasa, 2, "540102001001", id_number);
  clinic_day(dulong, 1, "540102002001");
  lhasa.sync(server);
  dulong.sync(server);

  const std::string csv = dir.file("fu.csv");
  auto r = server.admin({"export", "follow-ups", "--format", "csv", "--out", csv, "--mask-ids", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(json::parse(r.out)["rows"] == 3);  // both teams' patients
  const std::string text = yz::test::slurp(csv);
  CHECK(text.find("身份证号（已遮蔽：前6后4位）") != std::string::npos);
  CHECK(text.find("540102********0020") != std::string::npos);
  CHECK(text.find(id_number) == std::string::npos);
  CHECK(yz::test::file_mode(csv) == 0600);

  // One workbook, a sheet per township, headers in English.
  const std::string xlsx = dir.file("fu.xlsx");
  r = server.admin({"export", "follow-ups", "--format", "xlsx", "--out", xlsx, "--by-township", "--lang", "en"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const auto book = yz::test::run({"/usr/bin/unzip", "-l", xlsx});
  CHECK(book.out.find("xl/worksheets/sheet2.xml") != std::string::npos);
  CHECK(yz::test::run({"/usr/bin/unzip", "-p", xlsx, "xl/worksheets/sheet1.xml"}).out.find("Due") != std::string::npos);

  // The audit names both exports, and whether IDs were masked.
  r = server.admin({"audit", "list", "--json"});
  REQUIRE(r.code == 0);
  int exports = 0;
  for (const auto& row : json::parse(r.out))
    if (row["entity"] == "export") {
      ++exports;
      CHECK(row["action"] == "create");
      CHECK(row["record_id"] == "follow_ups");
      CHECK(row["detail"]["rows"] == 3);
    }
  CHECK(exports == 2);

  // Bad input: one line, exit 2, no file.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"export", "follow-ups", "--format", "pdf", "--out", dir.file("x.pdf")},
           {"export", "screening-list", "--program", "nope", "--format", "csv", "--out", dir.file("x.csv")},
           {"export", "follow-ups", "--format", "csv", "--out", dir.file("y.csv"), "--from", "2026-13-01"}}) {
    r = server.admin(args);
    CAPTURE(args[1]);
    CHECK(r.code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  CHECK_FALSE(std::filesystem::exists(dir.file("x.pdf")));
  CHECK_FALSE(std::filesystem::exists(dir.file("x.csv")));
  CHECK_FALSE(std::filesystem::exists(dir.file("y.csv")));
}
