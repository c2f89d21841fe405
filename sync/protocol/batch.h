#pragma once
// Batches and receipts (docs/sync-protocol.md). A batch is sealed once, on
// the device, and then sent byte for byte the same however many times it
// goes out, over HTTP or on a USB stick; the server answers each with a
// receipt, and the same batch again gets the same receipt.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace yz::sync {

using json = nlohmann::json;

inline constexpr const char* kBatchFormat = "yizhen-batch";
inline constexpr const char* kReceiptFormat = "yizhen-receipt";
inline constexpr int kFormatVersion = 1;

// A batch or receipt that is not what it claims to be. `code` is a stable
// word for the protocol's problem details: "bad_format", "bad_digest",
// "bad_mac", "wrong_device".
class BatchError : public std::runtime_error {
 public:
  BatchError(std::string code, const std::string& what) : std::runtime_error(what), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

struct BatchHeader {
  std::string batch_id, device_id, digest;
  int64_t seq = 0;
  int schema = 0;
};

// The digest of a batch's changes: SHA-256 of their compact JSON text.
std::string changes_digest(const json& changes);

// A sealed batch. `key` is the device key (crypto.h token_key).
// `created_ms`: the device clock when sealed (the server reports skew).
json seal_batch(json changes, const BatchHeader& header, int64_t created_ms, const std::string& key);

// The same batch under another device key (a device enrolled again): only
// "mac" changes; id, digest and changes stay.
void resign_batch(json& batch, const std::string& key);

// Checks format, count and digest of a parsed batch; with a key, also its
// MAC (over every member but "mac" and "changes", which the digest binds). Returns the header. Throws BatchError.
BatchHeader check_batch(const json& batch, const std::optional<std::string>& key = std::nullopt);

// A receipt's MAC over everything else in it (the "mac" member is replaced).
void sign_receipt(json& receipt, const std::string& key);
// Checks a receipt's format and MAC. Throws BatchError.
void check_receipt(const json& receipt, const std::string& key);

// Batch and receipt files in a folder (a USB stick):
// "<batch_id>.batch.json" / "<batch_id>.receipt.json".
std::string batch_file_name(const std::string& batch_id);
std::string receipt_file_name(const std::string& batch_id);

}  // namespace yz::sync
