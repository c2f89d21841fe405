#include "core/store/encryption.h"

#include <sodium.h>
#include <sqlite3.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

#include "core/store/sodium_init.h"

namespace yz {

namespace {

constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 24
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;       // 16
static_assert(kNonce + kTag == static_cast<size_t>(kReservedBytes));

constexpr unsigned char kSqliteMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                            'o', 'r', 'm', 'a', 't', ' ', '3', 0};
constexpr unsigned char kJournalMagic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
constexpr int kHeaderBytes = 100;  // page 1's SQLite header, kept in clear
constexpr int kWalHeader = 32;
constexpr int kWalFrameHeader = 24;

// A key in libsodium's guarded memory (locked, wiped when freed).
class GuardedKey {
 public:
  explicit GuardedKey(const DatabaseKey& k) : p_(static_cast<unsigned char*>(sodium_malloc(kDatabaseKeyBytes))) {
    if (!p_) throw std::bad_alloc();
    std::memcpy(p_, k.data(), kDatabaseKeyBytes);
    sodium_mprotect_readonly(p_);
  }
  ~GuardedKey() { sodium_free(p_); }
  GuardedKey(const GuardedKey&) = delete;
  GuardedKey& operator=(const GuardedKey&) = delete;
  const unsigned char* data() const { return p_; }

 private:
  unsigned char* p_;
};

std::mutex g_keys_mutex;
std::map<std::string, std::shared_ptr<GuardedKey>>& keys() {
  static auto* m = new std::map<std::string, std::shared_ptr<GuardedKey>>();  // outlives every file
  return *m;
}

std::string key_name(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

std::shared_ptr<GuardedKey> find_key(const char* db_name) {
  if (!db_name) return nullptr;
  std::lock_guard lock(g_keys_mutex);
  auto it = keys().find(key_name(db_name));
  return it == keys().end() ? nullptr : it->second;
}

enum class Kind : unsigned char { passthrough = 0, db = 1, wal = 2, journal = 3 };

// The wrapper around the real file; `real` points just past it (szOsFile).
struct EncFile {
  sqlite3_file base;
  sqlite3_file* real;
  Kind kind;
  std::shared_ptr<GuardedKey> key;
  std::vector<unsigned char> scratch;  // one encrypted page on its way out
  uint32_t wal_page_size;              // from the WAL header; 0 = not known yet
};

sqlite3_vfs* root_vfs() { return sqlite3_vfs_find(nullptr); }

bool is_page_size(int64_t n) { return n >= 512 && n <= 65536 && (n & (n - 1)) == 0; }

// Associated data: the file kind, the page's offset in its file and, for a
// page that carries the clear SQLite header, that header.
size_t make_ad(unsigned char* ad, Kind kind, int64_t offset, const unsigned char* header, size_t header_len) {
  ad[0] = static_cast<unsigned char>(kind);
  for (int i = 0; i < 8; ++i) ad[1 + i] = static_cast<unsigned char>(static_cast<uint64_t>(offset) >> (8 * i));
  if (header_len) std::memcpy(ad + 9, header, header_len);
  return 9 + header_len;
}

size_t clear_prefix(const unsigned char* page) {
  return std::memcmp(page, kSqliteMagic, sizeof kSqliteMagic) == 0 ? kHeaderBytes : 0;
}

// Encrypt one page of `n` bytes from `in` to `out`.
void seal_page(const unsigned char* key, Kind kind, int64_t offset, const unsigned char* in, unsigned char* out,
               size_t n) {
  const size_t clear = clear_prefix(in);
  unsigned char ad[9 + kHeaderBytes];
  const size_t ad_len = make_ad(ad, kind, offset, in, clear);
  std::memcpy(out, in, clear);
  unsigned char* nonce = out + n - kReservedBytes;
  unsigned char* tag = nonce + kNonce;
  randombytes_buf(nonce, kNonce);
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out + clear, tag, nullptr, in + clear, n - kReservedBytes - clear,
                                                      ad, ad_len, nullptr, nonce, key);
}

bool all_zero(const unsigned char* p, size_t n) {
  unsigned char acc = 0;
  for (size_t i = 0; i < n; ++i) acc |= p[i];
  return acc == 0;
}

// Decrypt one page in place; the reserved bytes read back as zeros. An
// all-zero page (space SQLite never wrote) stays zeros.
bool open_page(const unsigned char* key, Kind kind, int64_t offset, unsigned char* page, size_t n) {
  if (all_zero(page, n)) return true;
  const size_t clear = clear_prefix(page);
  unsigned char ad[9 + kHeaderBytes];
  const size_t ad_len = make_ad(ad, kind, offset, page, clear);
  unsigned char* nonce = page + n - kReservedBytes;
  unsigned char* tag = nonce + kNonce;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(page + clear, nullptr, page + clear,
                                                          n - kReservedBytes - clear, tag, ad, ad_len, nonce, key) != 0)
    return false;
  sodium_memzero(nonce, kReservedBytes);
  return true;
}

