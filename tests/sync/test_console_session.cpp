// The console's session rules (sync/server/console_session.h) and the
// central stores' sessions (SQLite and PostgreSQL): kept as hashes, idle expiry, ended by
// logout and by disabling the account.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "sync/protocol/crypto.h"
#include "sync/server/central_store.h"
#include "sync/server/console_session.h"
#include "sync/server/pg_central_store.h"
#include "tests/support/process.h"
#include "tests/sync/server_fixture.h"

using namespace yz::sync;
using namespace yz_sync_test;
using json = nlohmann::json;

TEST_CASE("Console cookies: the token is read back only from its own cookie, well formed") {
  const ConsoleToken t = new_console_token();
  CHECK(t.key == token_key(t.token));
  CHECK(t.key != t.token);
  const std::string set = session_cookie(t.token, false);
  CHECK(set.find("HttpOnly") != std::string::npos);
  CHECK(set.find("SameSite=Strict") != std::string::npos);
  CHECK(set.find("Path=/") != std::string::npos);
  CHECK(set.find("Secure") == std::string::npos);
  CHECK(session_cookie(t.token, true).find("; Secure") != std::string::npos);
  CHECK(cleared_cookie(false).find("Max-Age=0") != std::string::npos);

  CHECK(cookie_token("yz_console=" + t.token) == t.token);
  CHECK(cookie_token("a=b; yz_console=" + t.token + "; c=d") == t.token);
  CHECK(cookie_token("xyz_console=" + t.token).empty());
  CHECK(cookie_token("yz_console=a\"b").empty());
  CHECK(cookie_token("yz_console=" + std::string(200, 'a')).empty());
  CHECK(cookie_token("").empty());
}

TEST_CASE("The CSRF token belongs to one session and is not its stored key") {
  const ConsoleToken a = new_console_token(), b = new_console_token();
  CHECK(console_csrf_matches(a.token, console_csrf(a.token)));
  CHECK_FALSE(console_csrf_matches(a.token, console_csrf(b.token)));
  CHECK_FALSE(console_csrf_matches(a.token, ""));
  CHECK_FALSE(console_csrf_matches(a.token, a.key));
  CHECK(same_origin("http://10.0.0.5:8470", "10.0.0.5:8470", false));
  CHECK_FALSE(same_origin("https://10.0.0.5:8470", "10.0.0.5:8470", false));
  CHECK_FALSE(same_origin("http://evil.example", "10.0.0.5:8470", false));
  CHECK_FALSE(same_origin("http://", "", false));
}

TEST_CASE("Roles: admin everything, coordinator their area, viewer reports") {
  const AccountInfo admin{"a", "admin", "", false}, coord{"c", "coordinator", "540102", false},
      viewer{"v", "viewer", "", false}, gone{"g", "admin", "", true};
  for (auto r : {ConsoleRight::reports, ConsoleRight::coordinate, ConsoleRight::administer}) {
    CHECK(has_right(admin, r));
    CHECK_FALSE(has_right(gone, r));
  }
  CHECK(has_right(coord, ConsoleRight::coordinate));
  CHECK_FALSE(has_right(coord, ConsoleRight::administer));
  CHECK(has_right(viewer, ConsoleRight::reports));
  CHECK_FALSE(has_right(viewer, ConsoleRight::coordinate));
  CHECK(sees_area(admin, "-"));
  CHECK(sees_area(coord, "540102001001"));
  CHECK_FALSE(sees_area(coord, "540103001001"));
  CHECK_FALSE(sees_area(coord, "5401"));  // a wider area is not theirs
  CHECK_FALSE(sees_area(coord, "-"));     // team-wide records
  CHECK_FALSE(sees_area(viewer, "540102001001"));
}

TEST_CASE_TEMPLATE("A console session is found by its key, expires when idle, ends on logout and disable", T, Stores) {
  yz::test::TempDir dir;
  auto store = central_store_in(T::kind, dir);
  store->add_account("卓玛", "coordinator", "540102", "a long password", AuditBy{});
  const ConsoleToken t = new_console_token();
  store->open_console_session(t.key, "卓玛", "127.0.0.1", kConsoleIdleMs);
  auto who = store->console_session(t.key, kConsoleIdleMs);
  REQUIRE(who);
  CHECK(who->name == "卓玛");
  CHECK(who->role == "coordinator");
  CHECK(who->area == "540102");
  CHECK_FALSE(store->console_session(t.token, kConsoleIdleMs));  // the token itself is no key

  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_FALSE(store->console_session(t.key, 10));  // idle past 10 ms: over, and forgotten
  CHECK_FALSE(store->console_session(t.key, kConsoleIdleMs));

  const ConsoleToken u = new_console_token();
  store->open_console_session(u.key, "卓玛", "127.0.0.1", kConsoleIdleMs);
  store->close_console_session(u.key);
  CHECK_FALSE(store->console_session(u.key, kConsoleIdleMs));

  const ConsoleToken v = new_console_token();
  store->open_console_session(v.key, "卓玛", "127.0.0.1", kConsoleIdleMs);
  CHECK(store->console_session(v.key, kConsoleIdleMs));
  store->disable_account("卓玛", AuditBy{});
  CHECK_FALSE(store->console_session(v.key, kConsoleIdleMs));
  CHECK_THROWS_AS(store->open_console_session(new_console_token().key, "nobody", "127.0.0.1", kConsoleIdleMs),
                  CentralError);

  store->audit_console("卓玛", "10.0.0.9", "update", "conflict", "7", {{"verb", "resolve"}});
  const json row = store->audit_log(1)[0];
  CHECK(row["actor"] == "console:卓玛");
  CHECK(row["entity"] == "conflict");
  CHECK(row["record_id"] == "7");
  CHECK(row["detail"]["address"] == "10.0.0.9");
  CHECK(row["detail"]["verb"] == "resolve");
  CHECK(store->verify_audit()["ok"] == true);
}

