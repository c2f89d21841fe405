#pragma once
// A throwaway PostgreSQL 15 cluster for tests (DESIGN.md: real parts, started
// by the tests on loopback): Debian's postgresql-15 binaries, initdb into a
// fresh temporary folder, the server on a free 127.0.0.1 port with its
// socket in that folder, stopped and removed on destruction. When the tests
// run as root (CI), the cluster runs as an unprivileged user (postgres if the
// package made it, else nobody), since PostgreSQL refuses to run as root.
// Nothing touches a system-wide PostgreSQL service.
//
// Durability is off (fsync=off, synchronous_commit=off): these clusters hold
// test data only. PgCluster(Durable{}) commits durably (fsync,
// synchronous_commit and full_page_writes on), for benchmarks.
// Throws std::runtime_error with the server's log when it cannot start.

#include <string>
#include <vector>

namespace yz::test {

class PgCluster {
 public:
  PgCluster();
  struct Durable {};
  explicit PgCluster(Durable);
  // A hot standby of `primary`, streaming on loopback: pg_basebackup -R
  // over a replication connection (initdb's pg_hba.conf lets 127.0.0.1
  // replicate; wal_level is replica by default), started on its own port.
  struct StandbyOf {
    int primary_port;
  };
  explicit PgCluster(StandbyOf standby);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // libpq connection string for database `db` as the cluster's superuser.
  std::string conninfo(const std::string& db = "postgres") const;
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  // Create a fresh empty database; returns its conninfo.
  std::string create_database(const std::string& name);

  // Whether Debian's postgresql-15 binaries are installed.
  static bool available();

  // Leave the cluster running when this object goes (a ctest fixture shares
  // one cluster among test processes: tests/support/pg_cluster_ctl.cpp);
  // stop_detached(dir()) stops and removes it later.
  void detach() { detached_ = true; }
  static void stop_detached(const std::string& dir);

 private:
  // A fresh folder owned by the cluster's user; the command prefix that
  // runs as that user.
  std::vector<std::string> make_dir();
  // pg_ctl start of dir_/data on a free port (a few attempts).
  void start(const std::vector<std::string>& as_user, bool durable = false);
  void init_and_start(bool durable);
  std::string dir_, user_;
  int port_ = 0;
  bool started_ = false;
  bool detached_ = false;
};

}  // namespace yz::test
