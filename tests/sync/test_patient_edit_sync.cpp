// A patient edited with the care command (core/care/patient.h edit_patient,
// as the field app and yizhenctl do) on a laptop reaches the real
// yizhen-server, and merges per field with a concurrent edit of another
// field made on a second laptop: both edits survive everywhere, with no
// conflict logged.
#include "core/care/patient.h"
#include "tests/core/helpers.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

TEST_CASE("Edits of different fields of one patient on two laptops both reach the server and merge") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db")), b(dir.file("b.db")), c(dir.file("c.db"));
  for (Device* d : {&a, &b, &c}) d->enroll(server, server.enroll_code());
  const std::string pid = register_patient(
      a.store,
      {{"name", "卓玛"}, {"sex", "F"}, {"age", 40}, {"village_code", "540102001001"}, {"phone", "13800000001"}});
  a.sync(server);
  b.sync(server);
  REQUIRE(b.store.get("patient", pid).has_value());

  // Offline, each laptop edits the patient: A the phone and the 身份证 brought
  // later, B the notes.
  const std::string card = yz_test::make_id("540102", "19850302", "002");
  CHECK(edit_patient(a.store, pid, {{"phone", "13900000002"}, {"id_number", card}}) ==
        std::vector<std::string>{"birth_date", "birth_estimated", "id_number", "phone"});
  CHECK(edit_patient(b.store, pid, {{"notes", "住在山上，电话常不通"}}) == std::vector<std::string>{"notes"});
  b.sync(server);
  a.sync(server);
  b.sync(server);
  c.sync(server);  // a laptop that edited nothing sees what the server holds

  for (Device* d : {&a, &b, &c}) {
    auto p = d->store.get("patient", pid);
    REQUIRE(p.has_value());
    CHECK((*p)["phone"] == "13900000002");
    CHECK((*p)["id_number"] == card);
    CHECK((*p)["birth_date"] == "1985-03-02");
    CHECK((*p)["notes"] == "住在山上，电话常不通");
    CHECK(d->count("SELECT count(*) FROM conflict") == 0);
  }
  auto r = server.admin({"conflicts", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(json::parse(r.out).empty());
}
