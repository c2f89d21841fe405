// yizhenctl and encryption at rest: init --encrypt, encrypt (nothing lost),
// unlock on every verb, a wrong passphrase exits 2 with one line and
// changes nothing, rekey; no record text in any file of the data folder.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/cli/cli_helpers.h"

namespace {

using yz_cli_test::ctl;
using yz_cli_test::lines;
using yz::test::slurp;

const std::string kName = "金丝雀卓玛";
const std::string kId = "540102198503020020";

yz::test::RunResult ctl_pass(const std::string& pass, const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/env", "YIZHEN_PASSPHRASE=" + pass, YIZHENCTL, "--db", db});
  return yz::test::run(args);
}

bool folder_contains(const std::string& dir, const std::string& needle) {
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && slurp(e.path().string()).find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("yizhenctl encrypt turns a plain database into an encrypted one with nothing lost") {
  yz::test::TempDir dir;
  const std::string db = dir.file("field.db");
  REQUIRE(ctl(db, {"demo", "--plain", "--patients", "60", "--seed", "5"}).code == 0);
  REQUIRE(ctl(db, {"patient", "add", "--name", kName, "--sex", "F", "--id-number", kId}).code == 0);
  const auto before = ctl(db, {"stats", "--json"});
  REQUIRE(before.code == 0);
  REQUIRE(folder_contains(dir.path(), kName));

  const auto enc = ctl_pass("雪域 2026", db, {"encrypt", "--json"});
  REQUIRE(enc.code == 0);
  CHECK(nlohmann::json::parse(enc.out)["rows"].get<long long>() > 1000);
  CHECK_FALSE(folder_contains(dir.path(), kName));
  CHECK_FALSE(folder_contains(dir.path(), kId));
  struct stat st {};
  REQUIRE(stat((db + ".key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // One database through every step (each would otherwise make and
  // encrypt its own demo again).
  const auto after = ctl_pass("雪域 2026", db, {"stats", "--json"});  // the right passphrase reads every record
  REQUIRE(after.code == 0);
  CHECK(nlohmann::json::parse(after.out) == nlohmann::json::parse(before.out));
  const auto found = ctl_pass("雪域 2026", db, {"patient", "search", kName});
  CHECK(found.out.find(kId) != std::string::npos);

  // No passphrase, or a wrong one: exit 2, one line, nothing changed.
  const std::string bytes = slurp(db), key = slurp(db + ".key");
  const auto none = ctl(db, {"stats"});
  CHECK(none.code == 2);
  CHECK(lines(none.err) == 1);
  CHECK(none.err.find("passphrase") != std::string::npos);
  const auto wrong = ctl_pass("雪域 2025", db, {"patient", "add", "--name", "次仁", "--sex", "M", "--age", "50"});
  CHECK(wrong.code == 2);
  CHECK(lines(wrong.err) == 1);
  CHECK(wrong.err.find("wrong passphrase") != std::string::npos);
  CHECK(slurp(db) == bytes);
  CHECK(slurp(db + ".key") == key);

  CHECK(ctl_pass("x", db, {"encrypt"}).code == 2);  // encrypting twice is refused

  // rekey: the new passphrase opens it, the old one no longer does.
  auto args = std::vector<std::string>{"/usr/bin/env", "YIZHEN_PASSPHRASE=雪域 2026", "YIZHEN_NEW_PASSPHRASE=格桑花",
                                       YIZHENCTL, "--db", db, "rekey"};
  REQUIRE(yz::test::run(args).code == 0);
  CHECK(ctl_pass("格桑花", db, {"stats"}).code == 0);
  CHECK(ctl_pass("雪域 2026", db, {"stats"}).code == 2);
}

TEST_CASE("yizhenctl init --encrypt makes a database that is encrypted from its first page") {
  yz::test::TempDir dir;
  const std::string db = dir.file("new.db");
  CHECK(ctl(db, {"init", "--encrypt"}).code == 2);  // no passphrase to be had: nothing made
  CHECK_FALSE(std::filesystem::exists(db));
  const auto r = ctl_pass("pass", db, {"init", "--encrypt", "--json"});
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["encrypted"] == true);
  REQUIRE(ctl_pass("pass", db, {"patient", "add", "--name", kName, "--sex", "F", "--id-number", kId}).code == 0);
  CHECK_FALSE(folder_contains(dir.path(), kName));
  CHECK_FALSE(folder_contains(dir.path(), kId));
  CHECK(ctl_pass("pass", db, {"patient", "search", "jinsique"}).out.find(kId) != std::string::npos);
}

TEST_CASE("yizhenctl makes every new database encrypted unless --plain, and refuses when no passphrase can be had") {
  yz::test::TempDir dir;
  // A passphrase to be had: encrypted, with no flag.
  const auto enc = ctl_pass("pass", dir.file("a.db"), {"init", "--json"});
  REQUIRE(enc.code == 0);
  CHECK(nlohmann::json::parse(enc.out)["encrypted"] == true);
  CHECK(std::filesystem::exists(dir.file("a.db.key")));
  CHECK(ctl(dir.file("a.db"), {"stats"}).code == 2);  // it asks for the passphrase from now on
  // Copied without its key file: said so, not "malformed".
  std::filesystem::rename(dir.file("a.db.key"), dir.file("a.key.away"));
  const auto no_key = ctl_pass("pass", dir.file("a.db"), {"stats"});
  CHECK(no_key.code != 0);
  CHECK_MESSAGE(no_key.err.find("key file " + dir.file("a.db") + ".key is missing") != std::string::npos, no_key.err);
  CHECK(lines(no_key.err) == 1);
  std::filesystem::rename(dir.file("a.key.away"), dir.file("a.db.key"));

  // --plain: plain, and no warning.
  const auto plain = ctl_pass("pass", dir.file("b.db"), {"init", "--plain", "--json"});
  REQUIRE(plain.code == 0);
  CHECK(nlohmann::json::parse(plain.out)["encrypted"] == false);
  CHECK(plain.err.empty());
  CHECK_FALSE(std::filesystem::exists(dir.file("b.db.key")));

  // Neither a passphrase nor a terminal (the tests run without one): exit 2,
  // one line that names the way out (--plain), and nothing made. Another
  // verb that would make a new database behaves the same.
  for (const auto& args : {std::vector<std::string>{"init", "--json"},
                           std::vector<std::string>{"patient", "add", "--name", "次仁", "--sex", "M", "--age", "50"},
                           std::vector<std::string>{"demo", "--patients", "5"}}) {
    const std::string db = dir.file(args[0] + ".db");
    const auto r = ctl(db, args);
    CHECK(r.code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("YIZHEN_PASSPHRASE") != std::string::npos);
    CHECK(r.err.find("init --plain") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db));
    CHECK_FALSE(std::filesystem::exists(db + ".key"));
  }
  const auto demo = ctl(dir.file("demo.db"), {"demo", "--plain", "--patients", "5"});  // synthetic data, on purpose
  CHECK(demo.code == 0);
  CHECK(demo.err.empty());
  CHECK_FALSE(std::filesystem::exists(dir.file("demo.db.key")));

  CHECK(ctl(dir.file("c.db"), {"init", "--plain", "--encrypt"}).code == 2);  // one or the other
  CHECK_FALSE(std::filesystem::exists(dir.file("c.db")));
}
