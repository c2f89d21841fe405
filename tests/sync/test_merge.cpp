// Merge of synced changes between two device databases (core/changes.h),
// without a network: records travel as changes read on one side and applied
// on the other, as push and pull do.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include "core/care/encounter.h"
#include "core/queries/views.h"
#include "core/replication/changes.h"
#include "core/base/clock.h"
#include "core/store/entities.h"
#include "core/base/hlc.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "tests/support/process.h"
#include "tests/sync/server_fixture.h"

using namespace yz;

namespace {

constexpr int64_t kNow = 1'795'000'000'000;  // 2026-11-18

struct ClockedDevice {
  ManualClock clock{kNow};
  Store store;
  explicit ClockedDevice(const std::string& path) : store(open_store(yz_sync_test::encrypted(path), opts())) {}
  StoreOptions opts() {
    StoreOptions o;
    o.clock = &clock;
    return o;
  }
};

json change_of(Store& s, std::string_view entity, const std::string& id) {
  ChangeReader r(s.db());
  auto c = r.read(*find_entity(entity), id);
  REQUIRE(c.has_value());
  return *c;
}

ApplyOutcome merge_into(Store& s, const json& change) {
  ApplyOutcome out;
  s.transact_synced([&](SQLite::Database& db) {
    ChangeApplier a(db, s.today(), s.now_ms());
    out = a.apply(change);
    a.release();
    if (auto h = Hlc::parse(out.max_hlc)) s.observe(*h);
  });
  return out;
}

// Ship one record from `from` to `to`.
ApplyOutcome ship(ClockedDevice& from, ClockedDevice& to, std::string_view entity, const std::string& id) {
  return merge_into(to.store, change_of(from.store, entity, id));
}

int64_t count(Store& s, const std::string& sql) { return s.db().execAndGet(sql).getInt64(); }

}  // namespace

TEST_CASE("A record shipped to another device arrives whole, and again changes nothing") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 40}, {"phone", "13800000000"}});
  auto first = ship(a, b, "patient", pid);
  CHECK(first.status == ApplyOutcome::Status::inserted);
  auto got = b.store.get("patient", pid);
  REQUIRE(got.has_value());
  CHECK((*got)["name"] == "卓玛");
  CHECK((*got)["phone"] == "13800000000");
  CHECK((*got)["birth_estimated"] == true);
  CHECK(ship(a, b, "patient", pid).status == ApplyOutcome::Status::unchanged);
  // The search index follows synced patients too, and nothing went to B's outbox.
  CHECK(count(b.store, "SELECT count(*) FROM patient_key") > 0);
  CHECK(count(b.store, "SELECT count(*) FROM outbox") == 0);
}

TEST_CASE("A later edit made after seeing the earlier one wins without a conflict") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"age", 50}});
  ship(a, b, "patient", pid);
  a.clock.advance(1000);
  a.store.update("patient", pid, {{"phone", "13900000001"}});
  ship(a, b, "patient", pid);
  b.clock.advance(2000);
  b.store.update("patient", pid, {{"phone", "13900000002"}});
  auto o = ship(b, a, "patient", pid);
  CHECK(o.status == ApplyOutcome::Status::updated);
  CHECK(o.conflicts.empty());
  CHECK((*a.store.get("patient", pid))["phone"] == "13900000002");
  // A's own second edit, unsynced, after its first: still sequential on B.
  a.clock.advance(5000);
  a.store.update("patient", pid, {{"phone", "13900000003"}});
  a.store.update("patient", pid, {{"phone", "13900000004"}});
  auto back = ship(a, b, "patient", pid);
  CHECK(back.conflicts.empty());
  CHECK((*b.store.get("patient", pid))["phone"] == "13900000004");
  CHECK(count(a.store, "SELECT count(*) FROM conflict") == 0);
  CHECK(count(b.store, "SELECT count(*) FROM conflict") == 0);
}