EncFile* enc(sqlite3_file* f) { return reinterpret_cast<EncFile*>(f); }

// The WAL's page size, from its header in the file (0 while it has none).
uint32_t wal_page_size(EncFile* f) {
  if (f->wal_page_size) return f->wal_page_size;
  unsigned char h[kWalHeader];
  if (f->real->pMethods->xRead(f->real, h, kWalHeader, 0) != SQLITE_OK) return 0;
  const uint32_t p = (uint32_t(h[8]) << 24) | (uint32_t(h[9]) << 16) | (uint32_t(h[10]) << 8) | h[11];
  if (is_page_size(p)) f->wal_page_size = p;
  return f->wal_page_size;
}

int x_close(sqlite3_file* pf) {
  EncFile* f = enc(pf);
  int rc = SQLITE_OK;
  if (f->real->pMethods) rc = f->real->pMethods->xClose(f->real);
  f->key.~shared_ptr();
  f->scratch.~vector();
  return rc;
}

int x_read(sqlite3_file* pf, void* buf, int amt, sqlite3_int64 off) {
  EncFile* f = enc(pf);
  const int rc = f->real->pMethods->xRead(f->real, buf, amt, off);
  if (rc != SQLITE_OK || f->kind == Kind::passthrough) return rc;  // short reads are zero-filled: nothing to open
  auto* p = static_cast<unsigned char*>(buf);
  const unsigned char* key = f->key->data();
  switch (f->kind) {
    case Kind::db:
      if (is_page_size(amt) && off % amt == 0)
        return open_page(key, Kind::db, off, p, amt) ? SQLITE_OK : SQLITE_IOERR_DATA;
      if (off + amt <= kHeaderBytes) return SQLITE_OK;  // the clear header (page size, change counter)
      return SQLITE_IOERR_READ;                          // SQLite reads pages whole: refuse a torn view
    case Kind::wal: {
      if (off + amt <= kWalHeader) return SQLITE_OK;
      const int64_t ps = wal_page_size(f);
      if (!ps) return SQLITE_IOERR_READ;
      const int64_t frame = ps + kWalFrameHeader;
      if (amt == ps) {  // one page (a read of a committed frame): it must open
        if ((off - kWalHeader - kWalFrameHeader) % frame != 0) return SQLITE_IOERR_READ;
        return open_page(key, Kind::wal, off, p, amt) ? SQLITE_OK : SQLITE_IOERR_DATA;
      }
      // Whole frames (WAL recovery after a crash): a page that does not open
      // is a torn or stale frame; left as it is, it fails SQLite's own frame
      // checksum and recovery stops there, as it would without encryption.
      for (int64_t k = (off - kWalHeader) / frame; kWalHeader + k * frame < off + amt; ++k) {
        const int64_t page_off = kWalHeader + k * frame + kWalFrameHeader;
        if (page_off >= off && page_off + ps <= off + amt) open_page(key, Kind::wal, page_off, p + (page_off - off), ps);
      }
      return SQLITE_OK;
    }
    case Kind::journal:
      if (is_page_size(amt) && std::memcmp(p, kJournalMagic, sizeof kJournalMagic) != 0)
        return open_page(key, Kind::journal, off, p, amt) ? SQLITE_OK : SQLITE_IOERR_DATA;
      return SQLITE_OK;  // headers, page numbers, checksums
    case Kind::passthrough:
      break;
  }
  return SQLITE_OK;
}

