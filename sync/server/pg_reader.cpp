#include "sync/server/pg_reader.h"

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
  PgQuery(Connection& c, std::string sql) : c_(c), sql_(std::move(sql)) {}

  void bind(int index, std::string_view text) override { set(index, std::string(text), kText); }
  void bind(int index, int64_t value) override { set(index, std::to_string(value), kInt8); }
  void bind_null(int index) override { set(index, std::nullopt, 0); }

  bool step() override {
    if (!result_) {
      result_.emplace(c_.exec_typed(sql_, params_, types_));
      row_ = -1;
    }
    return ++row_ < result_->rows();
  }
  void reset() override { result_.reset(); }

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
  std::vector<Param> params_;
  std::vector<unsigned> types_;
  std::optional<Result> result_;
  int row_ = -1;
};

}  // namespace

std::unique_ptr<SqlQuery> PgReader::prepare(const std::string& sql) { return std::make_unique<PgQuery>(c_, pg_sql(sql)); }

}  // namespace yz::sync::pg
