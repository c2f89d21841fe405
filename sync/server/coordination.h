#pragma once
// The coordinators' decisions on what sync set aside (DESIGN.md §6, §10):
// resolve a conflict, correct a referral's or follow-up's status, retry or
// discard a quarantined change. Written once for both central stores: each
// store runs these inside its own write transaction and gives the steps
// they need through CoordinationSteps (SQLite: sqlite_central_store.cpp,
// PostgreSQL: pg_central_store.cpp). The contracts (what comes back, what
// is thrown) are those of CentralStore's members of the same names
// (central_store.h); on any throw the caller's transaction rolls back, so
// nothing changes.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/replication/changes.h"
#include "sync/server/central_store.h"

namespace yz::sync {

// What a store does for a coordinator's decision, in the caller's
// transaction.
class CoordinationSteps {
 public:
  virtual ~CoordinationSteps() = default;
  virtual int64_t now_ms() = 0;
  // One conflict / quarantine row by its rid, open or closed.
  virtual std::optional<ConflictRow> conflict(int64_t rid) = 0;
  virtual std::optional<QuarantineRow> quarantine(int64_t rid) = 0;
  // Close the conflict with `resolution` (core/replication/changes.h
  // close_conflict).
  virtual void close_conflict(int64_t rid, const json& resolution) = 0;
  // Close the open row of (batch, record) "retried" or "discarded" with
  // `note`; with `earlier_too`, the record's other open rows close
  // "accepted". Then the decision goes to the end of the feed, where its
  // device's next pull finds it.
  virtual void close_quarantine(const QuarantineRow& row, const std::string& outcome, const std::string& note,
                                bool earlier_too) = 0;
  // The record as a change (fields, stamps, bases), or nullopt.
  virtual std::optional<json> read(const EntitySpec& spec, const std::string& id) = 0;
  // A server change of `fields` of a held record: stamped with the server's
  // clock, merged like any change, fed. ValidationError when refused.
  virtual void update(const std::string& entity, const std::string& id, const json& fields) = 0;
  // The enrolled device `device_id`, or nullopt.
  virtual std::optional<DeviceInfo> device(const std::string& device_id) = 0;
  // A kept change applied again as if `device` sent it now: authorised
  // (central_rules.h authorize_change), its stamps rebased, merged, its
  // stamp observed by the server's clock, fed. Returns the outcome
  // (quarantined with the errors when still refused; nothing written then).
  virtual ApplyOutcome apply_as(const DeviceInfo& device, const json& change) = 0;
  // One audit row of the coordinator (actor "admin").
  virtual void audit(const char* action, const char* entity, const std::string& record_id, const json& detail) = 0;
};

json resolve_conflict(CoordinationSteps& steps, int64_t conflict_id, const std::string& value,
                      const std::string& reason);
json correct_status(CoordinationSteps& steps, const std::string& entity, const std::string& id,
                    const std::string& status, const std::string& reason);
json retry_quarantined(CoordinationSteps& steps, int64_t quarantine_id);
json discard_quarantined(CoordinationSteps& steps, int64_t quarantine_id, const std::string& reason);

}  // namespace yz::sync
