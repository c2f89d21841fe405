#include "core/programs/evaluator.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace yz {

namespace {

// ===========================================================================
// Expressions: a JsonLogic subset (https://jsonlogic.com) with two additions
// ("count", "max"/"min" already exist there). Hand-written because no Debian
// package offers a C++ JsonLogic evaluator, and the subset is ~150 lines.

bool is_num(const json& v) { return v.is_number(); }

bool loose_equal(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a == b;
}

json arith(const std::string& op, const std::vector<json>& a) {
  for (const auto& v : a)
    if (!is_num(v)) return nullptr;
  if (op == "+") {
    double s = 0;
    for (const auto& v : a) s += v.get<double>();
    return s;
  }
  if (op == "*") {
    double s = 1;
    for (const auto& v : a) s *= v.get<double>();
    return s;
  }
  if (op == "-") {
    if (a.size() == 1) return -a[0].get<double>();
    return a[0].get<double>() - a[1].get<double>();
  }
  if (op == "/") {
    if (a[1].get<double>() == 0) return nullptr;
    return a[0].get<double>() / a[1].get<double>();
  }
  if (op == "min" || op == "max") {
    if (a.empty()) return nullptr;
    double r = a[0].get<double>();
    for (const auto& v : a) r = op == "min" ? std::min(r, v.get<double>()) : std::max(r, v.get<double>());
    return r;
  }
  return nullptr;
}

}  // namespace

const std::set<std::string>& expression_ops() {
  static const std::set<std::string> ops{"var", "==", "!=", "<", "<=", ">", ">=", "and", "or", "!", "!!",
                                         "if", "in", "+", "-", "*", "/", "min", "max", "count"};
  return ops;
}

// The arguments of an operation without copying them: a list, or one
// argument wrapped into `storage`.
const json& expression_args(const json& e, json& storage) {
  const json& a = e.begin().value();
  if (a.is_array()) return a;
  storage = json::array({a});
  return storage;
}

bool truthy(const json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  if (v.is_array() || v.is_object()) return !v.empty();
  return false;
}

json eval_expression(const json& e, const json& vars) {
  if (e.is_array()) {
    json out = json::array();
    for (const auto& x : e) out.push_back(eval_expression(x, vars));
    return out;
  }
  if (!e.is_object() || e.size() != 1) return e;  // a literal
  const std::string& op = e.begin().key();
  json storage;
  const json& a = expression_args(e, storage);
  if (op == "var") {
    if (a.empty() || !a[0].is_string()) return nullptr;
    auto it = vars.find(a[0].get<std::string>());
    if (it != vars.end() && !it->is_null()) return *it;
    return a.size() > 1 ? a[1] : json(nullptr);
  }
  if (op == "and") {
    for (const auto& x : a)
      if (!truthy(eval_expression(x, vars))) return false;
    return true;
  }
  if (op == "or") {
    for (const auto& x : a)
      if (truthy(eval_expression(x, vars))) return true;
    return false;
  }
  if (op == "if") {
    size_t i = 0;
    for (; i + 1 < a.size(); i += 2)
      if (truthy(eval_expression(a[i], vars))) return eval_expression(a[i + 1], vars);
    return i < a.size() ? eval_expression(a[i], vars) : json(nullptr);
  }
  std::vector<json> v;
  for (const auto& x : a) v.push_back(eval_expression(x, vars));
  if (op == "!") return v.empty() || !truthy(v[0]);
  if (op == "!!") return !v.empty() && truthy(v[0]);
  if (op == "==" || op == "!=") {
    const bool eq = v.size() >= 2 && loose_equal(v[0], v[1]);
    return op == "==" ? eq : !eq;
  }
  if (op == "<" || op == "<=" || op == ">" || op == ">=") {
    // Comparisons with anything but numbers are false: an unanswered value
    // never satisfies a threshold.
    if (v.size() < 2) return false;
    for (const auto& x : v)
      if (!is_num(x)) return false;
    auto cmp = [&](double x, double y) {
      return op == "<" ? x < y : op == "<=" ? x <= y : op == ">" ? x > y : x >= y;
    };
    bool ok = cmp(v[0].get<double>(), v[1].get<double>());
    if (v.size() > 2 && (op == "<" || op == "<=")) ok = ok && cmp(v[1].get<double>(), v[2].get<double>());
    return ok;
  }
  if (op == "in") {
    if (v.size() < 2 || v[0].is_null()) return false;
    if (v[1].is_array()) {
      for (const auto& x : v[1])
        if (loose_equal(v[0], x)) return true;
      return false;
    }
    if (v[1].is_string() && v[0].is_string())
      return v[1].get<std::string>().find(v[0].get<std::string>()) != std::string::npos;
    return false;
  }
  if (op == "count") {
    // The truthy elements of one list argument, or the truthy arguments.
    const std::vector<json>* items = &v;
    std::vector<json> inner;
    if (v.size() == 1 && v[0].is_array()) {
      inner.assign(v[0].begin(), v[0].end());
      items = &inner;
    }
    int n = 0;
    for (const auto& x : *items) n += truthy(x) ? 1 : 0;
    return n;
  }
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "min" || op == "max") {
    if ((op == "-" && v.empty()) || (op == "/" && v.size() != 2)) return nullptr;
    return arith(op, v);
  }
  return nullptr;
}

}  // namespace yz
