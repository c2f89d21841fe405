#include "sync/protocol/crypto.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

#include "core/store/sodium_init.h"

namespace yz::sync {

namespace {

std::string to_hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

constexpr int kB64 = sodium_base64_VARIANT_ORIGINAL;

std::string to_b64(const unsigned char* data, size_t n) {
  std::string out(sodium_base64_encoded_len(n, kB64), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, kB64);
  out.pop_back();  // the terminating NUL
  return out;
}

// Decodes base64 of exactly `n` bytes into `out`; false otherwise.
bool from_b64_exact(std::string_view b64, unsigned char* out, size_t n) {
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, n, b64.data(), b64.size(), nullptr, &len, &end, kB64) != 0) return false;
  return len == n && end == b64.data() + b64.size();
}

// Decodes base64 of any length; nullopt if malformed.
std::optional<std::vector<unsigned char>> from_b64(std::string_view b64) {
  std::vector<unsigned char> out(b64.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &len, &end, kB64) != 0 ||
      end != b64.data() + b64.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

// A secret key in memory only as long as it is needed, wiped after.
template <size_t N>
struct SecretBytes {
  unsigned char b[N];
  ~SecretBytes() { sodium_memzero(b, N); }
};

}  // namespace

std::string sha256_digest(std::string_view data) {
  ensure_sodium();
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return "sha256:" + to_hex(h, sizeof h);
}

std::string certificate_fingerprint(std::string_view der) {
  return sha256_digest(der).substr(sizeof "sha256:" - 1);
}

std::string random_token(size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::string out(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string random_enroll_code() {
  ensure_sodium();
  static constexpr char kAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";  // 31 symbols, no look-alikes
  std::string code;
  for (int i = 0; i < 10; ++i) {
    if (i == 5) code += '-';
    code += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  }
  return code;
}

std::string token_key(std::string_view token) {
  ensure_sodium();
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  return to_hex(h, sizeof h);
}

std::string hmac_hex(std::string_view key_hex, std::string_view message) {
  ensure_sodium();
  unsigned char key[64];
  size_t key_len = 0;
  if (sodium_hex2bin(key, sizeof key, key_hex.data(), key_hex.size(), nullptr, &key_len, nullptr) != 0)
    throw std::invalid_argument("bad key");
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key, key_len);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  return to_hex(mac, sizeof mac);
}

KeyPair make_signing_keys() {
  ensure_sodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  SecretBytes<crypto_sign_SECRETKEYBYTES> sk;
  crypto_sign_keypair(pk, sk.b);
  return {to_b64(pk, sizeof pk), to_b64(sk.b, sizeof sk.b)};
}

std::string signing_public_key(const std::string& secret_b64) {
  ensure_sodium();
  SecretBytes<crypto_sign_SECRETKEYBYTES> sk;
  if (!from_b64_exact(secret_b64, sk.b, sizeof sk.b)) throw std::invalid_argument("malformed signing key");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, sk.b);
  return to_b64(pk, sizeof pk);
}

bool is_signing_public_key(std::string_view b64) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  return from_b64_exact(b64, pk, sizeof pk);
}

std::string sign_message(const std::string& secret_b64, std::string_view message) {
  ensure_sodium();
  SecretBytes<crypto_sign_SECRETKEYBYTES> sk;
  if (!from_b64_exact(secret_b64, sk.b, sizeof sk.b)) throw std::invalid_argument("malformed signing key");
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(), sk.b);
  return to_b64(sig, sizeof sig);
}

bool verify_message(std::string_view public_b64, std::string_view message, std::string_view signature_b64) {
  ensure_sodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
  if (!from_b64_exact(public_b64, pk, sizeof pk) || !from_b64_exact(signature_b64, sig, sizeof sig)) return false;
  return crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     pk) == 0;
}

KeyPair make_box_keys() {
  ensure_sodium();
  unsigned char pk[crypto_box_PUBLICKEYBYTES];
  SecretBytes<crypto_box_SECRETKEYBYTES> sk;
  crypto_box_keypair(pk, sk.b);
  return {to_b64(pk, sizeof pk), to_b64(sk.b, sizeof sk.b)};
}

std::string seal_to(const std::string& public_b64, std::string_view plaintext) {
  ensure_sodium();
  unsigned char pk[crypto_box_PUBLICKEYBYTES];
  if (!from_b64_exact(public_b64, pk, sizeof pk)) throw std::invalid_argument("malformed box public key");
  std::vector<unsigned char> out(plaintext.size() + crypto_box_SEALBYTES);
  crypto_box_seal(out.data(), reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), pk);
  return to_b64(out.data(), out.size());
}

std::optional<std::string> open_sealed(const KeyPair& keys, std::string_view sealed_b64) {
  ensure_sodium();
  unsigned char pk[crypto_box_PUBLICKEYBYTES];
  SecretBytes<crypto_box_SECRETKEYBYTES> sk;
  if (!from_b64_exact(keys.public_key, pk, sizeof pk) || !from_b64_exact(keys.secret_key, sk.b, sizeof sk.b))
    return std::nullopt;
  const auto sealed = from_b64(sealed_b64);
  if (!sealed || sealed->size() < crypto_box_SEALBYTES) return std::nullopt;
  std::string out(sealed->size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()), sealed->data(), sealed->size(), pk, sk.b) !=
      0)
    return std::nullopt;
  return out;
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace yz::sync
