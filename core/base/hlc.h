#pragma once
// Hybrid logical clock (Kulkarni et al., 2014). Every change carries a stamp
// (wall ms, counter, node) that orders changes causally even when a device's
// wall clock is wrong: a stamp never goes backwards on one device, and a
// device that receives a later stamp moves past it.
//
// Text form: "WWWWWWWWWWWWW.CCCCC.NODE" (13-digit ms, 5-digit counter), so
// that byte order of the text equals stamp order; it is what SQLite stores.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yz {

struct Hlc {
  int64_t wall_ms = 0;
  uint32_t counter = 0;
  std::string node;

  std::string str() const;
  static std::optional<Hlc> parse(std::string_view text);
  auto operator<=>(const Hlc&) const = default;
};

// The clock of one node. Not thread-safe: owned by the store's writer.
class HlcClock {
 public:
  explicit HlcClock(std::string node, Hlc last = {}) : node_(std::move(node)), last_(std::move(last)) {}

  // A stamp for a local change, later than every stamp seen so far.
  Hlc tick(int64_t physical_ms);
  // Take in a stamp received from elsewhere, so that later ticks follow it.
  // Whether to trust a far-ahead remote stamp is the caller's policy.
  void observe(const Hlc& remote);

  const Hlc& last() const { return last_; }
  const std::string& node() const { return node_; }

 private:
  std::string node_;
  Hlc last_;
};

}  // namespace yz
