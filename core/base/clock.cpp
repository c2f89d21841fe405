#include "core/base/clock.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "core/base/dates.h"

namespace yz {

namespace {
using namespace std::chrono;
// China Standard Time: UTC+8 all year (no daylight saving since 1991).
constexpr hours kCstOffset{8};

sys_time<milliseconds> local_time_of(int64_t ms) { return sys_time<milliseconds>{milliseconds{ms}} + kCstOffset; }
}  // namespace

int64_t SystemClock::now_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string date_of_ms(int64_t ms) { return format_date(floor<days>(local_time_of(ms))); }

std::string datetime_of_ms(int64_t ms) {
  const auto local = local_time_of(ms);
  const hh_mm_ss<minutes> t{floor<minutes>(local - floor<days>(local))};
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(t.hours().count()), static_cast<int>(t.minutes().count()));
  return date_of_ms(ms) + " " + buf;
}

int64_t ms_of_date(const std::string& date) {
  const auto d = parse_date(date);
  if (!d) throw std::invalid_argument("not a date (YYYY-MM-DD): \"" + date + "\"");
  return duration_cast<milliseconds>((sys_days{*d} - kCstOffset).time_since_epoch()).count();
}

}  // namespace yz
