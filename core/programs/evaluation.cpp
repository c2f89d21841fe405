#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <variant>

#include "core/domain/validate.h"
#include "core/programs/evaluator.h"
#include "core/programs/programs.h"

namespace yz {

// ===========================================================================
// Evaluation.

std::optional<FieldError> eligibility_problem(const Program& p, const Subject& s) {
  if (s.age < p.age_min || s.age > p.age_max)
    return FieldError{"age", "not_eligible_age",
                      {std::to_string(s.age), p.id, std::to_string(p.age_min), std::to_string(p.age_max)}};
  if (!p.sex.empty() && s.sex != p.sex) return FieldError{"sex", "not_eligible_sex", {p.id, p.sex}};
  return std::nullopt;
}

namespace {

json context_vars(const Subject& s) { return json{{"age", s.age}, {"sex", s.sex}}; }

// The answer in its stored form, or the problem.
std::variant<json, FieldError> normalise(const ProgramField& f, const json& v) {
  const std::string field = "answers." + f.id;
  auto number = [&](const json& x) -> std::optional<double> {
    if (x.is_number()) return x.get<double>();
    if (x.is_string()) {
      const std::string s = trim(x.get<std::string>());
      char* end = nullptr;
      const double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && end && *end == '\0' && std::isfinite(d)) return d;
    }
    return std::nullopt;
  };
  switch (f.type) {
    case AnswerType::number:
    case AnswerType::integer: {
      auto d = number(v);
      if (!d) return FieldError{field, "bad_number", {v.is_string() ? v.get<std::string>() : v.dump()}};
      if (f.type == AnswerType::integer && std::floor(*d) != *d)
        return FieldError{field, "not_integer", {v.is_string() ? v.get<std::string>() : v.dump()}};
      if ((f.min && *d < *f.min) || (f.max && *d > *f.max))
        return FieldError{field, "out_of_range",
                          {format_number(*d, -1), format_number(f.min.value_or(0), -1),
                           format_number(f.max.value_or(0), -1), f.unit}};
      if (f.type == AnswerType::integer) return json(static_cast<int64_t>(*d));
      return json(*d);
    }
    case AnswerType::boolean:
      if (v.is_boolean()) return v;
      if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s == "true" || s == "yes" || s == "是" || s == "1") return json(true);
        if (s == "false" || s == "no" || s == "否" || s == "0") return json(false);
      }
      if (v.is_number_integer() && (v.get<int>() == 0 || v.get<int>() == 1)) return json(v.get<int>() == 1);
      return FieldError{field, "not_boolean", {v.dump()}};
    case AnswerType::option:
    case AnswerType::multi: {
      std::string list;
      for (const auto& o : f.options) list += (list.empty() ? "" : ", ") + o.value;
      auto one = [&](const json& x) -> std::optional<std::string> {
        std::string s = x.is_string() ? x.get<std::string>() : x.is_number_integer() ? x.dump() : std::string();
        if (!f.option(s)) return std::nullopt;
        return s;
      };
      if (f.type == AnswerType::option) {
        auto s = one(v);
        if (!s) return FieldError{field, "bad_option", {list}};
        return json(*s);
      }
      if (!v.is_array()) return FieldError{field, "not_list", {}};
      json out = json::array();
      for (const auto& x : v) {
        auto s = one(x);
        if (!s) return FieldError{field, "bad_option", {list}};
        if (std::find(out.begin(), out.end(), json(*s)) == out.end()) out.push_back(*s);
      }
      return out;
    }
    case AnswerType::text: {
      if (!v.is_string()) return FieldError{field, "not_text", {}};
      std::string s = trim(v.get<std::string>());
      if (static_cast<int>(utf8_length(s)) > f.max_len) return FieldError{field, "too_long", {std::to_string(f.max_len)}};
      return json(s);
    }
    case AnswerType::date:
      if (!v.is_string() || !is_real_date(v.get<std::string>()))
        return FieldError{field, "bad_date", {v.is_string() ? v.get<std::string>() : v.dump()}};
      return v;
  }
  return v;
}

