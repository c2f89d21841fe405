// Exports read back: the CSV parsed, the XLSX unzipped (unzip -p) and its
// sheet XML read, and both compared with counts and ids taken straight from
// the tables with SQL written here; filters; bad input and unwritable paths
// leave nothing behind.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/support/process.h"
#include "core/base/clock.h"
#include "core/output/export.h"
#include "core/care/follow_up.h"
#include "core/care/referral.h"
#include "core/care/screening.h"
#include "core/queries/worklist.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz::test::TempDir;
using yz_test::first_error;

namespace {

// RFC 4180 CSV, parsed independently of the writer.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(field), field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(field), field.clear();
      rows.push_back(row), row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  (void)any;
  if (!field.empty() || !row.empty()) row.push_back(field), rows.push_back(row);
  return rows;
}

std::string unzip(const std::string& xlsx, const std::string& member) {
  auto r = yz::test::run({"/usr/bin/unzip", "-p", xlsx, member});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return r.out;
}

// Rows of a worksheet: column letters -> value (inline string text or <v>),
// plus "@s" -> the style index of column A.
std::vector<std::map<std::string, std::string>> parse_sheet(const std::string& xml) {
  std::vector<std::map<std::string, std::string>> rows;
  size_t pos = 0;
  while ((pos = xml.find("<row ", pos)) != std::string::npos) {
    const size_t end = xml.find("</row>", pos);
    const std::string row = xml.substr(pos, end - pos);
    std::map<std::string, std::string> cells;
    size_t c = 0;
    while ((c = row.find("<c r=\"", c)) != std::string::npos) {
      const size_t ref_end = row.find('"', c + 6);
      std::string ref = row.substr(c + 6, ref_end - c - 6);
      std::string col;
      for (char ch : ref)
        if (ch >= 'A' && ch <= 'Z') col += ch;
      const size_t close = row.find("</c>", c);
      const std::string cell = row.substr(c, close - c);
      std::string value;
      if (auto t = cell.find("<t>"); t != std::string::npos) value = cell.substr(t + 3, cell.find("</t>") - t - 3);
      else if (auto v = cell.find("<v>"); v != std::string::npos) value = cell.substr(v + 3, cell.find("</v>") - v - 3);
      if (col == "A") {
        auto s = cell.find(" s=\"");
        cells["@s"] = s == std::string::npos ? "" : cell.substr(s + 4, cell.find('"', s + 4) - s - 4);
        cells["@t"] = cell.find("t=\"inlineStr\"") == std::string::npos ? "n" : "s";
      }
      cells[col] = value;
      c = close;
    }
    rows.push_back(std::move(cells));
    pos = end;
  }
  return rows;
}

// Days since 1899-12-30, the Excel date serial, computed with <chrono>.
int excel_serial(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return (sys_days{year{y} / month{m} / day{d}} - sys_days{year{1899} / December / day{30}}).count();
}