TEST_CASE("Concurrent edits of one field converge on both sides and are logged as conflicts") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "阿依古丽"}, {"sex", "F"}, {"age", 30}});
  ship(a, b, "patient", pid);
  a.clock.advance(1000);
  b.clock.advance(2000);  // B's edit is later by the clock
  a.store.update("patient", pid, {{"phone", "13700000001"}, {"notes", "A's note"}});
  b.store.update("patient", pid, {{"phone", "13700000002"}});
  const json from_a = change_of(a.store, "patient", pid), from_b = change_of(b.store, "patient", pid);
  auto on_b = merge_into(b.store, from_a);
  auto on_a = merge_into(a.store, from_b);
  // Same result on both: B's phone (later stamp), A's note (only A edited it).
  for (Store* s : {&a.store, &b.store}) {
    auto p = *s->get("patient", pid);
    CHECK(p["phone"] == "13700000002");
    CHECK(p["notes"] == "A's note");
    CHECK(count(*s, "SELECT count(*) FROM conflict WHERE field = 'phone'") == 1);
  }
  REQUIRE(on_b.conflicts.size() == 1);
  CHECK(on_b.conflicts[0].kept_value == "13700000002");
  CHECK(on_b.conflicts[0].other_value == "13700000001");
  REQUIRE(on_a.conflicts.size() == 1);
  // Applying again logs nothing new.
  merge_into(a.store, from_b);
  CHECK(count(a.store, "SELECT count(*) FROM conflict") == 1);
}

TEST_CASE("A deletion wins over a concurrent edit and is never undone") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "格桑"}, {"sex", "M"}, {"age", 20}});
  ship(a, b, "patient", pid);
  a.store.remove("patient", pid);
  b.clock.advance(60000);
  b.store.update("patient", pid, {{"phone", "13600000000"}});
  merge_into(a.store, change_of(b.store, "patient", pid));
  merge_into(b.store, change_of(a.store, "patient", pid));
  CHECK((*a.store.get("patient", pid))["deleted"] == true);
  CHECK((*b.store.get("patient", pid))["deleted"] == true);
  CHECK(count(b.store, "SELECT count(*) FROM patient_key k JOIN patient p ON p.rid = k.patient_rid") == 0);
}

