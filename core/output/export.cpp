#include "core/output/export.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "core/domain/idcard.h"
#include "core/base/files.h"
#include "core/base/messages.h"
#include "core/care/follow_up.h"
#include "core/care/referral.h"
#include "core/care/screening.h"
#include "core/programs/programs.h"
#include "core/domain/validate.h"

namespace yz {

namespace fs = std::filesystem;

ExportFormat parse_export_format(std::string_view s) {
  if (s == "csv") return ExportFormat::csv;
  if (s == "xlsx") return ExportFormat::xlsx;
  throw ValidationError(FieldError{"format", "bad_format", {"csv|xlsx", std::string(s)}});
}

namespace {

// ===========================================================================
// Tables: a list of columns and rows of cells, written as CSV or XLSX.

enum class CellKind { empty, text, integer, number, date };

struct Cell {
  CellKind kind = CellKind::empty;
  std::string text;  // text, and date as YYYY-MM-DD
  double number = 0;
};

struct Column {
  const char* zh;
  const char* en;
  double width;  // in Excel character units (a CJK character is about 2)
};

// A sheet of a workbook: rows of one key, under a name.
struct Group {
  std::string key, name;
};

class TableSink {
 public:
  virtual ~TableSink() = default;
  // `group`: the township the row belongs to (township_group); a workbook
  // made with a sheet per township puts it there, other sinks ignore it.
  virtual void row(const std::vector<Cell>& cells, const Group& group = {}) = 0;
  virtual void finish() = 0;
};

[[noreturn]] void cannot_write(const std::string& path, const std::string& why) {
  throw ValidationError(FieldError{"out", "cannot_write", {path, why}});
}

// CSV as Excel in a Chinese locale opens it: UTF-8 with a BOM (without it
// Excel reads GBK and shows mojibake), CRLF, fields quoted when they hold a
// comma, quote or line break, and formula-like text neutralised (below). ID numbers stay plain text: the file is also
// read by programs; coordinators who want them intact in Excel use XLSX.
class CsvSink final : public TableSink {
 public:
  CsvSink(const std::string& path, const std::vector<Column>& cols, Lang lang) : path_(path) {
    buf_.resize(1 << 16);
    out_.rdbuf()->pubsetbuf(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) cannot_write(path, std::strerror(errno));
    out_ << "\xEF\xBB\xBF";
    std::vector<Cell> header;
    for (const auto& c : cols) header.push_back({CellKind::text, name_in(c, lang), 0});
    row(header);
  }
  void row(const std::vector<Cell>& cells, const Group& = {}) override {
    line_.clear();
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) line_ += ',';
      const Cell& c = cells[i];
      switch (c.kind) {
        case CellKind::empty: break;
        case CellKind::integer:
        case CellKind::number: {
          char b[32];
          std::snprintf(b, sizeof b, c.kind == CellKind::integer ? "%.0f" : "%.10g", c.number);
          line_ += b;
          break;
        }
        case CellKind::text:
        case CellKind::date: {
          // A text cell that a spreadsheet would take for a formula (OWASP
          // "CSV injection": = + - @ tab CR first) gets a leading quote and
          // stays text: a patient named =HYPERLINK(...) stays a name.
          const bool formula = !c.text.empty() && std::string_view("=+-@\t\r").find(c.text[0]) != std::string_view::npos;
          const std::string& text = formula ? (neutral_ = "'" + c.text) : c.text;
          if (!formula && text.find_first_of(",\"\r\n") == std::string::npos) {
            line_ += text;
          } else {
            line_ += '"';
            for (char ch : text) {
              if (ch == '"') line_ += '"';
              line_ += ch;
            }
            line_ += '"';
          }
          break;
        }
      }
    }
    line_ += "\r\n";
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }
  void finish() override {
    out_.flush();
    if (!out_) throw std::runtime_error("writing " + path_ + " failed (disk full?)");
    out_.close();
    if (!out_) throw std::runtime_error("writing " + path_ + " failed (disk full?)");
  }

 private:
  std::string path_;
  std::vector<char> buf_;
  std::ofstream out_;
  std::string line_, neutral_;
};

std::string sheet_name(const std::string& s) {
  // Excel sheet names: at most 31 characters (code points), none of []:*?/\ .
  std::string out;
  for (char c : utf8_prefix(s, 31))
    if (std::string_view("[]:*?/\\").find(c) == std::string_view::npos) out += c;
  return out;
}

