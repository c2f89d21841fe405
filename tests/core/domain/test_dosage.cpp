// Dose and frequency of a dispensed medicine (core/domain/dosage.h) and the
// store's rules for them (record_rules.cpp): local saves and synced changes
// meet the same.
#include <doctest/doctest.h>

#include "core/care/encounter.h"
#include "core/domain/dosage.h"
#include "core/domain/open_store.h"
#include "core/store/entities.h"

using namespace yz;

namespace {
std::string dose_ok(std::string_view typed) {
  auto r = check_dose("dose", typed);
  if (auto* e = std::get_if<FieldError>(&r)) return "error:" + e->code;
  return std::get<std::string>(r);
}
}  // namespace

TEST_CASE("a dose is an amount and a unit, normalised") {
  CHECK(dose_ok("5 mg") == "5 mg");
  CHECK(dose_ok("5mg") == "5 mg");
  CHECK(dose_ok(" 0.5 G ") == "0.5 g");
  CHECK(dose_ok("500 ug") == "500 μg");
  CHECK(dose_ok("10 mL") == "10 ml");
  CHECK(dose_ok("1片") == "1 片");
  CHECK(dose_ok("1-2 粒") == "1-2 粒");
  CHECK(dose_ok("2 喷") == "2 喷");
  CHECK(dose_ok("400 IU") == "400 IU");
  for (const char* bad : {"", "five", "5", "mg", "0 mg", "-5 mg", ".5 mg", "5. mg", "1.2.3 mg", "2-1 片", "1- 片",
                          "5 mgs", "5 斤", "1e3 mg", "999999999 mg"}) {
    CAPTURE(bad);
    CHECK(dose_ok(bad) == "error:bad_dose");
  }
  auto r = check_dose("dose", "five");
  CHECK(std::get<FieldError>(r).field == "dose");
  CHECK(std::get<FieldError>(r).args == std::vector<std::string>{"five"});
}

TEST_CASE("the frequency codes are the dispense record's options") {
  std::string joined;
  for (auto c : frequency_codes()) joined += (joined.empty() ? "" : "|") + std::string(c);
  CHECK(joined == frequency_options());
  CHECK(find_entity("dispense")->field("frequency")->extra == joined);
  CHECK(is_frequency("tid"));
  CHECK_FALSE(is_frequency("tds"));
  CHECK_FALSE(is_frequency(""));
}

TEST_CASE("the store keeps a medicine's dose and frequency and refuses them wrong or on a device") {
  Store s = open_store(":memory:");
  const std::string pid = s.create("patient", {{"name", "洛桑"}, {"sex", "M"}, {"age", 62}});
  EncounterInput in;
  in.fields = {{"patient_id", pid}, {"station", "内科"}};
  in.dispenses = {{{"item", "氨氯地平片"}, {"item_kind", "medicine"}, {"quantity", 1}, {"unit", "盒"},
                   {"unit_value", 12.8}, {"dose", "5mg"}, {"frequency", "qd"}},
                  {{"item", "老花镜"}, {"item_kind", "device"}, {"quantity", 1}, {"unit", "副"}, {"unit_value", 35}}};
  const auto rec = record_encounter(s, in);
  auto d = s.get("dispense", rec.dispense_ids[0]);
  REQUIRE(d);
  CHECK((*d)["dose"] == "5 mg");
  CHECK((*d)["frequency"] == "qd");
  CHECK((*s.get("dispense", rec.dispense_ids[1]))["dose"].is_null());

  const int64_t before = s.db().execAndGet("SELECT count(*) FROM dispense").getInt64();
  auto refused = [&](json dispense, const std::string& field, const std::string& code) {
    EncounterInput bad;
    bad.fields = {{"patient_id", pid}};
    bad.dispenses = {std::move(dispense)};
    try {
      record_encounter(s, bad);
      FAIL("should be refused: " << field);
    } catch (const ValidationError& e) {
      CAPTURE(e.what());
      bool named = false;
      for (const auto& fe : e.errors()) named |= fe.field == "dispenses.0." + field && fe.code == code;
      CHECK(named);
    }
  };
  auto with = [](json base, const json& more) {
    base.update(more);
    return base;
  };
  json med = {{"item", "二甲双胍片"}, {"item_kind", "medicine"}, {"quantity", 1}, {"unit", "盒"}, {"unit_value", 9.8}};
  refused(with(med, {{"dose", "a lot"}}), "dose", "bad_dose");
  refused(with(med, {{"frequency", "tds"}}), "frequency", "bad_option");
  refused(with(med, {{"dose", std::string(40, '5') + " mg"}}), "dose", "too_long");
  json device = {{"item", "血糖仪"}, {"item_kind", "device"}, {"quantity", 1}, {"unit", "台"}, {"unit_value", 158}};
  refused(with(device, {{"dose", "1 片"}}), "dose", "dose_not_medicine");
  refused(with(device, {{"frequency", "qd"}}), "frequency", "dose_not_medicine");
  // Nothing written by the refused saves.
  CHECK(s.db().execAndGet("SELECT count(*) FROM dispense").getInt64() == before);
  CHECK(s.db().execAndGet("SELECT count(*) FROM encounter").getInt64() == 1);
}
