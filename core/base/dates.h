#pragma once
// The one calendar: dates as "YYYY-MM-DD" text (as stored) and as
// std::chrono::year_month_day / sys_days (for arithmetic). Proleptic
// Gregorian; years 1 to 9999.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace yz {

// A real calendar date in exactly "YYYY-MM-DD" form, or nullopt.
std::optional<std::chrono::year_month_day> parse_date(std::string_view s);
// "YYYY-MM-DD" of a valid date.
std::string format_date(std::chrono::year_month_day d);
std::string format_date(std::chrono::sys_days d);
// Whether `s` is a real calendar date "YYYY-MM-DD".
bool is_real_date(std::string_view s);

// The date `days` after `date` (negative: before). Throws std::invalid_argument
// naming the text if `date` is not a real date.
std::string add_days(std::string_view date, int days);
// The date `months` months after `date`; a day past the end of the target
// month becomes its last day (01-31 + 1 month = 02-28 or 02-29).
std::string add_months(std::string_view date, int months);
// The same day `years` years later (earlier if negative); Feb 29 becomes
// Feb 28 in a common year.
std::string add_years(std::string_view date, int years);
// Whole years between a birth date and `on` (both YYYY-MM-DD): the birthday
// counts on its day; one born on Feb 29 is a year older on Mar 1 of a common
// year. Negative if `on` is before the birth date.
int age_in_years(std::string_view birth_date, std::string_view on);
// The year of a date (its first four digits), 0 when it does not start with
// four digits; no calendar check (a birth date may be estimated).
int year_of(std::string_view date);
// Day of the week, 0 = Sunday … 6 = Saturday.
unsigned weekday_of(std::string_view date);
// Days from `from` to `to` (negative if `to` is earlier).
int days_between(std::string_view from, std::string_view to);

}  // namespace yz
