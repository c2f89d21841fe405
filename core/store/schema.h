#pragma once
// Schema migrations. The database's PRAGMA user_version is the number of the
// last migration applied; opening a database applies the missing ones, each in
// its own transaction, oldest first. A database newer than this build is
// refused (StoreError) rather than guessed at.

#include <SQLiteCpp/Database.h>

#include "core/store/rules.h"

namespace yz {

// The schema version this build writes.
int current_schema_version();

// Bring `db` up to `target` (default: current). `rules` rebuild the search
// index when the migration that adds it runs. Throws StoreError.
void migrate(SQLite::Database& db, const RecordRules& rules, int target = -1);

}  // namespace yz
