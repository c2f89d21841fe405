// The lock screen's logic (app/yizhen/model/lock.h) and the model's unlock
// and sign-in against real temporary databases (encrypted, new, plain): a
// wrong passphrase changes nothing, the key never reaches the disk, PINs are
// set and checked on the writer, saves name the member signed in.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "app/yizhen/model/app_model.h"
#include "app/yizhen/model/lock.h"
#include "app/yizhen/strings.h"
#include "core/care/staff_pin.h"
#include "core/care/team.h"
#include "core/domain/open_store.h"
#include "core/store/audit_chain.h"
#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "tests/support/process.h"

using namespace yz;
using namespace yz::app;

TEST_CASE("idle timer: locks after its limit, 0 never, and says how long the loop may sleep") {
  IdleTimer t;
  CHECK(t.wait_ms(1000) == -1);
  CHECK_FALSE(t.expired(1'000'000'000));
  t.set_limit_ms(5 * 60'000);
  t.touch(10'000);
  CHECK(t.wait_ms(10'000) == 300'000);
  CHECK(t.wait_ms(250'000) == 60'000);
  CHECK_FALSE(t.expired(309'999));
  CHECK(t.expired(310'000));
  CHECK(t.wait_ms(400'000) == 0);
  t.touch(400'000);  // input
  CHECK_FALSE(t.expired(400'001));
  t.set_limit_ms(0);
  CHECK_FALSE(t.expired(10'000'000));
  CHECK(t.wait_ms(10'000'000) == -1);
}

TEST_CASE("idle limit: minutes from the setting, seconds from YIZHEN_LOCK_SECONDS") {
  ::unsetenv("YIZHEN_LOCK_SECONDS");
  CHECK(idle_limit_ms(5) == 300'000);
  CHECK(idle_limit_ms(0) == 0);
  CHECK(idle_limit_ms(-3) == 0);
  ::setenv("YIZHEN_LOCK_SECONDS", "2.5", 1);
  CHECK(idle_limit_ms(5) == 2'500);
  ::setenv("YIZHEN_LOCK_SECONDS", "soon", 1);  // not a number: the setting
  CHECK(idle_limit_ms(5) == 300'000);
  ::unsetenv("YIZHEN_LOCK_SECONDS");
}

TEST_CASE("lock session: a plain database opens with no lock, a protected one goes passphrase, sign-in, open") {
  LockSession plain(Protection::plain);
  CHECK(plain.step() == LockStep::open);
  CHECK(plain.store_open());
  plain.idle().set_limit_ms(1000);
  CHECK_FALSE(plain.check_idle(1'000'000, true));  // nothing to lock
  CHECK(plain.wait_ms(0) == -1);

  LockSession s(Protection::fresh);
  CHECK(s.step() == LockStep::passphrase);
  CHECK_FALSE(s.store_open());
  s.unlocked(false);  // a new database: no staff yet (the first-start wizard adds them)
  CHECK(s.protection() == Protection::encrypted);
  CHECK(s.step() == LockStep::open);
  s.staff_known(true);
  CHECK(s.step() == LockStep::sign_in);
  s.idle().set_limit_ms(60'000);
  CHECK(s.wait_ms(0) == -1);  // no idle lock while locked
  s.signed_in("m1", 1000);
  CHECK(s.step() == LockStep::open);
  CHECK(s.member_id() == "m1");
  CHECK(s.wait_ms(1000) == 60'000);
  s.activity(30'000);
  CHECK_FALSE(s.check_idle(89'999, true));
  CHECK(s.check_idle(90'000, true));
  CHECK(s.step() == LockStep::sign_in);
  CHECK(s.member_id().empty());
  CHECK(s.store_open());  // the key stays in memory while locked
  s.signed_in("m2", 100'000);
  s.lock(true);  // the Lock button
  CHECK(s.step() == LockStep::sign_in);
  s.lock(false);  // no one could sign in: back to the passphrase
  CHECK(s.step() == LockStep::passphrase);
}

TEST_CASE("lock session: too many wrong PINs ask for the team passphrase again") {
  LockSession s(Protection::encrypted);
  s.unlocked(true);
  REQUIRE(s.step() == LockStep::sign_in);
  for (int i = 1; i < kMaxWrongPins; ++i) {
    CHECK_FALSE(s.wrong_pin());
    CHECK(s.step() == LockStep::sign_in);
  }
  CHECK(s.wrong_pin());
  CHECK(s.step() == LockStep::passphrase);
  s.unlocked(true);
  CHECK(s.step() == LockStep::sign_in);
  CHECK(s.wrong_pins() == 0);
}

TEST_CASE("protection of a database path, from its files alone") {
  test::TempDir dir;
  const std::string db = dir.file("a.db");
  CHECK(protection_of(db) == Protection::fresh);
  { Store s = open_store(db); }
  CHECK(protection_of(db) == Protection::plain);
  const std::string enc = dir.file("b.db");
  create_key_file(enc, "口令", kKdfTesting);
  CHECK(protection_of(enc) == Protection::encrypted);
}

namespace {
std::string slurp_bytes(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}
}  // namespace

TEST_CASE("app model: a new database is made encrypted, a wrong passphrase changes nothing, a PIN is set, then signed in") {
  test::TempDir dir;
  const std::string db = dir.file("field.db");
  std::string team, nurse;
  {
    AppModel m(db, {}, protection_of(db));
    REQUIRE(m.view().lock.step() == LockStep::passphrase);
    m.unlock("队口令 2026", "队口令 2025");  // typed twice, differently
    CHECK(say(m.view().lock_error, Lang::zh) == tr(S::lk_differ, Lang::zh));
    CHECK_FALSE(std::filesystem::exists(db));
    bool opened = false;
    m.on_opened = [&] { opened = true; };
    m.unlock("队口令 2026", "队口令 2026");
    CHECK(m.view().lock_busy);
    m.settle();
    CHECK(opened);
    CHECK_FALSE(m.view().lock_error);
    CHECK(key_file_exists(db));
    CHECK(m.view().fresh);
    CHECK(m.view().lock.step() == LockStep::open);  // no staff yet: the first-start wizard
    m.db().run([&](Store& s) {
      team = init_team(s, TeamInit{"北京援藏医疗队", "", "540127", {}});
      nurse = add_member(s, "卓玛", "nurse");
    });
    m.load_all();
    m.settle();
    CHECK(m.view().lock.step() == LockStep::sign_in);
    REQUIRE(m.view().staff.size() == 1);
    CHECK_FALSE(m.view().staff[0].has_pin);
    m.sign_in(nurse, "2468", "2486");
    CHECK(say(m.view().lock_error, Lang::zh) == tr(S::lk_pin_differ, Lang::zh));
    m.sign_in(nurse, "2468", "2468");
    m.settle();
    CHECK(m.view().lock.step() == LockStep::open);
    CHECK(m.signed_in() == nurse);
    CHECK(m.view().staff[0].has_pin);
    m.lock();
    CHECK(m.view().lock.step() == LockStep::sign_in);
    m.sign_in(nurse, "1111", "");
    m.settle();
    CHECK(m.view().lock.step() == LockStep::sign_in);
    CHECK(say(m.view().lock_error, Lang::zh) == trf(Lang::zh, S::lk_wrong_pin, kMaxWrongPins - 1));
    m.sign_in(nurse, "2468", "");
    m.settle();
    CHECK(m.signed_in() == nurse);
    m.set_pref("probe", "written while signed in");
    m.settle();
  }
  forget_database_key(db);
  // The database is ciphertext: neither the team's name nor the PIN's hash prefix in any file.
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    const std::string bytes = slurp_bytes(f.path());
    CHECK(bytes.find("北京援藏医疗队") == std::string::npos);
    CHECK(bytes.find("argon2id$v=") == std::string::npos);
    CHECK(bytes.find("written while signed in") == std::string::npos);
  }
  // Started again: a wrong passphrase is refused with one line, nothing changes.
  const std::string key_before = slurp_bytes(key_file_path(db));
  {
    AppModel m(db, {}, protection_of(db));
    CHECK(m.view().lock.protection() == Protection::encrypted);
    m.unlock("wrong", "");
    m.settle();
    CHECK(say(m.view().lock_error, Lang::zh) == tr(S::lk_wrong_passphrase, Lang::zh));
    CHECK(m.view().lock.step() == LockStep::passphrase);
    CHECK_FALSE(has_database_key(db));
    CHECK(slurp_bytes(key_file_path(db)) == key_before);
    m.unlock("队口令 2026", "");
    m.settle();
    CHECK(m.view().lock.step() == LockStep::sign_in);  // the team has staff now
    m.sign_in(nurse, "2468", "");
    m.settle();
    REQUIRE(m.signed_in() == nurse);
    // What is saved names the member: the audit row and the encounter's clinician.
    std::string pid;
    m.db().run([&](Store& s) {
      s.create("place", {{"code", "540127100"}, {"name", "工卡镇"}, {"level", "township"}, {"parent_code", "540127"}});
      s.create("place", {{"code", "540127100001"}, {"name", "塔巴村"}, {"level", "village"}, {"parent_code", "540127100"}});
      pid = s.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"birth_date", "1976-01-01"}});
    });
    EncounterForm e;
    e.patient_id = pid;
    e.complaint = "头晕";
    std::string saved;
    m.save_encounter(e, [&](std::string id) { saved = id; }, {});
    m.settle();
    REQUIRE_FALSE(saved.empty());
    m.db().run([&](Store& s) {
      CHECK((*s.get("encounter", saved))["clinician_id"] == nurse);
      const auto rows = recent_audit_rows(s.db(), 1);
      CHECK(rows.front().entity == "encounter");
      CHECK(rows.front().actor == "staff:" + nurse);
      CHECK(rows.front().actor != "local");
    });
  }
  forget_database_key(db);
}
