#pragma once
// Shared helpers for the core/ unit tests. Deliberately independent of the
// code under test: the 身份证 check digit is computed here from GB 11643, not
// by calling yz::id_check_digit.

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include "core/base/errors.h"
#include "tests/support/process.h"

namespace yz_test {

// GB 11643-1999 / ISO 7064 MOD 11-2 check digit of the first 17 digits.
inline char gb11643_check(const std::string& first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kDigits[] = "10X98765432";
  REQUIRE(first17.size() == 17);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kDigits[sum % 11];
}

// A full 18-character ID number: region (6) + birth YYYYMMDD (8) + sequence
// (3) + the correct check digit.
inline std::string make_id(const std::string& region, const std::string& birth8, const std::string& seq3) {
  const std::string first17 = region + birth8 + seq3;
  return first17 + gb11643_check(first17);
}

// A valid ID number whose check digit is X (the first sequence number that
// gives one), to exercise lower-case x input.
inline std::string make_id_with_x(const std::string& region, const std::string& birth8) {
  for (int seq = 0; seq < 1000; ++seq) {
    char buf[12];  // room for any int: GCC checks the format against the type
    std::snprintf(buf, sizeof buf, "%03d", seq);
    const std::string id = make_id(region, birth8, buf);
    if (id[17] == 'X') return id;
  }
  FAIL("no sequence number gives check digit X");
  return {};
}

// Run `fn`, require it to throw ValidationError, and return its errors.
inline std::vector<yz::FieldError> validation_errors(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const yz::ValidationError& e) {
    return e.errors();
  }
  FAIL("expected a ValidationError");
  return {};
}

// The first error of a ValidationError thrown by `fn` (field, code).
inline yz::FieldError first_error(const std::function<void()>& fn) {
  auto errs = validation_errors(fn);
  REQUIRE_FALSE(errs.empty());
  return errs.front();
}

inline bool has_error(const std::vector<yz::FieldError>& errs, const std::string& field, const std::string& code) {
  for (const auto& e : errs)
    if (e.field == field && e.code == code) return true;
  return false;
}

inline long long count_rows(SQLite::Database& db, const std::string& table, const std::string& where = "") {
  return db.execAndGet("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where)).getInt64();
}

// A database path in a fresh temporary folder, removed with its -wal/-shm.
class TempPath {
 public:
  const std::string& str() const { return path_; }

 private:
  yz::test::TempDir dir_;
  std::string path_ = dir_.file("test.db");
};

}  // namespace yz_test
