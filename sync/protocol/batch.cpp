#include "sync/protocol/batch.h"

#include <cstdint>
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

// An integer member within int64, or nullopt (missing, another type, a
// float such as 3067200000.0, or an unsigned number past int64).
std::optional<int64_t> int_member(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return it->get<int64_t>();
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
  // Every member is checked for its type before its value is read: a wrong
  // type or an out-of-range number is bad_format, never an exception of the
  // JSON library or a float-to-int overflow.
  const auto fmt = batch.find("format");
  if (fmt == batch.end() || !fmt->is_string() || *fmt != kBatchFormat) throw BatchError("bad_format", "not a yizhen batch");
  static const std::set<std::string> kMembers = {"format", "version", "batch_id", "device_id", "seq", "schema",
                                                 "created_ms", "count", "digest", "mac", "changes"};
  for (const auto& [k, v] : batch.items())
    if (!kMembers.count(k)) throw BatchError("bad_format", "unknown member \"" + k.substr(0, 40) + "\"");
  if (int_member(batch, "version") != kFormatVersion)
    throw BatchError("bad_format", "this batch format version is not supported (this server reads version " +
                                       std::to_string(kFormatVersion) + ")");
  BatchHeader h;
  h.batch_id = str_member(batch, "batch_id");
  h.device_id = str_member(batch, "device_id");
  h.digest = str_member(batch, "digest");
  if (!is_uuid(h.batch_id)) throw BatchError("bad_format", "batch_id is not a UUID");
  if (!is_uuid(h.device_id)) throw BatchError("bad_format", "device_id is not a UUID");
  const auto seq = int_member(batch, "seq");
  if (!seq || *seq < 1) throw BatchError("bad_format", "seq must be a positive integer");
  h.seq = *seq;
  const auto schema = int_member(batch, "schema");
  if (!schema || *schema < 0 || *schema > 1'000'000)
    throw BatchError("bad_format", "schema must be an integer from 0 to 1000000");
  h.schema = static_cast<int>(*schema);
  if (batch.contains("created_ms") && !int_member(batch, "created_ms"))
    throw BatchError("bad_format", "created_ms must be an integer (ms since 1970)");
  const auto it = batch.find("changes");
  if (it == batch.end() || !it->is_array()) throw BatchError("bad_format", "changes must be a list");
  if (int_member(batch, "count") != static_cast<int64_t>(it->size()))
    throw BatchError("bad_format", "count does not match the number of changes");
  const auto mac = batch.find("mac");
  if (mac != batch.end() && !mac->is_string()) throw BatchError("bad_format", "mac must be a string");
  if (changes_digest(*it) != h.digest) throw BatchError("bad_digest", "the changes do not match the digest");
  if (key && (mac == batch.end() || !same_secret(mac_of(batch, *key), mac->get<std::string>())))
    throw BatchError("bad_mac", "the batch is not signed by this device");
  return h;
}

void sign_receipt(json& receipt, const std::string& key) {
  receipt.erase("mac");
  receipt["mac"] = hmac_hex(key, receipt.dump());
}

void check_receipt(const json& receipt, const std::string& key) {
  if (!receipt.is_object()) throw BatchError("bad_format", "not a yizhen receipt");
  const auto fmt = receipt.find("format");
  if (fmt == receipt.end() || !fmt->is_string() || *fmt != kReceiptFormat)
    throw BatchError("bad_format", "not a yizhen receipt");
  const auto mac = receipt.find("mac");
  if (mac == receipt.end() || !mac->is_string()) throw BatchError("bad_mac", "the receipt is not signed");
  json body = receipt;
  body.erase("mac");
  if (!same_secret(hmac_hex(key, body.dump(-1, ' ', false, json::error_handler_t::replace)), mac->get<std::string>()))
    throw BatchError("bad_mac", "the receipt is not from this device's server");
}

std::string batch_file_name(const std::string& batch_id) { return batch_id + ".batch.json"; }
std::string receipt_file_name(const std::string& batch_id) { return batch_id + ".receipt.json"; }

}  // namespace yz::sync
