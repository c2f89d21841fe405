// yizhenctl programs, screen, follow-up, referral, export and report end to
// end on the real binary: output, exit codes (2 for bad input with one line
// naming the field and nothing written, 1 for an unknown record).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli/cli_helpers.h"
#include "tests/support/process.h"

using nlohmann::json;
using yz::test::run;
using yz::test::RunResult;
using yz::test::TempDir;
using namespace yz_cli_test;
using yz::test::slurp;

namespace {



// A database with three patients screened for hypertension (two positive).
struct Db {
  TempDir dir;
  std::string path = dir.file("c.db");
  std::vector<std::string> patients, follow_ups;
  Db() {
    REQUIRE(ctl(path, {"init", "--plain"}).code == 0);
    const std::vector<std::pair<int, int>> bp{{185, 100}, {150, 92}, {118, 72}};
    for (size_t i = 0; i < bp.size(); ++i) {
      auto add = ctl(path, {"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "52", "--village",
                            "540102001001"});
      REQUIRE_MESSAGE(add.code == 0, add.err);
      patients.push_back(add.out.substr(0, add.out.find('\n')));
      auto s = ctl(path, {"screen", "--json", "--patient", patients.back(), "--program", "hypertension", "--answers",
                          json{{"sbp", bp[i].first}, {"dbp", bp[i].second}}.dump()});
      REQUIRE_MESSAGE(s.code == 0, s.err);
      const json j = json::parse(s.out);
      if (!j["follow_up_id"].get<std::string>().empty()) follow_ups.push_back(j["follow_up_id"]);
    }
  }
};

}  // namespace

TEST_CASE("cli programs list names the ten built-in programs") {
  Db d;
  auto r = ctl(d.path, {"programs", "list", "--json"});
  REQUIRE(r.code == 0);
  const json j = json::parse(r.out);
  REQUIRE(j.size() == 10);
  CHECK(j[0]["id"] == "gi-early-cancer");
  CHECK(j[9]["id"] == "high-risk-pregnancy");
  auto text = ctl(d.path, {"--lang", "zh", "programs", "list"});
  CHECK(lines(text.out) == 10);
  CHECK(text.out.find("上消化道早癌筛查") != std::string::npos);
  auto show = ctl(d.path, {"programs", "show", "cataract"});
  CHECK(json::parse(show.out)["id"] == "cataract");
  auto unknown = ctl(d.path, {"programs", "show", "malaria"});
  CHECK(unknown.code == 2);
}

