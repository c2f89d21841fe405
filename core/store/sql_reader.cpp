#include "core/store/sql_reader.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace yz {

std::string sql_group_concat(const SqlReader& r, const std::string& expr) {
  if (r.dialect() == SqlDialect::postgresql) return "string_agg(CAST(" + expr + " AS TEXT), ',')";
  return "group_concat(" + expr + ")";
}

namespace {

class SqliteQuery final : public SqlQuery {
 public:
  SqliteQuery(SQLite::Database& db, const std::string& sql) : st_(db, sql) {}
  void bind(int index, std::string_view text) override { st_.bind(index, std::string(text)); }
  void bind(int index, int64_t value) override { st_.bind(index, value); }
  void bind_null(int index) override { st_.bind(index); }
  bool step() override { return st_.executeStep(); }
  void reset() override { st_.reset(); }
  bool is_null(int col) override { return st_.getColumn(col).isNull(); }
  std::string text(int col) override {
    const SQLite::Column c = st_.getColumn(col);
    return c.isNull() ? std::string() : c.getString();
  }
  int64_t int64(int col) override { return st_.getColumn(col).getInt64(); }
  double real(int col) override { return st_.getColumn(col).getDouble(); }

 private:
  SQLite::Statement st_;
};

}  // namespace

std::unique_ptr<SqlQuery> SqliteReader::prepare(const std::string& sql) {
  return std::make_unique<SqliteQuery>(db_, sql);
}

}  // namespace yz
