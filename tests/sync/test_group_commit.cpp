// Group commit (sync/server/group_commit.h): batches that wait for the
// writer together go in one group, in the order they came, each caller
// answered with its own receipt or error; and, on the real server, many
// devices pushing at once each have every batch applied once, while a
// refused batch among them is refused alone; and the console's reads that
// need the store's date run beside batches being taken in.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "core/replication/outbox.h"
#include "sync/protocol/batch.h"
#include "sync/server/central_rules.h"
#include "sync/server/group_commit.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

namespace {

void wait_until(const std::function<bool()>& done) {
  for (int i = 0; i < 5000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(done());
}

// Laptops enrolled with `server`, each with `visits` visits (a patient named
// `name` d-v and an encounter) sealed one visit per batch, not yet pushed.
struct Laptops {
  std::vector<std::unique_ptr<Device>> devices;
  std::vector<std::vector<std::string>> bodies;  // per laptop, in order
  std::vector<std::string> tokens;
};
Laptops laptops_with_visits(const yz::test::TempDir& dir, const Server& server, int count, int visits,
                            const std::string& name) {
  Laptops out;
  for (int d = 0; d < count; ++d) {
    out.devices.push_back(std::make_unique<Device>(dir.file("d" + std::to_string(d) + ".db")));
    Device& dev = *out.devices.back();
    dev.enroll(server, server.enroll_code());
    for (int v = 0; v < visits; ++v) {
      const std::string pid = add_patient_at(dev.store, name + std::to_string(d) + "-" + std::to_string(v), "540102001001");
      dev.store.transact([&](Writer& w) { w.create("encounter", {{"patient_id", pid}, {"station", "内科"}}); });
    }
    sync::seal_pending(dev.exec, {2, 4u << 20});  // a visit per batch
    out.bodies.emplace_back();
    for (auto& b : undelivered_batches(dev.store.db())) out.bodies.back().push_back(b.body);
    REQUIRE(out.bodies.back().size() == static_cast<size_t>(visits));
    out.tokens.push_back(*dev.store.setting(sync::kTokenKey));
  }
  return out;
}

}  // namespace

TEST_CASE("Group commit: callers that wait together are one group, in order, each with its own answer") {
  std::mutex mu;
  std::vector<std::vector<int64_t>> groups;  // received_ms of each group's batches
  auto groups_now = [&] {
    std::lock_guard lock(mu);
    return groups;
  };
  std::promise<void> release_first;
  std::shared_future<void> first_may_finish = release_first.get_future().share();
  sync::GroupCommit commit(3, [&](std::span<sync::GroupCommit::Job* const> jobs) {
    std::vector<int64_t> g;
    for (auto* j : jobs) g.push_back(j->batch->received_ms);
    {
      std::lock_guard lock(mu);
      groups.push_back(g);
    }
    if (g == std::vector<int64_t>{0}) first_may_finish.wait();  // the writer is busy with batch 0
    if (g == std::vector<int64_t>{5}) throw std::runtime_error("disk full");  // escapes, nothing answered
    for (auto* j : jobs) {
      if (j->batch->received_ms == 2) j->error = std::make_exception_ptr(sync::CentralError(409, "batch_conflict", "x"));
      else j->receipt = {{"batch", j->batch->received_ms}};
    }
  });
  std::vector<sync::PreparedBatch> batches(6);
  for (int i = 0; i < 6; ++i) batches[i].received_ms = i;
  const std::string source = "http";
  std::vector<std::future<json>> answers;
  answers.push_back(std::async(std::launch::async, [&] { return commit.submit(batches[0], source); }));
  wait_until([&] { return !groups_now().empty(); });
  // While batch 0 is written, 1..4 queue up, in this order.
  for (int i = 1; i <= 4; ++i) {
    answers.push_back(std::async(std::launch::async, [&, i] { return commit.submit(batches[i], source); }));
    wait_until([&] { return commit.waiting() == static_cast<size_t>(i); });
  }
  release_first.set_value();
  CHECK(answers[0].get() == json{{"batch", 0}});
  CHECK(answers[1].get() == json{{"batch", 1}});
  CHECK_THROWS_WITH_AS(answers[2].get(), "x", sync::CentralError);  // its own error only
  CHECK(answers[3].get() == json{{"batch", 3}});
  CHECK(answers[4].get() == json{{"batch", 4}});
  // At most 3 in a group: 1, 2, 3 together, then 4.
  CHECK(groups_now() == std::vector<std::vector<int64_t>>{{0}, {1, 2, 3}, {4}});
  // A caller alone is written at once; an exception escaping the run is
  // the error of the jobs it left unanswered.
  CHECK(commit.submit(batches[3], source) == json{{"batch", 3}});
  CHECK_THROWS_WITH(commit.submit(batches[5], source), "disk full");
  CHECK(commit.waiting() == 0);
}

TEST_CASE_TEMPLATE("Many devices pushing at once: every batch applied once, a refused batch among them refused alone", T,
                   Stores) {
  constexpr int kDevices = 6, kVisits = 3;
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Laptops laptops = laptops_with_visits(dir, server, kDevices, kVisits, "次仁");
  const auto& devices = laptops.devices;  // not a structured binding: lambdas below capture them (clang)
  const auto& bodies = laptops.bodies;
  const auto& tokens = laptops.tokens;
  auto post = [&](int d, const std::string& body) {
    httplib::Client http(server.url);
    http.set_read_timeout(60);
    auto r = http.Post("/v1/batches", {{"Authorization", "Bearer " + tokens[d]}}, body, "application/json");
    REQUIRE(r);
    return std::pair{r->status, r->body};
  };
  // Device 0's first batch is taken now; the same id with other content
  // comes among everyone's batches below and is refused, alone.
  REQUIRE(post(0, bodies[0][0]).first == 200);
  json other = json::parse(bodies[0][0]);
  other["changes"][0]["fields"]["name"] = "央金";
  const json conflicting = sync::seal_batch(other["changes"], sync::check_batch(json::parse(bodies[0][0])), 0,
                                            *devices[0]->store.setting(sync::kSignSecretKey));

  std::atomic<int> ready{0};
  auto start_together = [&] {
    ++ready;
    while (ready < kDevices + 1) std::this_thread::yield();
  };
  std::vector<std::future<std::vector<std::pair<int, std::string>>>> answers;
  for (int d = 0; d < kDevices; ++d)
    answers.push_back(std::async(std::launch::async, [&, d] {
      start_together();
      std::vector<std::pair<int, std::string>> out;
      for (const auto& body : bodies[d]) out.push_back(post(d, body));  // in order, as a device pushes
      return out;
    }));
  auto refused = std::async(std::launch::async, [&] {
    start_together();
    return post(0, conflicting.dump());
  });
  CHECK(refused.get().first == 409);
  std::vector<std::vector<std::pair<int, std::string>>> got;
  for (auto& a : answers) got.push_back(a.get());
  for (int d = 0; d < kDevices; ++d)
    for (int b = 0; b < kVisits; ++b) {
      INFO("device " << d << " batch " << b);
      REQUIRE_MESSAGE(got[d][b].first == 200, got[d][b].second);
      const json receipt = json::parse(got[d][b].second);
      CHECK(receipt["applied"].get<int>() + receipt["unchanged"].get<int>() == 2);
      CHECK(receipt["quarantined"].empty());
      // Exactly once: the same batch again gets the same receipt.
      CHECK(post(d, bodies[d][b]).second == got[d][b].second);
    }
  // Everything reached the server once: a new laptop of the team pulls it all.
  Device fresh(dir.file("fresh.db"));
  fresh.enroll(server, server.enroll_code());
  fresh.sync(server);
  CHECK(fresh.count("SELECT count(*) FROM patient") == kDevices * kVisits);
  CHECK(fresh.count("SELECT count(*) FROM encounter") == kDevices * kVisits);
  CHECK(fresh.count("SELECT count(*) FROM patient WHERE name = '央金'") == 0);
}

// Reproduces a race: a report or a follow-up list with no "as of" date read
// the store's date through the SQLite writer connection without the
// writer's lock, while a batch was being taken in on that connection (the
// writer has no SQLite mutex of its own: one thread at a time). The console
// asks for both while laptops push.
TEST_CASE_TEMPLATE("Reports and follow-up lists asked for while batches are taken in: all answered, every batch applied", T,
                   Stores) {
  constexpr int kDevices = 3, kVisits = 20;
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  REQUIRE(server.admin({"account", "add", "--name", "王主任", "--role", "admin"}, "a-long-password-1\n").code == 0);
  const Laptops laptops = laptops_with_visits(dir, server, kDevices, kVisits, "卓玛");
  const auto& bodies = laptops.bodies;
  const auto& tokens = laptops.tokens;
  httplib::Client console(server.url);
  auto login = console.Post("/api/v1/console/login", json{{"name", "王主任"}, {"password", "a-long-password-1"}}.dump(),
                            "application/json");
  REQUIRE(login);
  REQUIRE_MESSAGE(login->status == 200, login->body);
  const std::string cookie = login->get_header_value("Set-Cookie").substr(0, login->get_header_value("Set-Cookie").find(';'));

  std::atomic<bool> pushing{true};
  std::vector<std::future<int>> pushes;  // batches answered 200
  for (int d = 0; d < kDevices; ++d)
    pushes.push_back(std::async(std::launch::async, [&, d] {
      httplib::Client http(server.url);
      http.set_read_timeout(60);
      int ok = 0;
      for (const auto& body : bodies[d]) {
        auto r = http.Post("/v1/batches", {{"Authorization", "Bearer " + tokens[d]}}, body, "application/json");
        ok += r && r->status == 200;
      }
      return ok;
    }));
  // Reports and follow-up lists, with no date given (the store's today),
  // over and over while the laptops push, and at least 20 of each.
  std::vector<int> statuses;
  for (int i = 0; pushing || i < 20; ++i) {
    for (const char* path : {"/api/v1/console/report?from=2026-01-01&to=2030-12-31", "/api/v1/console/exports/follow-ups?format=csv"}) {
      auto r = console.Get(path, {{"Cookie", cookie}});
      statuses.push_back(r ? r->status : -1);
    }
    pushing = std::any_of(pushes.begin(), pushes.end(), [](auto& f) {
      return f.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready;
    });
  }
  for (int d = 0; d < kDevices; ++d) CHECK(pushes[d].get() == kVisits);
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == static_cast<long>(statuses.size()));
  REQUIRE(server.child->running());
  Device fresh(dir.file("fresh.db"));
  fresh.enroll(server, server.enroll_code());
  fresh.sync(server);
  CHECK(fresh.count("SELECT count(*) FROM encounter") == kDevices * kVisits);
}
