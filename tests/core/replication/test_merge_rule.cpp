// The merge rule alone (core/replication/changes.h check_change and
// merge_change), without a database: both central stores and the device
// write what these decide.
#include <doctest/doctest.h>

#include "core/base/hlc.h"
#include "core/replication/changes.h"

using namespace yz;

namespace {

const std::string kNodeA = "01a00000-0000-7000-8000-00000000000a";
const std::string kNodeB = "01a00000-0000-7000-8000-00000000000b";
const std::string kId = "01a00000-0000-7000-8000-000000000001";
constexpr int64_t kT0 = 1'780'000'000'000;

std::string stamp(int64_t ms, const std::string& node) { return Hlc{ms, 0, node}.str(); }

json patient(const std::string& hlc, const std::string& phone) {
  return {{"entity", "patient"},
          {"id", kId},
          {"hlc", hlc},
          {"deleted", false},
          {"fields",
           {{"name", "卓玛"}, {"sex", "F"}, {"birth_date", "1980-01-01"}, {"village_code", "540102001001"}, {"phone", phone}}}};
}

CheckedChange checked(const json& change) {
  ApplyOutcome out;
  auto c = check_change(change, "2026-01-01", out);
  REQUIRE_MESSAGE(c.has_value(), errors_json(out.errors).dump());
  return *c;
}

// The record as created on A at kT0, phone edited on A at kT0+1000.
HeldRecord held_with_phone_edit() {
  const CheckedChange c = checked(patient(stamp(kT0, kNodeA), "13800138000"));
  HeldRecord h;
  h.hlc = stamp(kT0 + 1000, kNodeA);
  h.fields = c.fields;
  h.clock["phone"] = {stamp(kT0 + 1000, kNodeA), ""};
  return h;
}

}  // namespace

TEST_CASE("merge rule: a later edit that saw the value wins, closes open conflicts and logs none") {
  const HeldRecord held = held_with_phone_edit();
  json change = patient(stamp(kT0 + 2000, kNodeB), "13900139000");
  change["stamps"] = {{"phone", stamp(kT0 + 2000, kNodeB)}};
  change["bases"] = {{"phone", stamp(kT0 + 1000, kNodeA)}};  // B had seen A's edit
  const MergeDecision d = merge_change(checked(change), held);
  CHECK(d.changed);
  CHECK(d.columns == std::vector<std::string>{"phone"});
  CHECK(d.conflicts.empty());
  REQUIRE(d.superseded.size() == 1);
  CHECK(d.superseded[0].field == "phone");
  CHECK(d.superseded[0].value == "13900139000");
  REQUIRE(d.clocks.size() == 1);
  CHECK(d.clocks[0].second.hlc == stamp(kT0 + 2000, kNodeB));
  CHECK(d.clocks[0].second.base == stamp(kT0 + 1000, kNodeA));
  CHECK(d.hlc == stamp(kT0 + 2000, kNodeB));
  CHECK(d.same_as_change);
}

TEST_CASE("merge rule: concurrent edits of one field from two devices are logged, the later stamp wins") {
  const HeldRecord held = held_with_phone_edit();
  json later = patient(stamp(kT0 + 2000, kNodeB), "13900139000");
  later["stamps"] = {{"phone", stamp(kT0 + 2000, kNodeB)}};  // no base: B never saw A's edit
  const MergeDecision d = merge_change(checked(later), held);
  CHECK(d.columns == std::vector<std::string>{"phone"});
  REQUIRE(d.conflicts.size() == 1);
  CHECK(d.conflicts[0].kept_value == "13900139000");
  CHECK(d.conflicts[0].other_value == "13800138000");
  CHECK(d.superseded.empty());

  json earlier = patient(stamp(kT0 + 500, kNodeB), "13700137000");
  earlier["stamps"] = {{"phone", stamp(kT0 + 500, kNodeB)}};
  const MergeDecision e = merge_change(checked(earlier), held);
  CHECK_FALSE(e.changed);  // the held value stays
  REQUIRE(e.conflicts.size() == 1);
  CHECK(e.conflicts[0].kept_value == "13800138000");
  CHECK(e.conflicts[0].other_value == "13700137000");
  CHECK_FALSE(e.same_as_change);
}

TEST_CASE("merge rule: a tombstone wins over any edit and is never undone") {
  HeldRecord held = held_with_phone_edit();
  json del = patient(stamp(kT0 + 500, kNodeB), "13800138000");
  del["deleted"] = true;
  const MergeDecision d = merge_change(checked(del), held);
  CHECK(d.changed);
  CHECK(d.deleted);
  held.deleted = true;
  json edit = patient(stamp(kT0 + 9000, kNodeB), "13900139000");
  edit["stamps"] = {{"phone", stamp(kT0 + 9000, kNodeB)}};
  const MergeDecision e = merge_change(checked(edit), held);
  CHECK_FALSE(e.changed);
  CHECK(e.deleted);
  CHECK(e.columns.empty());
}

TEST_CASE("merge rule: clinical facts are append-only, a stamp on their fields is refused") {
  json obs = {{"entity", "observation"},
              {"id", kId},
              {"hlc", stamp(kT0, kNodeA)},
              {"fields", {{"patient_id", kId}, {"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}, {"taken_at", "2026-06-01 10:00"}}},
              {"stamps", {{"value", stamp(kT0, kNodeA)}}}};
  ApplyOutcome out;
  CHECK_FALSE(check_change(obs, "2026-01-01", out).has_value());
  REQUIRE_FALSE(out.errors.empty());
  CHECK(out.errors[0].code == "not_editable");
  // Without the stamp, a different value changes nothing of the held one.
  obs.erase("stamps");
  const CheckedChange first = checked(obs);
  HeldRecord held;
  held.hlc = first.hlc;
  held.fields = first.fields;
  obs["fields"]["value"] = 190;
  obs["hlc"] = stamp(kT0 + 5000, kNodeB);
  const MergeDecision d = merge_change(checked(obs), held);
  CHECK_FALSE(d.changed);
  CHECK(d.columns.empty());
  CHECK_FALSE(d.same_as_change);
}
