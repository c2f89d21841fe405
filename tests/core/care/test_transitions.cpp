// The transition table of every status, tested once: every pair of statuses
// of every kind, allowed or refused, and the commands refusing what the table
// refuses (lost -> done; done without a result) with nothing written.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>

#include "core/base/clock.h"
#include "core/care/clinic_day.h"
#include "core/care/follow_up.h"
#include "core/care/referral.h"
#include "core/care/transitions.h"
#include "core/domain/open_store.h"
#include "core/store/entities.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::first_error;

TEST_CASE("transitions: every pair of statuses of every kind, as the tables say") {
  using Pairs = std::set<std::pair<std::string, std::string>>;
  const std::map<std::string, Pairs> allowed{
      {"clinic_day", {{"open", "closed"}}},
      {"follow_up",
       {{"due", "done"}, {"due", "overdue"}, {"due", "lost"}, {"due", "due"},
        {"overdue", "done"}, {"overdue", "lost"}, {"overdue", "due"}}},
      {"referral",
       {{"advised", "contacted"}, {"advised", "arrived"}, {"advised", "outcome"}, {"advised", "lost"},
        {"contacted", "arrived"}, {"contacted", "outcome"}, {"contacted", "lost"},
        {"arrived", "outcome"}, {"arrived", "lost"}}},
  };
  for (const auto& entry : allowed) {
    const auto& entity = entry.first;  // not structured bindings: doctest's checks use lambdas
    const auto& pairs = entry.second;
    const auto& statuses = statuses_of(entity);
    REQUIRE_FALSE(statuses.empty());
    // The statuses are the options of the record's status field, initial first.
    const FieldSpec* f = find_entity(entity)->field("status");
    REQUIRE(f);
    CHECK(f->status);
    CHECK(f->fallback == statuses.front());
    std::string options;
    for (auto s : statuses) options += (options.empty() ? "" : "|") + std::string(s);
    CHECK(f->extra == options);
    for (auto from : statuses)
      for (auto to : statuses) {
        const bool want = pairs.count({std::string(from), std::string(to)}) > 0;
        CAPTURE(entity);
        CAPTURE(from);
        CAPTURE(to);
        CHECK(transition_allowed(entity, from, to) == want);
        if (want) CHECK_NOTHROW(check_transition(entity, from, to));
        else CHECK(first_error([&] { check_transition(entity, from, to); }).code == "bad_transition");
      }
    CHECK(first_error([&] { check_transition(entity, statuses.front(), "cured"); }).code == "bad_option");
  }
  // Kinds without a status have no table.
  CHECK(statuses_of("patient").empty());
  CHECK_FALSE(transition_allowed("patient", "due", "done"));
}

namespace {
struct Fixture {
  ManualClock clock{ms_of_date("2026-06-01") + 10 * 3600 * 1000LL};
  Store store = [this] {
    StoreOptions o;
    o.clock = &clock;
    return open_store(":memory:", o);
  }();
  std::string patient = store.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"birth_date", "1970-03-01"}});
  std::string follow_up() {
    return store.create("follow_up", {{"patient_id", patient}, {"due_date", "2026-06-15"}, {"reason", "复查"}});
  }
  json get(const char* entity, const std::string& id) { return *store.get(entity, id); }
  int64_t outbox() { return store.db().execAndGet("SELECT count(*) FROM outbox").getInt64(); }
};
}  // namespace

TEST_CASE("transitions: the commands refuse lost -> done and done without a result, writing nothing") {
  Fixture t;
  const std::string lost = t.follow_up(), open = t.follow_up();
  t.store.transact([&](Writer& w) { mark_follow_up_lost(t.store, w, lost, "迁居外地"); });
  const int64_t before = t.outbox();
  const FieldError e = first_error([&] {
    t.store.transact([&](Writer& w) { complete_follow_up(t.store, w, lost, "已复查"); });
  });
  CHECK(e.field == "status");
  CHECK(e.code == "bad_transition");
  CHECK(e.args == std::vector<std::string>{"lost", "done"});
  CHECK(t.get("follow_up", lost)["status"] == "lost");
  CHECK(first_error([&] { t.store.transact([&](Writer& w) { complete_follow_up(t.store, w, open, " \u3000"); }); })
            .field == "result");
  CHECK(t.get("follow_up", open)["status"] == "due");
  CHECK(t.outbox() == before);
}

TEST_CASE("transitions: a clinic day opens and closes once, through its commands only") {
  Fixture t;
  const std::string team = t.store.create("team", {{"name", "援藏医疗队"}});
  const json fields = {{"date", "2026-06-01"}, {"place_code", "540102001"}, {"team_id", team}, {"kind", "yizhen"}};
  json with_status = fields;
  with_status["status"] = "closed";
  CHECK(first_error([&] { open_clinic_day(t.store, with_status); }).code == "status_field");
  const std::string day = open_clinic_day(t.store, fields);
  CHECK(t.get("clinic_day", day)["status"] == "open");
  CHECK(first_error([&] { t.store.update("clinic_day", day, {{"status", "closed"}}); }).code == "status_field");
  close_clinic_day(t.store, day, "共接诊 12 人次");
  const json closed = t.get("clinic_day", day);
  CHECK(closed["status"] == "closed");
  CHECK(closed["notes"] == "共接诊 12 人次");
  CHECK(closed["closed_at"] == "2026-06-01 10:00");
  CHECK(first_error([&] { close_clinic_day(t.store, day); }).code == "bad_transition");
  CHECK_THROWS_AS(close_clinic_day(t.store, "01900000-0000-7000-8000-000000000000"), NotFound);
}
