#pragma once
// Resident identity card numbers (公民身份号码, GB 11643-1999): 6-digit
// region, 8-digit birth date, 3-digit sequence (odd = male), check digit
// (ISO 7064 MOD 11-2, "X" for 10).

#include <optional>
#include <string>
#include <string_view>

#include "core/base/errors.h"

namespace yz {

struct IdInfo {
  std::string number;      // normalised: 18 characters, upper-case X
  std::string birth_date;  // YYYY-MM-DD
  char sex = 'M';          // 'M' or 'F'
  std::string region;      // first 6 digits
};

// The check digit ('0'-'9' or 'X') for the first 17 digits.
char id_check_digit(std::string_view first17);

// Parse and check `raw` (spaces trimmed, x accepted). `today` is YYYY-MM-DD.
// On failure returns the problem for field "id_number".
struct IdCheck {
  std::optional<IdInfo> info;
  std::optional<FieldError> error;
};
IdCheck check_id_number(std::string_view raw, std::string_view today);

// `number` as exports show it to those who need not see it whole (DESIGN.md
// §7): the first 6 and last 4 characters, the rest as '*'
// ("540102********0020"); a value of 10 characters or fewer is all '*'.
std::string mask_id_number(std::string_view number);

}  // namespace yz
