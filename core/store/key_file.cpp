#include "core/store/key_file.h"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/base/files.h"
#include "core/store/sodium_init.h"

namespace yz {

namespace {

using json = nlohmann::json;
constexpr const char* kFormat = "yizhen-key-1";

std::string to_hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

std::vector<unsigned char> from_hex(const json& doc, const char* field, size_t expected) {
  if (!doc.contains(field) || !doc[field].is_string())
    throw std::runtime_error(std::string("key file: ") + field + " is missing");
  const std::string& hex = doc[field].get_ref<const std::string&>();
  std::vector<unsigned char> out(expected);
  size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 || len != expected)
    throw std::runtime_error(std::string("key file: ") + field + " is not " + std::to_string(expected) + " hex bytes");
  return out;
}

// The wrapping key for `passphrase` under `salt` (libsodium's Argon2id).
struct WrapKey {
  unsigned char k[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
  ~WrapKey() { sodium_memzero(k, sizeof k); }
};

void derive(WrapKey& out, const std::string& passphrase, const unsigned char* salt, KdfLimits limits) {
  if (crypto_pwhash(out.k, sizeof out.k, passphrase.data(), passphrase.size(), salt, limits.ops, limits.mem,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("key file: not enough memory for the key derivation");
}

void write_wrapped(const std::string& db_path, const DatabaseKey& key, const std::string& passphrase,
                   KdfLimits limits) {
  if (passphrase.empty()) throw std::runtime_error("passphrase: must not be empty");
  if (limits.ops < crypto_pwhash_OPSLIMIT_MIN || limits.mem < crypto_pwhash_MEMLIMIT_MIN)
    throw std::runtime_error("key file: Argon2id limits below libsodium's minimum");
  unsigned char salt[crypto_pwhash_SALTBYTES];
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  randombytes_buf(salt, sizeof salt);
  randombytes_buf(nonce, sizeof nonce);
  WrapKey wk;
  derive(wk, passphrase, salt, limits);
  unsigned char wrapped[kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES];
  unsigned long long wrapped_len = 0;
  const unsigned char ad[] = "yizhen-key-1";
  crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped, &wrapped_len, key.data(), key.size(), ad, sizeof ad - 1, nullptr,
                                             nonce, wk.k);
  const json doc = {{"format", kFormat},
                    {"kdf", "argon2id13"},
                    {"ops", limits.ops},
                    {"mem", limits.mem},
                    {"salt", to_hex(salt, sizeof salt)},
                    {"nonce", to_hex(nonce, sizeof nonce)},
                    {"wrapped", to_hex(wrapped, wrapped_len)}};
  const mode_t old_mask = ::umask(077);  // the key file is the owner's alone
  try {
    write_file_durably(key_file_path(db_path), doc.dump(1) + "\n");
  } catch (...) {
    ::umask(old_mask);
    throw;
  }
  ::umask(old_mask);
}

}  // namespace

std::string key_file_path(const std::string& db_path) { return db_path + ".key"; }

bool key_file_exists(const std::string& db_path) {
  std::error_code ec;
  return std::filesystem::exists(key_file_path(db_path), ec);
}

DatabaseKey create_key_file(const std::string& db_path, const std::string& passphrase, KdfLimits limits) {
  const DatabaseKey key = random_database_key();
  write_key_file(db_path, key, passphrase, limits);
  return key;
}

void write_key_file(const std::string& db_path, const DatabaseKey& key, const std::string& passphrase,
                    KdfLimits limits) {
  ensure_sodium();
  if (key_file_exists(db_path)) throw std::runtime_error("key file: " + key_file_path(db_path) + " already exists");
  write_wrapped(db_path, key, passphrase, limits);
}

DatabaseKey unlock_key_file(const std::string& db_path, const std::string& passphrase) {
  ensure_sodium();
  json doc;
  try {
    doc = json::parse(read_file(key_file_path(db_path)));
  } catch (const json::exception&) {
    throw std::runtime_error("key file: " + key_file_path(db_path) + " is not JSON");
  }
  if (!doc.is_object() || doc.value("format", "") != kFormat || doc.value("kdf", "") != "argon2id13")
    throw std::runtime_error("key file: unknown format (expected " + std::string(kFormat) + ")");
  if (!doc.contains("ops") || !doc["ops"].is_number_unsigned() || !doc.contains("mem") ||
      !doc["mem"].is_number_unsigned())
    throw std::runtime_error("key file: ops and mem must be whole numbers");
  const KdfLimits limits{doc["ops"].get<uint64_t>(), doc["mem"].get<size_t>()};
  if (limits.ops < crypto_pwhash_OPSLIMIT_MIN || limits.ops > crypto_pwhash_OPSLIMIT_MAX ||
      limits.mem < crypto_pwhash_MEMLIMIT_MIN || limits.mem > (size_t{4} << 30))
    throw std::runtime_error("key file: Argon2id limits out of range");
  const auto salt = from_hex(doc, "salt", crypto_pwhash_SALTBYTES);
  const auto nonce = from_hex(doc, "nonce", crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const auto wrapped = from_hex(doc, "wrapped", kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  WrapKey wk;
  derive(wk, passphrase, salt.data(), limits);
  DatabaseKey key;
  unsigned long long key_len = 0;
  const unsigned char ad[] = "yizhen-key-1";
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(key.data(), &key_len, nullptr, wrapped.data(), wrapped.size(), ad,
                                                 sizeof ad - 1, nonce.data(), wk.k) != 0 ||
      key_len != key.size())
    throw PassphraseError("the passphrase does not open this database");
  return key;
}

void rewrap_key_file(const std::string& db_path, const std::string& old_passphrase,
                     const std::string& new_passphrase, KdfLimits limits) {
  DatabaseKey key = unlock_key_file(db_path, old_passphrase);
  write_wrapped(db_path, key, new_passphrase, limits);
  sodium_memzero(key.data(), key.size());
}

void unlock_database(const std::string& db_path, const std::function<std::optional<std::string>()>& passphrase) {
  if (!key_file_exists(db_path) || has_database_key(db_path)) return;
  const auto pass = passphrase();
  if (!pass) throw PassphraseError("no passphrase for the encrypted database " + db_path);
  try {
    register_database_key(db_path, unlock_key_file(db_path, *pass));
  } catch (const PassphraseError&) {
    throw PassphraseError("wrong passphrase for " + db_path + "; nothing was changed");
  }
}

}  // namespace yz