TEST_CASE_TEMPLATE("A record's area is the one pull and authorisation use", T, Stores) {
  yz::test::TempDir dir;
  auto store = central_store_in(T::kind, dir);
  CHECK(store->record_area("patient", "01234567-89ab-7def-8123-456789abcdef") == "");
  CHECK(store->record_area("no_such_entity", "x") == "");
  CHECK(store->record_area("patient; DROP TABLE audit", "x") == "");
}

TEST_CASE_TEMPLATE("What the console shows a record by: its patient's name and village, its date; a programme's words",
                   T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device laptop(dir.file("a.db"));
  laptop.enroll(server, server.enroll_code("拉萨队", "540102"));
  const std::string pid = add_patient_at(laptop.store, "次仁", "540102001001");
  const std::string eid = laptop.store.create("encounter", {{"patient_id", pid}, {"seen_at", "2026-01-09 16:29"}});
  laptop.sync(server);
  auto store = T::kind == StoreKind::pg ? open_pg_central_store(server.pg, server.db + ".keys")
                                        : open_sqlite_central_store(server.db);
  const json new_one = {{"patient_id", pid}, {"due_date", "2026-02-01"}};  // a quarantined change's fields
  // A device and a team by their names (the console's audit names them so).
  const json devices = store->devices(), teams = store->teams();
  REQUIRE(devices.size() == 1);
  REQUIRE(teams.size() == 1);
  const auto gists = store->record_gists({{"encounter", eid, nullptr},
                                          {"patient", pid, nullptr},
                                          {"follow_up", "01234567-89ab-7def-8123-456789abcdef", &new_one},
                                          {"no_such_entity", eid, nullptr},
                                          {"device", devices[0]["device_id"], nullptr},
                                          {"team", teams[0]["team_id"], nullptr}});
  REQUIRE(gists.size() == 6);
  CHECK(gists[0] == json{{"name", "次仁"}, {"village", "540102001001"}, {"date", "2026-01-09 16:29"}});
  CHECK(gists[1]["name"] == "次仁");
  CHECK(gists[1]["village"] == "540102001001");
  CHECK(gists[2] == json{{"name", "次仁"}, {"village", "540102001001"}, {"date", "2026-02-01"}});  // not held
  CHECK(gists[3] == json::object());
  CHECK(gists[4]["name"] == "test laptop");
  CHECK(gists[5]["name"] == "拉萨队");
  const auto p = store->program("hypertension", 1);
  REQUIRE(p);
  CHECK(p->name.in(yz::Lang::zh) == "高血压筛查");
  CHECK(p->grade_label("grade2", yz::Lang::en) == "grade 2 hypertension");
  CHECK_FALSE(store->program("hypertension", 99));
  // A village's name: a place record's, else the compiled-in division's; an unknown code has none.
  REQUIRE(server.admin({"places", "import", std::string(SOURCE_DIR) + "/tests/sync/data/mozhugongka.csv"}).code == 0);
  CHECK(store->place_names({"540127100201", "540102", "540102001001", ""}) ==
        std::map<std::string, std::string>{{"540127100201", "工卡村委会"}, {"540102", "城关区"}});
}

TEST_CASE("Sign-in lockout: five failures within 15 minutes lock a name for 15 minutes, known or not") {
  SignInThrottle t;
  const int64_t t0 = 1'000'000'000;
  // Four failures spread over the window: not locked.
  for (int i = 0; i < kSignInFailures - 1; ++i) CHECK_FALSE(t.failed("卓玛", t0 + i * 60'000));
  CHECK(t.locked_for("卓玛", t0 + 5 * 60'000) == 0);
  // The fifth locks it, for exactly kSignInLockMs; the same name in other
  // spacing or width is the same name.
  CHECK(t.failed("卓玛", t0 + 10 * 60'000));
  CHECK(t.locked_for("卓玛", t0 + 10 * 60'000) == kSignInLockMs);
  CHECK(t.locked_for(" 卓玛 ", t0 + 11 * 60'000) == kSignInLockMs - 60'000);
  CHECK(t.locked_for("卓玛", t0 + 10 * 60'000 + kSignInLockMs) == 0);
  // Another name is not touched.
  CHECK(t.locked_for("other", t0 + 10 * 60'000) == 0);

  // Failures older than the window do not count.
  SignInThrottle slow;
  for (int i = 0; i < 10; ++i) CHECK_FALSE(slow.failed("nobody", t0 + i * (kSignInWindowMs / 4 + 1)));
  CHECK(slow.locked_for("nobody", t0 + 10 * (kSignInWindowMs / 4 + 1)) == 0);

  // A success forgets the failures before it.
  SignInThrottle ok;
  for (int i = 0; i < kSignInFailures - 1; ++i) ok.failed("admin", t0 + i);
  ok.succeeded("admin");
  CHECK_FALSE(ok.failed("admin", t0 + 10));
  CHECK(ok.locked_for("admin", t0 + 11) == 0);
}
