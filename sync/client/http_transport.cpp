#include <httplib.h>

#include "sync/client/transport.h"

namespace yz::sync {

namespace {

class HttpTransport : public Transport {
 public:
  HttpTransport(const std::string& base_url, int connect_s, int read_s) : client_(base_url) {
    if (!client_.is_valid()) throw TransportError("not a server address: " + base_url);
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

 private:
  httplib::Client client_;

  static httplib::Headers headers(const std::string& bearer) {
    httplib::Headers h;
    if (!bearer.empty()) h.emplace("Authorization", "Bearer " + bearer);
    return h;
  }

  static HttpResponse done(const httplib::Result& r) {
    if (!r) throw TransportError(httplib::to_string(r.error()));
    return {r->status, r->body};
  }
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const std::string& base_url, int connect_timeout_s,
                                               int read_timeout_s) {
  return std::make_unique<HttpTransport>(base_url, connect_timeout_s, read_timeout_s);
}

}  // namespace yz::sync
