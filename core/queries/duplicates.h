#pragma once
// Duplicate patients (DESIGN.md §5, §6): the same person registered twice,
// typically offline on two devices of two teams whose areas overlap. The
// rule that says two patient records may be one person lives here, once:
// the coordinators' list (yizhen-server admin duplicates) and the warning at
// registration (field_queries.h possible_duplicates) both use it.
//
// The rule, strongest first:
//  - the same 身份证 number: score 100, reason "same_id_number";
//  - two different 身份证 numbers: never a duplicate;
//  - otherwise the same name — the same 汉字 ("same_name"), the same name in
//    Tibetan or Uyghur script ("same_native_name"), or the same pinyin
//    reading ("same_pinyin": transliteration variants such as 热依汗古丽 /
//    热依罕古丽, both reyihanguli, with the readings of pinyin.h
//    name_readings) — AND the same sex AND birth years at most one apart
//    AND the same village, or the same township (the first 9 digits of the
//    place code). Score 40-95: the name (汉字 50, native script 45, pinyin
//    40), the birth date (the same day +25, year +15, a year apart +5), the
//    place (village +20, township +10).

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/sql_reader.h"

namespace yz {

// What the rule compares of a patient record (stored forms; "" for empty).
struct PatientFacts {
  std::string id, name, name_native, sex, birth_date, id_number, village_code;
};

struct DuplicateMatch {
  int score = 0;       // 1..100, higher is surer
  std::string reason;  // "same_id_number", "same_name", "same_native_name" or "same_pinyin"
  // What matched, for a person to judge: "reyihanguli · F · 1985/1986 · same township 653101001".
  std::string detail;
  // Each fact that matched, in the rule's order, for a screen to name in its
  // language: "same_id_number" alone; or the name's reason, then "same_sex",
  // the birth's ("same_birth_date", "same_birth_year" or "birth_year_apart"),
  // the place's ("same_village" or "same_township"). A fact not compared
  // (match_registration: not typed yet) is not listed.
  std::vector<std::string> matched;
};

// Whether `a` and `b` may be one person, by the rule above; nullopt if not.
// Symmetric. Pure: no database, no clock.
std::optional<DuplicateMatch> match_patients(const PatientFacts& a, const PatientFacts& b);

// The rule applied to a registration still being typed (`typed`) and a
// patient on file: what has not been typed yet (sex, birth date, village) is
// not compared, what has must agree as the rule says; with no sex, birth
// date or village typed, the same name alone is a possible duplicate. Its
// score counts what was compared. nullopt if not a possible duplicate. Pure.
std::optional<DuplicateMatch> match_registration(const PatientFacts& typed, const PatientFacts& on_file);

// How two names match ("same_name", "same_native_name", "same_pinyin"), or
// "" when they do not. `reading`: the pinyin both share, when by pinyin.
std::string name_match(std::string_view name_a, std::string_view native_a, std::string_view name_b,
                       std::string_view native_b, std::string* reading = nullptr);

// Whether two birth dates (YYYY-MM-DD) are at most one year apart.
bool birth_years_close(std::string_view a, std::string_view b);

struct DuplicatePair {
  PatientFacts a, b;  // a registered before b
  DuplicateMatch match;
};

// Candidate pairs among live patients (neither deleted nor merged) with at
// least one of the two in `area` (a place code prefix; "" for all), best
// score first, at most `limit`. Candidates come in blocks grouped by SQL:
// the same key of the search index (patient_key: whole name, pinyin
// reading, native name) with the same sex and township, or the same 身份证
// number; the rule runs on pairs within a block only, so the work grows
// with the patients' count (one pass and a sort) and the size of blocks,
// never with the square of all patients. Any connection (reader or writer).
// Over any engine (core/store/sql_reader.h).
std::vector<DuplicatePair> find_duplicate_pairs(SqlReader& db, std::string_view area = {}, int limit = 1000);
inline std::vector<DuplicatePair> find_duplicate_pairs(SQLite::Database& db, std::string_view area = {},
                                                       int limit = 1000) {
  SqliteReader r(db);
  return find_duplicate_pairs(r, area, limit);
}

}  // namespace yz
