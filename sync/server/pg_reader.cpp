#include "sync/server/pg_reader.h"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <vector>

namespace yz::sync::pg {

std::string pg_sql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;  // a bare `?` is the one after the highest before it
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (quote) {
      out += ch;
      if (ch == quote) quote = 0;  // a doubled quote closes and opens again
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch == '?') {
      size_t j = i + 1;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
      const int n = j > i + 1 ? std::atoi(std::string(sql.substr(i + 1, j - i - 1)).c_str()) : next + 1;
      if (n > next) next = n;
      out += "$" + std::to_string(n);
      i = j - 1;
      continue;
    }
    static constexpr std::string_view kBinary = "COLLATE BINARY";
    if (ch == 'C' && sql.substr(i, kBinary.size()) == kBinary) {
      out += "COLLATE \"C\"";
      i += kBinary.size() - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

namespace {

constexpr unsigned kText = 25, kInt8 = 20;

class PgQuery final : public SqlQuery {
 public:
  // `fetch_rows` > 0: through a cursor when in a transaction (prepare_many).
  PgQuery(Connection& c, std::string sql, int fetch_rows) : c_(c), sql_(std::move(sql)), fetch_rows_(fetch_rows) {}
  ~PgQuery() override {
    try {
      close();
    } catch (const std::exception&) {  // the transaction failed: it ends, and the cursor with it
    }
  }
  void bind(int index, std::string_view text) override { set(index, std::string(text), kText); }
  void bind(int index, int64_t value) override { set(index, std::to_string(value), kInt8); }
  void bind_null(int index) override { set(index, std::nullopt, 0); }
  bool step() override {
    if (!result_) {
      if (fetch_rows_ > 0 && c_.in_transaction()) {
        static std::atomic<int64_t> cursors{0};
        const std::string name = "yz_rows_" + std::to_string(++cursors);
        c_.exec_typed("DECLARE " + name + " NO SCROLL CURSOR FOR " + sql_, params_, types_);
        cursor_ = name;
        fetch();
      } else {
        result_.emplace(c_.exec_typed(sql_, params_, types_));
      }
      row_ = -1;
    }
    if (++row_ < result_->rows()) return true;
    // A full chunk: there may be more.
    if (cursor_ && result_->rows() == fetch_rows_) {
      fetch();
      row_ = 0;
      if (result_->rows() > 0) return true;
    }
    close();
    return false;
  }
  void reset() override {
    close();
    result_.reset();
  }
  bool is_null(int col) override { return result_->null(row_, col); }
  std::string text(int col) override { return is_null(col) ? std::string() : result_->text(row_, col); }
  int64_t int64(int col) override {
    if (is_null(col)) return 0;
    const std::string t = result_->text(row_, col);
    // A sum of bigints is numeric: whole, but read it as a number anyway.
    if (t.find_first_of(".eE") != std::string::npos) return static_cast<int64_t>(std::strtod(t.c_str(), nullptr));
    return std::strtoll(t.c_str(), nullptr, 10);
  }
  double real(int col) override { return is_null(col) ? 0.0 : std::strtod(result_->text(row_, col).c_str(), nullptr); }

 private:
  void fetch() { result_.emplace(c_.exec("FETCH " + std::to_string(fetch_rows_) + " FROM " + *cursor_)); }
  // Closes the cursor (a statement reset or done): the server keeps an
  // open one until the transaction ends.
  void close() {
    if (!cursor_) return;
    const std::string name = std::move(*cursor_);
    cursor_.reset();
    c_.exec("CLOSE " + name);
  }
  void set(int index, Param value, unsigned type) {
    const auto i = static_cast<size_t>(index - 1);
    if (params_.size() <= i) {
      params_.resize(i + 1);
      types_.resize(i + 1, kText);
    }
    params_[i] = std::move(value);
    types_[i] = type;
  }
  Connection& c_;
  std::string sql_;
  int fetch_rows_;
  std::vector<Param> params_;
  std::vector<unsigned> types_;
  std::optional<Result> result_;
  std::optional<std::string> cursor_;  // the open cursor's name
  int row_ = -1;
};

}  // namespace

std::unique_ptr<SqlQuery> PgReader::prepare(const std::string& sql) { return std::make_unique<PgQuery>(c_, pg_sql(sql), 0); }
std::unique_ptr<SqlQuery> PgReader::prepare_many(const std::string& sql) {
  return std::make_unique<PgQuery>(c_, pg_sql(sql), fetch_rows_);
}

}  // namespace yz::sync::pg
