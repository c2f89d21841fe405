#include "sync/server/teams.h"

#include <algorithm>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "core/base/utf8.h"
#include "core/care/places.h"
#include "core/domain/validate.h"

namespace yz::sync {

std::string area_code_problem(std::string_view code) {
  if (!all_digits(code) || (code.size() != 2 && code.size() != 4 && code.size() != 6 && code.size() != 9 && code.size() != 12))
    return "is not a GB/T 2260 code of 2 (province), 4 (prefecture), 6 (county), 9 (township) or 12 (village) digits";
  if (!is_province_code((code[0] - '0') * 10 + (code[1] - '0'))) return "does not start with a province's two digits";
  // The list writes every division with 6 digits (540000, 540100, 540102).
  std::string listed(code.substr(0, std::min<size_t>(code.size(), 6)));
  listed.resize(6, '0');
  if (!find_reference_place(listed))
    return code.size() > 6 ? "lies in no county of GB/T 2260 (" + listed + " is none)"
                           : "is no province, prefecture or county of GB/T 2260";
  return "";
}

bool is_area_code(std::string_view code) { return area_code_problem(code).empty(); }

bool area_covers(std::string_view area, std::string_view code) {
  return !area.empty() && code.size() >= area.size() && code.compare(0, area.size(), area) == 0;
}

std::string team_name_key(std::string_view name) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  icu::UnicodeString folded = U_SUCCESS(status) ? nfkc->normalize(text, status) : text;
  if (U_FAILURE(status)) folded = text;
  icu::UnicodeString kept;
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    // White space and invisible format characters (zero-width space, BOM).
    if (!u_isUWhiteSpace(c) && u_charType(c) != U_FORMAT_CHAR) kept.append(c);
    i += U16_LENGTH(c);
  }
  std::string out;
  kept.toUTF8String(out);
  return out;
}

}  // namespace yz::sync
