// The first start: a new database opens on the lock screen; a plain laptop
// database with no team opens the first-start wizard; once
// a team exists (here set up with yizhenctl, which calls the same core
// functions as the wizard) it opens on the clinic day. The real binary under
// Xvfb, in screenshot mode (which reports the screen it drew).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/harness.h"
#include "tests/support/process.h"

using json = nlohmann::json;
using namespace yz::test;

namespace {


// The screen a screenshot run of the app on `db` drew.
std::string start_screen(const std::string& display, TempDir& dir, const std::string& db, const std::string& name) {
  RunResult r = run({"/usr/bin/env", "DISPLAY=" + display, "ASAN_OPTIONS=detect_leaks=0",
                     "XDG_DATA_HOME=/nonexistent-yizhen-test", kApp, "--db", db, "--screenshot",
                     dir.file(name + ".png"), "--frames", "3", "--state-out", dir.file(name + ".json")});
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(slurp(dir.file(name + ".json")))["screen"].get<std::string>();
}

}  // namespace

TEST_CASE("a fresh laptop starts in the first-start wizard, a laptop with a team on its clinic day") {
  if (which("Xvfb").empty()) {
    WARN_MESSAGE(false, "Xvfb not installed: GUI test skipped");
    return;
  }
  Xvfb x;
  REQUIRE(!x.display().empty());
  TempDir dir;
  const std::string db = dir.file("fresh.db");
  // No database yet: the lock screen asks for the team passphrase that will
  // encrypt it (tests/e2e/test_lock.cpp goes on from there); nothing is made
  // before it is typed.
  CHECK(start_screen(x.display(), dir, db, "new") == "lock");
  CHECK_FALSE(std::filesystem::exists(db));
  // A plain database (yizhenctl init --plain) opens with no lock: the wizard.
  plain_db(db);
  CHECK(start_screen(x.display(), dir, db, "fresh") == "first-start");
  // Still no team: the wizard again.
  CHECK(start_screen(x.display(), dir, db, "again") == "first-start");
  REQUIRE(run({kCtl, "--db", db, "team", "init", "--name", "北京援藏医疗队", "--county", "540127"}).code == 0);
  CHECK(start_screen(x.display(), dir, db, "team") == "clinic-day");
}
