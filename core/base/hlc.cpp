#include "core/base/hlc.h"

#include <charconv>
#include <cstdio>

namespace yz {

std::string Hlc::str() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%013lld.%05u.", static_cast<long long>(wall_ms < 0 ? 0 : wall_ms), counter);
  return buf + node;
}

std::optional<Hlc> Hlc::parse(std::string_view t) {
  if (t.size() < 21 || t[13] != '.' || t[19] != '.' || t[0] < '0' || t[0] > '9' || t[14] < '0' || t[14] > '9')
    return std::nullopt;  // digits only: from_chars would take a sign
  Hlc h;
  auto r1 = std::from_chars(t.data(), t.data() + 13, h.wall_ms);
  auto r2 = std::from_chars(t.data() + 14, t.data() + 19, h.counter);
  if (r1.ec != std::errc{} || r1.ptr != t.data() + 13 || r2.ec != std::errc{} || r2.ptr != t.data() + 19)
    return std::nullopt;
  h.node = std::string(t.substr(20));
  return h;
}

Hlc HlcClock::tick(int64_t physical_ms) {
  if (physical_ms > last_.wall_ms) {
    last_.wall_ms = physical_ms;
    last_.counter = 0;
  } else if (last_.counter >= 99999) {
    // Counter would overflow its 5 digits: borrow the next millisecond.
    ++last_.wall_ms;
    last_.counter = 0;
  } else {
    ++last_.counter;
  }
  last_.node = node_;
  return last_;
}

void HlcClock::observe(const Hlc& remote) {
  if (remote.wall_ms > last_.wall_ms || (remote.wall_ms == last_.wall_ms && remote.counter > last_.counter)) {
    last_.wall_ms = remote.wall_ms;
    last_.counter = remote.counter;
  }
}

}  // namespace yz
