#include "core/domain/pinyin.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <unordered_map>
#include <stdexcept>

namespace yz {

namespace {

std::unique_ptr<icu::Transliterator> make_transliterator(const char* id) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8(id), UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !t) throw std::runtime_error(std::string("ICU transliterator unavailable: ") + id);
  return t;
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

// Lower-case ASCII letters and digits of a transliteration.
std::string letters(const std::string& s) {
  std::string out;
  for (char c : s)
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  return out;
}

// Pinyin of single characters, cached per thread. ICU needs ~90 ms to build a
// transliterator and ~50 us per name, too slow for a million patients, while
// a name has few distinct characters. The first character of a name is read
// as a surname ("Han-Latin/Names": 曾 zeng, 单 shan), the others as ordinary
// characters (单 dan) -- the same split ICU's /Names rules make.
class SyllableCache {
 public:
  const std::string& get(UChar32 c, bool surname) {
    auto& cache = surname ? surname_ : given_;
    auto it = cache.find(c);
    if (it != cache.end()) return it->second;
    auto& tr = surname ? names() : plain();
    icu::UnicodeString u(c);
    tr.transliterate(u);
    std::string w = letters(to_utf8(u));
    if (w.empty()) w = to_utf8(icu::UnicodeString(c).toLower());  // not Han: keep the character
    return cache.emplace(c, std::move(w)).first->second;
  }

 private:
  icu::Transliterator& names() {
    if (!names_) names_ = make_transliterator("Han-Latin/Names; Latin-ASCII; Lower");
    return *names_;
  }
  icu::Transliterator& plain() {
    if (!plain_) plain_ = make_transliterator("Han-Latin; Latin-ASCII; Lower");
    return *plain_;
  }
  std::unique_ptr<icu::Transliterator> names_, plain_;
  std::unordered_map<UChar32, std::string> surname_, given_;
};

std::vector<UChar32> code_points(std::string_view name) {
  const icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  std::vector<UChar32> out;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (!is_separator(c)) out.push_back(c);
  }
  return out;
}

// Readings ICU does not give for characters common in transliterated names.
// Kept short on purpose: each entry adds index keys for every name holding it.
struct Alternate {
  std::string_view character, reading;
};
constexpr Alternate kAlternates[] = {
    {"都", "du"}, {"卜", "bu"}, {"单", "dan"}, {"扎", "za"},
};

}  // namespace

std::vector<std::vector<std::string>> name_readings(std::string_view name) {
  const std::vector<std::string> chars = name_chars(name);
  std::vector<std::vector<std::string>> out{name_syllables(name)};
  if (out[0].size() != chars.size()) return out;
  for (size_t i = 0; i < chars.size() && out.size() < 4; ++i)
    for (const auto& alt : kAlternates) {
      if (chars[i] != alt.character || out[0][i] == alt.reading) continue;
      // Switch this character in every reading so far (two alternates in one
      // name give four readings), up to four in all.
      const size_t n = out.size();
      for (size_t k = 0; k < n && out.size() < 4; ++k) {
        auto v = out[k];
        v[i] = std::string(alt.reading);
        out.push_back(std::move(v));
      }
    }
  return out;
}

std::vector<std::string> name_chars(std::string_view name) {
  std::vector<std::string> out;
  for (UChar32 c : code_points(name)) out.push_back(to_utf8(icu::UnicodeString(c).toLower()));
  return out;
}

std::vector<std::string> name_syllables(std::string_view name) {
  thread_local SyllableCache cache;
  std::vector<std::string> out;
  bool first = true;
  for (UChar32 c : code_points(name)) {
    out.push_back(cache.get(c, first));
    first = false;
  }
  return out;
}

}  // namespace yz
