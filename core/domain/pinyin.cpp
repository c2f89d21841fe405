#include "core/domain/pinyin.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <stdexcept>
#include <unordered_map>

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

// Pinyin of single characters, cached once per process. ICU needs ~90 ms and
// about a megabyte to build a transliterator, and ~50 us per name, too slow
// for a million patients, while a name has few distinct characters. (A cache
// per thread built both transliterators in each of the server's 128 HTTP
// threads: 120 MB and seconds of CPU under a burst of pushes.) The first
// character of a name is read as a surname ("Han-Latin/Names": 曾 zeng, 单
// shan), the others as ordinary characters (单 dan) -- the same split ICU's
// /Names rules make. Lookups share a lock; a character not seen yet is read
// under the exclusive one (a transliterator is not for two threads at once).
// Elements of an unordered_map stay where they are as it grows, so a
// reference handed out stays valid.
class SyllableCache {
 public:
  const std::string& get(UChar32 c, bool surname) {
    auto& cache = surname ? surname_ : given_;
    {
      std::shared_lock lock(mu_);
      auto it = cache.find(c);
      if (it != cache.end()) return it->second;
    }
    std::unique_lock lock(mu_);
    auto it = cache.find(c);
    if (it != cache.end()) return it->second;
    auto& tr = surname ? names() : plain();
    icu::UnicodeString u(c);
    tr.transliterate(u);
    std::string w = letters(to_utf8(u));
    if (w.empty()) w = to_utf8(icu::UnicodeString(c).toLower());  // not Han: keep the character
    return cache.emplace(c, std::move(w)).first->second;
  }

  void warm() {
    std::unique_lock lock(mu_);
    names();
    plain();
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
  std::shared_mutex mu_;
  std::unique_ptr<icu::Transliterator> names_, plain_;
  std::unordered_map<UChar32, std::string> surname_, given_;
};

// One cache, shared by names and terms.
SyllableCache& syllable_cache() {
  static SyllableCache cache;
  return cache;
}

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

namespace {
// `base` (one syllable per character of `chars`) and the variants where a
// character of `alternates` is read otherwise: each switched in every reading
// so far (two alternates in one text give four readings), up to four in all.
std::vector<std::vector<std::string>> with_alternates(const std::vector<std::string>& chars,
                                                      std::vector<std::string> base,
                                                      std::span<const Alternate> alternates) {
  std::vector<std::vector<std::string>> out{std::move(base)};
  if (out[0].size() != chars.size()) return out;
  for (size_t i = 0; i < chars.size() && out.size() < 4; ++i)
    for (const auto& alt : alternates) {
      if (chars[i] != alt.character || out[0][i] == alt.reading) continue;
      const size_t n = out.size();
      for (size_t k = 0; k < n && out.size() < 4; ++k) {
        auto v = out[k];
        v[i] = std::string(alt.reading);
        out.push_back(std::move(v));
      }
    }
  return out;
}

// Readings of characters in diagnoses and medicines that ICU's reading of
// the lone character misses: 地 di (ICU: de, as in 慢慢地), 咳 ke (咳嗽),
// 龈 yin (牙龈), 咯 ka (咯血), 塞 se (阻塞), 膀 pang (膀胱), 弹 tan (弹响指),
// 调 tiao (月经不调), 落 lao (落枕), 血 xie (流鼻血).
constexpr Alternate kTermAlternates[] = {
    {"地", "di"}, {"咳", "ke"}, {"龈", "yin"}, {"咯", "ka"},  {"塞", "se"},
    {"膀", "pang"}, {"弹", "tan"}, {"调", "tiao"}, {"落", "lao"}, {"血", "xie"},
};
}  // namespace

std::vector<std::vector<std::string>> name_readings(std::string_view name) {
  return with_alternates(name_chars(name), name_syllables(name), kAlternates);
}

std::vector<std::vector<std::string>> text_readings(std::string_view text) {
  return with_alternates(name_chars(text), text_syllables(text), kTermAlternates);
}

std::vector<std::string> name_chars(std::string_view name) {
  std::vector<std::string> out;
  for (UChar32 c : code_points(name)) out.push_back(to_utf8(icu::UnicodeString(c).toLower()));
  return out;
}

std::vector<std::string> name_syllables(std::string_view name) {
  SyllableCache& cache = syllable_cache();
  std::vector<std::string> out;
  bool first = true;
  for (UChar32 c : code_points(name)) {
    out.push_back(cache.get(c, first));
    first = false;
  }
  return out;
}

std::vector<std::string> text_syllables(std::string_view text) {
  SyllableCache& cache = syllable_cache();
  std::vector<std::string> out;
  for (UChar32 c : code_points(text)) out.push_back(cache.get(c, false));
  return out;
}

void warm_pinyin() { syllable_cache().warm(); }

}  // namespace yz
