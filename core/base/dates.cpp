#include "core/base/dates.h"

#include <cstdio>
#include <stdexcept>

#include "core/base/utf8.h"

namespace yz {

namespace {
using namespace std::chrono;

// std::chrono::parse is not in GCC 12's library, so the fixed "YYYY-MM-DD"
// shape is read here.
int number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

year_month_day must_parse(std::string_view s) {
  auto d = parse_date(s);
  if (!d) throw std::invalid_argument("not a date (YYYY-MM-DD): \"" + std::string(s) + "\"");
  return *d;
}

// A year-month-day whose day may be past the month's end, clamped to it.
year_month_day clamp_day(year_month_day d) {
  if (d.ok()) return d;
  return year_month_day_last(d.year(), month_day_last(d.month()));
}
}  // namespace

std::optional<year_month_day> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto ys = s.substr(0, 4), ms = s.substr(5, 2), ds = s.substr(8, 2);
  if (!all_digits(ys) || !all_digits(ms) || !all_digits(ds)) return std::nullopt;
  const year_month_day d{year{number(ys)}, month{static_cast<unsigned>(number(ms))},
                         day{static_cast<unsigned>(number(ds))}};
  if (!d.ok() || d.year() < year{1}) return std::nullopt;
  return d;
}

std::string format_date(year_month_day d) {
  const int y = static_cast<int>(d.year());
  const unsigned m = static_cast<unsigned>(d.month()), dd = static_cast<unsigned>(d.day());
  if (y < 0 || y > 9999 || m > 99 || dd > 99) {
    // std::format is not in GCC 12's library.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, dd);
    return buf;
  }
  // The usual dates digit by digit: snprintf's format parsing was 2 % of the
  // server's reading thread, which dates every change it takes in.
  const auto digit = [](unsigned v) { return static_cast<char>('0' + v % 10); };
  const unsigned yy = static_cast<unsigned>(y);
  return {digit(yy / 1000), digit(yy / 100), digit(yy / 10), digit(yy), '-', digit(m / 10), digit(m),
          '-',              digit(dd / 10),  digit(dd)};
}

std::string format_date(sys_days d) { return format_date(year_month_day{d}); }

bool is_real_date(std::string_view s) { return parse_date(s).has_value(); }

std::string add_days(std::string_view date, int n) { return format_date(sys_days{must_parse(date)} + days{n}); }

std::string add_months(std::string_view date, int n) { return format_date(clamp_day(must_parse(date) + months{n})); }

std::string add_years(std::string_view date, int n) { return format_date(clamp_day(must_parse(date) + years{n})); }

int age_in_years(std::string_view birth_date, std::string_view on) {
  const year_month_day b = must_parse(birth_date), o = must_parse(on);
  int age = static_cast<int>(o.year()) - static_cast<int>(b.year());
  // Before this year's birthday (Feb 29 counts from Mar 1 in a common year).
  if (month_day{o.month(), o.day()} < month_day{b.month(), b.day()}) --age;
  return age;
}

unsigned weekday_of(std::string_view date) { return weekday{sys_days{must_parse(date)}}.c_encoding(); }

int days_between(std::string_view from, std::string_view to) {
  return static_cast<int>((sys_days{must_parse(to)} - sys_days{must_parse(from)}).count());
}

int year_of(std::string_view date) {
  if (date.size() < 4) return 0;
  int y = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (date[i] < '0' || date[i] > '9') return 0;
    y = y * 10 + (date[i] - '0');
  }
  return y;
}

}  // namespace yz
