#pragma once
// A new plain device database for the tests of everything but encryption.
// Every new database is encrypted by default (DESIGN.md §7) and yizhenctl
// refuses to make one with no passphrase to be had; the passphrase's
// Argon2id would cost each command a quarter of a second. So the tests that
// are not about encryption say `init --plain`, as a person would for a
// scratch database. Needs YIZHENCTL (the binary's path) defined by the
// suite's CMakeLists.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/process.h"

namespace yz::test {

// `yizhenctl --db path init --plain` (a no-op migration when it exists);
// the command must succeed. Returns `path`.
inline std::string plain_db(const std::string& path) {
  const RunResult r = run({YIZHENCTL, "--db", path, "init", "--plain"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return path;
}

}  // namespace yz::test
