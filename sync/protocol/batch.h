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
#include <string_view>

#include "sync/protocol/crypto.h"

namespace yz::sync {

using json = nlohmann::json;

inline constexpr const char* kBatchFormat = "yizhen-batch";
inline constexpr const char* kReceiptFormat = "yizhen-receipt";
inline constexpr const char* kSealedBatchFormat = "yizhen-sealed-batch";
// The sync protocol version (docs/sync-protocol.md): batches, sealed batch
// files and receipts carry it, /v1/health reports it. Version 2: devices
// sign batches with Ed25519, the server signs receipts, batch files are
// sealed to the server.
inline constexpr int kFormatVersion = 2;

// A batch or receipt that is not what it claims to be. `code` is a stable
// word for the protocol's problem details: "bad_format", "bad_digest",
// "bad_signature", "bad_seal", "wrong_device", "update_required" (an older
// protocol version: the words say to update yizhen).
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

// A sealed batch, signed with the device's Ed25519 secret key (crypto.h,
// base64). `created_ms`: the device clock when sealed (the server reports
// skew).
json seal_batch(json changes, const BatchHeader& header, int64_t created_ms, const std::string& sign_secret);
// The same batch as its compact JSON text, byte for byte seal_batch(...).dump(),
// with the changes written out once (for the digest and the text both).
std::string seal_batch_text(const json& changes, const BatchHeader& header, int64_t created_ms,
                            const std::string& sign_secret);

// The same batch under another signing key (a device enrolled again, or one
// enrolled under version 1 that made its key pair since): version and "sig"
// change (a version-1 "mac" goes); id, digest and changes stay.
void resign_batch(json& batch, const std::string& sign_secret);

// Checks format, version, count and digest of a parsed batch; with the
// device's Ed25519 public key, also its signature ("sig", over the compact
// JSON of every member but "sig" and "changes", which the digest binds).
// Returns the header. Throws BatchError ("update_required" for a version-1
// batch). `text`: the text `batch` was parsed from, when there is one: the
// digest is then taken over the changes' bytes as sent when they are laid
// out as seal_batch_text writes them (no second writing out of every
// change); otherwise, or when those bytes do not match, over the changes'
// compact JSON.
BatchHeader check_batch(const json& batch, const std::optional<std::string>& public_key = std::nullopt,
                        std::string_view text = {});
// The signature part of check_batch alone, for a batch that check_batch(batch)
// has passed (the digest is not computed again). Throws BatchError
// ("bad_format" for a "sig" that is not text, "bad_signature").
void check_batch_signature(const json& batch, const std::string& public_key);

// The server signs a receipt with its Ed25519 secret key: "sig" over the
// compact JSON of everything else in it (any "sig" is replaced).
void sign_receipt(json& receipt, const std::string& server_sign_secret);
// Checks a receipt's format and the server's signature. Throws BatchError.
void check_receipt(const json& receipt, const std::string& server_sign_public);

// A batch file for a USB stick: the batch's compact JSON sealed to the
// server's X25519 public key (crypto.h seal_to) in an envelope that names
// only ids: {"format": kSealedBatchFormat, "version", "batch_id",
// "device_id", "sealed": base64}.
json seal_batch_file(const json& batch, const std::string& server_box_public);
// The envelope's ids and format, checked without opening it. Throws
// BatchError ("update_required" for a plain version-1 batch file).
BatchHeader check_batch_file(const json& envelope);
// Opens an envelope with the server's box keys and returns the batch's
// text (the caller parses it within its limits, checks it, and checks that
// it names the envelope's batch and device). Throws BatchError
// ("bad_seal": altered, or sealed to another server).
std::string open_batch_file(const json& envelope, const KeyPair& server_box);

// Batch and receipt files in a folder (a USB stick):
// "<batch_id>.batch.json" / "<batch_id>.receipt.json".
std::string batch_file_name(const std::string& batch_id);
std::string receipt_file_name(const std::string& batch_id);

}  // namespace yz::sync