TEST_CASE("Append-only records never change after creation") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "央金"}, {"sex", "F"}, {"age", 60}});
  const std::string oid = a.store.create(
      "observation", {{"patient_id", pid}, {"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}});
  ship(a, b, "patient", pid);
  ship(a, b, "observation", oid);
  json forged = change_of(a.store, "observation", oid);
  forged["fields"]["value"] = 120;
  forged["hlc"] = Hlc{kNow + 999999, 0, "ffff"}.str();
  CHECK(merge_into(b.store, forged).status == ApplyOutcome::Status::unchanged);
  CHECK((*b.store.get("observation", oid))["value"] == 150.0);
}

TEST_CASE("A corrected encounter travels as a new record and a tombstone, with its vitals") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "央金"}, {"sex", "F"}, {"age", 60}});
  EncounterInput in;
  in.fields = {{"patient_id", pid}, {"station", "内科"}, {"complaint", "头晕"}};
  in.observations = {{{"kind", "sbp"}, {"value", 105}, {"unit", "mmHg"}}};
  const auto first = record_encounter(a.store, in);
  ship(a, b, "patient", pid);
  ship(a, b, "encounter", first.encounter_id);
  ship(a, b, "observation", first.observation_ids[0]);

  a.clock.advance(60'000);
  EncounterInput fix;
  fix.observations = {{{"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}}};
  const auto second = correct_encounter(a.store, first.encounter_id, fix);
  // In the order of A's outbox: the correction, its vital, then the tombstones.
  ship(a, b, "encounter", second.encounter_id);
  ship(a, b, "observation", second.observation_ids[0]);
  CHECK(ship(a, b, "observation", first.observation_ids[0]).status == ApplyOutcome::Status::updated);
  CHECK(ship(a, b, "encounter", first.encounter_id).status == ApplyOutcome::Status::updated);

  CHECK((*b.store.get("encounter", second.encounter_id))["supersedes_id"] == first.encounter_id);
  CHECK((*b.store.get("encounter", first.encounter_id))["deleted"] == true);
  CHECK((*b.store.get("encounter", first.encounter_id))["complaint"] == "头晕");
  auto h = patient_history(b.store.db(), pid);
  REQUIRE(h);
  REQUIRE((*h)["encounters"].size() == 1);
  CHECK((*h)["encounters"][0]["observations"][0]["value"] == 150.0);
}

TEST_CASE("A dispense's dose and frequency travel with it, and a bad dose from another device is quarantined") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "拉姆"}, {"sex", "F"}, {"age", 52}});
  EncounterInput in;
  in.fields = {{"patient_id", pid}, {"station", "内科"}};
  in.dispenses = {{{"item", "氨氯地平片"}, {"item_kind", "medicine"}, {"quantity", 1}, {"unit", "盒"},
                   {"unit_value", 12.8}, {"dose", "5mg"}, {"frequency", "qd"}}};
  const auto rec = record_encounter(a.store, in);
  const json change = change_of(a.store, "dispense", rec.dispense_ids[0]);
  CHECK(change["fields"]["dose"] == "5 mg");
  CHECK(change["fields"]["frequency"] == "qd");
  ship(a, b, "patient", pid);
  ship(a, b, "encounter", rec.encounter_id);
  CHECK(merge_into(b.store, change).status == ApplyOutcome::Status::inserted);
  auto got = b.store.get("dispense", rec.dispense_ids[0]);
  REQUIRE(got.has_value());
  CHECK((*got)["dose"] == "5 mg");
  CHECK((*got)["frequency"] == "qd");

  // Another device's dispense with a dose the rules refuse: set aside, not written.
  const auto rec2 = record_encounter(a.store, in);
  ship(a, b, "encounter", rec2.encounter_id);
  json bad = change_of(a.store, "dispense", rec2.dispense_ids[0]);
  bad["fields"]["dose"] = "a handful";
  bad["fields"]["frequency"] = "hourly";
  auto o = merge_into(b.store, bad);
  CHECK(o.status == ApplyOutcome::Status::quarantined);
  CAPTURE(errors_json(o.errors).dump());
  REQUIRE(o.errors.size() == 2);
  CHECK_FALSE(b.store.get("dispense", rec2.dispense_ids[0]).has_value());
}

TEST_CASE("An invalid change is quarantined with the field and reason, and nothing is written") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "达瓦"}, {"sex", "M"}, {"age", 33}});
  json bad = change_of(a.store, "patient", pid);
  bad["fields"]["sex"] = "X";
  bad["fields"]["id_number"] = "540102198503020021";  // wrong check digit
  auto o = merge_into(b.store, bad);
  CHECK(o.status == ApplyOutcome::Status::quarantined);
  CAPTURE(errors_json(o.errors).dump());
  REQUIRE(o.errors.size() == 2);
  CHECK(o.errors[0].field == "sex");
  CHECK(o.errors[1].field == "id_number");
  CHECK_FALSE(b.store.get("patient", pid).has_value());

  for (const json& broken : {json("text"), json{{"entity", "frob"}, {"id", pid}, {"hlc", "x"}},
                             json{{"entity", "patient"}, {"id", "not-an-id"}, {"hlc", Hlc{kNow, 0, "a"}.str()},
                                  {"fields", json::object()}},
                             json{{"entity", "patient"}, {"id", pid}, {"hlc", Hlc{kNow, 0, "a"}.str()},
                                  {"fields", {{"name", "x"}, {"sex", "M"}, {"birth_date", "2000-01-01"}, {"shoe", 42}}}}}) {
    CAPTURE(broken.dump());
    CHECK(merge_into(b.store, broken).status == ApplyOutcome::Status::quarantined);
  }
  CHECK(count(b.store, "SELECT count(*) FROM patient") == 0);
}

