// Export 10^5 screening rows to XLSX (DESIGN.md §7 bar: ≤ 5 s), and to CSV,
// through core/export.h exactly as `yizhenctl export screening-list` does.
//
//   export_xlsx [--benchmark_*] DB [ROWS=100000]
//
// DB is filled on first use with ROWS hypertension screenings of up to
// 20,000 patients in two townships, through record_screening, and kept for
// later runs.
//
// Reference, same run: the same rows read with a bare SELECT of the raw
// columns and written as plain strings straight into libxlsxwriter
// (constant-memory mode, no labels, dates or formats) -- the floor of any
// XLSX export of these rows.

#include <SQLiteCpp/Statement.h>
#include <xlsxwriter.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "core/output/export.h"
#include "core/care/screening.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"

using namespace yz;

namespace {

struct Setup {
  std::unique_ptr<Store> store;
  int64_t rows = 0;
} g;

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

int64_t bare_select_to_xlsx(SQLite::Database& db, const std::string& out) {
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_TRUE;
  lxw_workbook* wb = workbook_new_opt(out.c_str(), &opts);
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  SQLite::Statement st(db,
                       "SELECT s.screened_at, p.name, p.sex, p.birth_date, p.id_number, p.phone, p.village_code, "
                       "s.program_id, s.program_version, s.result, s.risk_grade, s.next_step, s.answers, s.patient_id, "
                       "s.id FROM screening s JOIN patient p ON p.id = s.patient_id WHERE s.program_id = 'hypertension'");
  int64_t rows = 0;
  while (st.executeStep()) {
    ++rows;
    for (int c = 0; c < st.getColumnCount(); ++c)
      if (!st.getColumn(c).isNull())
        worksheet_write_string(ws, static_cast<lxw_row_t>(rows), static_cast<lxw_col_t>(c),
                               st.getColumn(c).getText(), nullptr);
  }
  workbook_close(wb);
  return rows;
}

void export_list(benchmark::State& state, ExportFormat format, const std::string& key) {
  const std::string out = yzb::scratch_dir() + "/list." + key;
  ScreeningListQuery q;
  q.program = "hypertension";
  int64_t rows = 0;
  for (auto _ : state) {
    const auto t0 = yzb::Clock::now();
    rows = export_screening_list(g.store->db(), q, format, out).rows;
    yzb::result("export_" + key + "_s", yzb::seconds_since(t0), "s");
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["MB"] = static_cast<double>(std::filesystem::file_size(out)) / 1e6;
  yzb::result("export_rows", static_cast<double>(rows), "rows");
}

void reference(benchmark::State& state) {
  const std::string out = yzb::scratch_dir() + "/bare.xlsx";
  int64_t rows = 0;
  for (auto _ : state) {
    const auto t0 = yzb::Clock::now();
    rows = bare_select_to_xlsx(g.store->db(), out);
    yzb::result("bare_select_to_xlsx_s", yzb::seconds_since(t0), "s");
  }
  state.counters["rows"] = static_cast<double>(rows);
}

bool setup(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(stderr, "usage: export_xlsx [--benchmark_*] DB [ROWS]\n");
    return false;
  }
  const int rows = args.size() > 1 ? std::stoi(args[1]) : 100000;
  const bool fresh = !std::filesystem::exists(args[0]);
  g.store = std::make_unique<Store>(open_store(args[0]));
  if (fresh) fill(*g.store, rows);
  benchmark::RegisterBenchmark("export_screening_list/xlsx", export_list, ExportFormat::xlsx, std::string("xlsx"))
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("export_screening_list/csv", export_list, ExportFormat::csv, std::string("csv"))
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("bare_select_to_xlsx_reference", reference)->Iterations(1)->Unit(benchmark::kMillisecond);
  return true;
}

}  // namespace

int main(int argc, char** argv) { return yzb::run(argc, argv, setup); }
