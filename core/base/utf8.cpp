#include "core/base/utf8.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <cstdio>

namespace yz {

namespace {
// ICU's U8_* macros take int32_t offsets; texts here are form fields and
// names, far below 2 GB.
int32_t len32(std::string_view s) { return static_cast<int32_t>(s.size()); }
const uint8_t* bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

bool is_space(UChar32 c) { return c >= 0 && u_isUWhiteSpace(c); }
// Printable ASCII other than the space: never white space, and never part
// of a longer UTF-8 sequence.
bool is_ascii_graphic(char c) { return c > 0x20 && c < 0x7f; }
}  // namespace

void lower_ascii_in_place(std::string& s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  lower_ascii_in_place(out);
  return out;
}

std::string trim(std::string_view s) {
  // Most texts start and end with a letter or digit: nothing to decode
  // (the server trims every field of every change it takes in).
  if (s.empty() || (is_ascii_graphic(s.front()) && is_ascii_graphic(s.back()))) return std::string(s);
  const uint8_t* b = bytes(s);
  const int32_t n = len32(s);
  int32_t start = 0;
  while (start < n) {
    int32_t next = start;
    UChar32 c;
    U8_NEXT(b, next, n, c);
    if (!is_space(c)) break;
    start = next;
  }
  int32_t end = n;
  while (end > start) {
    int32_t prev = end;
    UChar32 c;
    U8_PREV(b, start, prev, c);
    if (!is_space(c)) break;
    end = prev;
  }
  return std::string(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

size_t utf8_length(std::string_view s) {
  const uint8_t* b = bytes(s);
  const int32_t n = len32(s);
  size_t count = 0;
  for (int32_t i = 0; i < n; ++count) U8_FWD_1(b, i, n);
  return count;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string utf8_prefix(std::string_view s, size_t chars) {
  const uint8_t* b = bytes(s);
  const int32_t n = len32(s);
  int32_t i = 0;
  for (size_t k = 0; k < chars && i < n; ++k) U8_FWD_1(b, i, n);
  return std::string(s.substr(0, static_cast<size_t>(i)));
}

std::string utf8_prefix_bytes(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  int32_t i = static_cast<int32_t>(max_bytes);
  U8_SET_CP_START(bytes(s), 0, i);  // back to the first byte of the character at the cut
  return std::string(s.substr(0, static_cast<size_t>(i)));
}

std::string printable(std::string_view s) {
  const uint8_t* b = bytes(s);
  const int32_t n = len32(s);
  std::string out;
  char buf[16];
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(b, i, n, c);
    if (c < 0 || c < 0x20 || c == 0x7F) {  // invalid bytes and ASCII controls, byte by byte
      for (int32_t k = start; k < i; ++k) {
        std::snprintf(buf, sizeof buf, "\\x%02X", b[k]);
        out += buf;
      }
      continue;
    }
    if (c == '\\') {
      out += "\\\\";
      continue;
    }
    const bool hidden = (c >= 0x80 && c < 0xA0) || (c >= 0x200B && c <= 0x200F) ||
                        (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF ||
                        c == 0x2028 || c == 0x2029;
    if (hidden) {
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(c));
      out += buf;
    } else {
      out.append(s.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
    }
  }
  return out;
}

void for_each_code_point(std::string_view s, const std::function<void(char32_t)>& f) {
  const uint8_t* b = bytes(s);
  const int32_t n = len32(s);
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(b, i, n, c);
    if (c >= 0) f(static_cast<char32_t>(c));
  }
}

std::string utf8_prefix_upper_bound(std::string_view prefix) {
  static constexpr std::string_view kLast = "\xF4\x8F\xBF\xBF";  // U+10FFFF
  std::string s(prefix);
  while (!s.empty()) {
    auto i = static_cast<int32_t>(s.size());
    UChar32 c;
    U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, i, c);
    s.resize(static_cast<size_t>(i));
    if (c < 0) return s + std::string(kLast);  // not UTF-8: above whatever follows the valid part
    if (c >= 0x10FFFF) continue;
    ++c;
    if (U_IS_SURROGATE(c)) c = 0xE000;
    uint8_t buf[U8_MAX_LENGTH];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, c);
    s.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
    return s;
  }
  return std::string(kLast);
}

}  // namespace yz
