#pragma once
// Time and randomness sources, injectable so that tests and the demo
// generator are deterministic. Thread-safety: a Clock or IdSource is used by
// one thread at a time (the store's writer).

#include <cstdint>
#include <string>

namespace yz {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, as the device believes (may be wrong).
  virtual int64_t now_ms() = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() override;
};

// A clock that returns what it is told; for tests and generated data.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t ms) : ms_(ms) {}
  int64_t now_ms() override { return ms_; }
  void set(int64_t ms) { ms_ = ms; }
  void advance(int64_t ms) { ms_ += ms; }

 private:
  int64_t ms_;
};

// Local calendar date ("YYYY-MM-DD") of a Unix time in China Standard Time
// (UTC+8, no daylight saving), the time zone of every team.
std::string date_of_ms(int64_t ms);
// "YYYY-MM-DD HH:MM" in China Standard Time.
std::string datetime_of_ms(int64_t ms);
// Unix ms of local midnight of a "YYYY-MM-DD" date (China Standard Time);
// throws std::invalid_argument if `date` is not a real date.
int64_t ms_of_date(const std::string& date);

}  // namespace yz
