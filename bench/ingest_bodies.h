#pragma once
// The ingest both server benchmarks time (server_ingest.cpp on SQLite,
// pg_ingest.cpp on PostgreSQL): what POST /v1/batches does with each sealed
// batch body once HTTP has read it -- token lookup, byte limits and parse,
// digest and signature, apply_batch, the receipt's JSON -- and the count of
// changes the receipts account for.

#include <cstdint>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/limits.h"
#include "sync/server/central_rules.h"
#include "sync/server/central_store.h"

namespace yzb {

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
};

// Bodies are read (token, parse, digest, signature) one ahead, on a second
// thread, while the store applies the one before, as the server's HTTP
// threads do when several devices push at once; that thread also prepares
// the batch's changes (central_rules.h prepare_batch) and the store applies
// them prepared (apply_prepared). Applied in order.
inline IngestCount ingest_bodies(yz::sync::CentralStore& central, const std::string& token,
                                 const std::vector<std::string>& bodies) {
  struct Read {
    std::unique_ptr<yz::sync::json> batch;  // where the prepared changes point
    yz::sync::DeviceInfo device;
    yz::sync::PreparedBatch prepared;
  };
  auto read = [&](size_t i) {
    Read r;
    r.device = *central.device_by_token(token);
    r.batch = std::make_unique<yz::sync::json>(yz::sync::parse_limited(bodies[i]));
    yz::sync::check_batch(*r.batch, r.device.public_key, bodies[i]);
    r.prepared = yz::sync::prepare_batch(*r.batch, r.device, yz::SystemClock().now_ms());
    return r;
  };
  // One reading thread (its own reader connection, as an HTTP thread has),
  // at most two bodies ahead.
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Read> ready;
  std::exception_ptr failed;
  bool stop = false;  // the applying side has failed
  std::thread reader([&] {
    try {
      for (size_t i = 0; i < bodies.size(); ++i) {
        Read r = read(i);
        std::unique_lock lock(mu);
        changed.wait(lock, [&] { return ready.size() < 2 || stop; });
        if (stop) return;
        ready.push_back(std::move(r));
        changed.notify_all();
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
      t.join();
    }
  } join{reader, mu, changed, stop};
  IngestCount n;
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
    const yz::sync::json receipt = central.apply_prepared(r.prepared, "http");
    n.receipt_bytes += receipt.dump().size();
    n.handled += receipt["applied"].get<int64_t>() + receipt["unchanged"].get<int64_t>();
    for (const auto& q : receipt["quarantined"]) {
      const std::string code = q["errors"][0]["code"];
      if (code == "not_allowed" || code == "outside_area") ++n.handled;
      else ++n.quarantined;
    }
  }
  return n;
}

}  // namespace yzb
