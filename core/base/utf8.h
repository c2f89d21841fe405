#pragma once
// UTF-8 text: white space, length and code points, all through ICU (one
// decoder for the whole code base). Invalid bytes never throw: each counts as
// one character and is never white space.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace yz {

// `s` without Unicode white space at either end (ASCII space, tab and line
// ends, U+3000 IDEOGRAPHIC SPACE, U+00A0 NO-BREAK SPACE, … — ICU's
// White_Space property).
std::string trim(std::string_view s);
// `s` with A-Z lowered (other bytes, UTF-8 included, as they are).
std::string lower_ascii(std::string_view s);
// The same, in place.
void lower_ascii_in_place(std::string& s);
// Whether `s` is empty or only white space (as trim sees it).
bool is_blank(std::string_view s);
// Non-empty and ASCII digits only (std::from_chars would take a sign).
bool all_digits(std::string_view s);
// Number of Unicode code points in UTF-8 text (an invalid byte counts as one).
size_t utf8_length(std::string_view s);
// The first `n` code points of `s` (never cuts a character in two).
std::string utf8_prefix(std::string_view s, size_t n);
// The longest prefix of `s` of at most `max_bytes` bytes that does not cut a
// character in two (for size caps on stored text).
std::string utf8_prefix_bytes(std::string_view s, size_t max_bytes);
// `s` safe to print on one terminal line: invalid bytes and ASCII controls
// as \xNN; C1 controls, zero-width and bidirectional controls and line
// separators as \u{XXXX}; a backslash doubled; everything else as it is.
std::string printable(std::string_view s);
// The least text above every text that starts with `prefix` under byte
// order (= code point order for UTF-8): the prefix with its last code point
// raised by one (U+10FFFF dropped and the one before raised), itself valid
// UTF-8. For prefix ranges `key >= prefix AND key < bound`.
std::string utf8_prefix_upper_bound(std::string_view prefix);
// Calls `f` for each code point of valid UTF-8 in `s`, in order; invalid
// bytes are skipped.
void for_each_code_point(std::string_view s, const std::function<void(char32_t)>& f);

}  // namespace yz
