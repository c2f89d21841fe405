// Records with a status are created in their initial status only, by their
// one command (core/care/referral.h create_referral, follow_up.h
// create_follow_up); every later status is a transition (transitions.h).
// The store's create itself refuses any other status, with a clear error.
#include <doctest/doctest.h>

#include "core/base/clock.h"
#include "core/base/messages.h"
#include "core/care/clinic_day.h"
#include "core/care/follow_up.h"
#include "core/care/patient.h"
#include "core/care/referral.h"
#include "core/domain/open_store.h"
#include "core/store/store.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::count_rows;
using yz_test::first_error;

namespace {
struct Fx {
  ManualClock clock{ms_of_date("2026-06-01") + 10 * 3600 * 1000LL};
  Store store = [this] {
    StoreOptions o;
    o.clock = &clock;
    return open_store(":memory:", o);
  }();
  std::string patient = register_patient(store, {{"name", "扎西"}, {"sex", "M"}, {"age", 60}});
};
}  // namespace

TEST_CASE("create_referral and create_follow_up start advised and due, and move on by their transitions") {
  Fx f;
  std::string ref, fu;
  f.store.transact([&](Writer& w) {
    ref = create_referral(w, {{"patient_id", f.patient}, {"to_facility", "拉萨市人民医院"}, {"reason", "血压高"}});
    fu = create_follow_up(w, {{"patient_id", f.patient},
                              {"due_date", "2026-07-01"},
                              {"reason", "复查"},
                              {"referral_id", ref},
                              {"status", "due"}});  // its initial status may be named
  });
  CHECK(f.store.get("referral", ref)->at("status") == "advised");
  CHECK(f.store.get("follow_up", fu)->at("status") == "due");
  f.store.transact([&](Writer& w) { complete_follow_up(f.store, w, fu, "血压 130/85"); });
  CHECK(f.store.get("follow_up", fu)->at("status") == "done");
}

TEST_CASE("a status other than the initial one is refused at creation, by the commands and by the store") {
  Fx f;
  const auto referrals = count_rows(f.store.db(), "referral"), follow_ups = count_rows(f.store.db(), "follow_up");
  FieldError e = first_error([&] {
    f.store.transact([&](Writer& w) {
      create_referral(w,
                      {{"patient_id", f.patient}, {"to_facility", "县医院"}, {"reason", "x"}, {"status", "arrived"}});
    });
  });
  CHECK(e.field == "status");
  CHECK(e.code == "not_initial_status");
  CHECK(e.args == std::vector<std::string>{"advised", "arrived"});
  CHECK(e.message(Lang::en).find("starts as \"advised\", got \"arrived\"") != std::string::npos);
  e = first_error([&] {
    f.store.transact([&](Writer& w) {
      create_follow_up(w, {{"patient_id", f.patient}, {"due_date", "2026-07-01"}, {"reason", "x"}, {"status", "done"}});
    });
  });
  CHECK(e.field == "status");
  CHECK(e.code == "not_initial_status");
  // The generic create (what a raw caller would use) refuses it the same way,
  // for every kind with a status.
  CHECK(first_error([&] {
          f.store.create("follow_up",
                         {{"patient_id", f.patient}, {"due_date", "2026-07-01"}, {"reason", "x"}, {"status", "lost"}});
        }).code == "not_initial_status");
  CHECK(first_error([&] {
          f.store.create("clinic_day", {{"date", "2026-06-01"}, {"place_code", "540102"}, {"status", "closed"}});
        }).code == "not_initial_status");
  CHECK(count_rows(f.store.db(), "referral") == referrals);
  CHECK(count_rows(f.store.db(), "follow_up") == follow_ups);
}
