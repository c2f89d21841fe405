#pragma once
// ICD-10 codes met at village clinic days, screenings and home visits on the
// plateau and in Xinjiang, with their Chinese names (国家临床版 wording where
// it has one) and the words people use for them (高血压 for I10, 冠心病 for
// I25.1, 慢阻肺 for J44.9, 包虫病 for B67.9), for the field app's diagnosis
// search. WHO ICD-10 codes only (no national extensions). Not the full
// classification: any valid code can still be typed (validate.h's is_icd10).
// The list is ordered within each chapter by how often teams meet the
// condition, so equally good matches show the commoner one first.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yz {

struct Icd10Entry {
  std::string_view code;      // "I10"
  std::string_view zh;        // "原发性高血压"
  std::string_view en;        // "Essential (primary) hypertension"
  std::string_view synonyms;  // other Chinese names, "|" between them ("高血压|高血压病")
};

std::span<const Icd10Entry> icd10_common();

// The synonyms of an entry, split.
std::vector<std::string_view> icd10_synonyms(const Icd10Entry& e);

// Entries matching `query`, best first (core/domain/term_search.h: code
// prefix, Chinese name or synonym, their full pinyin or initials, from the
// start or from any character, or part of the English name); every entry in
// list order for an empty query. At most `limit`.
std::vector<const Icd10Entry*> search_icd10(std::string_view query, size_t limit = 50);

}  // namespace yz
