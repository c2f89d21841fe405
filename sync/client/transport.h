#pragma once
// How a device reaches the server: two calls, so that tests can put a
// fault-injecting transport in between (tests/sync) and the field app and
// the CLI use the real HTTP one.

#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>

namespace yz::sync {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// No response arrived (refused, timed out, cut off). Whether the server saw
// the request is unknown, which batch ids make safe to retry.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // `bearer`: the device token, sent as "Authorization: Bearer" (never in
  // the URL); empty for unauthenticated calls. Throw TransportError.
  virtual HttpResponse get(const std::string& path, const std::string& bearer) = 0;
  virtual HttpResponse post(const std::string& path, const std::string& body, const std::string& bearer) = 0;
  // The SHA-256 (hex) of the server's TLS certificate seen on the last
  // connection; empty over plain HTTP or before a connection.
  virtual std::string peer_certificate_sha256() const { return {}; }
};

// HTTP with cpp-httplib. `base_url`: "http://host:port", or
// "https://host:port#sha256=HEX" — TLS with the server's certificate pinned:
// the handshake fails unless the leaf certificate's SHA-256 starts with HEX
// (16 to 64 hex digits; colons ignored). The fragment never goes on the
// wire. An https address without a pin is refused: a county server's
// certificate is self-signed, and trust comes from the pin taken at
// enrollment (enroll() stores the address with the full fingerprint).
// Timeouts in seconds. Throws TransportError for a bad address.
std::unique_ptr<Transport> make_http_transport(const std::string& base_url, int connect_timeout_s = 5,
                                               int read_timeout_s = 60);

// A certificate fingerprint as typed (hex, any case, colons or spaces
// between bytes allowed) as a pin compares it: lowercase hex; nullopt when
// it is not 16 to 64 hex digits.
std::optional<std::string> normalize_fingerprint(std::string_view typed);

// `url` (without any pin) pinned to `sha256_hex`.
std::string pinned_url(const std::string& url, const std::string& sha256_hex);

}  // namespace yz::sync
