#pragma once
// The real yizhen-server on 127.0.0.1 (any free port) over a temporary
// central database, and devices (a Store each) that talk to it over HTTP.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <string>

#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "sync/client/client.h"
#include "sync/client/transport.h"
#include "tests/support/child.h"
#include "tests/support/process.h"

namespace yz_sync_test {

struct Server {
  const std::string db;
  std::unique_ptr<yz::test::Child> child;
  std::string url;

  explicit Server(std::string path) : db(std::move(path)) { start(); }

  void start() {
    child = std::make_unique<yz::test::Child>(
        std::vector<std::string>{YIZHEN_SERVER, "--db", db, "--listen", "127.0.0.1:0"}, db + ".log");
    const std::string line = child->read_line();
    const auto at = line.find("http://");
    REQUIRE_MESSAGE(at != std::string::npos, "server did not start: " << line);
    url = line.substr(at);
  }

  // SIGKILL and wait (no clean shutdown).
  void kill() { child->stop(SIGKILL); }

  yz::test::RunResult admin(std::vector<std::string> args) const {
    args.insert(args.begin(), {YIZHEN_SERVER, "--db", db, "admin"});
    return yz::test::run(args);
  }

  // A code for a device of `team`; a new team is made with `area` (pass ""
  // for an existing team to keep its area).
  std::string enroll_code(const std::string& team = "上海援藏医疗队", const std::string& area = "54") const {
    std::vector<std::string> args = {"enroll-code", "--team", team};
    if (!area.empty()) args.insert(args.end(), {"--area", area});
    auto r = admin(args);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    return r.out.substr(0, r.out.find('\n'));
  }
};

// A device's database is encrypted, as the field app makes it (DESIGN.md
// §7): a new path gets a key file under kDevicePassphrase (at the testing
// Argon2id cost) and its key registered; yizhenctl opens it with
// YIZHEN_PASSPHRASE=kDevicePassphrase. Returns `path`.
inline constexpr const char* kDevicePassphrase = "test device";
inline const std::string& encrypted(const std::string& path) {
  if (!std::filesystem::exists(path) && !yz::has_database_key(path))
    yz::register_database_key(path, yz::create_key_file(path, kDevicePassphrase, yz::kKdfTesting));
  return path;
}

// An admin verb's --json answer; the verb must succeed.
inline nlohmann::json admin_json(const Server& s, std::vector<std::string> args) {
  args.push_back("--json");
  auto r = s.admin(args);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

// yizhenctl on a device database made by encrypted() (its passphrase set).
inline yz::test::RunResult device_ctl(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/env", std::string("YIZHEN_PASSPHRASE=") + kDevicePassphrase, YIZHENCTL, "--db", db});
  return yz::test::run(args);
}

struct Device {
  yz::Store store;
  yz::sync::WriterExec exec;

  explicit Device(const std::string& path, yz::StoreOptions opts = {})
      : store(yz::open_store(encrypted(path), opts)), exec(yz::sync::direct_exec(store)) {}

  void enroll(const Server& server, const std::string& code) {
    auto t = yz::sync::make_http_transport(server.url);
    yz::sync::enroll(exec, *t, server.url, code, "test laptop");
  }

  // Push then pull over `t` (HTTP to the server by default).
  void sync(const Server& server, yz::sync::Transport* t = nullptr) {
    std::unique_ptr<yz::sync::Transport> own;
    if (!t) {
      own = yz::sync::make_http_transport(server.url);
      t = own.get();
    }
    yz::sync::push(exec, *t);
    yz::sync::pull(exec, *t);
  }

  int64_t count(const std::string& sql) { return store.db().execAndGet(sql).getInt64(); }
};

}  // namespace yz_sync_test
