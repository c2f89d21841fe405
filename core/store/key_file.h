#pragma once
// The database key at rest (DESIGN.md §7): a random key (encryption.h),
// wrapped with XChaCha20-Poly1305 under a key derived from the team
// passphrase with Argon2id, in a small file beside the database
// ("<db>.key", owner-only). The unwrapped key lives only in memory.
//
// File (JSON): {"format": "yizhen-key-1", "kdf": "argon2id13", "ops": N,
// "mem": BYTES, "salt": hex, "nonce": hex, "wrapped": hex}. The limits are
// kept in the file, so a later change of defaults still opens old files.
//
// Errors: PassphraseError when the passphrase does not open the file (the
// AEAD tag fails: a wrong passphrase, or a damaged file); FileError when the
// file cannot be read or written; std::runtime_error naming the field for a
// malformed file. Nothing is changed on any error.

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/store/encryption.h"

namespace yz {

class PassphraseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Argon2id cost. The default is sized for a 2-core field laptop (about a
// quarter of a second, 64 MiB); tests may pass kKdfTesting.
struct KdfLimits {
  uint64_t ops = 3;
  size_t mem = size_t{64} << 20;
};
inline constexpr KdfLimits kKdfTesting{1, size_t{8} << 10};

std::string key_file_path(const std::string& db_path);
bool key_file_exists(const std::string& db_path);

// Make a new random key, wrap it under `passphrase` and write the key file
// durably (0600). Refuses an empty passphrase and an existing key file.
DatabaseKey create_key_file(const std::string& db_path, const std::string& passphrase, KdfLimits limits = {});
// Wrap an existing `key` the same way (encrypting a plain database).
void write_key_file(const std::string& db_path, const DatabaseKey& key, const std::string& passphrase,
                    KdfLimits limits = {});
// Unwrap the key with `passphrase`. Throws PassphraseError if it is wrong.
DatabaseKey unlock_key_file(const std::string& db_path, const std::string& passphrase);
// Before opening the database at `db_path`: when it is encrypted (its key
// file exists) and its key is not registered yet, ask `passphrase` (nullopt:
// none can be had, e.g. no terminal), unwrap the key and register it
// (encryption.h). Throws PassphraseError when none was given ("no
// passphrase ...") or it is wrong ("wrong passphrase ..."); nothing changes
// then. The command-line tools' one way in (yizhenctl, yizhen-server).
void unlock_database(const std::string& db_path, const std::function<std::optional<std::string>()>& passphrase);

// Wrap the same key under `new_passphrase` (after checking `old_passphrase`)
// and replace the file atomically: the database itself is not rewritten.
void rewrap_key_file(const std::string& db_path, const std::string& old_passphrase,
                     const std::string& new_passphrase, KdfLimits limits = {});

}  // namespace yz
