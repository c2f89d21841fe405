#include "sync/server/accounts.h"

#include "core/base/utf8.h"
#include "sync/server/central_rules.h"
#include "sync/server/central_store.h"
#include "sync/server/teams.h"

namespace yz::sync {

std::string checked_account(std::string_view name, std::string_view role, std::string_view area) {
  const std::string n = trim(name);
  if (n.empty() || utf8_length(n) > 50)
    throw CentralError(400, "bad_name", "--name: an account's name is 1 to 50 characters");
  if (role != "admin" && role != "coordinator" && role != "viewer")
    throw CentralError(400, "bad_role", "--role: admin, coordinator or viewer, not '" + std::string(role) + "'");
  if (role == "coordinator" && area.empty())
    throw CentralError(400, "area_required", "--area: a coordinator works in an area (a GB/T 2260 code)");
  if (role != "coordinator" && !area.empty())
    throw CentralError(400, "area_not_allowed", "--area: only a coordinator has an area; " + std::string(role) +
                                                    " sees every area");
  if (!area.empty() && !is_area_code(area))
    throw bad_area(std::string(area));
  return n;
}

void check_password(std::string_view password) {
  if (utf8_length(password) < kMinPasswordChars)
    throw CentralError(400, "weak_password",
                       "password: at least " + std::to_string(kMinPasswordChars) + " characters");
}

std::string account_name_key(std::string_view name) { return team_name_key(name); }

}  // namespace yz::sync
