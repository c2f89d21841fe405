#pragma once
// What every `yizhen-server admin` verb shares (DESIGN.md §8): an error
// becomes one line on stderr and an exit code (1 not found, 2 bad input,
// 3 anything else), and output is text, or JSON with --json.

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "core/base/errors.h"
#include "sync/server/central_store.h"

namespace yz::server_admin {

// The central store at `path`, unlocked first when it is encrypted (the
// passphrase from YIZHEN_PASSPHRASE or the terminal); what opening it
// repaired goes to stderr. With `must_exist` (every admin verb but `init`)
// a path with no database is refused (CentralError 400 no_database): a
// mistyped --db would otherwise make an empty one and answer from it.
// With --pg (set_pg_target), the PostgreSQL store instead: `path` is
// ignored, the database is migrated, and --keys names the key file.
std::unique_ptr<yz::sync::CentralStore> open_central(const std::string& path, bool must_exist);
// main's --pg, --keys and --pg-read, read when a verb runs (after parsing).
void set_pg_target(const std::string* conninfo, const std::string* keys_path, const std::string* read_conninfo);
bool on_pg();
const std::string& pg_conninfo();
// Register the key of the SQLite database at `path` when it is encrypted
// (the passphrase from YIZHEN_PASSPHRASE or the terminal).
void unlock_sqlite(const std::string& path);
// A verb that works on the SQLite file itself: with --pg it throws
// CentralError 501 naming `verb` (never a silent central.db).
void refuse_on_pg(const std::string& verb);

// The verb after `admin` in `argv` that the admin command does not know, or
// empty: CLI11 would only say "A subcommand is required".
std::string unknown_admin_verb(int argc, char** argv, const std::vector<std::string>& verbs);

template <typename Fn>
int guarded(Fn fn) {
  try {
    return fn();
  } catch (const yz::sync::CentralError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.status() == 404 ? 1 : e.status() == 503 ? 3 : 2;  // 503: the database is unreachable
  } catch (const yz::ValidationError& e) {
    std::cerr << "error: " << e.errors().front().message(yz::Lang::en) << "\n";
    return 2;
  } catch (const yz::NotFound& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
}

// One value as a person reads it: text without quotes, null as "-",
// numbers and the rest as JSON.
inline std::string cell(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump();
}

// With --json: the JSON. Otherwise an object as "key<TAB>value" lines, and
// an array of objects as a table: a header of its keys, then one
// tab-separated line per row ("(none)" when empty).
inline void print(bool as_json, const nlohmann::json& j) {
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) std::cout << k << "\t" << cell(v) << "\n";
    return;
  }
  if (j.empty()) {
    std::cout << "(none)\n";
    return;
  }
  std::vector<std::string> keys;
  for (const auto& row : j)
    if (row.is_object())
      for (const auto& [k, v] : row.items())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  for (size_t i = 0; i < keys.size(); ++i) std::cout << (i ? "\t" : "") << keys[i];
  std::cout << "\n";
  for (const auto& row : j) {
    if (!row.is_object()) {
      std::cout << cell(row) << "\n";
      continue;
    }
    for (size_t i = 0; i < keys.size(); ++i) std::cout << (i ? "\t" : "") << cell(row.value(keys[i], nlohmann::json()));
    std::cout << "\n";
  }
}

}  // namespace yz::server_admin
