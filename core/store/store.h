#pragma once
// The offline record store: one SQLite database per device, opened with one
// writer connection (WAL, synchronous=FULL, foreign keys on). Every write
// validates its input, writes the record, its outbox row, its search keys
// and its audit row in one transaction, and is durable when the call returns.
// The validation and the search keys are the domain's (RecordRules, rules.h):
// open a store with yz::open_store (core/domain/open_store.h), which wires
// them in.
//
// Threads: a Store (its writer connection) belongs to one thread at a time.
// Other threads read through their own open_reader() connections. The
// writer connection has no SQLite mutex: a call from a second thread while
// one is inside the store throws StoreError (db() itself is not watched:
// its user must hold the store as one of these calls would).
// Errors: ValidationError (bad input; nothing written), NotFound, StoreError,
// SQLite::Exception for I/O failures (nothing written: the transaction rolls
// back).

#include <SQLiteCpp/Database.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "core/base/hlc.h"
#include "core/base/uuid.h"
#include "core/store/rules.h"

namespace yz {

using json = nlohmann::json;

struct StoreOptions {
  Clock* clock = nullptr;     // not owned; default: the system clock
  IdSource* ids = nullptr;    // not owned; default: random
  std::string actor = "local";  // who the audit rows name (member id or role)
  bool audit = true;          // write an audit row per change
  // The connection's SQLite page cache, in KiB (PRAGMA cache_size = -N).
  // The default suits bulk writers (demo data, sync ingest); a writer that
  // saves one record at a time needs far less (the field app: DbWorker).
  int cache_kib = 16000;
};

class Store;
struct CareStatusAccess;

// The key to Writer::set_status. Only core/care can make one (through
// CareStatusAccess, defined in core/care/status_access.h): a status moves
// along its transition table there and nowhere else (DESIGN.md §10).
class StatusKey {
  friend struct CareStatusAccess;
  StatusKey() = default;
};

// The writes of one transaction, handed to Store::transact.
class Writer {
 public:
  // Validate `fields` for a new record of kind `entity` and write it;
  // returns the new id. Missing optional fields take their defaults.
  // Patient extras: "age" (years) instead of birth_date; a 身份证 number
  // fills a missing birth date and sex and must agree with given ones.
  std::string create(std::string_view entity, const json& fields);
  // Change editable fields of a live record. Unchanged values are skipped;
  // a call that changes nothing writes nothing. A status field
  // (FieldSpec::status) is refused with ValidationError naming it (code
  // "status_field"): the commands of core/care move statuses.
  void update(std::string_view entity, std::string_view id, const json& fields);
  // update that may also change status fields; for core/care's transitions.
  void set_status(StatusKey key, std::string_view entity, std::string_view id, const json& fields);
  // Mark a record deleted (a tombstone that syncs like any change).
  void remove(std::string_view entity, std::string_view id);

 private:
  friend class Store;
  struct Impl;
  explicit Writer(Impl& impl) : impl_(impl) {}
  Impl& impl_;
};

class Store {
 public:
  // Open (creating if missing) and migrate the database at `path`
  // (":memory:" for tests), holding every record to `rules` (which must
  // outlive the store). Throws StoreError. Callers use open_store
  // (core/domain/open_store.h), which passes the domain's rules.
  static Store open(const std::string& path, const RecordRules& rules, StoreOptions options = {});
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  // One write, one transaction.
  std::string create(std::string_view entity, const json& fields);
  void update(std::string_view entity, std::string_view id, const json& fields);
  void remove(std::string_view entity, std::string_view id);
  // Several writes in one transaction: all are saved or none is. If `fn`
  // throws, the transaction rolls back and the exception propagates.
  void transact(const std::function<void(Writer&)>& fn);

  // For sync only (changes.h, sync/): one transaction on the writer
  // connection that writes no outbox rows, with SQLite's foreign-key checks
  // off, since a synced record may arrive before a record it refers to. As
  // with transact, all is saved or nothing is.
  void transact_synced(const std::function<void(SQLite::Database&)>& fn);
  // Within transact_synced: a stamp received from elsewhere, so that this
  // device's later changes are ordered after it.
  void observe(const Hlc& stamp);
  // Within transact_synced: a fresh stamp for a change made here (records
  // the central server itself creates: teams, devices).
  std::string stamp();

  // A record as JSON (every field, plus "id", "hlc", "deleted"), or nullopt.
  std::optional<json> get(std::string_view entity, std::string_view id);

  // The writer connection, for reads on the writer's thread.
  SQLite::Database& db();
  const std::string& path() const;
  // This device's id (made when the database was created).
  const std::string& device_id() const;
  // Today's date (YYYY-MM-DD) for validation: the device clock, but never
  // before this device's own latest stamp, the server time its last sync
  // reported (setting "sync.server_time_ms"), or the day this program was
  // built, so a laptop whose clock says 1970 can still register patients born
  // in 1980. Stamps from other devices do not count: one laptop whose clock
  // runs years ahead must not move every laptop's date.
  std::string today();
  int64_t now_ms();
  // Who the audit rows of later writes name (StoreOptions::actor): the field
  // app sets "staff:<member id>" when a member signs in, "local" when locked.
  void set_actor(std::string actor);
  // A value from the settings table (preferences, sync cursors).
  std::optional<std::string> setting(std::string_view key);
  void set_setting(std::string_view key, std::string_view value);

 private:
  Store();
  std::unique_ptr<Writer::Impl> impl_;
};

// A connection to `path` with SQLite's `flags`, through the encrypting VFS
// when the database has a registered key (core/store/encryption.h): for
// maintenance outside a Store (repairs before opening one).
SQLite::Database open_connection(const std::string& path, int flags);

// A read-only connection for another thread. It never checkpoints (the
// writer alone does: see DESIGN.md §3 on the SQLite 3.40 WAL-reset bug).
SQLite::Database open_reader(const std::string& path);

}  // namespace yz
