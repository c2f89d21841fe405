// Sync under faults, against the real server on 127.0.0.1: responses lost
// after the server committed, uploads cut at random byte offsets, requests
// duplicated and replayed out of order, and the server killed with SIGKILL
// while applying. Nothing may be lost or duplicated, and every outbox drains
// once the faults stop.
#include <SQLiteCpp/Statement.h>

#include <random>
#include <set>
#include <thread>

#include "core/replication/outbox.h"
#include "sync/client/client.h"
#include "tests/support/sanitizers.h"
#include "tests/sync/raw_socket.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

namespace {

// Send the head of a POST and part of its body on a raw socket, then hang up:
// an upload cut off mid-way.
void cut_upload(int port, const std::string& path, const std::string& body, size_t keep, const std::string& token) {
  const int fd = connect_loopback(port);
  if (fd >= 0) {
    const std::string head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                             "\r\n\r\n";
    const std::string sent = head + body.substr(0, keep);
    [[maybe_unused]] auto n = ::send(fd, sent.data(), sent.size(), MSG_NOSIGNAL);
    ::close(fd);
  }
}

// Wraps the HTTP transport and misbehaves at random.
class FaultyTransport : public sync::Transport {
 public:
  FaultyTransport(const std::string& url, uint32_t seed) : inner_(sync::make_http_transport(url)), port_(port_of(url)), rng_(seed) {}
  bool faults = true;
  int injected = 0;

  sync::HttpResponse get(const std::string& path, const std::string& bearer) override {
    if (faults && chance(10)) return lose(inner_->get(path, bearer));
    return inner_->get(path, bearer);
  }

  sync::HttpResponse post(const std::string& path, const std::string& body, const std::string& bearer) override {
    if (faults) {
      if (!old_.empty() && chance(15)) {  // an old request arrives late
        ++injected;
        try {
          inner_->post(path, old_[rng_() % old_.size()], bearer);
        } catch (const sync::TransportError&) {
        }
      }
      if (path == "/v1/batches") old_.push_back(body);
      const int roll = static_cast<int>(rng_() % 100);
      if (roll < 20) {  // cut the upload at a random byte
        ++injected;
        cut_upload(port_, path, body, rng_() % body.size(), bearer);
        throw sync::TransportError("connection reset (injected)");
      }
      if (roll < 40) return lose(inner_->post(path, body, bearer));  // committed, answer lost
      if (roll < 50) {  // sent twice
        ++injected;
        inner_->post(path, body, bearer);
      }
    }
    return inner_->post(path, body, bearer);
  }

 private:
  std::unique_ptr<sync::Transport> inner_;
  int port_;
  std::mt19937 rng_;
  std::vector<std::string> old_;

  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  sync::HttpResponse lose(const sync::HttpResponse&) {
    ++injected;
    throw sync::TransportError("response lost (injected)");
  }
};

// Every live record of `entity` as (id, hlc, deleted, one field) for comparison.
std::set<std::string> rows(SQLite::Database& db, const std::string& entity, const std::string& field) {
  std::set<std::string> out;
  SQLite::Statement st(db, "SELECT id || '|' || deleted || '|' || coalesce(" + field + ", '') FROM " + entity);
  while (st.executeStep()) out.insert(st.getColumn(0).getString());
  return out;
}

}  // namespace

