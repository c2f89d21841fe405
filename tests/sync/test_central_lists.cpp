// Coordinators' reports and lists from the central store (issues 13, 14):
// `yizhen-server admin report` over every team's synced records, or one
// team's, in JSON and Markdown; `admin export` of every team's lists, masked
// on request and audited; bad input refused with one line. On both stores,
// and the same answers from both for the same records.
#include "core/base/errors.h"
#include "core/care/home_visit.h"
#include "core/care/screening.h"
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

TEST_CASE_TEMPLATE("admin report: every team's figures from the central store, or one team's", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
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
  // A home visit made with no clinic day open, leaving two boxes: the visit
  // and what it gave count in the report (what it gave was left out).
  {
    yz::HomeVisitInput in;
    in.new_household = {{"village_code", "540102001001"}, {"head_name", "扎西"}};
    in.items.push_back({{"item", "氨氯地平片"}, {"item_kind", "medicine"}, {"quantity", 2}, {"unit", "盒"},
                        {"unit_value", 12.8}});
    yz::record_home_visit(lhasa.store, in);
    lhasa.sync(server);
  }
  const json with_visit = report({});
  CHECK(with_visit["total"]["home_visits"] == 1);
  CHECK(with_visit["total"]["value"].get<double>() == doctest::Approx(all["total"]["value"].get<double>() + 25.6));
  CHECK(with_visit["total"]["given"]["medicine"]["quantity"].get<double>() >= 2);

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

TEST_CASE_TEMPLATE("admin export: every team's follow-ups from the central store, masked on request, audited", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
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

// The same records on SQLite and, moved by `admin migrate`, on PostgreSQL:
// every read verb of the coordinators answers the same, byte for byte.
TEST_CASE("The coordinators' reads answer the same on SQLite and PostgreSQL: report, exports, duplicates, search, history") {
  yz::test::TempDir dir;
  const std::string central = dir.file("central.db");
  std::optional<Server> lite;
  lite.emplace(central);
  Device a(dir.file("a.db"));
  a.enroll(*lite, lite->enroll_code("拉萨队", "540102"));
  a.sync(*lite);
  clinic_day(a, 2, "540102001001", "540102198503020020");
  clinic_day(a, 1, "540102002001");
  // Screened for hypertension: one positive (a referral and a follow-up),
  // one normal; and the same woman registered twice (a duplicate pair).
  yz::Store& s = a.store;
  const std::string p1 = s.create("patient", {{"name", "热依汗古丽"}, {"sex", "F"}, {"birth_date", "1985-03-02"},
                                              {"village_code", "540102001002"}, {"phone", "13800000001"}});
  const std::string p2 = s.create("patient", {{"name", "热依罕古丽"}, {"sex", "F"}, {"birth_date", "1985-07-01"},
                                              {"village_code", "540102001002"}});
  for (const auto& [pid, sbp, dbp] : {std::tuple{p1, 185, 100}, std::tuple{p2, 118, 72}}) {
    yz::ScreeningInput in;
    in.patient_id = pid;
    in.program_id = "hypertension";
    in.answers = {{"sbp", sbp}, {"dbp", dbp}};
    yz::record_screening(s, in);
  }
  a.sync(*lite);

  // Each verb's answer (stdout, or the file it wrote) from the store `args` name.
  auto answers = [&](const std::vector<std::string>& store, const std::string& tag) {
    std::vector<std::string> out;
    auto run = [&](std::vector<std::string> args) {
      args.insert(args.begin(), "admin");
      args.insert(args.begin(), store.begin(), store.end());
      args.insert(args.begin(), YIZHEN_SERVER);
      const auto r = yz::test::run(args);
      REQUIRE_MESSAGE(r.code == 0, r.err);
      return r.out;
    };
    out.push_back(run({"report", "--json"}));
    out.push_back(run({"report", "--township", "540102001", "--lang", "en"}));
    out.push_back(run({"duplicates", "--json"}));
    for (const char* q : {"reyihanguli", "ryhgl", "热依", "540102198503020020", "古丽"})
      out.push_back(run({"patient", "search", q, "--json"}));
    out.push_back(run({"patient", "show", p1, "--json"}));
    const std::string sl = dir.file("sl-" + tag + ".csv"), fu = dir.file("fu-" + tag + ".csv");
    const std::string xl = dir.file("fu-" + tag + ".xlsx");
    run({"export", "screening-list", "--program", "hypertension", "--format", "csv", "--out", sl});
    run({"export", "follow-ups", "--format", "csv", "--out", fu, "--to", "2099-12-31"});
    run({"export", "follow-ups", "--format", "xlsx", "--out", xl, "--by-township", "--to", "2099-12-31"});
    out.push_back(yz::test::slurp(sl));
    out.push_back(yz::test::slurp(fu));
    out.push_back(yz::test::run({"/usr/bin/unzip", "-p", xl, "xl/worksheets/sheet1.xml"}).out);
    out.push_back(yz::test::run({"/usr/bin/unzip", "-p", xl, "xl/worksheets/sheet2.xml"}).out);
    return out;
  };
  const auto on_sqlite = answers({"--db", central}, "sqlite");
  lite.reset();

  const std::string pg = fresh_pg_database();
  const auto moved = yz::test::run({YIZHEN_SERVER, "--pg", pg, "admin", "migrate", "--from", central});
  REQUIRE_MESSAGE(moved.code == 0, moved.err);
  const auto on_pg = answers({"--pg", pg, "--keys", central + ".keys"}, "pg");
  REQUIRE(on_pg.size() == on_sqlite.size());
  for (size_t i = 0; i < on_pg.size(); ++i) {
    CAPTURE(i);
    CHECK(on_pg[i] == on_sqlite[i]);
  }
  // Not empty answers: the figures, the pair, the hits and the rows are there.
  const json rep = json::parse(on_pg[0]);
  CHECK(rep["total"]["visits"] == 3);
  CHECK(rep["total"]["screenings"] == 2);
  CHECK(rep["total"]["positive"].get<int>() + rep["total"]["suspected"].get<int>() >= 1);
  const json pairs = json::parse(on_pg[2]);
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0]["reason"] == "same_pinyin");
  for (size_t i = 3; i < 8; ++i) CHECK_MESSAGE(json::parse(on_pg[i]).size() >= 1, i);
  CHECK(json::parse(on_pg[7])[0]["id"].is_string());
  CHECK(json::parse(on_pg[8])["screenings"].size() == 1);
  CHECK(std::count(on_pg[9].begin(), on_pg[9].end(), '\n') == 3);  // header and two screenings
  CHECK(on_pg[11].find("<row") != std::string::npos);

  // The PostgreSQL store keeps its index as it writes: a patient a laptop
  // registers later is found by pinyin there.
  Server server(central, pg, dir.file("pg.log"));
  add_patient_at(a.store, "格桑", "540102001001");
  a.sync(server);
  const json hits = admin_json(server, {"patient", "search", "gesang"});
  REQUIRE(hits.size() == 1);
  CHECK(hits[0]["name"] == "格桑");
}