int write_sealed(EncFile* f, Kind kind, const void* buf, int amt, sqlite3_int64 off) {
  if (f->scratch.size() < static_cast<size_t>(amt)) f->scratch.resize(amt);
  seal_page(f->key->data(), kind, off, static_cast<const unsigned char*>(buf), f->scratch.data(), amt);
  return f->real->pMethods->xWrite(f->real, f->scratch.data(), amt, off);
}

int x_write(sqlite3_file* pf, const void* buf, int amt, sqlite3_int64 off) {
  EncFile* f = enc(pf);
  auto raw = [&] { return f->real->pMethods->xWrite(f->real, buf, amt, off); };
  const auto* p = static_cast<const unsigned char*>(buf);
  switch (f->kind) {
    case Kind::passthrough:
      return raw();
    case Kind::db:
      if (!is_page_size(amt) || off % amt != 0) return SQLITE_IOERR_WRITE;
      // Page 1 must reserve room for nonce and tag on every page.
      if (off == 0 && p[20] < kReservedBytes) return SQLITE_IOERR_WRITE;
      return write_sealed(f, Kind::db, buf, amt, off);
    case Kind::wal: {
      if (off == 0 && amt <= kWalHeader) {
        f->wal_page_size = 0;  // a new WAL header: read the page size again
        return raw();
      }
      const int64_t ps = wal_page_size(f);
      if (!ps) return SQLITE_IOERR_WRITE;
      const int64_t frame = ps + kWalFrameHeader;
      const int64_t in_frame = (off - kWalHeader) % frame;
      if (amt == kWalFrameHeader && in_frame == 0) return raw();
      if (amt == ps && in_frame == kWalFrameHeader) return write_sealed(f, Kind::wal, buf, amt, off);
      return SQLITE_IOERR_WRITE;  // a torn page write cannot be sealed
    }
    case Kind::journal:
      if (is_page_size(amt) && std::memcmp(p, kJournalMagic, sizeof kJournalMagic) != 0)
        return write_sealed(f, Kind::journal, buf, amt, off);
      return raw();  // journal header, page numbers, checksums
  }
  return SQLITE_IOERR_WRITE;
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) { return enc(f)->real->pMethods->xTruncate(enc(f)->real, size); }
int x_sync(sqlite3_file* f, int flags) { return enc(f)->real->pMethods->xSync(enc(f)->real, flags); }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return enc(f)->real->pMethods->xFileSize(enc(f)->real, size);
}
int x_lock(sqlite3_file* f, int l) { return enc(f)->real->pMethods->xLock(enc(f)->real, l); }
int x_unlock(sqlite3_file* f, int l) { return enc(f)->real->pMethods->xUnlock(enc(f)->real, l); }
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return enc(f)->real->pMethods->xCheckReservedLock(enc(f)->real, out);
}
int x_file_control(sqlite3_file* pf, int op, void* arg) {
  EncFile* f = enc(pf);
  if (op == SQLITE_FCNTL_MMAP_SIZE && f->kind != Kind::passthrough) {
    // Pages must pass through xRead to be opened: no memory map.
    if (arg) *static_cast<sqlite3_int64*>(arg) = 0;
    return SQLITE_OK;
  }
  return f->real->pMethods->xFileControl(f->real, op, arg);
}
int x_sector_size(sqlite3_file* f) { return enc(f)->real->pMethods->xSectorSize(enc(f)->real); }
int x_device_characteristics(sqlite3_file* f) {
  return enc(f)->real->pMethods->xDeviceCharacteristics(enc(f)->real);
}
int x_shm_map(sqlite3_file* f, int pg, int sz, int extend, void volatile** pp) {
  return enc(f)->real->pMethods->xShmMap(enc(f)->real, pg, sz, extend, pp);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return enc(f)->real->pMethods->xShmLock(enc(f)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { enc(f)->real->pMethods->xShmBarrier(enc(f)->real); }
int x_shm_unmap(sqlite3_file* f, int del) { return enc(f)->real->pMethods->xShmUnmap(enc(f)->real, del); }
int x_fetch(sqlite3_file* pf, sqlite3_int64 off, int amt, void** pp) {
  EncFile* f = enc(pf);
  if (f->kind != Kind::passthrough) {
    *pp = nullptr;  // SQLite falls back to xRead
    return SQLITE_OK;
  }
  return f->real->pMethods->xFetch(f->real, off, amt, pp);
}
int x_unfetch(sqlite3_file* pf, sqlite3_int64 off, void* p) {
  EncFile* f = enc(pf);
  if (f->kind != Kind::passthrough) return SQLITE_OK;
  return f->real->pMethods->xUnfetch(f->real, off, p);
}

const sqlite3_io_methods kMethods = {
    3,         x_close,         x_read,         x_write,       x_truncate,      x_sync,
    x_file_size, x_lock,        x_unlock,       x_check_reserved_lock, x_file_control, x_sector_size,
    x_device_characteristics, x_shm_map, x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch,
    x_unfetch,
};

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* pf, int flags, int* out_flags) {
  EncFile* f = enc(pf);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  new (&f->key) std::shared_ptr<GuardedKey>();
  new (&f->scratch) std::vector<unsigned char>();
  f->wal_page_size = 0;
  f->kind = Kind::passthrough;
  if (flags & SQLITE_OPEN_MAIN_DB) f->kind = Kind::db;
  else if (flags & SQLITE_OPEN_WAL) f->kind = Kind::wal;
  else if (flags & SQLITE_OPEN_MAIN_JOURNAL) f->kind = Kind::journal;
  if (f->kind != Kind::passthrough) {
    f->key = find_key(f->kind == Kind::db ? name : sqlite3_filename_database(name));
    if (!f->key) {  // never write a database of this VFS in clear
      f->key.~shared_ptr();
      f->scratch.~vector();
      return SQLITE_AUTH;
    }
  }
  sqlite3_vfs* root = static_cast<sqlite3_vfs*>(vfs->pAppData);
  const int rc = root->xOpen(root, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    f->key.~shared_ptr();
    f->scratch.~vector();
    f->real->pMethods = nullptr;
    return rc;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

sqlite3_vfs* make_vfs() {
  ensure_sodium();
  sqlite3_initialize();
  static sqlite3_vfs vfs;
  sqlite3_vfs* root = root_vfs();
  vfs = *root;  // every other method is the default VFS's own
  vfs.iVersion = root->iVersion < 3 ? root->iVersion : 3;
  vfs.szOsFile = static_cast<int>(sizeof(EncFile)) + root->szOsFile;
  vfs.zName = "yizhen-encrypted";
  vfs.pAppData = root;
  vfs.pNext = nullptr;
  vfs.xOpen = x_open;
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) throw std::runtime_error("cannot register the encrypting VFS");
  return &vfs;
}

}  // namespace

const char* encrypted_vfs_name() {
  static sqlite3_vfs* vfs = make_vfs();
  return vfs->zName;
}

void register_database_key(const std::string& path, const DatabaseKey& key) {
  encrypted_vfs_name();
  auto k = std::make_shared<GuardedKey>(key);
  std::lock_guard lock(g_keys_mutex);
  keys()[key_name(path)] = std::move(k);
}

void forget_database_key(const std::string& path) {
  std::lock_guard lock(g_keys_mutex);
  keys().erase(key_name(path));
}

void prepare_encrypted_connection(sqlite3* db) {
  int n = kReservedBytes;
  // Takes effect only while the database is still empty; afterwards the
  // page layout is fixed and the call leaves it as it is.
  sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &n);
  // Reading the schema opens page 1: a wrong key or a plain file fails here.
  char* err = nullptr;
  if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw EncryptionError("the database does not open with this key (wrong key, or not an encrypted database): " +
                             why);
  }
  int reserved = -1;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserved);
  if (reserved < kReservedBytes)
    throw EncryptionError("the database has no room for encryption on its pages (a plain database?)");
}

bool has_database_key(const std::string& path) { return find_key(path.c_str()) != nullptr; }

const char* vfs_for(const std::string& path) {
  if (has_database_key(path)) return encrypted_vfs_name();
  std::error_code ec;
  if (std::filesystem::exists(path + ".key", ec))
    throw EncryptionError("database " + path + " is encrypted: unlock it with its passphrase first");
  return nullptr;
}

DatabaseKey random_database_key() {
  encrypted_vfs_name();
  DatabaseKey k;
  randombytes_buf(k.data(), k.size());
  return k;
}

}  // namespace yz