// XLSX through libxlsxwriter in constant-memory mode: each row goes to a
// temporary file as it is written, so 10^5 or 10^6 rows need little memory.
class XlsxSink final : public TableSink {
 public:
  XlsxSink(const std::string& path, const std::vector<Column>& cols, Lang lang, std::string sheet, Sheets sheets)
      : path_(path), cols_(cols), lang_(lang), sheet_(std::move(sheet)), per_group_(sheets == Sheets::per_township) {
    lxw_workbook_options opts{};
    opts.constant_memory = LXW_TRUE;
    wb_ = workbook_new_opt(path.c_str(), &opts);
    if (!wb_) cannot_write(path, "cannot create the workbook");
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
    format_set_bg_color(header_, 0xD9E1F2);
    format_set_text_wrap(header_);
    date_ = workbook_add_format(wb_);
    format_set_num_format(date_, "yyyy-mm-dd");
    if (!per_group_) sheet_of(Group{});  // one sheet, even with no rows
  }
  ~XlsxSink() override {
    // Not finished (an error on the way): close quietly; the caller removes
    // the temporary file.
    if (wb_) workbook_close(wb_);
  }
  void row(const std::vector<Cell>& cells, const Group& group = {}) override {
    Sheet& sh = sheet_of(per_group_ ? group : Group{});
    if (sh.row >= LXW_ROW_MAX - 1) {
      close_sheet(sh);
      open_sheet(sh, sh.name + " (" + std::to_string(++sh.parts) + ")");
    }
    const lxw_row_t r = ++sh.row;
    for (size_t i = 0; i < cells.size(); ++i) {
      const Cell& c = cells[i];
      const auto col = static_cast<lxw_col_t>(i);
      switch (c.kind) {
        case CellKind::empty: break;
        case CellKind::text:
          if (!c.text.empty()) worksheet_write_string(sh.ws, r, col, c.text.c_str(), nullptr);
          break;
        case CellKind::integer:
        case CellKind::number: worksheet_write_number(sh.ws, r, col, c.number, nullptr); break;
        case CellKind::date: {
          if (c.text.size() != 10) break;
          lxw_datetime dt{std::atoi(c.text.c_str()), std::atoi(c.text.c_str() + 5), std::atoi(c.text.c_str() + 8),
                          0, 0, 0};
          worksheet_write_datetime(sh.ws, r, col, &dt, date_);
          break;
        }
      }
    }
  }
  void finish() override {
    if (sheets_.empty()) sheet_of(Group{});  // a workbook needs a sheet, even with no rows
    for (auto& [group, sh] : sheets_) close_sheet(sh);
    const lxw_error err = workbook_close(wb_);
    wb_ = nullptr;
    if (err != LXW_NO_ERROR) throw std::runtime_error("writing " + path_ + " failed: " + lxw_strerror(err));
  }

 private:
  struct Sheet {
    std::string name;
    lxw_worksheet* ws = nullptr;
    lxw_row_t row = 0;
    int parts = 1;
  };

  // The sheet of `group` (made on its first row): the list's own name for
  // the one sheet, else the township's, unique in the workbook.
  Sheet& sheet_of(const Group& group) {
    auto it = sheets_.find(group.key);
    if (it != sheets_.end()) return it->second;
    Sheet& sh = sheets_[group.key];
    const std::string base = group.key.empty() ? sheet_ : group.name;
    std::string name = sheet_name(base);
    for (int n = 2; !used_.insert(name).second; ++n)
      name = sheet_name(utf8_prefix(base, 24) + " (" + std::to_string(n) + ")");
    sh.name = name;
    open_sheet(sh, name);
    return sh;
  }
  void open_sheet(Sheet& sh, const std::string& name) {
    sh.ws = workbook_add_worksheet(wb_, name.c_str());
    sh.row = 0;
    for (size_t i = 0; i < cols_.size(); ++i) {
      const auto c = static_cast<lxw_col_t>(i);
      worksheet_set_column(sh.ws, c, c, cols_[i].width, nullptr);
    }
    worksheet_set_row(sh.ws, 0, 30, nullptr);
    for (size_t i = 0; i < cols_.size(); ++i)
      worksheet_write_string(sh.ws, 0, static_cast<lxw_col_t>(i), name_in(cols_[i], lang_), header_);
    worksheet_freeze_panes(sh.ws, 1, 0);
  }
  void close_sheet(Sheet& sh) {
    worksheet_autofilter(sh.ws, 0, 0, sh.row, static_cast<lxw_col_t>(cols_.size() - 1));
  }

