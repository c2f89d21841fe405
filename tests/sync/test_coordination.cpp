// Issue 14, the coordinators' side of what sync set aside: conflicts resolved
// on the server (and closing by themselves when a later edit supersedes
// them), a referral's status corrected backwards with a reason, quarantined
// changes retried after a fix or discarded — each a server change that
// reaches real devices through the feed, each in the server's audit. Against
// the real yizhen-server on 127.0.0.1 and its admin verbs, on both central
// stores.
#include <algorithm>
#include <string>

#include "core/base/clock.h"
#include "core/care/follow_up.h"
#include "core/care/patient.h"
#include "core/care/referral.h"
#include "core/replication/changes.h"
#include "tests/support/process.h"
#include "tests/core/helpers.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

namespace {

// What any change on the central database moves: the feed's end, the
// audit's length, the open conflicts and quarantine rows.
std::string central_state(const Server& s) {
  return central_query(s,
                       "SELECT (SELECT coalesce(max(seq), 0) FROM srv_feed) || '/' || (SELECT count(*) FROM audit) || '/' "
                       "|| (SELECT count(*) FROM conflict WHERE resolved_ms IS NULL) || '/' || "
                       "(SELECT count(*) FROM quarantine WHERE resolved_ms IS NULL)");
}

// A refused admin verb: its exit code, one line on stderr naming the
// problem, and nothing changed.
void refused(const Server& s, std::vector<std::string> args, int code, const std::string& says) {
  const std::string before = central_state(s);
  auto r = s.admin(args);
  CHECK_MESSAGE(r.code == code, args[0] << ": " << r.err);
  CHECK_MESSAGE(r.err.find(says) != std::string::npos, r.err);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(central_state(s) == before);
}

// The newest audit row of the server whose detail names `verb`.
json audited(const Server& s, const std::string& verb) {
  for (const auto& row : admin_json(s, {"audit", "list"}))
    if (row.contains("detail") && row["detail"].value("verb", "") == verb) return row;
  FAIL("no audit row for " << verb);
  return {};
}

std::string text_of(Device& d, const std::string& entity, const std::string& id, const std::string& field) {
  auto r = d.store.get(entity, id);
  REQUIRE(r.has_value());
  return (*r)[field].is_string() ? (*r)[field].get<std::string>() : std::string();
}

// Until the wall clock's millisecond moves on: the next stamp is later than
// every one made so far on any device of this process.
void next_ms() {
  SystemClock clock;
  for (const int64_t t = clock.now_ms(); clock.now_ms() == t;) {
  }
}

// Two laptops of one team holding one patient, who each change the phone
// offline, then sync: the server logs the pair. Returns the conflict row.
json phone_conflict(Server& server, Device& a, Device& b, std::string& pid) {
  for (Device* d : {&a, &b}) d->enroll(server, server.enroll_code("拉萨队", "540102"));
  pid = register_patient(a.store, {{"name", "卓玛"}, {"sex", "F"}, {"age", 40}, {"village_code", "540102001001"},
                                   {"phone", "13800000001"}});
  a.sync(server);
  b.sync(server);
  edit_patient(a.store, pid, {{"phone", "13900000002"}});
  next_ms();
  edit_patient(b.store, pid, {{"phone", "13700000003"}});
  a.sync(server);
  b.sync(server);
  a.sync(server);
  const json conflicts = admin_json(server, {"conflicts"});
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0]["field"] == "phone");
  CHECK(conflicts[0]["kept"] == "13700000003");
  CHECK(conflicts[0]["other"] == "13900000002");
  REQUIRE(conflicts[0]["conflict_id"].is_number_integer());
  return conflicts[0];
}

int64_t open_conflicts(Device& d) { return d.count("SELECT count(*) FROM conflict WHERE resolved_ms IS NULL"); }

}  // namespace

