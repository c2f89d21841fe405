#pragma once
// Helpers shared by the yizhenctl end-to-end tests: run the real binary on a
// database, count output lines, read a file.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/plain_db.h"
#include "tests/support/process.h"

namespace yz_cli_test {

inline yz::test::RunResult ctl(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {YIZHENCTL, "--db", db});
  return yz::test::run(args);
}

using yz::test::plain_db;

// `yizhenctl stats --json` of `db`, which must succeed.
inline nlohmann::json stats(const std::string& db) {
  auto r = ctl(db, {"stats", "--json"});
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

inline int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace yz_cli_test
