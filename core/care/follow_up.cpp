#include "core/care/follow_up.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "core/base/clock.h"
#include "core/base/messages.h"
#include "core/care/status_access.h"
#include "core/domain/validate.h"
#include "core/programs/programs.h"
#include "core/store/column_text.h"

namespace yz {

namespace {


struct Row {
  std::string status, due_date, screening_id;
};

Row follow_up_row(SQLite::Database& db, std::string_view id) {
  SQLite::Statement st(db, "SELECT status, due_date, COALESCE(screening_id, '') FROM follow_up "
                           "WHERE id = ? AND deleted = 0");
  st.bind(1, std::string(id));
  if (!st.executeStep()) throw NotFound("follow_up", std::string(id));
  return {column_text(st, 0), column_text(st, 1), column_text(st, 2)};
}

std::string today_or(Store& store, std::string_view date) { return date.empty() ? store.today() : std::string(date); }

}  // namespace

void check_date_arg(std::string_view field, std::string_view value) {
  if (value.empty()) return;
  if (!is_real_date(value)) throw ValidationError(FieldError{std::string(field), "bad_date", {std::string(value)}});
}


std::string create_follow_up(Writer& w, const json& fields) { return w.create("follow_up", fields); }

std::string complete_follow_up(Store& store, Writer& w, std::string_view id, std::string_view result,
                               std::string_view done_date) {
  SQLite::Database& db = store.db();
  const Row row = follow_up_row(db, id);
  check_transition("follow_up", row.status, "done");
  const std::string text = trim(result);
  if (text.empty()) throw ValidationError(FieldError{"result", "required"});
  check_date_arg("done_date", done_date);
  const std::string done = today_or(store, done_date);
  move_status(w, "follow_up", id, row.status, "done", {{"result", text}, {"done_date", done}});

  // A chronic patient's next periodic follow-up.
  if (row.screening_id.empty()) return {};
  SQLite::Statement sc(db, "SELECT patient_id, program_id, program_version, result FROM screening "
                           "WHERE id = ? AND deleted = 0");
  sc.bind(1, row.screening_id);
  if (!sc.executeStep()) return {};
  ProgramPtr p = find_program(db, column_text(sc, 1), sc.getColumn(2).getInt());
  if (!p || !p->chronic) return {};
  const auto& results = p->chronic->results;
  if (std::find(results.begin(), results.end(), column_text(sc, 3)) == results.end()) return {};
  return create_follow_up(w, {{"patient_id", column_text(sc, 0)},
                              {"screening_id", row.screening_id},
                              {"due_date", add_days(done, p->chronic->every_days)},
                              {"reason", p->chronic->reason.zh}});
}

void mark_follow_up_lost(Store& store, Writer& w, std::string_view id, std::string_view reason) {
  const Row row = follow_up_row(store.db(), id);
  check_transition("follow_up", row.status, "lost");
  const std::string text = trim(reason);
  if (text.empty()) throw ValidationError(FieldError{"reason", "required"});
  move_status(w, "follow_up", id, row.status, "lost", {{"result", text}});
}

void mark_follow_up_overdue(Store& store, Writer& w, std::string_view id, std::string_view as_of) {
  const Row row = follow_up_row(store.db(), id);
  check_transition("follow_up", row.status, "overdue");
  check_date_arg("as_of", as_of);
  const std::string today = today_or(store, as_of);
  if (!(row.due_date < today)) throw ValidationError(FieldError{"due_date", "not_due_yet", {row.due_date, today}});
  move_status(w, "follow_up", id, row.status, "overdue");
}

void reschedule_follow_up(Store& store, Writer& w, std::string_view id, std::string_view due_date) {
  const Row row = follow_up_row(store.db(), id);
  check_transition("follow_up", row.status, "due");
  if (due_date.empty()) throw ValidationError(FieldError{"due_date", "required"});
  check_date_arg("due_date", due_date);
  const std::string today = store.today();
  if (std::string(due_date) < today) throw ValidationError(FieldError{"due_date", "date_before", {today}});
  move_status(w, "follow_up", id, row.status, "due", {{"due_date", std::string(due_date)}});
}

int64_t mark_overdue_follow_ups(Store& store, std::string_view as_of) {
  check_date_arg("as_of", as_of);
  const std::string today = today_or(store, as_of);
  int64_t n = 0;
  store.transact([&](Writer& w) {
    std::vector<std::string> ids;
    {
      SQLite::Statement st(store.db(),
                           "SELECT id FROM follow_up WHERE deleted = 0 AND status = 'due' AND due_date < ?");
      st.bind(1, today);
      while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
    }
    for (const auto& id : ids) move_status(w, "follow_up", id, "due", "overdue");
    n = static_cast<int64_t>(ids.size());
  });
  return n;
}

std::string_view follow_up_status_label(std::string_view s, Lang lang) { return word("follow_up_status", s, lang); }

}  // namespace yz
