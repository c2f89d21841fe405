// Export 10^5 screening rows to XLSX (DESIGN.md §7 bar: ≤ 5 s), and to CSV,
// through core/export.h exactly as `yizhenctl export screening-list` does.
// Reference in the same run: the same rows read with a bare SELECT of the
// raw columns and written as plain strings straight into libxlsxwriter
// (constant-memory mode, no labels, dates or formats) — the floor of any
// XLSX export of these rows.
//
//   export_xlsx DB [ROWS] [RUNS]
// DB is filled on first use with ROWS hypertension screenings (default 10^5)
// of 20,000 patients in two townships, through record_screening.

#include <SQLiteCpp/Statement.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/export.h"
#include "core/followup.h"
#include "core/store.h"

using namespace yz;
using Steady = std::chrono::steady_clock;

namespace {

double seconds_since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

void fill(Store& store, int rows) {
  const int patients = std::min(rows, 20000);
  std::vector<std::string> ids;
  store.transact([&](Writer& w) {
    w.create("place", {{"code", "540102001"}, {"name", "蔡公堂乡"}, {"level", "township"}});
    w.create("place", {{"code", "540102002"}, {"name", "纳金乡"}, {"level", "township"}});
    const char* names[] = {"扎西顿珠", "卓玛", "次仁央宗", "热依汗古丽·买买提", "王建国", "格桑曲珍"};
    for (int i = 0; i < patients; ++i)
      ids.push_back(w.create(
          "patient", {{"name", names[i % 6]},
                      {"sex", i % 2 ? "F" : "M"},
                      {"birth_date", std::to_string(1940 + i % 50) + "-0" + std::to_string(1 + i % 9) + "-1" +
                                         std::to_string(i % 10)},
                      {"village_code", std::string(i % 3 ? "540102001" : "540102002") + "00" + std::to_string(1 + i % 8)},
                      {"phone", "139" + std::to_string(10000000 + i)}}));
  });
  const int per_txn = 20000;
  for (int start = 0; start < rows; start += per_txn) {
    store.transact([&](Writer& w) {
      for (int i = start; i < std::min(rows, start + per_txn); ++i) {
        ScreeningInput in;
        in.patient_id = ids[i % patients];
        in.program_id = "hypertension";
        in.answers = {{"sbp", 100 + (i * 7) % 100}, {"dbp", 60 + (i * 3) % 55}};
        char at[32];
        std::snprintf(at, sizeof at, "2026-%02d-%02d 10:%02d", 1 + i % 10, 1 + i % 28, i % 60);
        in.screened_at = at;
        record_screening(store, w, in);
      }
    });
    std::fprintf(stderr, "\rfilled %d", std::min(rows, start + per_txn));
  }
  std::fprintf(stderr, "\n");
}

double reference(SQLite::Database& db, const std::string& out, int64_t& rows) {
  const auto t0 = Steady::now();
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_TRUE;
  lxw_workbook* wb = workbook_new_opt(out.c_str(), &opts);
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  SQLite::Statement st(db,
                       "SELECT s.screened_at, p.name, p.sex, p.birth_date, p.id_number, p.phone, p.village_code, "
                       "s.program_id, s.program_version, s.result, s.risk_grade, s.next_step, s.answers, s.patient_id, "
                       "s.id FROM screening s JOIN patient p ON p.id = s.patient_id WHERE s.program_id = 'hypertension'");
  rows = 0;
  while (st.executeStep()) {
    ++rows;
    for (int c = 0; c < st.getColumnCount(); ++c)
      if (!st.getColumn(c).isNull())
        worksheet_write_string(ws, static_cast<lxw_row_t>(rows), static_cast<lxw_col_t>(c),
                               st.getColumn(c).getText(), nullptr);
  }
  workbook_close(wb);
  return seconds_since(t0);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: export_xlsx DB [ROWS] [RUNS]\n");
    return 2;
  }
  const std::string db_path = argv[1];
  const int rows = argc > 2 ? std::atoi(argv[2]) : 100000;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 3;
  const bool fresh = !std::filesystem::exists(db_path);
  Store store = Store::open(db_path);
  if (fresh) fill(store, rows);
  SQLite::Database& db = store.db();
  const std::string dir = std::filesystem::path(db_path).parent_path().string();
  const std::string base = (dir.empty() ? std::string(".") : dir) + "/export_bench";

  ScreeningListQuery q;
  q.program = "hypertension";
  std::vector<double> xlsx, csv, ref;
  int64_t n = 0, nref = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Steady::now();
    n = export_screening_list(db, q, ExportFormat::xlsx, base + ".xlsx").rows;
    xlsx.push_back(seconds_since(t0));
    t0 = Steady::now();
    export_screening_list(db, q, ExportFormat::csv, base + ".csv");
    csv.push_back(seconds_since(t0));
    ref.push_back(reference(db, base + "_ref.xlsx", nref));
  }
  std::printf("rows %lld (reference %lld), runs %d, median seconds\n", static_cast<long long>(n),
              static_cast<long long>(nref), runs);
  std::printf("export screening-list xlsx  %.2f s  (%.1f MB)\n", median(xlsx),
              static_cast<double>(std::filesystem::file_size(base + ".xlsx")) / 1e6);
  std::printf("export screening-list csv   %.2f s  (%.1f MB)\n", median(csv),
              static_cast<double>(std::filesystem::file_size(base + ".csv")) / 1e6);
  std::printf("reference bare SELECT -> libxlsxwriter strings  %.2f s\n", median(ref));
  for (const char* ext : {".xlsx", ".csv", "_ref.xlsx"}) std::filesystem::remove(base + ext);
  return 0;
}
