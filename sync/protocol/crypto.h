#pragma once
// The few cryptographic primitives sync needs, from libsodium (Debian
// libsodium-dev): content digests, device tokens and their hashes, Ed25519
// signatures (devices sign batches, the server signs receipts) and sealed
// boxes (batch files on a USB stick, readable only by the server). Keys and
// signatures travel as standard padded base64.

#include <optional>
#include <string>
#include <string_view>

namespace yz::sync {

// "sha256:" + 64 lowercase hex digits of SHA-256 over `data`.
std::string sha256_digest(std::string_view data);
// A TLS certificate's fingerprint, as devices pin it: 64 lowercase hex
// digits of SHA-256 over the certificate's DER bytes (sha256_digest's digits).
std::string certificate_fingerprint(std::string_view der);
// `bytes` random bytes as unpadded base64url (a device token: 32 bytes).
std::string random_token(size_t bytes = 32);
// A one-time enrollment code: 10 characters from an alphabet without
// look-alikes (no 0/O, 1/I/L), shown as "XXXXX-XXXXX" (about 50 bits).
std::string random_enroll_code();
// The hash of a device token (BLAKE2b-256, hex): the server keeps only this,
// to look a device up from its bearer token. It is no key: nothing is signed
// or encrypted with it (protocol version 2).
std::string token_key(std::string_view token);
// HMAC-SHA-256 of `message` under the hex key, as hex. Protocol version 1
// signed batches and receipts this way; kept for tests that play an old
// client.
std::string hmac_hex(std::string_view key_hex, std::string_view message);

// A key pair, both halves base64.
struct KeyPair {
  std::string public_key, secret_key;
};
// A fresh Ed25519 signing key pair (crypto_sign).
KeyPair make_signing_keys();
// The public half of an Ed25519 secret key. Throws std::invalid_argument
// for a malformed one.
std::string signing_public_key(const std::string& secret_b64);
// True if `b64` is a well-formed Ed25519 public key.
bool is_signing_public_key(std::string_view b64);
// The detached Ed25519 signature of `message`, base64. Throws
// std::invalid_argument for a malformed secret key.
std::string sign_message(const std::string& secret_b64, std::string_view message);
// True only if `signature_b64` is a valid signature of `message` by the
// holder of `public_b64`; false for anything malformed.
bool verify_message(std::string_view public_b64, std::string_view message, std::string_view signature_b64);

// A fresh X25519 key pair for sealed boxes (crypto_box_seal).
KeyPair make_box_keys();
// `plaintext` sealed to the holder of `public_b64` (anonymous sender), as
// base64. Throws std::invalid_argument for a malformed public key.
std::string seal_to(const std::string& public_b64, std::string_view plaintext);
// Opens what seal_to made for `keys`; nullopt when it is malformed, was
// sealed to another key, or was altered.
std::optional<std::string> open_sealed(const KeyPair& keys, std::string_view sealed_b64);
// Constant-time equality of two strings of the same length.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace yz::sync
