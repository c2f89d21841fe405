#include "core/care/clinic_day.h"

#include <SQLiteCpp/Statement.h>

#include "core/base/clock.h"
#include "core/care/status_access.h"
#include "core/domain/validate.h"

namespace yz {

std::string open_clinic_day(Writer& w, const json& fields) {
  if (fields.is_object() && fields.contains("status"))
    throw ValidationError(FieldError{"status", "status_field"});
  return w.create("clinic_day", fields);
}

std::string open_clinic_day(Store& store, const json& fields) {
  std::string id;
  store.transact([&](Writer& w) { id = open_clinic_day(w, fields); });
  return id;
}

void close_clinic_day(Store& store, Writer& w, std::string_view id, std::string_view notes,
                      std::string_view closed_at) {
  SQLite::Statement st(store.db(), "SELECT status FROM clinic_day WHERE id = ? AND deleted = 0");
  st.bind(1, std::string(id));
  if (!st.executeStep()) throw NotFound("clinic_day", std::string(id));
  const std::string from = st.getColumn(0).getString();
  st.reset();
  json u = {{"closed_at", closed_at.empty() ? datetime_of_ms(store.now_ms()) : std::string(closed_at)}};
  if (!trim(notes).empty()) u["notes"] = trim(notes);
  move_status(w, "clinic_day", id, from, "closed", u);
}

void close_clinic_day(Store& store, std::string_view id, std::string_view notes, std::string_view closed_at) {
  store.transact([&](Writer& w) { close_clinic_day(store, w, id, notes, closed_at); });
}

}  // namespace yz
