#pragma once
// Patient search by name, full pinyin, pinyin initials, 身份证 number and
// phone, as prefix matches over one index table (patient_key). Besides the
// whole name, every suffix of two or more characters is indexed (and its
// pinyin and initials), so 顿珠 finds 扎西顿珠 and "xiaoming" finds 张小明.
// The name in Tibetan or Uyghur script (name_native) is indexed whole and
// from each later word on (words end at a tsheg ་ or a space).
//
// Ranking: exact match of a whole key, then prefix of a whole key, then exact
// match of a suffix, then prefix of a suffix; ties by key, then registration.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/sql_reader.h"

namespace yz {

enum class KeyKind : int {
  name = 0, name_suffix = 1, pinyin = 2, pinyin_suffix = 3, initials = 4, initials_suffix = 5,
  id_number = 6, phone = 7, name_native = 8,
  name_native_suffix = 9,  // a later word of name_native (after a tsheg or a space)
};

struct SearchKey {
  std::string key;
  KeyKind kind;
};

// Every key of one patient (lower-case).
std::vector<SearchKey> patient_keys(std::string_view name, std::string_view name_native,
                                    std::string_view id_number, std::string_view phone);

// The keys a live patient has in patient_key: patient_keys less the empty
// ones (SQLite's PatientIndexer and the PostgreSQL central store both).
std::vector<SearchKey> patient_index_keys(std::string_view name, std::string_view name_native,
                                          std::string_view id_number, std::string_view phone);

// Maintains patient_key for one connection (the writer), with its statements
// prepared once. Call within the transaction that changes the patient.
class PatientIndexer {
 public:
  explicit PatientIndexer(SQLite::Database& db);
  void index(int64_t patient_rid, std::string_view name, std::string_view name_native,
             std::string_view id_number, std::string_view phone);
  // A patient inserted just now (no keys yet), with its patient_index_keys.
  void index_new(int64_t patient_rid, const std::vector<SearchKey>& keys);
  void remove(int64_t patient_rid);

 private:
  SQLite::Statement del_, ins_;
};

// Rebuild patient_key from the patient table (used by migration v2).
void reindex_all_patients(SQLite::Database& db);

struct PatientHit {
  std::string id, name, name_native, sex, birth_date, id_number, phone, village_code;
  int score = 0;  // 0 best
};

// Up to `limit` live patients matching `query`, best first. An empty query
// returns nothing. Works on any connection (reader or writer).
// Over any engine (core/store/sql_reader.h): on PostgreSQL, patient_key.key
// sorts byte-wise (COLLATE "C", pg_schema.cpp v4) as on SQLite.
std::vector<PatientHit> search_patients(SqlReader& db, std::string_view query, int limit = 20);
inline std::vector<PatientHit> search_patients(SQLite::Database& db, std::string_view query, int limit = 20) {
  SqliteReader r(db);
  return search_patients(r, query, limit);
}

// The query as it is compared with keys: trimmed, lower-case, without spaces
// and name separator dots.
std::string normalize_query(std::string_view query);

}  // namespace yz