struct Data {
  TempDir dir;
  std::string path = dir.file("x.db");
  ManualClock clock{ms_of_date("2026-06-10") + 9 * 3600 * 1000LL};
  Store store = open();
  Store open() {
    StoreOptions o;
    o.clock = &clock;
    return open_store(path, o);
  }
  Data() {
    store.transact([&](Writer& w) {
      w.create("place", {{"code", "540102001"}, {"name", "蔡公堂乡"}, {"level", "township"}});
      w.create("place", {{"code", "540102001001"}, {"name", "白定村"}, {"level", "village"}});
      w.create("place", {{"code", "540602003"}, {"name", "罗玛镇"}, {"level", "township"}});
      const char* villages[] = {"540102001001", "540102001002", "540602003001"};
      const char* names[] = {"扎西顿珠", "卓玛", "热依汗古丽·买买提", "次仁, \"小\"", "王建国"};
      for (int i = 0; i < 90; ++i) {
        const std::string pid =
            w.create("patient", {{"name", std::string(names[i % 5])},
                                 {"sex", i % 2 ? "F" : "M"},
                                 {"birth_date", std::to_string(1950 + i % 30) + "-0" + std::to_string(1 + i % 9) + "-15"},
                                 {"village_code", villages[i % 3]}});
        ScreeningInput in;
        in.patient_id = pid;
        in.program_id = "hypertension";
        in.answers = {{"sbp", 110 + (i * 7) % 90}, {"dbp", 70 + (i * 3) % 40}};
        if (i % 17 == 0) in.answers.erase("dbp");  // incomplete
        in.screened_at = "2026-05-" + std::string(i % 9 < 9 ? "0" : "") + std::to_string(1 + i % 9) + " 10:30";
        record_screening(store, w, in);
        if (i % 4 == 0) {
          in.program_id = "tuberculosis";
          in.answers = {{"cough_2w", i % 8 == 0}, {"hemoptysis", false}};
          record_screening(store, w, in);
        }
      }
    });
  }
  int64_t count(const std::string& where) {
    return store.db()
        .execAndGet("SELECT COUNT(*) FROM screening s JOIN patient p ON p.id = s.patient_id WHERE " + where)
        .getInt64();
  }
  std::set<std::string> ids(const std::string& where) {
    std::set<std::string> out;
    SQLite::Statement st(store.db(), "SELECT s.id FROM screening s JOIN patient p ON p.id = s.patient_id WHERE " + where);
    while (st.executeStep()) out.insert(st.getColumn(0).getString());
    return out;
  }
};

}  // namespace

TEST_CASE("export: screening list as CSV has a BOM, Chinese headers and every row once") {
  Data d;
  ScreeningListQuery q;
  q.program = "hypertension";
  const std::string out = d.dir.file("list.csv");
  const ExportSummary s = export_screening_list(d.store.db(), q, ExportFormat::csv, out);
  const std::string text = yz::test::slurp(out);
  REQUIRE(text.size() > 3);
  CHECK(text.substr(0, 3) == "\xEF\xBB\xBF");
  const auto rows = parse_csv(text.substr(3));
  const int64_t expected = d.count("s.program_id = 'hypertension'");
  CHECK(expected == 90);
  CHECK(s.rows == expected);
  REQUIRE(rows.size() == static_cast<size_t>(expected + 1));
  CHECK(rows[0][0] == "筛查日期");
  CHECK(rows[0][1] == "姓名");
  std::set<std::string> got;
  for (size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == rows[0].size());
    got.insert(rows[i].back());
  }
  CHECK(got == d.ids("s.program_id = 'hypertension'"));
  // A name with a comma and quotes survives the round trip.
  bool quoted_name = false;
  for (const auto& r : rows) quoted_name |= r[1] == "次仁, \"小\"";
  CHECK(quoted_name);
  // Every positive row names its grade and its follow-up date.
  for (size_t i = 1; i < rows.size(); ++i)
    if (rows[i][11] == "阳性") {
      CHECK_FALSE(rows[i][12].empty());
      CHECK(rows[i][18].size() == 10);
    }
}