  std::string path_;
  std::vector<Column> cols_;
  Lang lang_;
  std::string sheet_;
  bool per_group_;
  lxw_workbook* wb_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* date_ = nullptr;
  std::map<std::string, Sheet> sheets_;
  std::set<std::string> used_;
};

// The output file (core/files.h), with its failures as a bad --out.
class AtomicOutput {
 public:
  explicit AtomicOutput(const std::string& target) : file_(open(target)) {}
  const std::string& temp_path() const { return file_->temp_path(); }
  void commit() {
    try {
      file_->commit();
    } catch (const FileError& e) {
      cannot_write(e.path(), e.why());
    }
  }

 private:
  std::unique_ptr<AtomicFile> file_;

  static std::unique_ptr<AtomicFile> open(const std::string& target) {
    if (target.empty()) throw ValidationError(FieldError{"out", "required"});
    try {
      return std::make_unique<AtomicFile>(target);
    } catch (const FileError& e) {
      cannot_write(e.path(), e.why());
    }
  }
};

std::unique_ptr<TableSink> open_sink(ExportFormat f, const std::string& path, const std::vector<Column>& cols,
                                     Lang lang, const std::string& sheet, Sheets sheets) {
  if (f == ExportFormat::csv) return std::make_unique<CsvSink>(path, cols, lang);
  return std::make_unique<XlsxSink>(path, cols, lang, sheet, sheets);
}

// A row's township as a sheet: by code, named after it (its code when the
// place table does not know it; a sheet of its own for rows with none).
Group township_group(const std::string& code, const std::string& name, Lang lang) {
  if (code.empty()) return {"-", std::string(word("sheet.no_township", lang))};
  return {code, name.empty() ? code : name};
}

// The ID number column's header, which says when the numbers are masked.
Column id_number_column(IdNumbers ids) {
  return ids == IdNumbers::masked ? Column{"身份证号（已遮蔽：前6后4位）", "ID number (masked: first 6, last 4)", 20}
                                  : Column{"身份证号", "ID number", 20};
}

Cell text(std::string s) { return {CellKind::text, std::move(s), 0}; }
Cell text(std::string_view s) { return {CellKind::text, std::string(s), 0}; }
Cell integer(int64_t n) { return {CellKind::integer, {}, static_cast<double>(n)}; }
Cell date(std::string s) { return s.size() == 10 ? Cell{CellKind::date, std::move(s), 0} : Cell{}; }

std::string sex_label(std::string_view s, Lang lang) { return std::string(word("sex", s, lang)); }

// Programs by (id, version), looked up once per export.
class ProgramCache {
 public:
  explicit ProgramCache(SqlReader& db) : db_(db) {}
  const Program* get(const std::string& id, int version) {
    auto key = std::make_pair(id, version);
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(key, find_program(db_, id, version)).first;
    return it->second.get();
  }

 private:
  SqlReader& db_;
  std::map<std::pair<std::string, int>, ProgramPtr> cache_;
};

// "收缩压 182 mmHg；舒张压 104 mmHg；…" from stored answers.
std::string details(const Program& p, const std::string& answers_text, Lang lang) {
  if (answers_text.empty()) return {};
  const json a = json::parse(answers_text, nullptr, false);
  if (!a.is_object()) return {};
  const std::string_view sep = word("list_sep", lang);
  std::string out;
  for (const auto& f : p.fields) {
    auto it = a.find(f.id);
    if (it == a.end()) continue;
    if (!out.empty()) out += sep;
    out += f.label.in(lang) + " " + p.display(f.id, *it, lang);
    if (!f.unit.empty() && it->is_number()) out += (f.unit == "°" || f.unit == "%" ? "" : " ") + f.unit;
  }
  if (auto d = a.find("_derived"); d != a.end() && d->is_object())
    for (const auto& dv : p.derived) {
      auto it = d->find(dv.id);
      if (it == d->end() || it->is_null() || it->is_boolean() || dv.label.zh.empty()) continue;
      if (!out.empty()) out += sep;
      out += dv.label.in(lang) + " " + p.display(dv.id, *it, lang);
    }
  return out;
}

std::string shown_id(const std::string& number, IdNumbers ids) {
  return ids == IdNumbers::masked && !number.empty() ? mask_id_number(number) : number;
}


}  // namespace

