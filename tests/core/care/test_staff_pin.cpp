// Staff PINs (core/care/staff_pin.h): only an Argon2id hash is kept, on the
// member record, synced like its other fields; the audit names the member
// signed in (Store::set_actor); a screening records who screened.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include "core/care/screening.h"
#include "core/care/staff_pin.h"
#include "core/care/team.h"
#include "core/domain/open_store.h"
#include "core/store/audit_chain.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::first_error;

namespace {

struct Team {
  Store store = open_store(":memory:");
  std::string nurse, doctor;
  Team() {
    init_team(store, TeamInit{"北京援藏医疗队", "", "540127", {}});
    nurse = add_member(store, "卓玛", "nurse");
    doctor = add_member(store, "王医生", "clinician");
  }
};

}  // namespace

TEST_CASE("staff PIN: 4 to 8 digits, nothing else") {
  for (const char* ok : {"0000", "1234", "12345678"}) CHECK_FALSE(check_pin(ok).has_value());
  for (const char* bad : {"", "123", "123456789", "12a4", "12 34", "１２３４", "-123"}) {
    INFO(bad);
    auto e = check_pin(bad);
    REQUIRE(e.has_value());
    CHECK(e->field == "pin");
    CHECK(e->code == "pin_format");
  }
  CHECK(first_error([] { hash_pin("12"); }).code == "pin_format");
}

TEST_CASE("staff PIN: an Argon2id hash with its own salt, that only the PIN matches") {
  const std::string a = hash_pin("2468"), b = hash_pin("2468");
  CHECK(a.rfind("$argon2id$", 0) == 0);
  CHECK(a != b);  // a fresh salt each time
  CHECK(a.find("2468") == std::string::npos);
  CHECK(pin_matches(a, "2468"));
  CHECK(pin_matches(b, "2468"));
  CHECK_FALSE(pin_matches(a, "2469"));
  CHECK_FALSE(pin_matches(a, ""));
  CHECK_FALSE(pin_matches("", "2468"));
  CHECK_FALSE(pin_matches("not a hash", "2468"));
}

TEST_CASE("staff PIN: set on the member record, synced, checked at sign-in") {
  Team t;
  CHECK(check_member_pin(t.store, t.nurse, "1357") == PinCheck::no_pin);
  const int64_t outbox_before = t.store.db().execAndGet("SELECT count(*) FROM outbox").getInt64();
  set_member_pin(t.store, t.nurse, "1357");
  const json m = *t.store.get("member", t.nurse);
  CHECK(m["pin_hash"].get<std::string>().rfind("$argon2id$", 0) == 0);
  // One change of the member, queued for sync like any edit of it.
  SQLite::Statement q(t.store.db(), "SELECT entity, record_id, op FROM outbox WHERE seq > (SELECT max(seq) - 1 FROM outbox)");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getString() == "member");
  CHECK(q.getColumn(1).getString() == t.nurse);
  CHECK(q.getColumn(2).getString() == "update");
  CHECK(t.store.db().execAndGet("SELECT count(*) FROM outbox").getInt64() == outbox_before + 1);

  CHECK(check_member_pin(t.store, t.nurse, "1357") == PinCheck::ok);
  CHECK(check_member_pin(t.store, t.nurse, "7531") == PinCheck::wrong);
  CHECK(check_member_pin(t.store, t.doctor, "1357") == PinCheck::no_pin);
  // Reset: the old PIN no longer opens.
  set_member_pin(t.store, t.nurse, "86420");
  CHECK(check_member_pin(t.store, t.nurse, "1357") == PinCheck::wrong);
  CHECK(check_member_pin(t.store, t.nurse, "86420") == PinCheck::ok);
}

TEST_CASE("staff PIN: refused for a bad PIN or someone not on the team, nothing written") {
  Team t;
  const int64_t before = t.store.db().execAndGet("SELECT count(*) FROM outbox").getInt64();
  CHECK(first_error([&] { set_member_pin(t.store, t.nurse, "12ab"); }).field == "pin");
  auto e = first_error([&] { set_member_pin(t.store, "0190a0a0-0000-7000-8000-000000000000", "1234"); });
  CHECK(e.field == "member");
  CHECK(e.code == "not_member");
  // A member who left (inactive) signs in no more.
  t.store.update("member", t.doctor, {{"active", false}});
  const int64_t after_leave = t.store.db().execAndGet("SELECT count(*) FROM outbox").getInt64();
  CHECK(first_error([&] { set_member_pin(t.store, t.doctor, "1234"); }).code == "not_member");
  CHECK(first_error([&] { check_member_pin(t.store, t.doctor, "1234"); }).code == "not_member");
  CHECK(after_leave == before + 1);
  CHECK(t.store.db().execAndGet("SELECT count(*) FROM outbox").getInt64() == after_leave);
}

TEST_CASE("signed in: the audit names the member, a screening records who screened") {
  Team t;
  t.store.set_actor("staff:" + t.doctor);
  const std::string p = t.store.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"birth_date", "1970-03-01"}});
  ScreeningInput in;
  in.patient_id = p;
  in.program_id = "hypertension";
  in.answers = {{"sbp", 128}, {"dbp", 80}};
  in.clinician_id = t.doctor;
  const auto r = record_screening(t.store, in);
  CHECK((*t.store.get("screening", r.screening_id))["clinician_id"] == t.doctor);
  const auto rows = recent_audit_rows(t.store.db(), 2);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].entity == "screening");
  CHECK(rows[0].actor == "staff:" + t.doctor);
  CHECK(rows[1].entity == "patient");
  CHECK(rows[1].actor == "staff:" + t.doctor);
  t.store.set_actor("local");
  t.store.update("patient", p, {{"phone", "13908912345"}});
  CHECK(recent_audit_rows(t.store.db(), 1).front().actor == "local");
  CHECK(verify_audit_chain(t.store.db()).ok);
}
