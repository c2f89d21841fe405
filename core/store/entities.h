#pragma once
// The record kinds of DESIGN.md §4 described as data: every field with its
// type, whether it is required, and whether it may change after creation.
// The store validates, inserts, updates and (later) applies synced changes
// through these descriptors, so a new field is added here and in schema.cpp,
// and nowhere else. A test checks the two agree.

#include <span>
#include <string_view>

namespace yz {

enum class FieldType {
  text,        // UTF-8 text, trimmed; max_len in code points
  date,        // YYYY-MM-DD, a real date
  past_date,   // YYYY-MM-DD, a real date not after today
  datetime,    // YYYY-MM-DD HH:MM[:SS], China Standard Time
  integer,
  real,
  boolean,     // stored 0/1
  option,      // one of `extra` ("a|b|c")
  ref,         // id of a record of entity `extra`
  id_list,     // JSON array of ids of records of entity `extra`
  text_list,   // JSON array of short texts
  json_object, // JSON object (screening answers)
  diagnoses,   // JSON array of {"code": ICD-10, "name": text}
  place_code,  // GB/T 2260 division code
  phone,
  id_number,   // 身份证
  ethnicity,   // GB 3304
};

struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required = false;
  bool editable = false;          // may change after creation; merged per field
  std::string_view extra = {};    // options for `option`, entity for `ref`/`id_list`
  std::string_view fallback = {}; // value when not given on creation;
                                  // "now" / "today": the store clock's
  int max_len = 200;
  // A status (clinic_day, referral, follow_up): moved only along its
  // transition table by the commands of core/care (Writer::set_status);
  // Writer::update refuses it. Sync merges it like any editable field.
  bool status = false;
  // Changed by the server alone, when a coordinator merges two patients
  // (DESIGN.md §5): a record's patient_id and a tombstone's merged_into.
  // Never editable on a device (Writer::update refuses it as it refuses any
  // field that is not `editable`), yet merged per field by stamp like an
  // editable one, even on an append-only record: the clinical fact stays as
  // it was, only whose it is changes. The server refuses such a stamp from a
  // device.
  bool by_server = false;
};


struct EntitySpec {
  std::string_view name;  // record kind, also its table name
  std::span<const FieldSpec> fields;
  bool append_only;       // clinical facts: never updated, only added

  const FieldSpec* field(std::string_view name) const;
};

// Whether sync merges `f` of `spec` per field by stamp (editable fields of
// records that are not append-only, and by_server fields).
inline bool merged_per_field(const EntitySpec& spec, const FieldSpec& f) {
  return (f.editable && !spec.append_only) || f.by_server;
}

// Every synced record kind, in dependency order (a record only refers to kinds
// before it), which is also the order changes are applied in.
std::span<const EntitySpec* const> entities();
// nullptr when unknown.
const EntitySpec* find_entity(std::string_view name);

}  // namespace yz
