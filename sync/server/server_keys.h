#pragma once
// The server's own key pairs (docs/security.md, "Key handling"): an Ed25519
// pair that signs receipts and an X25519 pair that opens batch files sealed
// to the server. They live in a key file beside the central database,
// "<db>.keys" (owner-only, 0600), never in the database: a copy of
// central.db alone signs no receipt and opens no batch file. Devices
// receive both public keys at enrollment and keep them.

#include <string>

#include "sync/protocol/crypto.h"

namespace yz::sync {

struct ServerKeys {
  KeyPair sign;  // Ed25519: receipts
  KeyPair box;   // X25519: sealed batch files
};

// "<db_path>.keys".
std::string server_keys_path(const std::string& db_path);

// The key file at `path`. Missing: when `may_create`, fresh keys are made
// and written durably with mode 0600 (never over an existing file); else
// std::runtime_error. Present but unreadable or malformed: std::runtime_error
// naming the file — never new keys in its place, which would silently cut
// every enrolled device off.
ServerKeys load_server_keys(const std::string& path, bool may_create);

}  // namespace yz::sync
