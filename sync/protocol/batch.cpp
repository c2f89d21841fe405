#include "sync/protocol/batch.h"

#include <set>

#include "core/base/uuid.h"
#include "sync/protocol/crypto.h"

namespace yz::sync {

namespace {

// The MAC covers every member but itself and the changes, in canonical
// (dump) form; the digest member binds the changes.
std::string mac_of(const json& batch, const std::string& key) {
  json head = json::object();
  for (const auto& [k, v] : batch.items())
    if (k != "mac" && k != "changes") head[k] = v;
  return hmac_hex(key, head.dump());
}

std::string str_member(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) throw BatchError("bad_format", std::string("\"") + key + "\" is missing");
  return it->get<std::string>();
}

}  // namespace

std::string changes_digest(const json& changes) { return sha256_digest(changes.dump()); }

json seal_batch(json changes, const BatchHeader& header, int64_t created_ms, const std::string& key) {
  BatchHeader h = header;
  h.digest = changes_digest(changes);
  json batch = {{"format", kBatchFormat}, {"version", kFormatVersion}, {"batch_id", h.batch_id},
                {"device_id", h.device_id}, {"seq", h.seq},             {"schema", h.schema},
                {"created_ms", created_ms}, {"count", changes.size()},  {"digest", h.digest}};
  batch["changes"] = std::move(changes);
  batch["mac"] = mac_of(batch, key);
  return batch;
}

void resign_batch(json& batch, const std::string& key) { batch["mac"] = mac_of(batch, key); }

BatchHeader check_batch(const json& batch, const std::optional<std::string>& key) {
  if (!batch.is_object()) throw BatchError("bad_format", "a batch must be a JSON object");
  if (batch.value("format", "") != kBatchFormat) throw BatchError("bad_format", "not a yizhen batch");
  static const std::set<std::string> kMembers = {"format", "version", "batch_id", "device_id", "seq", "schema",
                                                 "created_ms", "count", "digest", "mac", "changes"};
  for (const auto& [k, v] : batch.items())
    if (!kMembers.count(k)) throw BatchError("bad_format", "unknown member \"" + k + "\"");
  if (batch.value("version", 0) != kFormatVersion)
    throw BatchError("bad_format", "batch format version " + batch.value("version", json()).dump() + " is not supported");
  BatchHeader h;
  h.batch_id = str_member(batch, "batch_id");
  h.device_id = str_member(batch, "device_id");
  h.digest = str_member(batch, "digest");
  if (!is_uuid(h.batch_id)) throw BatchError("bad_format", "batch_id is not a UUID");
  if (!is_uuid(h.device_id)) throw BatchError("bad_format", "device_id is not a UUID");
  if (!batch.contains("seq") || !batch["seq"].is_number_integer() || batch["seq"].get<int64_t>() < 1)
    throw BatchError("bad_format", "seq must be a positive integer");
  h.seq = batch["seq"].get<int64_t>();
  if (!batch.contains("schema") || !batch["schema"].is_number_integer())
    throw BatchError("bad_format", "schema must be an integer");
  h.schema = batch["schema"].get<int>();
  const auto it = batch.find("changes");
  if (it == batch.end() || !it->is_array()) throw BatchError("bad_format", "changes must be a list");
  if (batch.value("count", json()) != json(it->size()))
    throw BatchError("bad_format", "count does not match the number of changes");
  if (changes_digest(*it) != h.digest) throw BatchError("bad_digest", "the changes do not match the digest");
  if (key && !same_secret(mac_of(batch, *key), batch.value("mac", "")))
    throw BatchError("bad_mac", "the batch is not signed by this device");
  return h;
}

void sign_receipt(json& receipt, const std::string& key) {
  receipt.erase("mac");
  receipt["mac"] = hmac_hex(key, receipt.dump());
}

void check_receipt(const json& receipt, const std::string& key) {
  if (!receipt.is_object() || receipt.value("format", "") != kReceiptFormat)
    throw BatchError("bad_format", "not a yizhen receipt");
  json body = receipt;
  const std::string mac = body.value("mac", "");
  body.erase("mac");
  if (!same_secret(hmac_hex(key, body.dump()), mac))
    throw BatchError("bad_mac", "the receipt is not from this device's server");
}

std::string batch_file_name(const std::string& batch_id) { return batch_id + ".batch.json"; }
std::string receipt_file_name(const std::string& batch_id) { return batch_id + ".receipt.json"; }

}  // namespace yz::sync