TEST_CASE("A device whose clock says 1970 still orders its edit after what it has seen") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db"));
  const std::string pid = a.store.create("patient", {{"name", "拉姆"}, {"sex", "F"}, {"age", 45}});
  a.clock.advance(1000);
  a.store.update("patient", pid, {{"phone", "13500000001"}});
  b.clock.set(0);  // battery died: the clock restarted at 1970
  ship(a, b, "patient", pid);
  b.store.update("patient", pid, {{"phone", "13500000002"}});
  auto o = ship(b, a, "patient", pid);
  CHECK(o.conflicts.empty());
  CHECK((*a.store.get("patient", pid))["phone"] == "13500000002");
  // B can still register patients born long after 1970.
  CHECK_NOTHROW(b.store.create("patient", {{"name", "小扎西"}, {"sex", "M"}, {"birth_date", "2015-06-01"}}));
}

TEST_CASE("A device three years ahead merges, and does not move other devices' dates") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), c(dir.file("c.db"));
  c.clock.set(kNow + int64_t{3} * 365 * 86'400'000);
  const std::string a_today = a.store.today();
  const std::string pid = c.store.create("patient", {{"name", "米玛"}, {"sex", "F"}, {"age", 28}});
  const std::string hid = c.store.create("household", {{"village_code", "540102001001"}});
  const std::string vid = c.store.create("home_visit", {{"household_id", hid}});  // visit_date: C's "today"
  CHECK(ship(c, a, "patient", pid).status == ApplyOutcome::Status::inserted);
  CHECK(ship(c, a, "household", hid).status == ApplyOutcome::Status::inserted);
  CHECK(ship(c, a, "home_visit", vid).status == ApplyOutcome::Status::inserted);
  CHECK(a.store.today() == a_today);
  CHECK(a.store.today() < c.store.today());
  // A's edit after seeing C's record is ordered after it.
  a.store.update("patient", pid, {{"phone", "13400000000"}});
  ship(a, c, "patient", pid);
  CHECK((*c.store.get("patient", pid))["phone"] == "13400000000");
}

TEST_CASE("A conflict closes when an edit made after both values wins, not when a third concurrent edit does") {
  yz::test::TempDir dir;
  ClockedDevice a(dir.file("a.db")), b(dir.file("b.db")), c(dir.file("c.db"));
  const std::string pid = a.store.create("patient", {{"name", "阿依古丽"}, {"sex", "F"}, {"age", 30}});
  ship(a, b, "patient", pid);
  ship(a, c, "patient", pid);
  a.clock.advance(1000);
  b.clock.advance(2000);
  c.clock.advance(3000);
  a.store.update("patient", pid, {{"phone", "13700000001"}});
  b.store.update("patient", pid, {{"phone", "13700000002"}});
  c.store.update("patient", pid, {{"phone", "13700000003"}});  // C saw neither
  auto open = [](Store& s) { return count(s, "SELECT count(*) FROM conflict WHERE resolved_ms IS NULL"); };
  ship(b, a, "patient", pid);
  REQUIRE(open(a.store) == 1);  // B over A
  ship(c, a, "patient", pid);
  CHECK(open(a.store) == 2);  // C over B, concurrent: the first pair stays open
  // B sees C's value, then decides: its edit closes both rows, on A as on B.
  ship(a, b, "patient", pid);
  CHECK(open(b.store) == 1);
  b.clock.advance(5000);
  b.store.update("patient", pid, {{"phone", "13700000009"}});
  CHECK(open(b.store) == 0);  // a local edit supersedes what this device held
  const ApplyOutcome o = ship(b, a, "patient", pid);
  CHECK(o.conflicts.empty());
  CHECK(open(a.store) == 0);
  SQLite::Statement q(a.store.db(), "SELECT resolution FROM conflict");
  while (q.executeStep()) {
    const json r = json::parse(q.getColumn(0).getString());
    CHECK(r["by"] == "superseded");
    CHECK(r["value"] == "13700000009");
  }
}
