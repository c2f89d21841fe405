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
  else if (v.is_string()) st.bindNoCopy(index, v.get_ref<const std::string&>());  // see records.h
  else if (v.is_boolean()) st.bind(index, v.get<bool>() ? 1 : 0);
  else if (v.is_number_integer()) st.bind(index, v.get<int64_t>());
  else if (v.is_number()) st.bind(index, v.get<double>());
  else st.bind(index, v.dump());
}

namespace {

// One row of record_select_sql as a record; `col` reads a column (isNull,
// getInt64, getDouble, getString) of either engine.
template <class Col>
json record_from(const EntitySpec& spec, Col&& col) {
  json out = {{"id", col.text(0)}, {"hlc", col.text(1)}, {"deleted", col.int64(2) != 0}};
  int i = 3;
  for (const auto& f : spec.fields) {
    const int c = i++;
    json v;
    if (col.is_null(c)) v = nullptr;
    else switch (f.type) {
      case FieldType::integer: v = col.int64(c); break;
      case FieldType::real: v = col.real(c); break;
      case FieldType::boolean: v = col.int64(c) != 0; break;
      case FieldType::id_list:
      case FieldType::text_list:
      case FieldType::json_object:
      case FieldType::diagnoses: v = json::parse(col.text(c), nullptr, false); break;
      default: v = col.text(c);
    }
    out[std::string(f.name)] = std::move(v);
  }
  return out;
}

struct StatementColumns {
  SQLite::Statement& st;
  bool is_null(int c) { return st.getColumn(c).isNull(); }
  int64_t int64(int c) { return st.getColumn(c).getInt64(); }
  double real(int c) { return st.getColumn(c).getDouble(); }
  std::string text(int c) { return st.getColumn(c).getString(); }
};

}  // namespace

json record_from_row(const EntitySpec& spec, SQLite::Statement& st) { return record_from(spec, StatementColumns{st}); }

json record_from_row(const EntitySpec& spec, SqlQuery& q) { return record_from(spec, q); }

std::optional<json> read_record(SqlReader& r, const EntitySpec& spec, std::string_view id) {
  auto q = r.prepare(record_select_sql(spec) + " WHERE id = ?1");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return record_from_row(spec, *q);
}

namespace {

std::vector<json> read_records_where(SqlReader& r, const EntitySpec& spec, std::string_view column, const char* op,
                                     std::string_view value, std::string_view order_by) {
  auto q = r.prepare(record_select_sql(spec) + " WHERE deleted = 0 AND " + std::string(column) + op + "?1 ORDER BY " +
                     std::string(order_by));
  q->bind(1, value);
  std::vector<json> out;
  while (q->step()) out.push_back(record_from_row(spec, *q));
  return out;
}

}  // namespace

std::vector<json> read_records_by(SqlReader& r, const EntitySpec& spec, std::string_view column,
                                  std::string_view value, std::string_view order_by) {
  return read_records_where(r, spec, column, " = ", value, order_by);
}

std::vector<json> read_records_like(SqlReader& r, const EntitySpec& spec, std::string_view column,
                                    std::string_view pattern, std::string_view order_by) {
  return read_records_where(r, spec, column, " LIKE ", pattern, order_by);
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
