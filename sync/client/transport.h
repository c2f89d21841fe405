#pragma once
// How a device reaches the server: two calls, so that tests can put a
// fault-injecting transport in between (tests/sync) and the field app and
// the CLI use the real HTTP one.

#include <memory>
#include <stdexcept>
#include <string>

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
};

// HTTP with cpp-httplib. `base_url`: "http://host:port". Timeouts in seconds.
std::unique_ptr<Transport> make_http_transport(const std::string& base_url, int connect_timeout_s = 5,
                                               int read_timeout_s = 60);

}  // namespace yz::sync
