// The throwaway PostgreSQL cluster the central-store tests run on
// (tests/support/pg_cluster.h): it starts on loopback as an unprivileged
// user, takes libpq connections, and leaves nothing behind.
#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <filesystem>
#include <string>

#include "tests/support/pg_cluster.h"

namespace {

std::string query_one(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  REQUIRE_MESSAGE(PQstatus(c) == CONNECTION_OK, PQerrorMessage(c));
  PGresult* r = PQexec(c, sql.c_str());
  REQUIRE_MESSAGE(PQresultStatus(r) == PGRES_TUPLES_OK, PQresultErrorMessage(r));
  std::string v = PQgetvalue(r, 0, 0);
  PQclear(r);
  PQfinish(c);
  return v;
}

}  // namespace

TEST_CASE("a throwaway PostgreSQL 15 cluster starts on loopback, serves libpq and is removed") {
  std::string dir;
  {
    yz::test::PgCluster pg;
    dir = pg.dir();
    CHECK(query_one(pg.conninfo(), "SHOW server_version_num").starts_with("15"));
    CHECK(query_one(pg.conninfo(), "SELECT inet_server_addr()::text") == "127.0.0.1/32");
    const std::string db = pg.create_database("central_test");
    CHECK(query_one(db, "SELECT current_database()") == "central_test");
  }
  CHECK_FALSE(std::filesystem::exists(dir));
}
