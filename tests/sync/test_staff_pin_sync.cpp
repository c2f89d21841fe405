// A staff member's sign-in PIN (core/care/staff_pin.h) travels with their
// member record: set on one laptop, it signs them in on the team's other
// laptop after a sync through the real yizhen-server; a reset travels the
// same way. Only the Argon2id hash crosses the wire.
#include "core/care/staff_pin.h"
#include "core/care/team.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

TEST_CASE("A PIN set on one laptop signs its member in on the team's other laptop, and a reset follows") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code("上海援藏医疗队", ""));
  a.sync(server);  // the team's record, from the server
  const std::string nurse = add_member(a.store, "卓玛", "nurse");
  set_member_pin(a.store, nurse, "2468");
  a.sync(server);
  b.sync(server);
  REQUIRE(b.store.get("member", nurse).has_value());
  CHECK(check_member_pin(b.store, nurse, "2468") == PinCheck::ok);
  CHECK(check_member_pin(b.store, nurse, "1357") == PinCheck::wrong);

  set_member_pin(b.store, nurse, "1357");  // forgotten, reset on the other laptop
  b.sync(server);
  a.sync(server);
  CHECK(check_member_pin(a.store, nurse, "1357") == PinCheck::ok);
  CHECK(check_member_pin(a.store, nurse, "2468") == PinCheck::wrong);
  CHECK(a.count("SELECT count(*) FROM conflict") == 0);
  // The server holds the hash, never the PIN.
  const std::string central = yz::test::slurp(dir.file("central.db")) + yz::test::slurp(dir.file("central.db-wal"));
  CHECK(central.find("$argon2id$v=19$") != std::string::npos);
}
