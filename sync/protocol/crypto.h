#pragma once
// The few cryptographic primitives sync needs, from libsodium (Debian
// libsodium-dev): content digests, device tokens, and the MACs that tie
// batch and receipt files to an enrolled device.

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
// The device key derived from its token (BLAKE2b-256, hex). The server keeps
// only this; the device can derive it. It authenticates batch and receipt
// files (hmac below) and looks a device up from its bearer token.
std::string token_key(std::string_view token);
// HMAC-SHA-256 of `message` under the hex key, as hex.
std::string hmac_hex(std::string_view key_hex, std::string_view message);
// Constant-time equality of two strings of the same length.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace yz::sync
