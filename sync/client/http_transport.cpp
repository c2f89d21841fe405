#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>

#include "sync/client/transport.h"
#include "sync/protocol/crypto.h"

namespace yz::sync {

namespace {

// What the certificate check needs, reached from OpenSSL's callback through
// the SSL_CTX's app data.
struct Pin {
  std::string expected;  // lower-case hex, a prefix of the SHA-256 (>= 16 digits)
  std::string seen;      // the full SHA-256 of the last leaf certificate seen
};

std::string fingerprint(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  std::string out = certificate_fingerprint({reinterpret_cast<const char*>(der), static_cast<size_t>(len)});
  OPENSSL_free(der);
  return out;
}

// OpenSSL's verify callback: the chain is not judged (a county server's
// certificate is self-signed); the leaf must match the pinned fingerprint.
int verify_pinned(int /*preverify_ok*/, X509_STORE_CTX* store) {
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* pin = ssl ? static_cast<Pin*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl))) : nullptr;
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (!pin || !cert) return 0;
  pin->seen = fingerprint(cert);
  return !pin->expected.empty() && pin->seen.compare(0, pin->expected.size(), pin->expected) == 0 ? 1 : 0;
}

// "https://host:port#sha256=HEX" -> base "https://host:port", pin "hex".
void split_pin(const std::string& url, std::string& base, std::string& pin) {
  const auto hash = url.find('#');
  base = url.substr(0, hash);
  pin.clear();
  if (hash == std::string::npos) return;
  const std::string frag = url.substr(hash + 1);
  const std::string prefix = "sha256=";
  if (frag.compare(0, prefix.size(), prefix) != 0)
    throw TransportError("server address: the part after # must be sha256=<certificate fingerprint>");
  const auto normal = normalize_fingerprint(frag.substr(prefix.size()));
  if (!normal) throw TransportError("server address: the certificate fingerprint must be 16 to 64 hex digits");
  pin = *normal;
}

class HttpTransport : public Transport {
 public:
  HttpTransport(const std::string& url, int connect_s, int read_s) : client_(base_of(url, pin_)) {
    if (!client_.is_valid()) throw TransportError("not a server address: " + url);
    const bool https = url.rfind("https://", 0) == 0;
    if (https && pin_.expected.empty())
      throw TransportError("an https server must be pinned: add #sha256=<its certificate fingerprint> "
                           "(yizhen-server admin enroll-code prints it)");
    if (!https && !pin_.expected.empty()) throw TransportError("a certificate fingerprint needs an https address");
    if (https) {
      // httplib's own check wants a CA chain and a host name; the pin
      // replaces both (checked in the handshake, before any byte is sent).
      client_.enable_server_certificate_verification(false);
      SSL_CTX* ctx = client_.ssl_context();
      if (!ctx) throw TransportError("TLS is not available in this build");
      SSL_CTX_set_app_data(ctx, &pin_);
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_pinned);
    }
    client_.set_connection_timeout(connect_s, 0);
    client_.set_read_timeout(read_s, 0);
    client_.set_write_timeout(read_s, 0);
  }

  HttpResponse get(const std::string& path, const std::string& bearer) override {
    return done(client_.Get(path.c_str(), headers(bearer)));
  }

  HttpResponse post(const std::string& path, const std::string& body, const std::string& bearer) override {
    return done(client_.Post(path.c_str(), headers(bearer), body, "application/json"));
  }

  std::string peer_certificate_sha256() const override { return pin_.seen; }

 private:
  Pin pin_;  // before client_: the SSL_CTX points to it
  httplib::Client client_;

  static std::string base_of(const std::string& url, Pin& pin) {
    std::string base;
    split_pin(url, base, pin.expected);
    return base;
  }

  static httplib::Headers headers(const std::string& bearer) {
    httplib::Headers h;
    if (!bearer.empty()) h.emplace("Authorization", "Bearer " + bearer);
    return h;
  }

  HttpResponse done(const httplib::Result& r) const {
    if (!r) {
      if (r.error() == httplib::Error::SSLServerVerification || r.error() == httplib::Error::SSLConnection)
        throw TransportError(pin_.seen.empty() ? "TLS handshake failed"
                                               : "the server's certificate (sha256 " + pin_.seen +
                                                     ") is not the one this laptop was enrolled with");
      throw TransportError(httplib::to_string(r.error()));
    }
    return {r->status, r->body};
  }
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const std::string& base_url, int connect_timeout_s,
                                               int read_timeout_s) {
  return std::make_unique<HttpTransport>(base_url, connect_timeout_s, read_timeout_s);
}

std::optional<std::string> normalize_fingerprint(std::string_view typed) {
  std::string hex;
  for (char c : typed) {
    if (c == ':' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() < 16 || hex.size() > 64) return std::nullopt;
  return hex;
}

std::string pinned_url(const std::string& url, const std::string& sha256_hex) {
  return url.substr(0, url.find('#')) + "#sha256=" + sha256_hex;
}

}  // namespace yz::sync
