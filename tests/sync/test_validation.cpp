// Sync applies exactly the validation of a local save (core/domain/
// record_rules.h), 身份证 cross-field rules included: a record that a local
// save would refuse is quarantined with its reason wherever it arrives — at
// the server's ingest of a push and at a device's pull — and the rest of its
// batch or page applies.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include "core/domain/idcard.h"
#include "core/replication/changes.h"
#include "sync/client/transport.h"
#include "sync/server/central_rules.h"
#include "tests/support/process.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

namespace {

// A valid 身份证 number of a man born 1968-03-12 (odd sequence).
std::string man_id(const std::string& seq = "011") {
  const std::string first17 = "540102" + std::string("19680312") + seq;
  return first17 + id_check_digit(first17);
}

// Pulled pages pass through here; the patient `id` arrives as a woman.
class TamperingTransport : public sync::Transport {
 public:
  TamperingTransport(const std::string& url, std::string id) : inner_(sync::make_http_transport(url)), id_(std::move(id)) {}
  sync::HttpResponse get(const std::string& path, const std::string& bearer) override {
    sync::HttpResponse r = inner_->get(path, bearer);
    if (path.rfind("/v1/changes", 0) != 0 || r.status != 200) return r;
    json page = json::parse(r.body);
    for (auto& c : page["changes"])
      if (c.value("id", "") == id_) {
        c["fields"]["sex"] = "F";
        ++tampered;
      }
    r.body = page.dump();
    return r;
  }
  sync::HttpResponse post(const std::string& path, const std::string& body, const std::string& bearer) override {
    return inner_->post(path, body, bearer);
  }
  int tampered = 0;

 private:
  std::unique_ptr<sync::Transport> inner_;
  std::string id_;
};

bool has_error(const json& errors, const std::string& field, const std::string& code) {
  for (const auto& e : errors)
    if (e.value("field", "") == field && e.value("code", "") == code) return true;
  return false;
}

}  // namespace

TEST_CASE("A local save refuses a sex that contradicts the 身份证, as sync does") {
  yz::test::TempDir dir;
  Device a(dir.file("a.db"));
  try {
    a.store.create("patient", {{"name", "扎西"}, {"sex", "F"}, {"id_number", man_id()}});
    FAIL("saved");
  } catch (const ValidationError& e) {
    CHECK(e.errors().front().field == "sex");
    CHECK(e.errors().front().code == "id_says_male");
  }
}

TEST_CASE_TEMPLATE("The server's ingest quarantines a patient whose sex contradicts the 身份证, and the rest of the batch applies",
                   T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  const std::string bad = a.store.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"id_number", man_id()}});
  const std::string good = a.store.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 40}});
  // What an older build (or a hand-edited database) might send: the stored
  // record contradicts its own 身份证.
  a.store.db().exec("UPDATE patient SET sex = 'F' WHERE id = '" + bad + "'");
  a.sync(server);

  CHECK(central_query(server, "SELECT count(*) FROM patient WHERE id = '" + good + "'") == "1");
  CHECK(central_query(server, "SELECT count(*) FROM patient WHERE id = '" + bad + "'") == "0");
  const json rows = admin_json(server, {"quarantine"});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["id"] == bad);
  CHECK(rows[0]["entity"] == "patient");
  CHECK(has_error(rows[0]["errors"], "sex", "id_says_male"));
}

TEST_CASE("A device's pull quarantines a patient whose sex contradicts the 身份证, and the rest of the page applies") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(server, server.enroll_code());
  b.enroll(server, server.enroll_code());
  const std::string tampered = a.store.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"id_number", man_id()}});
  const std::string good = a.store.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 40}});
  a.sync(server);

  TamperingTransport t(server.url, tampered);
  b.sync(server, &t);
  CHECK(t.tampered == 1);
  CHECK(b.store.get("patient", good).has_value());
  CHECK_FALSE(b.store.get("patient", tampered).has_value());
  const auto rows = list_quarantine(b.store.db());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].record_id == tampered);
  CHECK(has_error(rows[0].errors, "sex", "id_says_male"));
}

TEST_CASE("A refused change is kept whole when small, else its kind, id and first bytes") {
  const json small = {{"entity", "patient"}, {"id", "01a00000-0000-7000-8000-000000000001"}, {"fields", {{"name", "卓玛"}}}};
  CHECK(json::parse(sync::kept_change(small)) == small);
  json big = small;
  big["fields"]["notes"] = std::string(10000, 'x');
  const json kept = json::parse(sync::kept_change(big));
  CHECK(kept["entity"] == "patient");
  CHECK(kept["id"] == small["id"]);
  CHECK(kept["truncated_from_bytes"].get<size_t>() == big.dump().size());
  CHECK(kept["head"].get<std::string>().size() <= 2048);
  CHECK(kept.dump().size() < 4096);
}