TEST_CASE("export: screening list as XLSX, unzipped and read back") {
  Data d;
  ScreeningListQuery q;
  q.program = "hypertension";
  q.result = "positive";
  const std::string out = d.dir.file("list.xlsx");
  const ExportSummary s = export_screening_list(d.store.db(), q, ExportFormat::xlsx, out);
  const std::string xml = unzip(out, "xl/worksheets/sheet1.xml");
  const auto rows = parse_sheet(xml);
  const std::string where = "s.program_id = 'hypertension' AND s.result = 'positive'";
  REQUIRE(rows.size() == static_cast<size_t>(d.count(where) + 1));
  CHECK(s.rows == d.count(where));
  CHECK(rows[0].at("A") == "筛查日期");
  CHECK(rows[0].at("B") == "姓名");
  CHECK(rows[0].at("C") == "民族文字姓名");
  CHECK(rows[0].at("L") == "结果");
  // Frozen header row and an autofilter over it.
  CHECK(xml.find("state=\"frozen\"") != std::string::npos);
  CHECK(xml.find("<autoFilter") != std::string::npos);
  CHECK(xml.find("<cols>") != std::string::npos);  // column widths
  std::set<std::string> got;
  for (size_t i = 1; i < rows.size(); ++i) {
    got.insert(rows[i].at("V"));
    CHECK(rows[i].at("L") == "阳性");
    // Screening dates are real dates: numbers with a date style.
    CHECK(rows[i].at("@t") == "n");
    CHECK_FALSE(rows[i].at("@s").empty());
    const int serial = std::stoi(rows[i].at("A"));
    CHECK(serial >= excel_serial(2026, 5, 1));
    CHECK(serial <= excel_serial(2026, 5, 9));
  }
  CHECK(got == d.ids(where));
  // The date style is yyyy-mm-dd.
  CHECK(unzip(out, "xl/styles.xml").find("yyyy-mm-dd") != std::string::npos);
  // Sheet named after the program.
  CHECK(unzip(out, "xl/workbook.xml").find("高血压筛查") != std::string::npos);
}

TEST_CASE("export: a workbook with a sheet per township, its ID column masked and saying so") {
  Data d;
  ScreeningListQuery q;
  q.program = "hypertension";
  const std::string out = d.dir.file("by_township.xlsx");
  const ExportSummary s =
      export_screening_list(d.store.db(), q, ExportFormat::xlsx, out, Lang::zh, IdNumbers::masked, Sheets::per_township);
  const std::string book = unzip(out, "xl/workbook.xml");
  CHECK(book.find("name=\"蔡公堂乡\"") != std::string::npos);
  CHECK(book.find("name=\"罗玛镇\"") != std::string::npos);
  // Each sheet holds its township's rows (column H), and together every row.
  int64_t rows = 0;
  std::set<std::string> townships;
  for (const char* sheet : {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}) {
    const auto table = parse_sheet(unzip(out, sheet));
    REQUIRE(table.size() > 1);
    CHECK(table[0].at("F") == "身份证号（已遮蔽：前6后4位）");
    const std::string township = table[1].at("H");
    CHECK(townships.insert(township).second);
    for (size_t i = 1; i < table.size(); ++i) {
      CHECK(table[i].at("H") == township);
      if (table[i].count("F")) CHECK(table[i].at("F").find("********") != std::string::npos);
    }
    rows += static_cast<int64_t>(table.size()) - 1;
  }
  CHECK(rows == s.rows);
  CHECK(s.rows == d.count("s.program_id = 'hypertension'"));
  CHECK(townships == std::set<std::string>{"蔡公堂乡", "罗玛镇"});
  // The same list as CSV is one table, its header saying the same.
  const std::string csv = d.dir.file("masked.csv");
  WorklistQuery fq;
  fq.as_of = "2026-06-10";
  export_follow_ups(d.store.db(), fq, ExportFormat::csv, csv, Lang::en, IdNumbers::masked, Sheets::per_township);
  CHECK(yz::test::slurp(csv).find("ID number (masked: first 6, last 4)") != std::string::npos);
  // Follow-ups come by due date, their townships interleaved: each row still
  // lands on its township's sheet (column J).
  fq.statuses = {"due", "overdue", "done", "lost"};
  const std::string fu = d.dir.file("fu.xlsx");
  const int64_t fu_rows =
      export_follow_ups(d.store.db(), fq, ExportFormat::xlsx, fu, Lang::zh, IdNumbers::whole, Sheets::per_township).rows;
  REQUIRE(fu_rows > 2);
  int64_t seen = 0;
  for (const char* sheet : {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}) {
    const auto table = parse_sheet(unzip(fu, sheet));
    for (size_t i = 1; i < table.size(); ++i) CHECK(table[i].at("J") == table[1].at("J"));
    seen += static_cast<int64_t>(table.size()) - 1;
  }
  CHECK(seen == fu_rows);
}