TEST_CASE("cli screen creates the loop and follow-up verbs move it") {
  Db d;
  REQUIRE(d.follow_ups.size() == 2);
  auto list = ctl(d.path, {"follow-up", "list", "--json", "--village", "540102001", "--to", "2099-01-01"});
  REQUIRE(list.code == 0);
  CHECK(json::parse(list.out).size() == 2);
  auto done = ctl(d.path, {"follow-up", "done", d.follow_ups[0], "--result", "复测血压150/95，已用药"});
  CHECK_MESSAGE(done.code == 0, done.err);
  auto again = ctl(d.path, {"follow-up", "done", d.follow_ups[0], "--result", "x"});
  CHECK(again.code == 2);
  CHECK(lines(again.err) == 1);
  CHECK(again.err.find("status") != std::string::npos);
  // The quarterly follow-up of a hypertensive patient replaces the done one.
  list = ctl(d.path, {"follow-up", "list", "--json", "--to", "2099-01-01"});
  CHECK(json::parse(list.out).size() == 2);
  CHECK(ctl(d.path, {"follow-up", "lost", d.follow_ups[1], "--reason", "外出务工"}).code == 0);
  CHECK(ctl(d.path, {"follow-up", "done", "01900000-0000-7000-8000-000000000000", "--result", "x"}).code == 1);
  // Ineligible patient: exit 2, nothing written.
  auto before = ctl(d.path, {"stats", "--json"});
  auto bad = ctl(d.path, {"screen", "--patient", d.patients[0], "--program", "scoliosis", "--answers", "{}"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("age") != std::string::npos);
  CHECK(ctl(d.path, {"stats", "--json"}).out == before.out);
}

TEST_CASE("cli export screening-list writes CSV and XLSX and refuses bad input without writing") {
  Db d;
  const std::string csv = d.dir.file("h.csv");
  auto r = ctl(d.path, {"export", "screening-list", "--program", "hypertension", "--format", "csv", "--out", csv,
                        "--result", "positive", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(json::parse(r.out)["rows"] == 2);
  const std::string text = slurp(csv);
  CHECK(text.substr(0, 3) == "\xEF\xBB\xBF");
  CHECK(lines(text) == 3);  // header + 2
  const std::string xlsx = d.dir.file("h.xlsx");
  r = ctl(d.path, {"export", "screening-list", "--program", "hypertension", "--format", "xlsx", "--out", xlsx});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  auto unzip = run({"/usr/bin/unzip", "-p", xlsx, "xl/worksheets/sheet1.xml"});
  REQUIRE(unzip.code == 0);
  int rows = 0;
  for (size_t p = 0; (p = unzip.out.find("<row ", p)) != std::string::npos; ++p) ++rows;
  CHECK(rows == 4);

  struct Bad {
    std::vector<std::string> args;
    const char* names;
  };
  const std::string out = d.dir.file("never.csv");
  const std::vector<Bad> bad{
      {{"--program", "malaria", "--format", "csv", "--out", out}, "program"},
      {{"--program", "hypertension", "--format", "pdf", "--out", out}, "format"},
      {{"--program", "hypertension", "--format", "csv", "--out", out, "--from", "2026-02-30"}, "from"},
      {{"--program", "hypertension", "--format", "csv", "--out", out, "--result", "maybe"}, "result"},
      {{"--program", "hypertension", "--format", "csv", "--out", d.dir.file("nodir/x.csv")}, "out"},
      {{"--program", "hypertension", "--format", "xlsx", "--out", d.dir.path()}, "out"},
  };
  for (const auto& b : bad) {
    std::vector<std::string> args{"export", "screening-list"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    auto e = ctl(d.path, args);
    CAPTURE(b.names);
    CHECK(e.code == 2);
    CHECK(lines(e.err) == 1);
    CHECK(e.err.find(b.names) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(out));
  for (const auto& e : std::filesystem::directory_iterator(d.dir.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("cli export follow-ups writes the worklist of a village") {
  Db d;
  const std::string csv = d.dir.file("fu.csv");
  auto r = ctl(d.path, {"--lang", "zh", "export", "follow-ups", "--village", "540102001001", "--format", "csv", "--out", csv,
                        "--as-of", "2099-01-01", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(json::parse(r.out)["rows"] == 2);
  CHECK(slurp(csv).find("逾期") != std::string::npos);  // as of 2099 both are overdue
  auto bad = ctl(d.path, {"export", "follow-ups", "--village", "54x", "--format", "csv", "--out", csv});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("village") != std::string::npos);
}

TEST_CASE("cli exports with --mask-ids show only the first 6 and last 4 characters of an ID number") {
  Db d;
  const std::string id = "540102198503020020";  // a woman born 1985-03-02
  auto add = ctl(d.path, {"patient", "add", "--name", "央金", "--sex", "F", "--id-number", id, "--village", "540102001001"});
  REQUIRE_MESSAGE(add.code == 0, add.err);
  const std::string pid = add.out.substr(0, add.out.find('\n'));
  REQUIRE(ctl(d.path, {"screen", "--patient", pid, "--program", "hypertension", "--answers",
                       json{{"sbp", 170}, {"dbp", 100}}.dump()}).code == 0);
  for (const char* verb : {"screening-list", "follow-ups"}) {
    CAPTURE(verb);
    std::vector<std::string> args{"export", verb, "--format", "csv"};
    if (std::string(verb) == "screening-list") args.insert(args.end(), {"--program", "hypertension"});
    else args.insert(args.end(), {"--as-of", "2099-01-01"});
    std::vector<std::string> whole = args, masked = args;
    whole.insert(whole.end(), {"--out", d.dir.file("whole.csv")});
    masked.insert(masked.end(), {"--out", d.dir.file("masked.csv"), "--mask-ids"});
    REQUIRE(ctl(d.path, whole).code == 0);
    auto m = ctl(d.path, masked);
    REQUIRE_MESSAGE(m.code == 0, m.err);
    CHECK(slurp(d.dir.file("whole.csv")).find(id) != std::string::npos);
    const std::string text = slurp(d.dir.file("masked.csv"));
    CHECK(text.find(id) == std::string::npos);
    CHECK(text.find("540102********0020") != std::string::npos);
  }
}

TEST_CASE("cli report as Markdown and JSON, exit codes for bad input") {
  Db d;
  auto md = ctl(d.path, {"--lang", "zh", "report"});
  REQUIRE_MESSAGE(md.code == 0, md.err);
  CHECK(md.out.find("# 工作量统计") != std::string::npos);
  auto j = ctl(d.path, {"report", "--format", "json", "--from", "2020-01-01", "--to", "2099-12-31"});
  REQUIRE(j.code == 0);
  const json rep = json::parse(j.out);
  CHECK(rep["scope"]["from"] == "2020-01-01");
  CHECK(rep["total"]["visits"] == 0);  // screenings outside a clinic day are not a day's work
  CHECK(json::parse(ctl(d.path, {"report", "--json"}).out).contains("total"));
  auto bad = ctl(d.path, {"report", "--from", "2026-13-01"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("from") != std::string::npos);
  CHECK(ctl(d.path, {"report", "--format", "pdf"}).code == 2);
  CHECK(ctl(d.path, {"report", "--day", "01900000-0000-7000-8000-000000000000"}).code == 1);
  CHECK(ctl(d.path, {"report", "--day", "x", "--from", "2026-01-01"}).code == 2);
}
