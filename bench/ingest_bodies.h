#pragma once
// The ingest both server benchmarks time (server_ingest.cpp on SQLite,
// pg_ingest.cpp on PostgreSQL): what POST /v1/batches does with each sealed
// batch body once HTTP has read it -- token lookup, byte limits and parse,
// digest and signature, apply_batch, the receipt's JSON -- and the count of
// changes the receipts account for; and the setting up of the devices whose
// bodies they are.

#include <cstdint>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>

#include "bench/bench_util.h"
#include "core/base/clock.h"
#include "core/domain/open_store.h"
#include "core/replication/outbox.h"
#include "core/store/store.h"
#include "sync/client/client.h"
#include "sync/client/transport.h"
#include "sync/server/http_api.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/limits.h"
#include "sync/server/central_rules.h"
#include "sync/server/central_store.h"

namespace yzb {

// Enrolls the demo devices at `paths` with `central`, over its real HTTP API
// on 127.0.0.1, in one team that serves one area (Tibet, "54"): the demo's
// Xinjiang records are refused outside_area by the server, as a real team's
// would be. Device i is named names[i].
inline void enroll_devices(yz::sync::CentralStore& central, const std::vector<std::string>& paths,
                           const std::vector<std::string>& names) {
  httplib::Server server;
  yz::sync::install_routes(server, central, yz::sync::JsonLimits{}, nullptr);
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  try {
    for (size_t i = 0; i < paths.size(); ++i) {
      yz::Store s = yz::open_store(paths[i]);
      auto transport = yz::sync::make_http_transport(url);
      yz::sync::enroll(yz::sync::direct_exec(s), *transport, url,
                       central.create_enroll_code("bench", "54", 86400000, yz::sync::AuditBy{}), names[i]);
    }
  } catch (...) {
    server.stop();
    serving.join();
    throw;
  }
  server.stop();
  serving.join();
}

// An enrolled device's outbox sealed into batch bodies, as for a push.
struct DeviceBodies {
  std::string token;
  std::vector<std::string> bodies;
  int64_t records = 0;  // changes in the bodies
};
inline DeviceBodies sealed_bodies(const std::string& device_path) {
  yz::Store s = yz::open_store(device_path);
  DeviceBodies out;
  out.token = s.setting(yz::sync::kTokenKey).value_or("");
  yz::sync::seal_pending(yz::sync::direct_exec(s));
  for (auto& b : yz::undelivered_batches(s.db(), 1 << 30)) {
    out.records += b.changes;
    out.bodies.push_back(std::move(b.body));
  }
  return out;
}

struct IngestCount {
  // Changes the receipts account for: applied, unchanged (a record edited
  // after it was made comes once per outbox row, the later ones whole and
  // the same), or refused by authorization -- the demo device also holds its
  // team's configuration (team, device, other teams' staff) and Xinjiang's
  // records, which the server refuses as not_allowed / outside_area (issue
  // 12): handling them too.
  int64_t handled = 0;
  int64_t quarantined = 0;  // any other refusal: an error of the benchmark's data
  size_t receipt_bytes = 0;
  // ingest_bodies: the CPU of the thread that read, prepared and answered
  // every body (the applying thread's is the caller's to measure).
  double reader_cpu_ms = 0;