void check_screening_list_query(SqlReader& db, const ScreeningListQuery& q) {
  if (q.program.empty()) throw ValidationError(FieldError{"program", "required"});
  if (!latest_program(db, q.program)) throw ValidationError(FieldError{"program", "unknown_program", {q.program}});
  if (!q.result.empty() &&
      std::find(kScreeningListResults.begin(), kScreeningListResults.end(), q.result) == kScreeningListResults.end()) {
    std::string options;
    for (const auto r : kScreeningListResults) options += (options.empty() ? "" : ", ") + std::string(r);
    throw ValidationError(FieldError{"result", "bad_option", {options}});
  }
  if (!q.township.empty()) {
    const auto checked = check_place_code("township", q.township);
    if (const auto* e = std::get_if<FieldError>(&checked)) throw ValidationError(*e);
  }
  check_date_arg("from", q.from);
  check_date_arg("to", q.to);
  if (!q.from.empty() && !q.to.empty() && q.from > q.to)
    throw ValidationError(FieldError{"from", "date_order", {q.from, q.to}});
}

ExportSummary export_screening_list(SqlReader& db, const ScreeningListQuery& q, ExportFormat format,
                                    const std::string& out_path, Lang lang, IdNumbers ids, Sheets sheets) {
  check_screening_list_query(db, q);
  AtomicOutput out(out_path);
  const std::vector<Column> cols{
      {"筛查日期", "Screened on", 11}, {"姓名", "Name", 12},
      {"民族文字姓名", "Name in native script", 16},                   {"性别", "Sex", 5},
      {"年龄", "Age", 5},              id_number_column(ids),          {"电话", "Phone", 13},
      {"乡镇", "Township", 12},        {"村", "Village", 12},          {"筛查项目", "Program", 20},
      {"版本", "Version", 5},          {"结果", "Result", 7},          {"风险分级", "Risk grade", 16},
      {"下一步", "Next step", 36},     {"筛查详情", "Details", 50},    {"转诊机构", "Referred to", 24},
      {"转诊状态", "Referral status", 9}, {"预约日期", "Appointment", 11}, {"随访日期", "Follow-up due", 11},
      {"随访状态", "Follow-up status", 9}, {"患者编号", "Patient id", 38}, {"筛查编号", "Screening id", 38},
  };
  ProgramCache programs(db);
  const Program* named = programs.get(q.program, latest_program(db, q.program)->version);
  auto sink = open_sink(format, out.temp_path(), cols, lang, named->name.in(lang), sheets);
  // The township of a patient is the first 9 digits of the village code;
  // names come from the place table when it knows them.
  auto st = db.prepare_many(R"SQL(
    SELECT s.id, s.patient_id, s.screened_at, p.name, p.sex, p.birth_date, COALESCE(p.id_number, ''),
           COALESCE(p.phone, ''),
           COALESCE((SELECT name FROM place WHERE code = substr(p.village_code, 1, 9) AND deleted = 0 LIMIT 1), ''),
           COALESCE((SELECT name FROM place WHERE code = p.village_code AND deleted = 0 LIMIT 1), ''),
           s.program_id, s.program_version, s.result, COALESCE(s.risk_grade, ''), COALESCE(s.next_step, ''),
           COALESCE(s.answers, ''), r.to_facility, r.status, r.appointment_date, f.due_date, f.status,
           COALESCE(p.name_native, ''), substr(COALESCE(p.village_code, ''), 1, 9)
    FROM screening s
    JOIN patient p ON p.id = s.patient_id AND p.deleted = 0
    LEFT JOIN referral r ON r.rid = (SELECT MIN(rid) FROM referral WHERE screening_id = s.id AND deleted = 0)
    LEFT JOIN follow_up f ON f.rid = (SELECT rid FROM follow_up WHERE screening_id = s.id AND deleted = 0
                                      ORDER BY due_date DESC, rid DESC LIMIT 1)
    WHERE s.deleted = 0 AND s.program_id = ?1
      AND (?2 = '' OR s.result = ?2 OR (?2 = 'abnormal' AND s.result IN ('positive', 'suspected')))
      AND (?3 = '' OR (p.village_code >= ?3 AND p.village_code < ?6))
      AND (?4 = '' OR s.screened_at >= ?4) AND (?5 = '' OR substr(s.screened_at, 1, 10) <= ?5)
    ORDER BY substr(COALESCE(p.village_code, ''), 1, 9), COALESCE(p.village_code, ''), p.name COLLATE BINARY,
             s.screened_at, s.rid
  )SQL");
  st->bind(1, q.program);
  st->bind(2, q.result);
  st->bind(3, q.township);
  st->bind(4, q.from);
  st->bind(5, q.to);
  st->bind(6, q.township + "\x7f");
  ExportSummary sum;
  std::vector<Cell> row(cols.size());
  while (st->step()) {
    const std::string at = st->text(2);
    const std::string day = at.substr(0, 10);
    const std::string birth = st->text(5);
    const Program* p = programs.get(st->text(10), static_cast<int>(st->int64(11)));
    const std::string grade = st->text(13);
    row[0] = date(day);
    row[1] = text(st->text(3));
    row[2] = text(st->text(21));
    row[3] = text(sex_label(st->text(4), lang));
    row[4] = birth.size() == 10 && day.size() == 10 ? integer(age_on(birth, day)) : Cell{};
    row[5] = text(shown_id(st->text(6), ids));
    row[6] = text(st->text(7));
    row[7] = text(st->text(8));
    row[8] = text(st->text(9));
    row[9] = text(p ? p->name.in(lang) : st->text(10));
    row[10] = integer(static_cast<int>(st->int64(11)));
    row[11] = text(result_label(st->text(12), lang));
    row[12] = text(p ? p->grade_label(grade, lang) : grade);
    row[13] = text(st->text(14));
    row[14] = text(p ? details(*p, st->text(15), lang) : st->text(15));
    row[15] = text(st->text(16));
    row[16] = text(referral_status_label(st->text(17), lang));
    row[17] = date(st->text(18));
    row[18] = date(st->text(19));
    row[19] = text(follow_up_status_label(st->text(20), lang));
    row[20] = text(st->text(1));
    row[21] = text(st->text(0));
    sink->row(row, township_group(st->text(22), st->text(8), lang));
    ++sum.rows;
  }
  sink->finish();
  sink.reset();
  out.commit();
  sum.path = out_path;
  return sum;
}

