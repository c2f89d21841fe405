// The same woman registered offline by two teams whose areas overlap, each
// with an encounter: the real yizhen-server lists the pair (same pinyin
// reading of two transliterations of her name), a coordinator merges it,
// a third laptop that was offline meanwhile adds an encounter to the
// duplicate, and after everyone syncs every laptop shows one patient with
// all the history. The merge is audited, refused cleanly when wrong, and
// undone exactly.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/clock.h"
#include "core/base/hlc.h"
#include "core/base/uuid.h"
#include "core/domain/search.h"
#include "core/replication/changes.h"
#include "core/store/schema.h"
#include "sync/protocol/batch.h"
#include "core/queries/views.h"
#include "tests/core/helpers.h"
#include "tests/sync/server_fixture.h"

using nlohmann::json;
using namespace yz_sync_test;

namespace {

int64_t on_patient(Device& d, const std::string& table, const std::string& pid) {
  return d.count("SELECT count(*) FROM " + table + " WHERE patient_id = '" + pid + "'");
}

}  // namespace

TEST_CASE_TEMPLATE("duplicates: found across teams, merged on the server, every laptop ends with one patient, and undo restores", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db")), b(dir.file("b.db")), c(dir.file("c.db"));
  a.enroll(server, server.enroll_code("喀什地区人民医院医疗队", "653101"));  // the county
  const std::string township_team = "上海援疆医疗队";
  b.enroll(server, server.enroll_code(township_team, "653101001"));  // one township of it
  c.enroll(server, server.enroll_code(township_team, ""));
  for (Device* d : {&a, &b, &c}) d->sync(server);

  // Offline, each team registers her: A with her 身份证, B with her phone,
  // under another transliteration and an estimated age, in a neighbouring
  // village of the township.
  const std::string card = yz_test::make_id("653101", "19850302", "128");
  const std::string pa = a.store.create("patient", {{"name", "热依汗古丽"}, {"sex", "F"}, {"birth_date", "1985-03-02"},
                                                    {"id_number", card}, {"village_code", "653101001001"}});
  const std::string ea = a.store.create("encounter", {{"patient_id", pa}, {"complaint", "头痛"}});
  const std::string pb = b.store.create("patient", {{"name", "热依罕古丽"}, {"sex", "F"}, {"birth_date", "1986-01-01"},
                                                    {"birth_estimated", true}, {"phone", "13899912345"},
                                                    {"village_code", "653101001004"}});
  const std::string eb = b.store.create("encounter", {{"patient_id", pb}, {"complaint", "咳嗽"}});
  b.store.create("observation", {{"patient_id", pb}, {"encounter_id", eb}, {"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}});
  a.sync(server);
  b.sync(server);
  a.sync(server);
  c.sync(server);
  for (Device* d : {&a, &b, &c}) CHECK(d->count("SELECT count(*) FROM patient") == 2);

  // The coordinator's list: one pair, A's registration first, with why.
  json pairs = admin_json(server, {"duplicates"});
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0]["a_id"] == pa);
  CHECK(pairs[0]["b_id"] == pb);
  CHECK(pairs[0]["reason"] == "same_pinyin");
  CHECK(pairs[0]["score"] == 55);
  CHECK(pairs[0]["detail"] == "reyihanguli · F · 1985/1986 · same township 653101001");
  CHECK(admin_json(server, {"duplicates", "--area", "653101001004"}).size() == 1);
  CHECK(admin_json(server, {"duplicates", "--area", "653101002"}).empty());
  auto listed = server.admin({"duplicates"});
  CHECK(listed.code == 0);
  CHECK(listed.out.find("reyihanguli") != std::string::npos);
  yz::test::RunResult r;

  // Wrong merges: one clear line each, nothing changed.
  const json before = admin_json(server, {"stats"});
  struct Refused {
    std::vector<std::string> args;
    int code;
    const char* says;
  };
  const std::string nobody = "01900000-0000-7000-8000-000000000000";
  for (const auto& bad : std::vector<Refused>{{{"merge", pa, pa, "--reason", "x"}, 2, "same patient"},
                                              {{"merge", pa, nobody, "--reason", "x"}, 1, "no patient"},
                                              {{"merge", pa, pb}, 2, "--reason"},
                                              {{"merge", pa, pb, "--reason", "  "}, 2, "--reason"},
                                              {{"merge", pa}, 2, "KEEP_ID and DUPLICATE_ID"},
                                              {{"merge", "--undo", nobody}, 1, "no merge"}}) {
    r = server.admin(bad.args);
    CHECK_MESSAGE(r.code == bad.code, bad.args[1] << " " << r.err);
    CHECK_MESSAGE(r.err.find(bad.says) != std::string::npos, r.err);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  CHECK(admin_json(server, {"stats"}) == before);
  CHECK(admin_json(server, {"merges"}).empty());

  // The merge: B's registration into A's.
  json merged = admin_json(server, {"merge", pa, pb, "--reason", "同一人：村医核对电话与住址"});
  const std::string merge_id = merged["merge_id"];
  CHECK(merged["moved"] == 2);  // the encounter and its observation
  CHECK(merged["filled"] == json::array({"phone"}));
  CHECK(admin_json(server, {"duplicates"}).empty());
  r = server.admin({"merge", pb, pa, "--reason", "again"});  // the duplicate is a tombstone now
  CHECK(r.code == 2);
  CHECK(r.err.find("merged into " + pa) != std::string::npos);
  bool audited = false;
  for (const auto& row : admin_json(server, {"audit", "list"}))
    if (row.value("record_id", "") == pb && row["detail"].value("merge_id", "") == merge_id) {
      audited = row["actor"] == "admin" && row["detail"]["reason"] == "同一人：村医核对电话与住址";
    }
  CHECK(audited);

  // Meanwhile laptop C, offline since before the merge, sees her again
  // under the duplicate's record and adds an encounter there.
  const std::string ec = c.store.create("encounter", {{"patient_id", pb}, {"complaint", "复诊"}});
  a.sync(server);
  b.sync(server);
  c.sync(server);  // its encounter is moved to the kept patient as it arrives, and comes back so
  a.sync(server);
  b.sync(server);
  for (Device* d : {&a, &b, &c}) {
    CHECK(on_patient(*d, "encounter", pa) == 3);
    CHECK(on_patient(*d, "encounter", pb) == 0);
    CHECK(on_patient(*d, "observation", pa) == 1);
    const auto hits = yz::search_patients(d->store.db(), "reyihanguli");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].id == pa);
    const auto h = yz::patient_history(d->store.db(), pb);  // the old id finds her
    REQUIRE(h);
    CHECK((*h)["patient"]["id"] == pa);
    CHECK((*h)["patient"]["phone"] == "13899912345");
    CHECK((*h)["encounters"].size() == 3);
    CHECK(d->count("SELECT count(*) FROM quarantine") == 0);
    CHECK(d->count("SELECT count(*) FROM outbox WHERE acked = 0") == 0);
  }
  r = device_ctl(dir.file("c.db"), {"patient", "show", pb, "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(json::parse(r.out)["patient"]["id"] == pa);
  r = device_ctl(dir.file("a.db"), {"patient", "show", pb});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.find("id        " + pa) != std::string::npos);
  CHECK(r.out.find("merged    " + pb) != std::string::npos);
  CHECK(r.out.find("Encounters (3)") != std::string::npos);
  CHECK(admin_json(server, {"stats"})["quarantined"] == 0);

  // C, offline again, adds another encounter on the duplicate while the
  // township team's area is, by a coordinator's slip, a neighbouring
  // township: the server sets it aside. Once the area is right, the
  // coordinator retries it, and it joins the kept patient as any change
  // arriving for a merged duplicate does (it stayed on the duplicate).
  const std::string ec2 = c.store.create("encounter", {{"patient_id", pb}, {"complaint", "随访"}});
  REQUIRE(server.admin({"team", "set-area", township_team, "653101002"}).code == 0);
  c.sync(server);
  const json set_aside = admin_json(server, {"quarantine"});
  REQUIRE(set_aside.size() == 1);
  CHECK(set_aside[0]["id"] == ec2);
  REQUIRE(server.admin({"team", "set-area", township_team, "653101001"}).code == 0);
  CHECK(admin_json(server, {"retry", std::to_string(set_aside[0]["quarantine_id"].get<int64_t>())})["status"] ==
        "inserted");
  for (Device* d : {&a, &b, &c}) d->sync(server);
  for (Device* d : {&a, &b, &c}) {
    CHECK(on_patient(*d, "encounter", pa) == 4);
    CHECK(on_patient(*d, "encounter", pb) == 0);
    CHECK(d->count("SELECT count(*) FROM quarantine WHERE resolved_ms IS NULL") == 0);
  }

  // Undo: the duplicate is a patient again with exactly what the merge
  // moved (C's two encounters too, made on her), and A's record as it was.
  json merges = admin_json(server, {"merges"});
  REQUIRE(merges.size() == 1);
  CHECK(merges[0]["merge_id"] == merge_id);
  CHECK(merges[0]["moved"] == 4);
  // Like the merge, its undoing says why (the audit keeps it).
  for (const std::vector<std::string>& args : {std::vector<std::string>{"merge", "--undo", merge_id},
                                               std::vector<std::string>{"merge", "--undo", merge_id, "--reason", " "}}) {
    r = server.admin(args);
    CHECK(r.code == 2);
    CHECK_MESSAGE(r.err.find("--reason") != std::string::npos, r.err);
  }
  CHECK(admin_json(server, {"merges"})[0]["undone_at"].is_null());
  json undone = admin_json(server, {"merge", "--undo", merge_id, "--reason", "两人同名，不是同一人"});
  CHECK(undone["moved_back"] == 5);  // three encounters, the observation, the phone
  CHECK(undone["skipped"] == 0);
  r = server.admin({"merge", "--undo", merge_id});
  CHECK(r.code == 2);
  for (Device* d : {&a, &b, &c}) d->sync(server);
  for (Device* d : {&a, &b, &c}) {
    CHECK(on_patient(*d, "encounter", pa) == 1);
    CHECK(d->count("SELECT count(*) FROM encounter WHERE patient_id = '" + pb + "' AND id IN ('" + eb + "', '" + ec +
                   "', '" + ec2 + "')") == 3);
    CHECK(on_patient(*d, "observation", pb) == 1);
    CHECK(yz::search_patients(d->store.db(), "reyihanguli").size() == 2);
    CHECK(d->count("SELECT count(*) FROM patient WHERE merged_into IS NOT NULL") == 0);
    CHECK(d->count("SELECT count(*) FROM patient WHERE phone IS NOT NULL") == 1);
  }
  CHECK(admin_json(server, {"duplicates"}).size() == 1);
  (void)ea;
}

TEST_CASE("duplicates: a device can neither move a record to another patient nor push a tombstone") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device d(dir.file("d.db"));
  d.enroll(server, server.enroll_code("喀什队", "653101"));
  const std::string p1 = d.store.create("patient", {{"name", "阿依古丽"}, {"sex", "F"}, {"age", 30}, {"village_code", "653101001001"}});
  const std::string p2 = d.store.create("patient", {{"name", "古丽"}, {"sex", "F"}, {"age", 31}, {"village_code", "653101001001"}});
  const std::string e = d.store.create("encounter", {{"patient_id", p1}, {"complaint", "头痛"}});
  d.sync(server);

  // As an attacker holding the laptop and its token would write a batch.
  const int64_t now = yz::SystemClock().now_ms();
  const std::string stamp = yz::Hlc{now, 0, d.store.device_id()}.str();
  yz::ChangeReader reader(d.store.db());
  json moved = *reader.read(*yz::find_entity("encounter"), e);
  reader.release();
  moved["hlc"] = stamp;
  moved["fields"]["patient_id"] = p2;
  moved["stamps"]["patient_id"] = stamp;
  yz::IdSource ids;
  const json tombstone = {{"entity", "patient"}, {"id", ids.next(now)}, {"hlc", stamp}, {"deleted", false},
                          {"fields", {{"name", "阿依古丽"}, {"sex", "F"}, {"birth_date", "1990-01-01"},
                                      {"village_code", "653101001001"}, {"merged_into", p1}}}};
  yz::sync::BatchHeader h{ids.next(now), d.store.device_id(), "", 900, yz::current_schema_version()};
  const json batch = yz::sync::seal_batch(json::array({moved, tombstone}), h, now, *d.store.setting(yz::sync::kSignSecretKey));
  httplib::Client http(server.url);
  auto r = http.Post("/v1/batches", {{"Authorization", "Bearer " + *d.store.setting(yz::sync::kTokenKey)}}, batch.dump(),
                     "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  const json receipt = json::parse(r->body);
  REQUIRE(receipt["quarantined"].size() == 2);
  for (const auto& q : receipt["quarantined"]) CHECK(q["errors"][0]["code"] == "not_allowed");
  CHECK(receipt["applied"] == 0);
  SQLite::Database central(server.db, SQLite::OPEN_READONLY);
  CHECK(central.execAndGet("SELECT patient_id FROM encounter WHERE id = '" + e + "'").getString() == p1);
  CHECK(central.execAndGet("SELECT count(*) FROM patient").getInt() == 2);
}
