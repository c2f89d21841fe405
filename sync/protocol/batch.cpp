#include "sync/protocol/batch.h"

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string_view>

#include "core/base/uuid.h"
#include "sync/protocol/crypto.h"

namespace yz::sync {

namespace {

// The signature covers every member but itself and the changes, in
// canonical (dump) form; the digest member binds the changes.
std::string signed_head(const json& batch) {
  json head = json::object();
  for (const auto& [k, v] : batch.items())
    if (k != "sig" && k != "changes") head[k] = v;
  return head.dump(-1, ' ', false, json::error_handler_t::replace);
}

const std::string kUpdate = "; update yizhen on this laptop (sync protocol " + std::to_string(kFormatVersion) + ")";

// A format version that is an integer; anything else is bad_format.
void check_version(const json& j, const char* what) {
  const auto v = j.find("version");
  if (v == j.end() || !v->is_number_integer()) throw BatchError("bad_format", std::string(what) + " has no version");
  if (v->is_number_unsigned() && v->get<uint64_t>() > 1000) throw BatchError("bad_format", "unknown version");
  const int64_t n = v->get<int64_t>();
  if (n < 1) throw BatchError("bad_format", "unknown version");
  if (n < kFormatVersion)
    throw BatchError("update_required", std::string(what) + " was made by an older yizhen (version " + std::to_string(n) +
                                            ")" + kUpdate);
  if (n > kFormatVersion)
    throw BatchError("bad_format", std::string(what) + " is of a newer version (" + std::to_string(n) +
                                       ") than this yizhen reads (" + std::to_string(kFormatVersion) + ")");
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

namespace {

// Every member of a sealed batch but "changes", "sig" included.
json sealed_head(const std::string& digest, size_t count, const BatchHeader& h, int64_t created_ms,
                 const std::string& sign_secret) {
  json head = {{"format", kBatchFormat}, {"version", kFormatVersion}, {"batch_id", h.batch_id},
               {"device_id", h.device_id}, {"seq", h.seq},             {"schema", h.schema},
               {"created_ms", created_ms}, {"count", count},           {"digest", digest}};
  head["sig"] = sign_message(sign_secret, signed_head(head));
  return head;
}

}  // namespace

json seal_batch(json changes, const BatchHeader& header, int64_t created_ms, const std::string& sign_secret) {
  json batch = sealed_head(changes_digest(changes), changes.size(), header, created_ms, sign_secret);
  batch["changes"] = std::move(changes);
  return batch;
}

namespace {

// A sealed batch's text is its head's compact JSON with the changes' text
// put in after the first member (dump() writes an object's members in key
// order: "batch_id" first, "changes" second):
//   {"batch_id":…,"changes":<changes>,"count":…}
// The text before and after the changes, from the head (every member but
// "changes"), or nullopt when the head does not start with a text batch_id.
struct SealedParts {
  std::string before, after;
};
std::optional<SealedParts> sealed_parts(const json& head) {
  const auto id = head.find("batch_id");
  if (id == head.end() || !id->is_string()) return std::nullopt;
  std::string first = "{\"batch_id\":" + id->dump(-1, ' ', false, json::error_handler_t::replace);
  std::string text = head.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.compare(0, first.size(), first) != 0 || text.size() <= first.size() || text[first.size()] != ',')
    return std::nullopt;
  return SealedParts{first + ",\"changes\":", text.substr(first.size())};
}

// The bytes of the changes in `text`, a batch's text that parsed into
// `batch`, when it is in the sealed layout; else nullopt.
std::optional<std::string_view> sealed_changes_text(std::string_view text, const json& batch) {
  json head = json::object();
  for (const auto& [k, v] : batch.items())
    if (k != "changes") head[k] = v;
  const auto parts = sealed_parts(head);
  if (!parts || text.size() < parts->before.size() + parts->after.size() || !text.starts_with(parts->before) ||
      !text.ends_with(parts->after))
    return std::nullopt;
  return text.substr(parts->before.size(), text.size() - parts->before.size() - parts->after.size());
}

}  // namespace

std::string seal_batch_text(const json& changes, const BatchHeader& header, int64_t created_ms,
                            const std::string& sign_secret) {
  const std::string text = changes.dump();
  const auto parts = sealed_parts(sealed_head(sha256_digest(text), changes.size(), header, created_ms, sign_secret));
  if (!parts) throw std::logic_error("seal_batch_text: unexpected head text");
  std::string out;
  out.reserve(parts->before.size() + text.size() + parts->after.size());
  out += parts->before;
  out += text;
  out += parts->after;
  return out;
}

void resign_batch(json& batch, const std::string& sign_secret) {
  batch.erase("mac");
  batch["version"] = kFormatVersion;
  batch["sig"] = sign_message(sign_secret, signed_head(batch));
}

BatchHeader check_batch(const json& batch, const std::optional<std::string>& public_key, std::string_view text) {
  if (!batch.is_object()) throw BatchError("bad_format", "a batch must be a JSON object");
  // Every member is checked for its type before its value is read: a wrong
  // type or an out-of-range number is bad_format, never an exception of the
  // JSON library or a float-to-int overflow.
  const auto fmt = batch.find("format");
  if (fmt == batch.end() || !fmt->is_string() || *fmt != kBatchFormat) throw BatchError("bad_format", "not a yizhen batch");
  // The version first: an old client's batch gets "update yizhen", not a
  // complaint about a member it was right to send then.
  check_version(batch, "this batch");
  static const std::set<std::string> kMembers = {"format", "version", "batch_id", "device_id", "seq", "schema",
                                                 "created_ms", "count", "digest", "sig", "changes"};
  for (const auto& [k, v] : batch.items())
    if (!kMembers.count(k)) throw BatchError("bad_format", "unknown member \"" + k.substr(0, 40) + "\"");
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
  const auto sig = batch.find("sig");
  if (sig != batch.end() && !sig->is_string()) throw BatchError("bad_format", "sig must be a string");
  // The changes' bytes as sent, when they are where sealing puts them
  // (digesting them needs no second writing out); else their compact JSON.
  const auto sent = text.empty() ? std::nullopt : sealed_changes_text(text, batch);
  if ((!sent || sha256_digest(*sent) != h.digest) && changes_digest(*it) != h.digest)
    throw BatchError("bad_digest", "the changes do not match the digest");
  if (public_key) check_batch_signature(batch, *public_key);
  return h;
}

void check_batch_signature(const json& batch, const std::string& public_key) {
  const auto sig = batch.is_object() ? batch.find("sig") : batch.end();
  if (sig != batch.end() && !sig->is_string()) throw BatchError("bad_format", "sig must be a string");
  if (sig == batch.end() || !verify_message(public_key, signed_head(batch), sig->get<std::string>()))
    throw BatchError("bad_signature", "the batch is not signed by this device");
}

void sign_receipt(json& receipt, const std::string& server_sign_secret) {
  receipt.erase("sig");
  receipt["sig"] = sign_message(server_sign_secret, receipt.dump(-1, ' ', false, json::error_handler_t::replace));
}

void check_receipt(const json& receipt, const std::string& server_sign_public) {
  if (!receipt.is_object()) throw BatchError("bad_format", "not a yizhen receipt");
  const auto fmt = receipt.find("format");
  if (fmt == receipt.end() || !fmt->is_string() || *fmt != kReceiptFormat)
    throw BatchError("bad_format", "not a yizhen receipt");
  const auto sig = receipt.find("sig");
  if (sig == receipt.end() || !sig->is_string()) {
    if (receipt.contains("mac")) throw BatchError("update_required", "the receipt is from an older server (version 1)");
    throw BatchError("bad_signature", "the receipt is not signed");
  }
  json body = receipt;
  body.erase("sig");
  if (!verify_message(server_sign_public, body.dump(-1, ' ', false, json::error_handler_t::replace),
                      sig->get<std::string>()))
    throw BatchError("bad_signature", "the receipt is not signed by this device's server");
}

json seal_batch_file(const json& batch, const std::string& server_box_public) {
  const BatchHeader h = check_batch(batch);
  return {{"format", kSealedBatchFormat},
          {"version", kFormatVersion},
          {"batch_id", h.batch_id},
          {"device_id", h.device_id},
          {"sealed", seal_to(server_box_public, batch.dump())}};
}

BatchHeader check_batch_file(const json& envelope) {
  if (!envelope.is_object()) throw BatchError("bad_format", "a batch file must be a JSON object");
  const auto fmt = envelope.find("format");
  if (fmt != envelope.end() && fmt->is_string() && *fmt == kBatchFormat)
    throw BatchError("update_required", "a plain batch file, as an older yizhen wrote them" + kUpdate +
                                            " and export the batches again");
  if (fmt == envelope.end() || !fmt->is_string() || *fmt != kSealedBatchFormat)
    throw BatchError("bad_format", "not a yizhen batch file");
  check_version(envelope, "this batch file");
  static const std::set<std::string> kMembers = {"format", "version", "batch_id", "device_id", "sealed"};
  for (const auto& [k, v] : envelope.items())
    if (!kMembers.count(k)) throw BatchError("bad_format", "unknown member \"" + k.substr(0, 40) + "\"");
  BatchHeader h;
  h.batch_id = str_member(envelope, "batch_id");
  h.device_id = str_member(envelope, "device_id");
  str_member(envelope, "sealed");
  if (!is_uuid(h.batch_id)) throw BatchError("bad_format", "batch_id is not a UUID");
  if (!is_uuid(h.device_id)) throw BatchError("bad_format", "device_id is not a UUID");
  return h;
}

std::string open_batch_file(const json& envelope, const KeyPair& server_box) {
  check_batch_file(envelope);
  auto text = open_sealed(server_box, envelope["sealed"].get<std::string>());
  if (!text) throw BatchError("bad_seal", "the sealed batch does not open with this server's key (altered, or sealed to another server)");
  return std::move(*text);
}

std::string batch_file_name(const std::string& batch_id) { return batch_id + ".batch.json"; }
std::string receipt_file_name(const std::string& batch_id) { return batch_id + ".receipt.json"; }

}  // namespace yz::sync
