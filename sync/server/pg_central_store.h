#pragma once
// The PostgreSQL central store (pg_central_store.cpp says how several
// servers share one database). `conninfo`: a libpq connection string.
// `keys_path`: the server's key file (server_keys.h), kept outside the
// database as on SQLite; every server of one database needs a copy of the
// same file (a server with another receipt key is refused). It is made
// while no enrolled device holds the server's keys, as on SQLite.
// `read_conninfo` (--pg-read, may be empty): a hot standby of the same
// database; pulls and read-only lists go there while it keeps up
// (docs/sync-protocol.md §11, "Pulls from a standby"), everything else to `conninfo`.
// Throws CentralError 503 when the database cannot be reached.

#include <memory>
#include <string>

#include "sync/server/central_store.h"

namespace yz::sync {

std::unique_ptr<CentralStore> open_pg_central_store(const std::string& conninfo, const std::string& keys_path,
                                                    const std::string& read_conninfo = {});

}  // namespace yz::sync