TEST_CASE("export: screening list filters by result, township and date range") {
  Data d;
  auto rows = [&](ScreeningListQuery q) {
    const std::string out = d.dir.file("f.csv");
    export_screening_list(d.store.db(), q, ExportFormat::csv, out);
    return static_cast<int64_t>(parse_csv(yz::test::slurp(out).substr(3)).size()) - 1;
  };
  ScreeningListQuery q;
  q.program = "hypertension";
  q.result = "abnormal";
  CHECK(rows(q) == d.count("s.program_id = 'hypertension' AND s.result IN ('positive', 'suspected')"));
  q.result = "incomplete";
  CHECK(rows(q) == d.count("s.program_id = 'hypertension' AND s.result = 'incomplete'"));
  CHECK(rows(q) > 0);
  q.result.clear();
  q.township = "540102001";
  CHECK(rows(q) == d.count("s.program_id = 'hypertension' AND p.village_code LIKE '540102001%'"));
  q.township = "540602";
  CHECK(rows(q) == d.count("s.program_id = 'hypertension' AND p.village_code LIKE '540602%'"));
  q.township.clear();
  q.from = "2026-05-03";
  q.to = "2026-05-05";
  CHECK(rows(q) == d.count("s.program_id = 'hypertension' AND s.screened_at >= '2026-05-03' AND "
                           "s.screened_at < '2026-05-06'"));
  q.program = "tuberculosis";
  q.from = q.to = "";
  CHECK(rows(q) == d.count("s.program_id = 'tuberculosis'"));
}

TEST_CASE("export: bad input and unwritable paths write nothing") {
  Data d;
  ScreeningListQuery q;
  q.program = "hypertension";
  const std::string out = d.dir.file("keep.csv");
  {
    std::ofstream f(out);
    f << "old";
  }
  auto fails = [&](ScreeningListQuery bad, const std::string& path, ExportFormat f = ExportFormat::csv) {
    const FieldError e = first_error([&] { export_screening_list(d.store.db(), bad, f, path); });
    return e;
  };
  ScreeningListQuery bad = q;
  bad.program = "malaria";
  CHECK(fails(bad, out).code == "unknown_program");
  bad = q;
  bad.from = "2026-02-30";
  CHECK(fails(bad, out).field == "from");
  bad = q;
  bad.from = "2026-06-01";
  bad.to = "2026-05-01";
  CHECK(fails(bad, out).code == "date_order");
  bad = q;
  bad.result = "maybe";
  CHECK(fails(bad, out).field == "result");
  bad = q;
  bad.township = "54x";
  CHECK(fails(bad, out).field == "township");
  CHECK(yz::test::slurp(out) == "old");  // untouched
  CHECK(fails(q, d.dir.file("no/such/dir/list.csv")).field == "out");
  CHECK(fails(q, d.dir.path(), ExportFormat::xlsx).field == "out");  // a folder
  CHECK(first_error([&] { parse_export_format("pdf"); }).field == "format");
  // No temporary files left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(d.dir.path()))
    files += e.path().filename().string().find(".tmp-") != std::string::npos;
  CHECK(files == 0);
}

