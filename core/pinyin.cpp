#include "core/pinyin.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <stdexcept>

namespace yz {

namespace {

icu::Transliterator& transliterator() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> tr(icu::Transliterator::createInstance(
        "Han-Latin/Names; Latin-ASCII; Lower", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !tr) throw std::runtime_error("ICU transliterator Han-Latin/Names unavailable");
    return tr;
  }();
  return *t;
}

bool is_separator(UChar32 c) {
  return c == ' ' || c == 0x3000 || c == 0x00B7 || c == 0x2022 || c == 0x30FB || c == 0x2027 || c == '.' ||
         c == '-' || c == '\t';
}

std::string to_utf8(const icu::UnicodeString& u) {
  std::string s;
  u.toUTF8String(s);
  return s;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

std::vector<std::string> name_chars(std::string_view name) {
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  std::vector<std::string> out;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (is_separator(c)) continue;
    out.push_back(to_utf8(icu::UnicodeString(c).toLower()));
  }
  return out;
}

std::vector<std::string> name_syllables(std::string_view name) {
  const std::vector<std::string> chars = name_chars(name);
  std::string joined;
  for (const auto& c : chars) joined += c;
  // Whole name first, so that the surname rules of /Names apply; ICU puts a
  // space between the syllables of consecutive Han characters.
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(joined);
  // Put a space between every character so that each yields one word.
  icu::UnicodeString spaced;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (!spaced.isEmpty()) spaced.append(static_cast<UChar>(' '));
    spaced.append(c);
  }
  transliterator().transliterate(spaced);
  std::vector<std::string> words = split_words(to_utf8(spaced));
  if (words.size() == chars.size()) return words;
  // A character that yields no Latin letters (symbols, other scripts): fall
  // back to one character at a time, keeping it as it is.
  std::vector<std::string> out;
  for (const auto& c : chars) {
    icu::UnicodeString one = icu::UnicodeString::fromUTF8(c);
    transliterator().transliterate(one);
    auto w = split_words(to_utf8(one));
    std::string joined_w;
    for (auto& x : w) joined_w += x;
    out.push_back(joined_w.empty() ? c : joined_w);
  }
  return out;
}

}  // namespace yz
