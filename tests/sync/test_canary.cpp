// Issue 16's canary: two patients with a name and a 身份证 number found
// nowhere else are registered with yizhenctl on an encrypted laptop
// database, screened positive, synced over TLS to a yizhen-server whose
// central database is encrypted too, and carried once more by USB; the
// screening list and follow-ups are exported masked. Then every file of the
// laptop's folder, the USB folder and the server's folder (logs and key
// files included) and every byte that crossed the wire (read by a relay on
// loopback between laptop and server) is searched for the names and the
// numbers as UTF-8: no hit. The exports, meant to be read, hold the names
// but never a whole number.
//
// The field app's half runs under Xvfb with the GUI tests
// (tests/e2e/test_lock.cpp, "canary, the app half"): the canary typed into
// the app on an encrypted database, the app killed mid-draft, and no file of
// its data folder holding the name or the number.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/domain/idcard.h"
#include "tests/support/child.h"
#include "tests/support/process.h"
#include "tests/sync/raw_socket.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using yz::test::run;
using yz::test::RunResult;
using yz::test::slurp;

namespace {

const std::string kDevicePass = "雪山 field passphrase", kServerPass = "county server passphrase";

struct Canary {
  std::string name, id_number;
};
Canary canary(const std::string& name, const std::string& serial) {
  const std::string first17 = "54010219790611" + serial;
  return {name, first17 + yz::id_check_digit(first17)};
}

// Every regular file under `dir`, read whole, with its path.
std::vector<std::pair<std::string, std::string>> files_under(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back({e.path().string(), slurp(e.path().string())});
  return out;
}

// A TCP relay on 127.0.0.1 in front of `target_port`: what it carries, both
// ways, is kept to be searched. One thread per direction per connection.
class Relay {
 public:
  explicit Relay(int target_port) : target_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener_, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accepter_ = std::thread([this] {
      for (;;) {
        const int client = ::accept(listener_, nullptr, nullptr);
        if (client < 0) return;  // the listener was shut down
        const int server = yz_sync_test::connect_loopback(target_);
        if (server < 0) {
          ::close(client);
          continue;
        }
        std::lock_guard lock(mu_);
        fds_.insert(fds_.end(), {client, server});
        pumps_.emplace_back([this, client, server] { pump(client, server); });
        pumps_.emplace_back([this, client, server] { pump(server, client); });
      }
    });
  }
  ~Relay() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    accepter_.join();
    std::vector<std::thread> pumps;
    {
      std::lock_guard lock(mu_);
      pumps.swap(pumps_);
    }
    for (auto& t : pumps) t.join();
    for (int fd : fds_) ::close(fd);
  }
  int port() const { return port_; }
  std::string carried() {
    std::lock_guard lock(mu_);
    return carried_;
  }

 private:
  void pump(int from, int to) {
    char buf[16384];
    for (ssize_t n; (n = ::read(from, buf, sizeof buf)) > 0;) {
      {
        std::lock_guard lock(mu_);
        carried_.append(buf, static_cast<size_t>(n));
      }
      if (::write(to, buf, static_cast<size_t>(n)) != n) break;
    }
    ::shutdown(to, SHUT_WR);  // the other pump ends when its side hangs up
    ::shutdown(from, SHUT_RD);
  }

  int target_, listener_ = -1, port_ = 0;
  std::thread accepter_;
  std::mutex mu_;
  std::vector<std::thread> pumps_;
  std::vector<int> fds_;
  std::string carried_;
};

RunResult ctl(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/env", "YIZHEN_PASSPHRASE=" + kDevicePass, YIZHENCTL, "--db", db});
  return run(args);
}

RunResult admin(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/env", "YIZHEN_PASSPHRASE=" + kServerPass, YIZHEN_SERVER, "--db", db});
  return run(args);
}

// Register `c` in village 540102001001 and screen them positive for
// hypertension (a follow-up is planned).
void register_and_screen(const std::string& db, const Canary& c) {
  const std::string sex = (c.id_number[16] - '0') % 2 ? "M" : "F";  // as the number says
  RunResult p = ctl(db, {"patient", "add", "--name", c.name, "--sex", sex, "--id-number", c.id_number, "--village",
                         "540102001001", "--consent"});
  REQUIRE_MESSAGE(p.code == 0, p.err);
  RunResult s = ctl(db, {"screen", "--patient", p.out.substr(0, p.out.find('\n')), "--program", "hypertension",
                         "--answers", R"({"sbp": 176, "dbp": 106})"});
  REQUIRE_MESSAGE(s.code == 0, s.err);
}

}  // namespace

