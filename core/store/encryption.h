#pragma once
// Encryption at rest for device databases (DESIGN.md §7): an SQLite VFS shim
// that encrypts every page of the database file, its WAL and its rollback
// journal with XChaCha20-Poly1305 (libsodium), a fresh random nonce per page
// write. Nonce and tag live in the page's reserved bytes (kReservedBytes at
// the end of every page; SQLite never touches them).
//
// Why a VFS shim and not SQLCipher: Debian 12's SQLCipher is 3.4.1 on SQLite
// 3.15, too old for this schema (window functions, UPSERT, generated
// columns), and it would replace the SQLite every other part links. The shim
// runs on Debian's own SQLite 3.40 with libsodium's AEAD, and is small enough
// to read in one sitting.
//
// Layout of an encrypted page of N bytes (N = the database's page size):
//   [0, N-40)      ciphertext of the page's content
//   [N-40, N-16)   24-byte nonce
//   [N-16, N)      16-byte Poly1305 tag
// Page 1 keeps its first 100 bytes (the SQLite header: page size, counts,
// schema cookie; no record data) in clear so SQLite can read the page size
// before the first page is decrypted; the header is authenticated as
// associated data. Every page is also bound to its file kind and offset, so
// pages cannot be swapped or moved between files unnoticed. Reads return the
// reserved bytes as zeros, which is also what SQLite wrote, so the WAL's own
// frame checksums (computed on the plain page) hold after a crash.
//
// What stays in clear: the 100-byte header of page 1, the 32-byte WAL header
// and 24-byte frame headers (page numbers, salts, checksums), the rollback
// journal's header. Memory-mapped I/O is disabled for encrypted files (pages
// must pass through xRead); temporary files must stay in memory
// (PRAGMA temp_store = MEMORY, which Store sets).
//
// Keys: register_database_key() before opening; the key is looked up by the
// main database's file name (its WAL and journal find it through
// sqlite3_filename_database). Keys are held in libsodium's guarded memory and
// wiped by forget_database_key() or at exit. A page that fails to decrypt
// (wrong key, tampering, a plain database) reads as SQLITE_IOERR_DATA, never
// as garbage.
//
// Threads: registration and the VFS are safe from any thread.

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

struct sqlite3;

namespace yz {

// An encrypted database that cannot be opened as asked: locked (no key
// registered), a wrong key, or a plain database opened as encrypted.
class EncryptionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kReservedBytes = 40;  // 24-byte nonce + 16-byte tag
inline constexpr size_t kDatabaseKeyBytes = 32;
using DatabaseKey = std::array<unsigned char, kDatabaseKeyBytes>;

// The name of the encrypting VFS, registered (not as default) on first use.
const char* encrypted_vfs_name();

// Associate `key` with the database file at `path` (made absolute). A second
// call for the same file replaces the key.
void register_database_key(const std::string& path, const DatabaseKey& key);
// Wipe and drop the key of `path`, if any.
void forget_database_key(const std::string& path);
// Whether a key is registered for `path`: the store then opens every
// connection to it (writer, readers, checkpointer) through the encrypting VFS.
bool has_database_key(const std::string& path);
// The VFS to open `path` with: encrypted_vfs_name() when a key is
// registered, else nullptr (SQLite's default). Throws EncryptionError when
// no key is registered but the database has a key file beside it
// (key_file.h): an encrypted database is never opened as a plain one.
const char* vfs_for(const std::string& path);

// A fresh random database key (libsodium's CSPRNG).
DatabaseKey random_database_key();

// Call on a connection opened with encrypted_vfs_name(), before anything
// else: a new database gets kReservedBytes on every page; an existing one
// must already have them. Throws EncryptionError otherwise (a plain
// database opened as encrypted, or a wrong key: the first page does not
// open).
void prepare_encrypted_connection(sqlite3* db);

}  // namespace yz