std::string fill(const std::string& tmpl, const Program& p, const json& vars, Lang lang) {
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t open = tmpl.find('{', pos);
    if (open == std::string::npos) break;
    const size_t close = tmpl.find('}', open);
    if (close == std::string::npos) break;
    out += tmpl.substr(pos, open - pos);
    const std::string name = tmpl.substr(open + 1, close - open - 1);
    auto it = vars.find(name);
    out += p.display(name, it == vars.end() ? json(nullptr) : *it, lang);
    pos = close + 1;
  }
  return out + tmpl.substr(pos);
}

LocalText fill(const LocalText& t, const Program& p, const json& vars) {
  return {fill(t.zh, p, vars, Lang::zh), t.en.empty() ? std::string() : fill(t.en, p, vars, Lang::en)};
}

}  // namespace

bool field_visible(const Program&, const ProgramField& field, const Subject& subject, const json& answers) {
  if (field.show_if.is_null()) return true;
  json vars = answers.is_object() ? answers : json::object();
  const json ctx = context_vars(subject);
  for (auto it = ctx.begin(); it != ctx.end(); ++it) vars[it.key()] = it.value();
  return truthy(eval_expression(field.show_if, vars));
}

Evaluation evaluate(const Program& p, const Subject& subject, const json& raw) {
  if (auto e = eligibility_problem(p, subject)) throw ValidationError(*e);
  if (!raw.is_null() && !raw.is_object()) throw ValidationError(FieldError{"answers", "not_object", {}});
  std::vector<FieldError> errors;
  json given = json::object();
  if (raw.is_object())
    for (auto it = raw.begin(); it != raw.end(); ++it) {
      if (it.key().starts_with("_") || it.value().is_null()) continue;
      const ProgramField* f = p.field(it.key());
      if (!f) {
        errors.push_back(FieldError{"answers." + it.key(), "unknown_field", {}});
        continue;
      }
      auto n = normalise(*f, it.value());
      if (auto* e = std::get_if<FieldError>(&n)) errors.push_back(*e);
      else given[f->id] = std::get<json>(n);
    }
  if (!errors.empty()) throw ValidationError(std::move(errors));

  Evaluation ev;
  // Skip logic in field order: a hidden field's answer is dropped, so later
  // fields and the rules see it as unanswered.
  json vars = context_vars(subject);
  for (const auto& f : p.fields) vars[f.id] = given.contains(f.id) ? given[f.id] : json(nullptr);
  for (const auto& f : p.fields) {
    const bool shown = f.show_if.is_null() || truthy(eval_expression(f.show_if, vars));
    if (!shown) {
      vars[f.id] = nullptr;
      continue;
    }
    if (given.contains(f.id)) ev.answers[f.id] = given[f.id];
    else if (f.required) ev.missing.push_back(f.id);
  }
  for (const auto& d : p.derived) {
    json v = eval_expression(d.expr, vars);
    if (v.is_number_float() && d.decimals >= 0) {
      const double f = std::pow(10.0, d.decimals);
      v = std::round(v.get<double>() * f) / f;
      if (d.decimals == 0) v = static_cast<int64_t>(v.get<double>());
    }
    vars[d.id] = v;
    ev.derived[d.id] = v;
  }
  if (!p.eligible_when.is_null() && !truthy(eval_expression(p.eligible_when, vars)))
    throw ValidationError(FieldError{"answers", "not_eligible", {p.id, p.eligibility_text.zh}});

  if (!ev.missing.empty()) {
    ev.result = "incomplete";
    std::string zh, en;
    for (const auto& m : ev.missing) {
      const ProgramField* f = p.field(m);
      zh += (zh.empty() ? "" : "、") + f->label.zh;
      en += (en.empty() ? "" : ", ") + f->label.in(Lang::en);
    }
    ev.next_step = {"补充：" + zh, "complete: " + en};
    return ev;
  }
  for (const auto& o : p.outcomes) {
    if (!o.when.is_null() && !truthy(eval_expression(o.when, vars))) continue;
    ev.outcome_id = o.id;
    ev.result = o.result;
    ev.grade = o.grade;
    ev.next_step = fill(o.next_step, p, vars);
    if (o.referral)
      ev.referral = Evaluation::Referral{o.referral->to, fill(o.referral->reason, p, vars), o.referral->urgency,
                                         o.referral->appointment_days};
    if (o.follow_up) ev.follow_up = Evaluation::FollowUp{o.follow_up->days, fill(o.follow_up->reason, p, vars)};
    break;
  }
  return ev;
}

}  // namespace yz