TEST_CASE_TEMPLATE("Hundreds of rounds of lost, cut, duplicated and reordered requests lose and duplicate nothing", T,
                   Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  std::vector<std::unique_ptr<Device>> devices;
  std::vector<std::unique_ptr<FaultyTransport>> links;
  for (int i = 0; i < 3; ++i) {
    devices.push_back(std::make_unique<Device>(dir.file("d" + std::to_string(i) + ".db")));
    devices.back()->enroll(server, server.enroll_code());
    links.push_back(std::make_unique<FaultyTransport>(server.url, 100 + i));
  }
  std::mt19937 rng(7);
  std::vector<std::string> patients;
  int created_patients = 0, created_observations = 0, failures = 0;
  const int rounds = yz::test::kSanitized ? 80 : 240;  // fewer under the sanitizers (CI time)
  for (int round = 0; round < rounds; ++round) {
    const size_t d = rng() % devices.size();
    Store& s = devices[d]->store;
    // Work done on this laptop since its last sync.
    const int what = static_cast<int>(rng() % 3);
    if (what == 0 || patients.empty()) {
      s.transact([&](Writer& w) {
        const std::string pid = w.create("patient", {{"name", "旺姆"}, {"sex", "F"}, {"age", 20 + round % 60}});
        w.create("observation", {{"patient_id", pid}, {"kind", "spo2"}, {"value", 80 + round % 20}, {"unit", "%"}});
        patients.push_back(pid);
      });
      ++created_patients;
      ++created_observations;
    } else {
      // Edit a patient this device holds (it may not have pulled them all).
      const std::string& pid = patients[rng() % patients.size()];
      if (s.get("patient", pid))
        s.update("patient", pid, {{"phone", "139" + std::to_string(10000000 + rng() % 89999999)}});
    }
    try {
      devices[d]->sync(server, links[d].get());
    } catch (const sync::SyncError&) {
      ++failures;  // resumes next round
    }
  }
  int injected = 0;
  for (auto& l : links) {
    injected += l->injected;
    l->faults = false;
  }
  // Faults stop: every outbox drains and everyone converges on the server.
  for (int pass = 0; pass < 2; ++pass)
    for (size_t d = 0; d < devices.size(); ++d) devices[d]->sync(server, links[d].get());
  MESSAGE(injected << " faults injected, " << failures << " failed rounds out of " << rounds);
  // As many faults per round however many rounds (over 100 and 20 in 240).
  CHECK(injected > rounds * 100 / 240);
  CHECK(failures > rounds * 20 / 240);
  CHECK(central_query(server, "SELECT count(*) FROM patient") == std::to_string(created_patients));
  CHECK(central_query(server, "SELECT count(*) FROM observation") == std::to_string(created_observations));
  if constexpr (T::kind == StoreKind::sqlite) CHECK(central_query(server, "PRAGMA integrity_check") == "ok");
  const auto listed = central_rows(server, "SELECT id || '|' || deleted || '|' || coalesce(phone, '') FROM patient");
  const std::set<std::string> expected(listed.begin(), listed.end());
  for (auto& dev : devices) {
    CHECK(pending_changes(dev->store.db()) == 0);
    CHECK(rows(dev->store.db(), "patient", "phone") == expected);
    CHECK(dev->count("SELECT count(*) FROM observation") == created_observations);
  }
}

TEST_CASE_TEMPLATE("A server killed with SIGKILL while applying leaves no partial batch", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  // Smaller batches under the sanitizers (there building them dominates)
  // and on PostgreSQL (its apply takes a round trip per statement: a batch
  // of 500 is still being applied when the kill comes).
  const int per_batch = yz::test::kSanitized || T::kind == StoreKind::pg ? 500 : 2000, batches = 4;
  a.store.transact([&](Writer& w) {
    for (int i = 0; i < per_batch * batches; ++i)
      w.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"age", 30 + i % 40}, {"village_code", "540102001001"}});
  });
  sync::BatchLimits limits;
  limits.max_changes = per_batch;
  sync::seal_pending(a.exec, limits);
  std::mt19937 rng(3);
  // The kill comes later on each attempt (slow sanitizer builds need longer
  // to reach the applying), at a random point within the window.
  for (int attempt = 0; attempt < 6 && pending_changes(a.store.db()) > 0; ++attempt) {
    std::thread pusher([&] {
      try {
        auto t = sync::make_http_transport(server.url);
        sync::push(a.exec, *t);
      } catch (const sync::SyncError&) {
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds((20 + rng() % 200) << attempt));
    server.kill();
    pusher.join();
    {
      const int applied = std::stoi(central_query(server, "SELECT count(*) FROM srv_batch"));
      MESSAGE("killed after " << applied << " of " << batches << " batches");
      CHECK(central_query(server, "SELECT count(*) FROM patient") == std::to_string(applied * per_batch));
      if constexpr (T::kind == StoreKind::sqlite) CHECK(central_query(server, "PRAGMA integrity_check") == "ok");
    }
    server.start();
  }
  a.sync(server);
  CHECK(pending_changes(a.store.db()) == 0);
  CHECK(central_query(server, "SELECT count(*) FROM patient") == std::to_string(per_batch * batches));
}
