#include "core/base/uuid.h"

#include <array>

namespace yz {

IdSource::IdSource() {
  std::random_device rd;
  std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
  rng_.seed(seq);
}

std::string IdSource::next(int64_t unix_ms) {
  uint8_t b[16];
  const uint64_t ts = static_cast<uint64_t>(unix_ms < 0 ? 0 : unix_ms) & 0xFFFFFFFFFFFFULL;
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ts >> (40 - 8 * i));
  const uint64_t r1 = rng_(), r2 = rng_();
  for (int i = 0; i < 2; ++i) b[6 + i] = static_cast<uint8_t>(r1 >> (8 * i));
  for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<uint8_t>(r2 >> (8 * i));
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0F));  // version 7
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3F));  // variant 10
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += hex[b[i] >> 4];
    s += hex[b[i] & 0xF];
  }
  return s;
}

bool is_uuid(std::string_view s) {
  // A table rather than a test per position: the server checks several ids
  // of every change it takes in.
  static constexpr auto kHex = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    return t;
  }();
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  bool ok = true;
  for (size_t i = 0; i < 36; ++i)
    if (i != 8 && i != 13 && i != 18 && i != 23) ok &= kHex[static_cast<unsigned char>(s[i])];
  return ok;
}

}  // namespace yz
