// TLS with the server's certificate pinned (sync/client/transport.h): a
// self-signed certificate made with openssl, a TLS server on 127.0.0.1; the
// pinned fingerprint opens the connection, any other certificate is refused
// in the handshake, and an https address without a pin is refused outright.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "sync/client/transport.h"
#include "tests/support/child.h"
#include "tests/support/plain_db.h"
#include "tests/support/process.h"

namespace {

struct Cert {
  std::string cert, key, sha256;
};

Cert make_cert(const yz::test::TempDir& dir, const std::string& name) {
  Cert c{dir.file(name + ".pem"), dir.file(name + ".key"), ""};
  auto r = yz::test::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                          "-nodes", "-days", "2", "-subj", "/CN=county-server", "-keyout", c.key, "-out", c.cert});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  r = yz::test::run({"/usr/bin/openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", c.cert});
  REQUIRE(r.code == 0);
  for (char ch : r.out.substr(r.out.find('=') + 1))
    if (std::isxdigit(static_cast<unsigned char>(ch))) c.sha256 += static_cast<char>(std::tolower(ch));
  REQUIRE(c.sha256.size() == 64);
  return c;
}

struct TlsServer {
  httplib::SSLServer server;
  int port = 0;
  std::thread thread;
  explicit TlsServer(const Cert& c) : server(c.cert.c_str(), c.key.c_str()) {
    REQUIRE(server.is_valid());
    server.Get("/v1/health", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"status":"ok"})", "application/json");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    for (int i = 0; i < 500 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(server.is_running());
  }
  ~TlsServer() {
    server.stop();
    thread.join();
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

TEST_CASE("an https server is reached only through the certificate it was pinned to") {
  yz::test::TempDir dir;
  const Cert real = make_cert(dir, "real"), other = make_cert(dir, "other");
  TlsServer server(real);

  SUBCASE("the full fingerprint, or a prefix of 16 hex digits with colons, opens it") {
    auto t = yz::sync::make_http_transport(yz::sync::pinned_url(server.url(), real.sha256));
    CHECK(t->get("/v1/health", "").status == 200);
    CHECK(t->peer_certificate_sha256() == real.sha256);
    std::string colons;
    for (int i = 0; i < 16; i += 2) colons += real.sha256.substr(i, 2) + ":";
    auto t2 = yz::sync::make_http_transport(server.url() + "#sha256=" + colons);
    CHECK(t2->get("/v1/health", "").status == 200);
  }
  SUBCASE("another certificate's fingerprint: the handshake fails and says which certificate it saw") {
    auto t = yz::sync::make_http_transport(yz::sync::pinned_url(server.url(), other.sha256));
    try {
      t->get("/v1/health", "secret-token");
      FAIL("a connection to an unpinned certificate succeeded");
    } catch (const yz::sync::TransportError& e) {
      CHECK(std::string(e.what()).find(real.sha256) != std::string::npos);
    }
  }
  SUBCASE("an https address without a pin, or a malformed pin, is refused before connecting") {
    CHECK_THROWS_AS(yz::sync::make_http_transport(server.url()), yz::sync::TransportError);
    CHECK_THROWS_AS(yz::sync::make_http_transport(server.url() + "#sha256=abc"), yz::sync::TransportError);
    CHECK_THROWS_AS(yz::sync::make_http_transport(server.url() + "#md5=" + real.sha256), yz::sync::TransportError);
    CHECK_THROWS_AS(yz::sync::make_http_transport("http://127.0.0.1:1#sha256=" + real.sha256),
                    yz::sync::TransportError);
  }
}

namespace {

struct TlsServerProcess {
  std::unique_ptr<yz::test::Child> child;
  std::string url, fingerprint;
  TlsServerProcess(const std::string& db, const Cert& c) {
    child = std::make_unique<yz::test::Child>(
        std::vector<std::string>{YIZHEN_SERVER, "--db", db, "--listen", "127.0.0.1:0", "--tls-cert", c.cert,
                                 "--tls-key", c.key},
        db + ".log");
    const std::string line = child->read_line();
    const auto at = line.find("https://");
    REQUIRE_MESSAGE(at != std::string::npos, "server did not start: " << line);
    url = line.substr(at, line.find(' ', at) - at);
    const auto fp = line.find("sha256 ");
    REQUIRE(fp != std::string::npos);
    fingerprint = line.substr(fp + 7, 64);
  }
};

yz::test::RunResult ctl(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {YIZHENCTL, "--db", db});
  return yz::test::run(args);
}

}  // namespace

TEST_CASE("yizhen-server over TLS: enroll-code prints the fingerprint, a laptop pins it, another certificate is refused") {
  yz::test::TempDir dir;
  const Cert real = make_cert(dir, "real"), other = make_cert(dir, "other");
  // A plain laptop database: this test is about the wire.
  const std::string central = dir.file("central.db"), laptop = yz::test::plain_db(dir.file("laptop.db"));
  std::string code;
  REQUIRE(yz::test::run({YIZHEN_SERVER, "--db", central, "admin", "init"}).code == 0);
  {
    auto r = yz::test::run({YIZHEN_SERVER, "--db", central, "--tls-cert", real.cert, "admin", "enroll-code", "--team",
                            "上海援藏医疗队", "--area", "54"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    code = r.out.substr(0, r.out.find('\n'));
    CHECK(r.out.find("sha256 " + real.sha256) != std::string::npos);
  }
  std::string port;
  {
    TlsServerProcess server(central, real);
    CHECK(server.fingerprint == real.sha256);
    port = server.url.substr(server.url.rfind(':') + 1);
    // A wrong fingerprint: nothing is sent (the code stays unused).
    auto bad = ctl(laptop, {"enroll", "--server", server.url, "--code", code, "--fingerprint", other.sha256.substr(0, 20)});
    CHECK(bad.code == 3);
    CHECK(bad.err.find(real.sha256) != std::string::npos);
    // No fingerprint for an https server: refused as bad input (exit 2).
    CHECK(ctl(laptop, {"enroll", "--server", server.url, "--code", code}).code == 2);
    auto ok = ctl(laptop, {"enroll", "--server", server.url, "--code", code, "--fingerprint",
                           real.sha256.substr(0, 16), "--json"});
    REQUIRE_MESSAGE(ok.code == 0, ok.err);
    CHECK(nlohmann::json::parse(ok.out)["server"] == server.url + "#sha256=" + real.sha256);
    REQUIRE(ctl(laptop, {"patient", "add", "--name", "卓玛", "--sex", "F", "--age", "40"}).code == 0);
    auto s = ctl(laptop, {"sync"});
    CHECK_MESSAGE(s.code == 0, s.err);
  }
  auto stats = yz::test::run({YIZHEN_SERVER, "--db", central, "admin", "stats", "--json"});
  CHECK(nlohmann::json::parse(stats.out)["patient"] == 1);
  // The same address now answers with another certificate: refused.
  TlsServerProcess impostor(dir.file("impostor.db"), other);
  REQUIRE(ctl(laptop, {"patient", "add", "--name", "次仁", "--sex", "M", "--age", "50"}).code == 0);
  auto s = ctl(laptop, {"sync", "--server", impostor.url});
  CHECK(s.code == 3);
  CHECK_MESSAGE(s.err.find("not the one this laptop was enrolled with") != std::string::npos, s.err);
  auto imp_stats = yz::test::run({YIZHEN_SERVER, "--db", dir.file("impostor.db"), "admin", "stats", "--json"});
  CHECK(nlohmann::json::parse(imp_stats.out)["patient"] == 0);
}