TEST_CASE_TEMPLATE("A phone conflict of two laptops is resolved on the server: both laptops take the value, the row closes", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  std::string pid;
  const json conflict = phone_conflict(server, a, b, pid);
  const std::string id = std::to_string(conflict["conflict_id"].get<int64_t>());
  CHECK(open_conflicts(a) == 1);  // A pulled B's later value over its own

  // Bad input changes nothing: an unknown id, a bad phone, no value.
  refused(server, {"resolve", "999999", "--value", "13600000004"}, 1, "no conflict 999999");
  refused(server, {"resolve", id, "--value", "12345"}, 2, "phone");
  refused(server, {"resolve", id}, 2, "--value");
  refused(server, {"resolve", "abc", "--value", "13600000004"}, 2, "CONFLICT_ID");

  const json done = admin_json(server, {"resolve", id, "--value", "13600000004", "--reason", "电话核实"});
  CHECK(done["value"] == "13600000004");
  CHECK(admin_json(server, {"conflicts"}).empty());
  // --all: the closed one too, with how it closed.
  const json all = admin_json(server, {"conflicts", "--all"});
  REQUIRE(all.size() == 1);
  CHECK(all[0]["conflict_id"] == conflict["conflict_id"]);
  CHECK(all[0]["resolution"]["by"] == "admin");
  CHECK(all[0]["resolution"]["value"] == "13600000004");
  CHECK(all[0]["closed_at"].is_string());
  a.sync(server);
  b.sync(server);
  for (Device* d : {&a, &b}) {
    CHECK(text_of(*d, "patient", pid, "phone") == "13600000004");
    CHECK(open_conflicts(*d) == 0);  // the server's change supersedes both values there too
  }
  {
    CHECK(central_query(server, "SELECT count(*) FROM conflict WHERE resolved_ms IS NOT NULL AND rid = " + id) == "1");
    const json resolution = json::parse(central_query(server, "SELECT resolution FROM conflict WHERE rid = " + id));
    CHECK(resolution["by"] == "admin");
    CHECK(resolution["value"] == "13600000004");
    CHECK(resolution["reason"] == "电话核实");
  }
  const json row = audited(server, "resolve");
  CHECK(row["actor"] == "admin");
  CHECK(row["entity"] == "conflict");
  CHECK(row["record_id"] == id);
  CHECK(row["detail"]["field"] == "phone");
  CHECK(row["detail"]["reason"] == "电话核实");
  refused(server, {"resolve", id, "--value", "13600000005"}, 2, "was closed");
}

TEST_CASE_TEMPLATE("A later edit made after both values closes the conflict by itself", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  std::string pid;
  const json conflict = phone_conflict(server, a, b, pid);
  // A has seen B's value (it pulled it) and sets the number the patient gave.
  edit_patient(a.store, pid, {{"phone", "13500000005"}});
  a.sync(server);
  CHECK(admin_json(server, {"conflicts"}).empty());
  CHECK(open_conflicts(a) == 0);
  b.sync(server);
  CHECK(text_of(b, "patient", pid, "phone") == "13500000005");
  const json resolution = json::parse(central_query(
      server, "SELECT resolution FROM conflict WHERE rid = " + std::to_string(conflict["conflict_id"].get<int64_t>())));
  CHECK(resolution["by"] == "superseded");
  CHECK(resolution["value"] == "13500000005");
}