  IngestCount& operator+=(const IngestCount& o) {
    handled += o.handled;
    quarantined += o.quarantined;
    receipt_bytes += o.receipt_bytes;
    reader_cpu_ms += o.reader_cpu_ms;
    return *this;
  }
  void add(const yz::sync::json& receipt) {
    receipt_bytes += receipt.dump().size();
    handled += receipt["applied"].get<int64_t>() + receipt["unchanged"].get<int64_t>();
    for (const auto& q : receipt["quarantined"]) {
      const std::string code = q["errors"][0]["code"];
      if (code == "not_allowed" || code == "outside_area") ++handled;
      else ++quarantined;
    }
  }
};

// A body as POST /v1/batches reads it before the store's writer: the token
// looked up, the body parsed, its digest and signature checked, its changes
// prepared (central_rules.h prepare_batch).
struct ReadBody {
  std::unique_ptr<yz::sync::json> batch;  // where the prepared changes point
  yz::sync::DeviceInfo device;
  yz::sync::PreparedBatch prepared;
};
inline ReadBody read_body(yz::sync::CentralStore& central, const std::string& token, const std::string& body) {
  ReadBody r;
  r.device = *central.device_by_token(token);
  r.batch = std::make_unique<yz::sync::json>(yz::sync::parse_limited(body));
  yz::sync::check_batch(*r.batch, r.device.public_key, body);
  r.prepared = yz::sync::prepare_batch(*r.batch, r.device, yz::SystemClock().now_ms(), central.server_id());
  return r;
}

// One device's bodies. They are read (read_body) one ahead, on a second
// thread, while the store applies the one before, as the server's HTTP
// threads do when several devices push at once, and applied in order. As
// there, the thread that read a body answers it once applied: it counts the
// receipt (its JSON written out) and frees the body, beside the store's
// next apply, not on the applying thread.
inline IngestCount ingest_bodies(yz::sync::CentralStore& central, const std::string& token,
                                 const std::vector<std::string>& bodies) {
  using Read = ReadBody;
  auto read = [&](size_t i) { return read_body(central, token, bodies[i]); };
  struct Applied {
    Read body;
    yz::sync::json receipt;
  };
  // One reading thread (its own reader connection, as an HTTP thread has),
  // at most two bodies ahead.
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Read> ready;
  std::deque<Applied> applied;  // to be answered by the reading thread
  std::exception_ptr failed;
  bool stop = false;  // the applying side has failed, or is done
  IngestCount n;      // counted by the reading thread
  std::thread reader([&] {
    struct Measured {  // this thread's CPU, however it ends
      IngestCount& n;
      double cpu0;
      ~Measured() { n.reader_cpu_ms = thread_cpu_ms() - cpu0; }
    } measured{n, thread_cpu_ms()};
    size_t answered = 0;
    // Answers the applied bodies queued so far (`lock` held on entry and exit).
    auto answer = [&](std::unique_lock<std::mutex>& lock) {
      while (!applied.empty()) {
        Applied a = std::move(applied.front());
        applied.pop_front();
        lock.unlock();
        n.add(a.receipt);
        a = Applied{};  // the body freed here
        ++answered;
        lock.lock();
      }
    };
    try {
      for (size_t i = 0; i < bodies.size(); ++i) {
        Read r = read(i);
        std::unique_lock lock(mu);
        changed.wait(lock, [&] { return ready.size() < 2 || stop; });
        if (stop) return;
        ready.push_back(std::move(r));
        changed.notify_all();
        answer(lock);
      }
      std::unique_lock lock(mu);
      while (answered < bodies.size()) {
        changed.wait(lock, [&] { return !applied.empty() || stop; });
        if (applied.empty()) return;
        answer(lock);
      }
    } catch (...) {
      std::lock_guard lock(mu);
      failed = std::current_exception();
      changed.notify_all();
    }
  });
  struct Join {
    std::thread& t;
    std::mutex& mu;
    std::condition_variable& changed;
    bool& stop;
    ~Join() {
      {
        std::lock_guard lock(mu);
        stop = true;
      }
      changed.notify_all();
      if (t.joinable()) t.join();
    }
  } join{reader, mu, changed, stop};
  for (size_t i = 0; i < bodies.size(); ++i) {
    Read r;
    {
      std::unique_lock lock(mu);
      changed.wait(lock, [&] { return !ready.empty() || failed; });
      if (ready.empty()) std::rethrow_exception(failed);
      r = std::move(ready.front());
      ready.pop_front();
      changed.notify_all();
    }
    yz::sync::json receipt = central.apply_prepared(r.prepared, "http");
    std::lock_guard lock(mu);
    applied.push_back({std::move(r), std::move(receipt)});
    changed.notify_all();
  }
  reader.join();  // it answers the last bodies
  if (failed) std::rethrow_exception(failed);
  return n;
}

// Several devices pushing at once, as the server takes them in: a thread
// per device (an HTTP thread each), each reading (read_body) and applying
// its own bodies in order, the next only once the one before has its
// receipt, as a device pushes. Batches that wait for the store's writer
// together are committed together (group_commit.h).
inline IngestCount ingest_devices_at_once(yz::sync::CentralStore& central, const std::vector<DeviceBodies>& devices) {
  std::vector<IngestCount> counts(devices.size());
  std::vector<std::exception_ptr> failed(devices.size());
  std::vector<std::thread> threads;
  for (size_t d = 0; d < devices.size(); ++d)
    threads.emplace_back([&, d] {
      try {
        for (const std::string& body : devices[d].bodies) {
          ReadBody r = read_body(central, devices[d].token, body);
          counts[d].add(central.apply_prepared(r.prepared, "http"));
        }
      } catch (...) {
        failed[d] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  IngestCount n;
  for (size_t d = 0; d < devices.size(); ++d) {
    if (failed[d]) std::rethrow_exception(failed[d]);
    n += counts[d];
  }
  return n;
}

}  // namespace yzb