ExportSummary export_follow_ups(SqlReader& db, const WorklistQuery& q, ExportFormat format,
                                const std::string& out_path, Lang lang, IdNumbers ids, Sheets sheets) {
  check_worklist_query(db, q);
  AtomicOutput out(out_path);
  const std::vector<Column> cols{
      {"应随访日期", "Due", 11},        {"状态", "Status", 8},          {"逾期天数", "Days overdue", 8},
      {"姓名", "Name", 12},             {"民族文字姓名", "Name in native script", 16},
      {"性别", "Sex", 5},               {"年龄", "Age", 5},
      id_number_column(ids),            {"电话", "Phone", 13},          {"乡镇", "Township", 12},
      {"村", "Village", 12},            {"随访原因", "Reason", 30},     {"筛查项目", "Program", 20},
      {"筛查结果", "Result", 7},        {"风险分级", "Risk grade", 16}, {"筛查日期", "Screened on", 11},
      {"转诊机构", "Referred to", 24},  {"转诊状态", "Referral status", 9}, {"完成日期", "Done on", 11},
      {"随访结果", "Outcome", 30},      {"随访编号", "Follow-up id", 38}, {"患者编号", "Patient id", 38},
  };
  auto sink = open_sink(format, out.temp_path(), cols, lang, std::string(word("sheet.follow_ups", lang)), sheets);
  ProgramCache programs(db);
  std::vector<Cell> row(cols.size());
  ExportSummary sum;
  sum.rows = for_each_worklist_row(db, q, [&](const WorklistRow& r) {
    const Program* p = r.program_id.empty() ? nullptr : programs.get(r.program_id, r.program_version);
    row[0] = date(r.due_date);
    row[1] = text(follow_up_status_label(r.effective_status, lang));
    row[2] = r.days_overdue > 0 ? integer(r.days_overdue) : Cell{};
    row[3] = text(r.name);
    row[4] = text(r.name_native);
    row[5] = text(sex_label(r.sex, lang));
    row[6] = integer(r.age);
    row[7] = text(shown_id(r.id_number, ids));
    row[8] = text(r.phone);
    row[9] = text(r.township_name);
    row[10] = text(r.village_name);
    row[11] = text(r.reason);
    row[12] = text(p ? p->name.in(lang) : r.program_id);
    row[13] = text(result_label(r.screening_result, lang));
    row[14] = text(p ? p->grade_label(r.risk_grade, lang) : r.risk_grade);
    row[15] = date(r.screened_on);
    row[16] = text(r.referral_to);
    row[17] = text(referral_status_label(r.referral_status, lang));
    row[18] = date(r.done_date);
    row[19] = text(r.result);
    row[20] = text(r.follow_up_id);
    row[21] = text(r.patient_id);
    sink->row(row, township_group(r.township_code, r.township_name, lang));
  });
  sink->finish();
  sink.reset();
  out.commit();
  sum.path = out_path;
  return sum;
}

}  // namespace yz