TEST_CASE_TEMPLATE("A referral that went \"lost\" is corrected back to \"contacted\" with a reason, and the laptops follow", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  for (Device* d : {&a, &b}) d->enroll(server, server.enroll_code("拉萨队", "540102"));
  std::string pid, rid;
  a.store.transact([&](Writer& w) {
    pid = register_patient(w, {{"name", "次仁"}, {"sex", "M"}, {"age", 61}, {"village_code", "540102001001"}});
    rid = create_referral(w, {{"patient_id", pid}, {"to_facility", "拉萨市人民医院"}, {"reason", "血压控制不佳"}});
  });
  a.sync(server);
  b.sync(server);
  // Offline: A reached the patient by phone; B, later, marked the referral lost.
  a.store.transact([&](Writer& w) { set_referral_status(a.store, w, rid, "contacted"); });
  next_ms();
  b.store.transact([&](Writer& w) { set_referral_status(b.store, w, rid, "lost", "搬家了"); });
  a.sync(server);
  b.sync(server);
  a.sync(server);
  CHECK(text_of(a, "referral", rid, "status") == "lost");
  json status_conflict;
  for (const auto& c : admin_json(server, {"conflicts"}))
    if (c["field"] == "status") status_conflict = c;
  REQUIRE(status_conflict.is_object());
  CHECK(status_conflict["kept"] == "lost");
  const std::string id = std::to_string(status_conflict["conflict_id"].get<int64_t>());

  // Back from "lost" is no step of the status machine: only with a reason.
  refused(server, {"resolve", id, "--value", "contacted"}, 2, "--reason");
  refused(server, {"resolve", id, "--value", "gone", "--reason", "x"}, 2, "status");
  admin_json(server, {"resolve", id, "--value", "contacted", "--reason", "患者已电话确认，下周到院"});
  a.sync(server);
  b.sync(server);
  for (Device* d : {&a, &b}) CHECK(text_of(*d, "referral", rid, "status") == "contacted");
  // The laptops go on from there along the machine.
  b.store.transact([&](Writer& w) { CHECK(set_referral_status(b.store, w, rid, "arrived")); });
  b.sync(server);
  const json resolved = audited(server, "resolve");
  CHECK(resolved["detail"]["from"] == "lost");
  CHECK(resolved["detail"]["to"] == "contacted");
  CHECK(resolved["detail"]["reason"] == "患者已电话确认，下周到院");

  // Without a conflict: the explicit verb, its reason required.
  refused(server, {"correct-status", "referral", rid, "contacted"}, 2, "--reason");
  refused(server, {"correct-status", "patient", pid, "contacted", "--reason", "x"}, 2, "referral or follow_up");
  refused(server, {"correct-status", "referral", "0190a0b0-0000-7000-8000-000000000999", "contacted", "--reason", "x"},
          1, "no referral");
  const json corrected =
      admin_json(server, {"correct-status", "referral", rid, "contacted", "--reason", "到院登记错了病人"});
  CHECK(corrected["from"] == "arrived");
  a.sync(server);
  CHECK(text_of(a, "referral", rid, "status") == "contacted");
  const json row = audited(server, "correct-status");
  CHECK(row["actor"] == "admin");
  CHECK(row["entity"] == "referral");
  CHECK(row["record_id"] == rid);
  CHECK(row["detail"]["reason"] == "到院登记错了病人");

  // A follow-up marked lost by mistake goes back to due, and the laptop can
  // record it done.
  std::string fid;
  a.store.transact([&](Writer& w) {
    fid = create_follow_up(w, {{"patient_id", pid}, {"due_date", "2026-12-20"}, {"reason", "复查血压"}});
    mark_follow_up_lost(a.store, w, fid, "联系不上");
  });
  a.sync(server);
  admin_json(server, {"correct-status", "follow_up", fid, "due", "--reason", "家属说人在牧场，月底回来"});
  a.sync(server);
  CHECK(text_of(a, "follow_up", fid, "status") == "due");
  a.store.transact([&](Writer& w) { complete_follow_up(a.store, w, fid, "血压132/84"); });
  CHECK(text_of(a, "follow_up", fid, "status") == "done");
}