TEST_CASE("export: follow-up worklist as CSV and XLSX equals the open follow-ups of the area") {
  Data d;
  WorklistQuery q;
  q.as_of = "2026-06-10";
  q.place = "540102001";
  const std::string where =
      "f.status IN ('due', 'overdue') AND p.village_code LIKE '540102001%' AND f.deleted = 0";
  const int64_t expected =
      d.store.db()
          .execAndGet("SELECT COUNT(*) FROM follow_up f JOIN patient p ON p.id = f.patient_id WHERE " + where)
          .getInt64();
  const int64_t overdue =
      d.store.db()
          .execAndGet("SELECT COUNT(*) FROM follow_up f JOIN patient p ON p.id = f.patient_id WHERE " + where +
                      " AND f.due_date < '2026-06-10'")
          .getInt64();
  REQUIRE(expected > 0);
  REQUIRE(overdue > 0);
  const std::string csv = d.dir.file("fu.csv");
  CHECK(export_follow_ups(d.store.db(), q, ExportFormat::csv, csv).rows == expected);
  const auto rows = parse_csv(yz::test::slurp(csv).substr(3));
  REQUIRE(rows.size() == static_cast<size_t>(expected + 1));
  CHECK(rows[0][0] == "应随访日期");
  int64_t overdue_rows = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    overdue_rows += rows[i][1] == "逾期";
    if (i > 1) CHECK(rows[i - 1][0] <= rows[i][0]);  // due-date order
  }
  CHECK(overdue_rows == overdue);
  const std::string xlsx = d.dir.file("fu.xlsx");
  CHECK(export_follow_ups(d.store.db(), q, ExportFormat::xlsx, xlsx, Lang::en).rows == expected);
  const auto sheet = parse_sheet(unzip(xlsx, "xl/worksheets/sheet1.xml"));
  REQUIRE(sheet.size() == static_cast<size_t>(expected + 1));
  CHECK(sheet[0].at("A") == "Due");
  CHECK(unzip(xlsx, "xl/workbook.xml").find("Follow-ups") != std::string::npos);
}

TEST_CASE("export: names in Tibetan and Uyghur script, byte for byte in their own column (CSV and XLSX)") {
  Data d;
  const std::string tibetan = "བཀྲ་ཤིས་སྒྲོལ་མ", uyghur = "رەيھانگۈل ئابدۇللا";
  d.store.transact([&](Writer& w) {
    for (const auto& [name, native] : {std::pair{"扎西卓玛", tibetan}, std::pair{"热依汗古丽", uyghur}}) {
      const std::string pid = w.create("patient", {{"name", name}, {"name_native", native}, {"sex", "F"},
                                                   {"birth_date", "1970-03-15"}, {"village_code", "540102001001"}});
      ScreeningInput in;
      in.patient_id = pid;
      in.program_id = "hypertension";
      in.answers = {{"sbp", 182}, {"dbp", 104}};  // positive: a follow-up is due
      in.screened_at = "2026-05-20 10:30";
      record_screening(d.store, w, in);
    }
  });
  // name -> native name, as each export shows them.
  auto natives_csv = [](const std::string& text, size_t name_col) {
    std::map<std::string, std::string> out;
    const auto rows = parse_csv(text.substr(3));
    REQUIRE(rows.size() > 1);
    for (size_t i = 1; i < rows.size(); ++i)
      if (!rows[i][name_col + 1].empty()) out[rows[i][name_col]] = rows[i][name_col + 1];
    return out;
  };
  const std::map<std::string, std::string> expected{{"扎西卓玛", tibetan}, {"热依汗古丽", uyghur}};

  ScreeningListQuery q;
  q.program = "hypertension";
  const std::string csv = d.dir.file("s.csv");
  export_screening_list(d.store.db(), q, ExportFormat::csv, csv);
  const std::string text = yz::test::slurp(csv);
  CHECK(parse_csv(text.substr(3))[0][2] == "民族文字姓名");
  CHECK(natives_csv(text, 1) == expected);

  WorklistQuery fq;
  fq.as_of = "2026-06-10";
  fq.statuses = {"due", "overdue"};
  const std::string fcsv = d.dir.file("f.csv");
  export_follow_ups(d.store.db(), fq, ExportFormat::csv, fcsv, Lang::en);
  const std::string ftext = yz::test::slurp(fcsv);
  CHECK(parse_csv(ftext.substr(3))[0][4] == "Name in native script");
  CHECK(natives_csv(ftext, 3) == expected);

  const std::string xlsx = d.dir.file("s.xlsx");
  export_screening_list(d.store.db(), q, ExportFormat::xlsx, xlsx);
  std::map<std::string, std::string> got;
  for (const auto& r : parse_sheet(unzip(xlsx, "xl/worksheets/sheet1.xml")))
    if (r.count("C") && !r.at("C").empty() && r.at("C") != "民族文字姓名") got[r.at("B")] = r.at("C");
  CHECK(got == expected);
}
