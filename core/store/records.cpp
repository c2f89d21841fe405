#include "core/store/records.h"

#include <SQLiteCpp/Statement.h>

#include "core/store/rules.h"

namespace yz {

bool is_json_type(FieldType t) {
  return t == FieldType::id_list || t == FieldType::text_list || t == FieldType::json_object ||
         t == FieldType::diagnoses;
}

std::string record_select_sql(const EntitySpec& spec) {
  std::string sql = "SELECT id, hlc, deleted";
  for (const auto& f : spec.fields) sql += ", " + std::string(f.name);
  return sql + " FROM " + std::string(spec.name);
}

std::string record_insert_sql(const EntitySpec& spec) {
  std::string cols = "id, hlc, deleted", marks = "?, ?, ?";
  for (const auto& f : spec.fields) {
    cols += ", " + std::string(f.name);
    marks += ", ?";
  }
  return "INSERT INTO " + std::string(spec.name) + " (" + cols + ") VALUES (" + marks + ")";
}

void bind_stored(SQLite::Statement& st, int index, const json& v) {
  if (v.is_null()) st.bind(index);
  else if (v.is_string()) st.bind(index, v.get_ref<const std::string&>());
  else if (v.is_boolean()) st.bind(index, v.get<bool>() ? 1 : 0);
  else if (v.is_number_integer()) st.bind(index, v.get<int64_t>());
  else if (v.is_number()) st.bind(index, v.get<double>());
  else st.bind(index, v.dump());
}

json record_from_row(const EntitySpec& spec, SQLite::Statement& st) {
  json out = {{"id", st.getColumn(0).getString()},
              {"hlc", st.getColumn(1).getString()},
              {"deleted", st.getColumn(2).getInt() != 0}};
  int i = 3;
  for (const auto& f : spec.fields) {
    const SQLite::Column c = st.getColumn(i++);
    json v;
    if (c.isNull()) v = nullptr;
    else switch (f.type) {
      case FieldType::integer: v = c.getInt64(); break;
      case FieldType::real: v = c.getDouble(); break;
      case FieldType::boolean: v = c.getInt() != 0; break;
      case FieldType::id_list:
      case FieldType::text_list:
      case FieldType::json_object:
      case FieldType::diagnoses: v = json::parse(c.getString(), nullptr, false); break;
      default: v = c.getString();
    }
    out[std::string(f.name)] = std::move(v);
  }
  return out;
}

std::optional<json> read_record(SQLite::Database& db, const EntitySpec& spec, std::string_view id) {
  SQLite::Statement st(db, record_select_sql(spec) + " WHERE id = ?");
  st.bind(1, std::string(id));
  if (!st.executeStep()) return std::nullopt;
  return record_from_row(spec, st);
}

std::vector<json> read_records_by(SQLite::Database& db, const EntitySpec& spec, std::string_view column,
                                  std::string_view value, std::string_view order_by) {
  SQLite::Statement st(db, record_select_sql(spec) + " WHERE deleted = 0 AND " + std::string(column) +
                               " = ? ORDER BY " + std::string(order_by));
  st.bind(1, std::string(value));
  std::vector<json> out;
  while (st.executeStep()) out.push_back(record_from_row(spec, st));
  return out;
}

}  // namespace yz