TEST_CASE_TEMPLATE("Changes quarantined outside the area: one retried after the area is widened, one discarded, and the laptop learns both", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code("拉萨队", "540102"));
  // Villages of the neighbouring counties, outside the team's area.
  const std::string p1 = register_patient(a.store, {{"name", "达瓦"}, {"sex", "F"}, {"age", 33}, {"village_code", "540103001001"}});
  const std::string p2 = register_patient(a.store, {{"name", "尼玛"}, {"sex", "M"}, {"age", 45}, {"village_code", "540104001001"}});
  // Her visit: taken, for the team only, while the server does not hold her.
  const std::string e1 = a.store.create("encounter", {{"patient_id", p1}, {"complaint", "头晕"}});
  a.sync(server);
  REQUIRE(list_quarantine(a.store.db()).size() == 2);

  const json rows = admin_json(server, {"quarantine"});
  REQUIRE(rows.size() == 2);
  std::string q1, q2;
  for (const auto& r : rows) {
    CHECK(r["errors"][0]["code"] == "outside_area");
    CHECK(r["reason"].get<std::string>().find("540102") != std::string::npos);
    CHECK(r["change"]["fields"]["name"].is_string());  // the refused content, for the coordinator to read
    (r["id"] == p1 ? q1 : q2) = std::to_string(r["quarantine_id"].get<int64_t>());
  }
  REQUIRE(!q1.empty());
  REQUIRE(!q2.empty());

  refused(server, {"retry", q1}, 2, "still refused");
  refused(server, {"retry", "999999"}, 1, "no quarantine row 999999");
  refused(server, {"discard", q2}, 2, "--reason");

  REQUIRE(server.admin({"team", "set-area", "拉萨队", "5401"}).code == 0);
  const json retried = admin_json(server, {"retry", q1});
  CHECK(retried["status"] == "inserted");
  admin_json(server, {"discard", q2, "--reason", "重复登记"});
  refused(server, {"retry", q2}, 2, "was closed (discarded)");
  CHECK(admin_json(server, {"quarantine"}).empty());
  CHECK(admin_json(server, {"stats"})["patient"] == 1);
  CHECK(audited(server, "retry")["record_id"] == q1);
  CHECK(audited(server, "discard")["detail"]["reason"] == "重复登记");

  // The laptop learns both at its next sync, and yizhenctl shows them.
  a.sync(server);
  CHECK(list_quarantine(a.store.db()).empty());
  auto r = device_ctl(dir.file("a.db"), {"quarantine", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const json shown = json::parse(r.out);
  REQUIRE(shown.size() == 2);
  for (const auto& row : shown) {
    if (row["id"] == p1) {
      CHECK(row["outcome"] == "retried");
    } else {
      CHECK(row["id"] == p2);
      CHECK(row["outcome"] == "discarded");
      CHECK(row["reason"] == "重复登记");
    }
  }
  // Another laptop of the team gets the retried patient like any record.
  Device b(dir.file("b.db"));
  b.enroll(server, server.enroll_code("拉萨队", ""));
  b.sync(server);
  CHECK(b.store.get("patient", p1).has_value());
  CHECK(!b.store.get("patient", p2).has_value());
  // A laptop of another team whose area holds her village gets her with
  // her visit, which follows her into her area once she is taken.
  Device c(dir.file("c.db"));
  c.enroll(server, server.enroll_code("拉萨市人民医院", "5401"));
  c.sync(server);
  CHECK(c.store.get("patient", p1).has_value());
  CHECK(c.store.get("encounter", e1).has_value());
}

TEST_CASE_TEMPLATE("retry --all: every change refused outside the area, retried at once once the area is widened", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code("拉萨队", "540102"));
  for (int i = 0; i < 3; ++i)
    register_patient(a.store, {{"name", "达瓦" + std::to_string(i)}, {"sex", "F"}, {"age", 30 + i}, {"village_code", "540103001001"}});
  a.sync(server);
  REQUIRE(admin_json(server, {"quarantine"}).size() == 3);
  refused(server, {"retry"}, 2, "QUARANTINE_ID");
  CHECK(admin_json(server, {"retry", "--all"}) == json{{"retried", 0}, {"left", 3}});  // still outside
  CHECK(admin_json(server, {"quarantine"}).size() == 3);
  REQUIRE(server.admin({"team", "set-area", "拉萨队", "5401"}).code == 0);
  CHECK(admin_json(server, {"retry", "--all"}) == json{{"retried", 3}, {"left", 0}});
  CHECK(admin_json(server, {"quarantine"}).empty());
  CHECK(admin_json(server, {"stats"})["patient"] == 3);
  a.sync(server);
  CHECK(list_quarantine(a.store.db()).empty());
}

TEST_CASE("admin quarantine lists the newest 1000 open rows and says how many there are") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code("拉萨队", "540102"));
  a.store.transact([&](Writer& w) {
    for (int i = 0; i < 1001; ++i)
      register_patient(w, {{"name", "达瓦"}, {"sex", "F"}, {"age", 30}, {"village_code", "540103001001"}});
  });
  a.sync(server);
  const auto listed = server.admin({"quarantine", "--json"});
  REQUIRE(listed.code == 0);
  CHECK(json::parse(listed.out).size() == 1000);
  CHECK(listed.err.find("the newest 1000 of 1001 shown") != std::string::npos);
}

TEST_CASE_TEMPLATE("A patient set aside for her village and corrected on the laptop: her visit, taken for the team only meanwhile, reaches her area", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), c(dir.file("c.db"));
  a.enroll(server, server.enroll_code("拉萨队", "540102"));
  c.enroll(server, server.enroll_code("拉萨市人民医院", "5401"));  // the prefecture's hospital
  // A village of the neighbouring county typed by mistake: she is set
  // aside, her visit is taken for the team only.
  const std::string p = register_patient(a.store, {{"name", "达瓦"}, {"sex", "F"}, {"age", 33}, {"village_code", "540103001001"}});
  const std::string e = a.store.create("encounter", {{"patient_id", p}, {"complaint", "头晕"}});
  a.sync(server);
  REQUIRE(list_quarantine(a.store.db()).size() == 1);
  c.sync(server);
  CHECK(!c.store.get("encounter", e).has_value());
  // The nurse corrects the village at the next sync: the server takes her,
  // and her visit goes to her area with her.
  a.store.update("patient", p, {{"village_code", "540102001001"}});
  a.sync(server);
  a.sync(server);
  CHECK(list_quarantine(a.store.db()).empty());
  c.sync(server);
  CHECK(c.store.get("patient", p).has_value());
  CHECK(c.store.get("encounter", e).has_value());
}

