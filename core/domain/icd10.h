#pragma once
// Common ICD-10 codes seen at clinic days and screenings on the plateau and in
// Xinjiang, with their Chinese names (国家临床版 wording), for the field app's
// searchable diagnosis list. Not the full classification: any valid code can
// still be typed (validate.h's is_icd10).

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yz {

struct Icd10Entry {
  std::string_view code;  // "I10"
  std::string_view zh;    // "原发性高血压"
  std::string_view en;    // "Essential hypertension"
  std::string_view keys;  // pinyin initials of the Chinese name, for search ("yfxgxy")
};

std::span<const Icd10Entry> icd10_common();

// Entries matching `query` (code prefix, any part of the Chinese or English
// name, or a prefix of the pinyin initials), list order; all for an empty
// query. At most `limit`.
std::vector<const Icd10Entry*> search_icd10(std::string_view query, size_t limit = 50);

}  // namespace yz
