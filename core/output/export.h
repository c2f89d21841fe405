#pragma once
// Coordinators' exports (DESIGN.md §1, §6): the screening list (who needs
// endoscopy, echo, surgery, follow-up) and the follow-up worklist, as CSV
// (UTF-8 with a BOM so Excel shows Chinese, CRLF, RFC 4180 quoting) or XLSX
// (libxlsxwriter: Chinese headers, frozen header row, autofilter, real
// dates, column widths). The CLI and the app call the same functions.
//
// Nothing is written on bad input: the query is checked first, the file is
// written under a temporary name in the target folder and renamed into place
// only when complete, so a failure leaves no partial file and an existing file
// is replaced whole or not at all.
//
// Errors: ValidationError (unknown program, bad dates or place code, an output
// path that cannot be written: field "out"), SQLite::Exception.

#include <SQLiteCpp/Database.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/errors.h"
#include "core/queries/worklist.h"

namespace yz {

enum class ExportFormat { csv, xlsx };
// Whether the ID number column holds the whole number or only its first 6
// and last 4 characters (core/domain/idcard.h mask_id_number); its header
// says so when masked.
enum class IdNumbers { whole, masked };
// A workbook (XLSX) with all rows on one sheet, or a sheet per township
// (named after it; rows without a known township on a sheet of their own).
// CSV is always one table.
enum class Sheets { one, per_township };

// "csv" / "xlsx"; anything else is a ValidationError on field "format".
ExportFormat parse_export_format(std::string_view s);

// The values a screening list may be filtered by (ScreeningListQuery::result),
// in the order a person picks from; each has its words in core's catalogue
// (core/care/screening.h result_label).
inline constexpr std::array<std::string_view, 5> kScreeningListResults = {"abnormal", "positive", "suspected",
                                                                         "negative", "incomplete"};

struct ScreeningListQuery {
  std::string program;   // program id (required)
  std::string result;    // negative | positive | suspected | incomplete | abnormal (positive or suspected); empty: all
  std::string township;  // code prefix (county, township or village) of the patient's village; empty: all
  std::string from, to;  // screening dates, inclusive (YYYY-MM-DD); empty: open
};

struct ExportSummary {
  int64_t rows = 0;
  std::string path;
};

// Check a screening-list query; throws ValidationError.
void check_screening_list_query(SqlReader& db, const ScreeningListQuery& q);

// One row per screening, ordered by township, village, name and time. Columns
// (zh headers, or en with Lang::en): screening date, name, name in Tibetan
// or Uyghur script (UTF-8, as typed), sex, age at
// screening, ID number, phone, township, village, program, version, result,
// risk grade, next step, details (answers and derived values, labelled),
// referral facility, referral status, appointment date, follow-up due date,
// follow-up status, patient id, screening id.
// Over any engine (core/store/sql_reader.h); the SQLite overloads below
// are for the field app and yizhenctl.
ExportSummary export_screening_list(SqlReader& db, const ScreeningListQuery& q, ExportFormat format,
                                    const std::string& out_path, Lang lang = Lang::zh,
                                    IdNumbers ids = IdNumbers::whole, Sheets sheets = Sheets::one);
inline ExportSummary export_screening_list(SQLite::Database& db, const ScreeningListQuery& q, ExportFormat format,
                                           const std::string& out_path, Lang lang = Lang::zh,
                                           IdNumbers ids = IdNumbers::whole, Sheets sheets = Sheets::one) {
  SqliteReader r(db);
  return export_screening_list(r, q, format, out_path, lang, ids, sheets);
}
inline void check_screening_list_query(SQLite::Database& db, const ScreeningListQuery& q) {
  SqliteReader r(db);
  check_screening_list_query(r, q);
}

// The follow-up worklist of core/followup.h: due date, status (overdue as of
// q.as_of), days overdue, name, name in native script, sex, age, ID number, phone, township,
// village, reason, program, result, grade, screening date, referral, ids.
ExportSummary export_follow_ups(SqlReader& db, const WorklistQuery& q, ExportFormat format,
                                const std::string& out_path, Lang lang = Lang::zh, IdNumbers ids = IdNumbers::whole,
                                Sheets sheets = Sheets::one);
inline ExportSummary export_follow_ups(SQLite::Database& db, const WorklistQuery& q, ExportFormat format,
                                       const std::string& out_path, Lang lang = Lang::zh,
                                       IdNumbers ids = IdNumbers::whole, Sheets sheets = Sheets::one) {
  SqliteReader r(db);
  return export_follow_ups(r, q, format, out_path, lang, ids, sheets);
}

}  // namespace yz
