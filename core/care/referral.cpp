#include "core/care/referral.h"

#include <SQLiteCpp/Statement.h>

#include "core/base/messages.h"
#include "core/care/follow_up.h"
#include "core/care/status_access.h"
#include "core/domain/validate.h"
#include "core/store/column_text.h"

namespace yz {

std::string create_referral(Writer& w, const json& fields) { return w.create("referral", fields); }

bool set_referral_status(Store& store, Writer& w, std::string_view id, std::string_view status,
                         std::string_view outcome, std::string_view appointment_date) {
  SQLite::Statement st(store.db(), "SELECT status FROM referral WHERE id = ? AND deleted = 0");
  st.bind(1, std::string(id));
  if (!st.executeStep()) throw NotFound("referral", std::string(id));
  const std::string from = column_text(st, 0);
  check_date_arg("appointment_date", appointment_date);
  json changes = json::object();
  if (!appointment_date.empty()) changes["appointment_date"] = std::string(appointment_date);
  const std::string text = trim(outcome);
  if (!text.empty()) changes["outcome"] = text;
  if (from == status) {
    // Already there: only the outcome text or appointment may change.
    if (changes.empty()) return false;
    w.update("referral", id, changes);
    return false;
  }
  check_transition("referral", from, status);
  if (status == "outcome" && text.empty()) throw ValidationError(FieldError{"outcome", "required"});
  if (status == "lost" && text.empty()) throw ValidationError(FieldError{"reason", "required"});
  move_status(w, "referral", id, from, status, changes);
  return true;
}

std::string_view referral_status_label(std::string_view s, Lang lang) { return word("referral_status", s, lang); }

}  // namespace yz
