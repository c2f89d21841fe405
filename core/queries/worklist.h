#pragma once
// The follow-up worklist: one function for the question "which follow-ups,
// where, by when", asked by the field app's follow-up screen, yizhenctl
// (follow-ups list, export follow-ups) and the exports. Reads only; any
// connection.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/store/sql_reader.h"

namespace yz {

struct WorklistQuery {
  std::string place;    // village, township or county code prefix of the patient's village; empty: all
  std::string from;     // due on or after (YYYY-MM-DD); empty: no lower bound
  std::string until;    // due on or before; empty: no upper bound
  std::string as_of;    // "today" for overdue; empty: the caller must set it (Store::today)
  std::vector<std::string> statuses{"due", "overdue"};  // effective statuses to list
  std::string program;  // only follow-ups of screenings under this program; empty: all
  int64_t limit = 0;    // 0: no limit
};

struct WorklistRow {
  std::string follow_up_id, patient_id, name, sex, birth_date, id_number, phone;
  std::string name_native;  // in Tibetan or Uyghur script; empty when none
  std::string village_code, village_name, township_code, township_name;
  std::string due_date, reason, status;  // status as stored
  std::string effective_status;          // "overdue" when due before as_of
  int days_overdue = 0;
  int age = 0;                           // on as_of
  std::string program_id, screening_result, risk_grade, screened_on;
  int program_version = 0;
  std::string referral_id, referral_to, referral_status;
  std::string done_date, result;
};

// Check a query (dates, place code, statuses, program); throws ValidationError.
void check_worklist_query(SqlReader& db, const WorklistQuery& q);
// Rows in due-date order (then township, village, name), one call per row.
int64_t for_each_worklist_row(SqlReader& db, const WorklistQuery& q,
                              const std::function<void(const WorklistRow&)>& fn);
std::vector<WorklistRow> follow_up_worklist(SqlReader& db, const WorklistQuery& q);
// The same on a SQLite connection (the field app, yizhenctl).
inline void check_worklist_query(SQLite::Database& db, const WorklistQuery& q) {
  SqliteReader r(db);
  check_worklist_query(r, q);
}
inline int64_t for_each_worklist_row(SQLite::Database& db, const WorklistQuery& q,
                                     const std::function<void(const WorklistRow&)>& fn) {
  SqliteReader r(db);
  return for_each_worklist_row(r, q, fn);
}
inline std::vector<WorklistRow> follow_up_worklist(SQLite::Database& db, const WorklistQuery& q) {
  SqliteReader r(db);
  return follow_up_worklist(r, q);
}

}  // namespace yz
