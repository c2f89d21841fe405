#pragma once
// What the store needs from the layer above it. DESIGN.md §3 puts the store
// below the domain (base <- store <- domain): the store knows how records are
// kept (tables, stamps, outbox, audit, transactions) but not what makes a
// value valid or how a patient is found. It asks these interfaces, which
// core/domain implements (core/domain/record_rules.h) and wires into every
// store through one function, yz::open_store (core/domain/open_store.h).
//
// Threads: a RecordRules is immutable and shared; a RecordIndex belongs to
// the thread of its connection, like the Store that owns it.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"
#include "core/store/entities.h"

namespace yz {

using json = nlohmann::json;

// A record being checked: field name -> value in stored form.
using RecordFields = std::map<std::string, json, std::less<>>;

// Keeps a search index beside the records of one connection (the writer's or
// the sync applier's). Called within the transaction that writes the record.
class RecordIndex {
 public:
  virtual ~RecordIndex() = default;
  // The record of kind `spec` with row id `rid` now holds `rec` (stored forms).
  virtual void index(const EntitySpec& spec, int64_t rid, const RecordFields& rec) = 0;
  // The record was deleted (a tombstone).
  virtual void remove(const EntitySpec& spec, int64_t rid) = 0;
};

// The rules every record is held to, whichever way it comes in.
class RecordRules {
 public:
  virtual ~RecordRules() = default;

  // Inputs of a new local record that are not fields (a patient's "age"
  // instead of a birth date): turned into fields and erased from `fields`.
  virtual void prepare_new(const EntitySpec& spec, json& fields, const std::string& today,
                           std::vector<FieldError>& errs) const = 0;
  // `v` in its stored form (string, number or null), or null with an error
  // naming the field appended to `errs`. Empty text is null. `today`
  // (YYYY-MM-DD) bounds past dates and 身份证 birth dates.
  virtual json convert(const FieldSpec& f, const json& v, const std::string& today,
                       std::vector<FieldError>& errs) const = 0;
  // The rules across the fields of one whole record that need no database:
  // the same for a local save and a synced change. May fill derived fields
  // (birth date and sex from a 身份证 number).
  virtual void check(const EntitySpec& spec, RecordFields& rec, const std::string& today,
                     std::vector<FieldError>& errs) const = 0;
  // Rules only a local save applies, on the writer's connection: a synced
  // record that breaks them is kept for a coordinator (a 身份证 number
  // registered twice on two devices is a duplicate to merge, not an error).
  // `before` is the stored record on update (nullptr on create).
  virtual void check_local(SQLite::Database& db, const EntitySpec& spec, const RecordFields& rec,
                           const RecordFields* before, std::string_view self_id,
                           std::vector<FieldError>& errs) const = 0;

  // The search index of a connection.
  virtual std::unique_ptr<RecordIndex> open_index(SQLite::Database& db) const = 0;
  // Rebuild the whole index from the records (the migration that adds it).
  virtual void rebuild_index(SQLite::Database& db) const = 0;
  // Fill the reference tables the domain compiles in (the GB/T 2260
  // divisions: the migration that adds ref_place).
  virtual void seed_reference(SQLite::Database& db) const = 0;
};

// Lists, text lists, diagnoses and JSON objects are stored as JSON text.
bool is_json_type(FieldType t);

}  // namespace yz
