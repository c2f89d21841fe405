#include "sync/server/tls.h"

#include "sync/protocol/crypto.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace yz::sync {

std::string certificate_sha256(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "r"), &std::fclose);
  if (!f) throw std::runtime_error("--tls-cert: cannot read " + path);
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) throw std::runtime_error("--tls-cert: " + path + " holds no PEM certificate");
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  if (len <= 0) throw std::runtime_error("--tls-cert: cannot encode the certificate in " + path);
  std::string fingerprint = certificate_fingerprint({reinterpret_cast<const char*>(der), static_cast<size_t>(len)});
  OPENSSL_free(der);
  return fingerprint;
}

}  // namespace yz::sync
