// One throwaway PostgreSQL cluster shared by the test processes of a ctest
// run (a fixture: tests/sync/CMakeLists.txt). `pg_cluster_ctl start FILE`
// starts one (tests/support/pg_cluster.h) and writes its folder and port to
// FILE; `pg_cluster_ctl stop FILE` stops and removes it. A cluster left
// from an interrupted run is stopped by the next start. `pg_cluster_ctl
// standby FILE PRIMARY_FILE` starts a streaming hot standby of the cluster
// PRIMARY_FILE names (scripts/scale_out_figures.sh measures with one).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/support/pg_cluster.h"

namespace {

void stop(const std::string& file) {
  std::ifstream in(file);
  std::string dir;
  if (in && std::getline(in, dir)) yz::test::PgCluster::stop_detached(dir);
  std::error_code ec;
  std::filesystem::remove(file, ec);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string verb = argc >= 3 ? argv[1] : "";
  if (!((verb == "start" || verb == "stop") && argc == 3) && !(verb == "standby" && argc == 4)) {
    std::cerr << "usage: pg_cluster_ctl start|stop FILE | standby FILE PRIMARY_FILE\n";
    return 2;
  }
  try {
    stop(argv[2]);
    if (verb == "stop") return 0;
    int primary_port = 0;
    if (verb == "standby") {
      std::ifstream in(argv[3]);
      std::string dir, port;
      if (!std::getline(in, dir) || !std::getline(in, port)) throw std::runtime_error(std::string("no cluster in ") + argv[3]);
      primary_port = std::stoi(port);
    }
    yz::test::PgCluster pg = verb == "standby" ? yz::test::PgCluster(yz::test::PgCluster::StandbyOf{primary_port})
                                               : yz::test::PgCluster();
    std::ofstream out(std::string(argv[2]) + ".tmp");
    out << pg.dir() << "\n" << pg.port() << "\n";
    out.close();
    std::filesystem::rename(std::string(argv[2]) + ".tmp", argv[2]);
    pg.detach();
    std::cout << "PostgreSQL on 127.0.0.1:" << pg.port() << " in " << pg.dir() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
}
