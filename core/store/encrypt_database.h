#pragma once
// Turning a plain device database into an encrypted one (yizhenctl encrypt).
//
// The plain database is copied page by page into a new encrypted file
// (VACUUM INTO through the encrypting VFS, with room for nonce and tag on
// every page), the copy is checked (integrity_check, and the row count of
// every table equal to the original's), the key file is written, and only
// then is the copy renamed over the original. Until the last step the plain
// original is untouched; a failure leaves it as it was and removes the copy.
// The caller must hold no connection to `path` (it must not be in use).
//
// Errors: EncryptionError when the database is already encrypted;
// StoreError when it cannot be read, copied or checked; FileError for files.

#include <string>

#include "core/store/key_file.h"

namespace yz {

struct EncryptResult {
  int tables = 0;
  long long rows = 0;  // rows copied, over all tables
};

EncryptResult encrypt_database(const std::string& path, const std::string& passphrase, KdfLimits limits = {});

}  // namespace yz
