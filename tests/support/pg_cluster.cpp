#include "tests/support/pg_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "tests/support/process.h"

namespace yz::test {

namespace {

namespace fs = std::filesystem;
const std::string kBin = "/usr/lib/postgresql/15/bin/";

int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (s >= 0) ::close(s);
    throw std::runtime_error("PgCluster: no free port");
  }
  ::close(s);
  return ntohs(a.sin_port);
}

}  // namespace

bool PgCluster::available() { return fs::exists(kBin + "initdb") && fs::exists(kBin + "pg_ctl"); }

std::vector<std::string> PgCluster::make_dir() {
  if (!available()) throw std::runtime_error("PgCluster: postgresql-15 is not installed");
  char tmpl[] = "/tmp/yizhen-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("PgCluster: mkdtemp failed");
  dir_ = tmpl;
  std::vector<std::string> as_user;  // prefix that runs a command as the cluster's owner
  if (::geteuid() == 0) {
    user_ = ::getpwnam("postgres") ? "postgres" : "nobody";
    const passwd* pw = ::getpwnam(user_.c_str());
    if (!pw || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw std::runtime_error("PgCluster: cannot give " + dir_ + " to " + user_);
    as_user = {"/usr/sbin/runuser", "-u", user_, "--"};
  }
  return as_user;
}

PgCluster::PgCluster() { init_and_start(false); }

PgCluster::PgCluster(Durable) { init_and_start(true); }

void PgCluster::init_and_start(bool durable) {
  const auto as_user = make_dir();
  auto args = as_user;
  for (const std::string& a : {kBin + "initdb", std::string("-D"), dir_ + "/data", std::string("-A"), std::string("trust"),
                               std::string("-U"), std::string("yizhen"), std::string("-E"), std::string("UTF8"),
                               std::string("--locale=C.UTF-8"), std::string("--no-sync")})
    args.push_back(a);
  const auto r = run(args);
  if (r.code != 0) throw std::runtime_error("PgCluster: initdb failed: " + r.err);
  start(as_user, durable);
}

PgCluster::PgCluster(StandbyOf standby) {
  const auto as_user = make_dir();
  auto args = as_user;
  for (const std::string& a : {kBin + "pg_basebackup", std::string("-h"), std::string("127.0.0.1"), std::string("-p"),
                               std::to_string(standby.primary_port), std::string("-U"), std::string("yizhen"),
                               std::string("-D"), dir_ + "/data", std::string("-R"), std::string("-X"),
                               std::string("stream"), std::string("-c"), std::string("fast"), std::string("--no-sync")})
    args.push_back(a);
  const auto r = run(args);
  if (r.code != 0) {
    fs::remove_all(dir_);
    throw std::runtime_error("PgCluster: pg_basebackup failed: " + r.err);
  }
  start(as_user);
}

void PgCluster::start(const std::vector<std::string>& as_user, bool durable) {
  auto cmd = [&](std::vector<std::string> args) {
    args.insert(args.begin(), as_user.begin(), as_user.end());
    return run(args);
  };
  const std::string data = dir_ + "/data";
  RunResult r;
  for (int attempt = 0; attempt < 5 && !started_; ++attempt) {
    port_ = free_port();
    r = cmd({kBin + "pg_ctl", "-D", data, "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
             "-p " + std::to_string(port_) + " -k " + dir_ +
                 " -c listen_addresses=127.0.0.1" +
                 (durable ? std::string(" -c fsync=on -c synchronous_commit=on -c full_page_writes=on")
                          : std::string(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off")) +
                 " -c max_connections=200 -c shared_buffers=64MB"
                 // A standby may stream from it (initdb's pg_hba.conf lets 127.0.0.1 replicate).
                 " -c wal_level=replica -c max_wal_senders=5",
             "start"});
    started_ = r.code == 0;
  }
  if (!started_) {
    const std::string log = slurp(dir_ + "/server.log");
    fs::remove_all(dir_);
    throw std::runtime_error("PgCluster: the server did not start: " + r.err + "\n" + log);
  }
}

PgCluster::~PgCluster() {
  if (detached_) return;
  if (started_) stop_detached(dir_);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void PgCluster::stop_detached(const std::string& dir) {
  if (dir.empty() || !fs::exists(dir + "/data")) return;
  std::vector<std::string> args = {kBin + "pg_ctl", "-D", dir + "/data", "-m", "immediate", "-w", "stop"};
  if (::geteuid() == 0) args.insert(args.begin(), {"/usr/sbin/runuser", "-u", ::getpwnam("postgres") ? "postgres" : "nobody", "--"});
  run(args);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

std::string PgCluster::conninfo(const std::string& db) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=yizhen dbname=" + db;
}

std::string PgCluster::create_database(const std::string& name) {
  const auto r = run({kBin + "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo(), "-c",
                      "CREATE DATABASE \"" + name + "\""});
  if (r.code != 0) throw std::runtime_error("PgCluster: CREATE DATABASE " + name + " failed: " + r.err);
  return conninfo(name);
}

}  // namespace yz::test
