#include "core/domain/term_search.h"

#include <algorithm>

#include "core/base/utf8.h"
#include "core/domain/pinyin.h"
#include "core/domain/search.h"

namespace yz {

namespace {

// Pinyin keys take "v" for "ü" as "u" (ICU's Latin-ASCII writes ü as u).
std::string v_as_u(std::string s) {
  std::replace(s.begin(), s.end(), 'v', 'u');
  return s;
}

// Punctuation inside names ("维生素D缺乏（佝偻病）", "高危妊娠、监督") is not typed.
bool is_punctuation(std::string_view ch) {
  static constexpr std::string_view kMarks[] = {"（", "）", "(", ")", "、", "，", ",", "/", "：", ":",
                                                "；", ";", "[", "]", "【", "】", "“", "”", "\"", "'"};
  return std::find(std::begin(kMarks), std::end(kMarks), ch) != std::end(kMarks);
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

TermKeys term_keys(std::string_view code, std::span<const std::string_view> names, std::string_view en) {
  TermKeys k;
  for (char c : lower_ascii(code))
    if (c != '.') k.code += c;
  k.en = lower_ascii(en);
  for (std::string_view name : names) {
    const std::vector<std::string> chars = name_chars(name);
    for (const auto& syl : text_readings(name)) {
      if (chars.size() != syl.size()) continue;
      std::vector<std::string> c, p;  // characters and pinyin, punctuation left out
      for (size_t i = 0; i < chars.size(); ++i)
        if (!is_punctuation(chars[i])) {
          c.push_back(lower_ascii(chars[i]));
          p.push_back(v_as_u(syl[i]));
        }
      for (size_t from = 0; from < c.size(); ++from) {
        std::string text, pinyin, initials;
        for (size_t i = from; i < c.size(); ++i) {
          text += c[i];
          pinyin += p[i];
          initials += p[i].substr(0, 1);
        }
        auto& into = from == 0 ? k.whole : k.later;
        into.push_back(std::move(text));
        into.push_back(std::move(pinyin));
        into.push_back(std::move(initials));
      }
    }
  }
  // Several readings repeat the characters and most syllables.
  for (auto* keys : {&k.whole, &k.later}) {
    std::sort(keys->begin(), keys->end());
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
  }
  return k;
}

TermQuery term_query(std::string_view typed) {
  TermQuery q;
  q.key = v_as_u(normalize_query(typed));
  q.en = lower_ascii(trim(typed));
  return q;
}

int term_rank(const TermKeys& k, const TermQuery& q) {
  if (q.key.empty()) return 0;
  int best = -1;
  auto better = [&](int r) {
    if (best < 0 || r < best) best = r;
  };
  if (!k.code.empty()) {
    if (k.code == q.key) return 0;
    if (starts_with(k.code, q.key)) better(1);
  }
  for (const auto& key : k.whole) {
    if (key == q.key) return 0;
    if (starts_with(key, q.key)) better(1);
  }
  if (best == 1) return best;
  for (const auto& key : k.later) {
    if (key == q.key) return 2;
    if (starts_with(key, q.key)) better(3);
  }
  if (best < 0 && q.en.size() >= 2) {
    const size_t at = k.en.find(q.en);
    if (at != std::string::npos) better(at == 0 ? 4 : 5);
  }
  return best;
}

std::vector<size_t> rank_terms(std::span<const TermKeys> entries, std::string_view typed, size_t limit) {
  const TermQuery q = term_query(typed);
  std::vector<std::pair<int, size_t>> hits;
  for (size_t i = 0; i < entries.size(); ++i) {
    const int r = term_rank(entries[i], q);
    if (r >= 0) hits.emplace_back(r, i);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<size_t> out;
  for (size_t i = 0; i < hits.size() && out.size() < limit; ++i) out.push_back(hits[i].second);
  return out;
}

}  // namespace yz