TEST_CASE("Canary: a patient's name and 身份证 number are nowhere in the files of laptop, stick and server, nor on the wire") {
  yz::test::TempDir root;
  const std::string laptop = root.file("laptop"), usb = root.file("usb"), srv = root.file("server"),
                    out = root.file("exports");
  for (const auto& d : {laptop, usb, srv, out}) fs::create_directories(d);
  const std::string db = laptop + "/field.db", central = srv + "/central.db";
  const Canary by_wire = canary("金丝雀测试央宗", "731"), by_stick = canary("金丝雀测试次仁", "842");

  // The county server: its certificate, an encrypted central database.
  RunResult cert = run({SOURCE_DIR "/scripts/make-server-cert.sh", srv + "/tls", "127.0.0.1"});
  REQUIRE_MESSAGE(cert.code == 0, cert.err);
  REQUIRE(admin(central, {"admin", "init"}).code == 0);  // creates it
  RunResult enc = admin(central, {"admin", "encrypt"});
  REQUIRE_MESSAGE(enc.code == 0, enc.err);
  RunResult code = admin(central, {"--tls-cert", srv + "/tls/server.pem", "admin", "enroll-code", "--team",
                                   "北京援藏医疗队", "--area", "540102"});
  REQUIRE_MESSAGE(code.code == 0, code.err);
  const std::string enroll_code = code.out.substr(0, code.out.find('\n'));
  const auto sha = code.out.find("sha256 ");
  REQUIRE(sha != std::string::npos);
  const std::string fingerprint = code.out.substr(sha + 7, 64);

  const std::string log = srv + "/server.log";
  yz::test::Child server({YIZHEN_SERVER, "--db", central, "--listen", "127.0.0.1:0", "--tls-cert",
                          srv + "/tls/server.pem", "--tls-key", srv + "/tls/server.key"},
                         {"YIZHEN_PASSPHRASE=" + kServerPass}, log);
  std::string listening;
  for (int i = 0; i < 200 && listening.empty(); ++i) {
    const std::string text = slurp(log);
    if (const auto at = text.find("https://"); at != std::string::npos) listening = text.substr(at, text.find_first_of(" \n(", at) - at);
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE_MESSAGE(!listening.empty(), "the server did not start: " << slurp(log));
  Relay relay(yz_sync_test::port_of(listening));
  const std::string url = "https://127.0.0.1:" + std::to_string(relay.port());

  // The laptop: an encrypted database, the first canary over the wire.
  RunResult init = ctl(db, {"init", "--encrypt"});
  REQUIRE_MESSAGE(init.code == 0, init.err);
  RunResult enrolled = ctl(db, {"enroll", "--server", url, "--code", enroll_code, "--fingerprint", fingerprint});
  REQUIRE_MESSAGE(enrolled.code == 0, enrolled.err);
  register_and_screen(db, by_wire);
  RunResult synced = ctl(db, {"sync"});
  REQUIRE_MESSAGE(synced.code == 0, synced.err);

  // The second by USB stick: sealed batch files, receipts back.
  register_and_screen(db, by_stick);
  RunResult exported = ctl(db, {"batch", "export", "--to", usb});
  REQUIRE_MESSAGE(exported.code == 0, exported.err);
  fs::create_directories(usb + "/receipts");
  RunResult imported = admin(central, {"admin", "import-batches", usb, "--receipts-to", usb + "/receipts"});
  REQUIRE_MESSAGE(imported.code == 0, imported.err);
  RunResult receipts = ctl(db, {"batch", "receipts", "--from", usb + "/receipts"});
  REQUIRE_MESSAGE(receipts.code == 0, receipts.err);

  // Both arrived: the server holds them (read through its own passphrase).
  RunResult stats = admin(central, {"--json", "admin", "stats"});
  REQUIRE_MESSAGE(stats.code == 0, stats.err);
  CHECK(json::parse(stats.out)["patient"] == 2);

  // Masked exports: the names (they are for reading) but no whole number.
  for (const std::string format : {"csv", "xlsx"}) {
    const std::string list = out + "/screening." + format, worklist = out + "/follow-ups." + format;
    REQUIRE(ctl(db, {"export", "screening-list", "--program", "hypertension", "--format", format, "--out", list,
                     "--mask-ids"}).code == 0);
    REQUIRE(ctl(db, {"export", "follow-ups", "--format", format, "--out", worklist, "--mask-ids"}).code == 0);
    for (const auto& file : {list, worklist}) {
      // An XLSX is a zip of XML: read its sheets as text.
      const std::string text = format == "csv" ? slurp(file) : run({"/usr/bin/unzip", "-p", file}).out;
      CAPTURE(file);
      CHECK(text.find(by_wire.name) != std::string::npos);
      for (const auto& c : {by_wire, by_stick}) CHECK(text.find(c.id_number) == std::string::npos);
    }
  }
  CHECK(server.stop(SIGTERM) == 0);

  // Nothing in the clear in any file, nor on the wire.
  std::vector<std::pair<std::string, std::string>> places;
  for (const auto& dir : {laptop, usb, srv})
    for (auto& f : files_under(dir)) places.push_back(std::move(f));
  places.push_back({"the bytes on the wire", relay.carried()});
  CHECK(places.size() > 8);
  CHECK(relay.carried().size() > 1000);
  for (const auto& place : places)  // not structured bindings: doctest's INFO captures in a lambda
    for (const auto& c : {by_wire, by_stick})
      for (const auto& secret : {c.name, c.id_number}) {
        INFO(place.first << " holds " << secret);
        CHECK(place.second.find(secret) == std::string::npos);
      }
}

TEST_CASE("An encrypted central database: a wrong passphrase stops every admin verb with one line, and nothing changes") {
  yz::test::TempDir root;
  const std::string central = root.file("central.db");
  REQUIRE(admin(central, {"admin", "init"}).code == 0);
  REQUIRE(admin(central, {"admin", "enroll-code", "--team", "北京援藏医疗队", "--area", "540102"}).code == 0);
  REQUIRE(admin(central, {"admin", "encrypt"}).code == 0);
  CHECK(admin(central, {"admin", "encrypt"}).code == 2);  // already encrypted
  const std::string before = slurp(central);
  RunResult wrong = run({"/usr/bin/env", "YIZHEN_PASSPHRASE=not it", YIZHEN_SERVER, "--db", central, "admin", "teams"});
  CHECK(wrong.code == 3);
  CHECK(wrong.err.find("wrong passphrase") != std::string::npos);
  CHECK(wrong.err.find('\n') == wrong.err.size() - 1);  // one line
  CHECK(slurp(central) == before);
  RunResult right = admin(central, {"--json", "admin", "teams"});
  REQUIRE_MESSAGE(right.code == 0, right.err);
  CHECK(json::parse(right.out)[0]["name"] == "北京援藏医疗队");
}
