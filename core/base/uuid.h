#pragma once
// UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, version 7, 74 random bits.
// Ids are made once, on the device that creates a record, and never change.
// The timestamp only helps index locality; uniqueness rests on the random
// bits, so a device whose clock says 1970 still makes unique ids.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace yz {

class IdSource {
 public:
  // Seeded from std::random_device.
  IdSource();
  // Deterministic (demo data, tests).
  explicit IdSource(uint64_t seed) : rng_(seed) {}
  // A new UUIDv7 as 36 lowercase characters.
  std::string next(int64_t unix_ms);

 private:
  std::mt19937_64 rng_;
};

// True for 36-character canonical UUID text (any version).
bool is_uuid(std::string_view s);

}  // namespace yz