TEST_CASE_TEMPLATE("A patient who moves to a village of another county takes her history to the team that serves it", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db")), c(dir.file("c.db"));
  a.enroll(server, server.enroll_code("城关区队", "540102"));
  b.enroll(server, server.enroll_code("林周县队", "540121"));
  c.enroll(server, server.enroll_code("拉萨市人民医院", "5401"));  // both counties
  const std::string p = register_patient(a.store, {{"name", "达瓦"}, {"sex", "F"}, {"age", 33}, {"village_code", "540102001001"}});
  const std::string e = a.store.create("encounter", {{"patient_id", p}, {"complaint", "头晕"}});
  a.sync(server);
  c.sync(server);
  b.sync(server);
  CHECK(!b.store.get("patient", p).has_value());
  // She moves to 林周县; the prefecture's team records it.
  c.store.update("patient", p, {{"village_code", "540121001001"}});
  c.sync(server);
  b.sync(server);
  CHECK(b.store.get("patient", p).has_value());
  CHECK(b.store.get("encounter", e).has_value());  // her history with her
  // The county she left receives no later change of her.
  a.sync(server);
  c.store.update("patient", p, {{"phone", "13800000009"}});
  c.sync(server);
  a.sync(server);
  CHECK(a.count("SELECT count(*) FROM patient WHERE phone = '13800000009'") == 0);
}

TEST_CASE_TEMPLATE("admin patient: found by initials, a bad value refused naming the field, a corrected phone reaches the laptop", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code("拉萨队", "540102"));
  const std::string pid = register_patient(
      a.store, {{"name", "卓玛"}, {"sex", "F"}, {"age", 40}, {"village_code", "540102001001"}, {"phone", "13800000001"}});
  a.sync(server);
  // The central store keeps the search index as a device does.
  const json hits = admin_json(server, {"patient", "search", "zm"});
  REQUIRE(hits.size() == 1);
  CHECK(hits[0]["id"] == pid);
  CHECK(admin_json(server, {"patient", "show", pid})["patient"]["phone"] == "13800000001");

  // Bad input changes nothing (feed, audit): the field is named.
  refused(server, {"patient", "edit", pid, "--phone", "12345"}, 2, "phone");
  refused(server, {"patient", "edit", pid, "--birth", "2999-01-01"}, 2, "birth_date");
  refused(server, {"patient", "edit", pid, "--name", ""}, 2, "name");
  refused(server, {"patient", "edit", "01a00000-0000-7000-8000-000000000000", "--phone", "13900000009"}, 1, "no patient");
  refused(server, {"patient", "edit", pid}, 2, "at least one field");
  // Another woman's 身份证 number: refused naming her, as on a laptop.
  const std::string card = yz_test::make_id("540102", "19850302", "128");
  register_patient(a.store, {{"name", "央金"}, {"sex", "F"}, {"birth_date", "1985-03-02"}, {"id_number", card},
                             {"village_code", "540102001001"}});
  a.sync(server);
  refused(server, {"patient", "edit", pid, "--id-number", card, "--birth", "1985-03-02"}, 2, "央金");

  const json done = admin_json(server, {"patient", "edit", pid, "--phone", "139 1234 5678"});
  CHECK(done["changed"] == json::array({"phone"}));
  const json row = audited(server, "edit");
  CHECK(row["actor"] == "admin");
  CHECK(row["record_id"] == pid);
  CHECK(row["detail"].dump().find("1391234") == std::string::npos);  // never the value
  CHECK(admin_json(server, {"patient", "search", "13912345678"}).size() == 1);  // the index follows
  CHECK(central_query(server, "SELECT phone FROM patient WHERE id = '" + pid + "'") == "13912345678");
  // The same value again changes nothing.
  CHECK(admin_json(server, {"patient", "edit", pid, "--phone", "13912345678"})["changed"].empty());
  a.sync(server);
  CHECK(text_of(a, "patient", pid, "phone") == "13912345678");
}
