#pragma once
// The one way to open a record store. The store (core/store) sits below the
// domain and knows no validation or search of its own (DESIGN.md §3); this
// wires the domain's rules and patient index into it. Every consumer — the
// app, yizhenctl, the server's SQLite store, the demo, benchmarks and tests —
// opens its database here, so no store runs with other rules.

#include <string>

#include "core/store/store.h"

namespace yz {

// Store::open(path, record_rules(), options): open (creating if missing) and
// migrate the database at `path` (":memory:" for tests). Throws StoreError.
Store open_store(const std::string& path, StoreOptions options = {});

}  // namespace yz
