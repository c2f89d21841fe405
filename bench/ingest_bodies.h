#pragma once
// The ingest both server benchmarks time (server_ingest.cpp on SQLite,
// pg_ingest.cpp on PostgreSQL): what POST /v1/batches does with each sealed
// batch body once HTTP has read it -- token lookup, byte limits and parse,
// digest and signature, apply_batch, the receipt's JSON -- and the count of
// changes the receipts account for.

#include <cstdint>
#include <string>
#include <vector>

#include "sync/protocol/batch.h"
#include "sync/protocol/limits.h"
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

inline IngestCount ingest_bodies(yz::sync::CentralStore& central, const std::string& token,
                                 const std::vector<std::string>& bodies) {
  IngestCount n;
  for (const auto& body : bodies) {
    const auto device = central.device_by_token(token);
    const yz::sync::json batch = yz::sync::parse_limited(body);
    yz::sync::check_batch(batch, device->public_key, body);
    const yz::sync::json receipt = central.apply_batch(batch, *device, "http");
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
