#include "core/store/password_hash.h"

#include <sodium.h>

#include <stdexcept>

#include "core/store/sodium_init.h"

namespace yz {

std::string argon2id_hash(std::string_view secret) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("cannot hash the secret (out of memory)");
  return out;
}

bool argon2id_matches(std::string_view hash, std::string_view secret) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  ensure_sodium();
  const std::string h(hash);  // crypto_pwhash_str_verify wants it NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), secret.data(), secret.size()) == 0;
}

}  // namespace yz
