#pragma once
// Search of the reference lists (ICD-10 diagnoses: icd10.h; the formulary:
// catalogue.h) as a nurse types: the Chinese name or a synonym, its full
// pinyin or its initials, from the start of the name or from any character
// in it ("diping" finds 氨氯地平片), a code prefix, or part of the English
// name. The pinyin is the patients' (pinyin.h, ICU) read as ordinary text,
// the query normalised as for patients (search.h normalize_query); "v" stands
// for "ü" as on pinyin keyboards ("lv" = "lu").
//
// Ranking, best first: 0 the code or a whole name, synonym, pinyin or
// initials exactly; 1 a prefix of one of them; 2 a later part of a name
// exactly; 3 a prefix of a later part (any Chinese substring); 4 the start
// of the English name; 5 another part of it. Ties keep list order, so a list puts its commonest
// entries first.
//
// Threads: TermKeys are plain data; building them uses the calling thread's
// ICU transliterator.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yz {

struct TermKeys {
  std::string code;                   // lower-case, no dots ("i251"); may be empty
  std::vector<std::string> whole;     // of each name and synonym: its characters, pinyin, initials
  std::vector<std::string> later;     // the same from each later character on
  std::string en;                     // lower-case English name
};

// The keys of one entry: `names` is its name then its synonyms (Chinese, or
// Latin words such as "copd", matched letter by letter).
TermKeys term_keys(std::string_view code, std::span<const std::string_view> names, std::string_view en);

// The query as keys are compared with it.
struct TermQuery {
  std::string key;  // normalize_query, "v" as "u"
  std::string en;   // trimmed, lower-case, spaces kept
  bool empty() const { return key.empty(); }
};
TermQuery term_query(std::string_view typed);

// Rank (0 best) of an entry for the query, or -1 when it does not match.
int term_rank(const TermKeys& keys, const TermQuery& q);

// Indices into `entries` of those matching `typed`, best first, ties in
// list order, at most `limit`; every entry in list order for an empty query.
std::vector<size_t> rank_terms(std::span<const TermKeys> entries, std::string_view typed, size_t limit);

}  // namespace yz
