#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <variant>

#include "core/domain/validate.h"
#include "core/programs/evaluator.h"
#include "core/programs/programs.h"

#include "core/base/messages.h"

namespace yz {

namespace {

// ===========================================================================
// Parsing and checking a definition.

[[noreturn]] void bad(const std::string& path, const std::string& problem) {
  throw ValidationError(FieldError{"program", "bad_program", {path, problem}});
}

const json& need(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) bad(path + "." + key, "is required");
  return *it;
}

std::string need_string(const json& obj, const char* key, const std::string& path) {
  const json& v = need(obj, key, path);
  if (!v.is_string() || v.get<std::string>().empty()) bad(path + "." + key, "must be a non-empty string");
  return v.get<std::string>();
}

std::string opt_string(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) bad(path + "." + key, "must be a string");
  return it->get<std::string>();
}

int opt_int(const json& obj, const char* key, const std::string& path, int fallback, int lo, int hi) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi)
    bad(path + "." + key, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return it->get<int>();
}

bool opt_bool(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) bad(path + "." + key, "must be true or false");
  return it->get<bool>();
}

LocalText text_of(const json& v, const std::string& path) {
  if (v.is_string()) return {v.get<std::string>(), {}};
  if (!v.is_object()) bad(path, "must be a text or {\"zh\": …, \"en\": …}");
  LocalText t;
  t.zh = need_string(v, "zh", path);
  t.en = opt_string(v, "en", path);
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it.key() != "zh" && it.key() != "en") bad(path + "." + it.key(), "is not a language (zh, en)");
  return t;
}

LocalText opt_text(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  return text_of(*it, path + "." + key);
}

bool valid_id(std::string_view s, bool dashes) {
  if (s.empty() || s.size() > 60 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dashes && c == '-'))) return false;
  return true;
}

void check_keys(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object()) bad(path, "must be an object");
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
      bad(path + "." + it.key(), "is not a known key");
}

// An expression may only name variables in `known`.
void check_expr(const json& e, const std::set<std::string>& known, const std::string& path) {
  if (e.is_array()) {
    for (size_t i = 0; i < e.size(); ++i) check_expr(e[i], known, path + "[" + std::to_string(i) + "]");
    return;
  }
  if (!e.is_object()) return;
  if (e.size() != 1) bad(path, "an operation is an object with exactly one operator");
  const std::string& op = e.begin().key();
  if (!expression_ops().count(op)) bad(path, "unknown operator \"" + op + "\"");
  json storage;
  const json& a = expression_args(e, storage);
  if (op == "var") {
    if (a.empty() || !a[0].is_string()) bad(path, "var needs a variable name");
    if (!known.count(a[0].get<std::string>()))
      bad(path, "unknown variable \"" + a[0].get<std::string>() + "\" (fields, earlier derived values, age, sex)");
    return;
  }
  for (size_t i = 0; i < a.size(); ++i) check_expr(a[i], known, path + "." + op + "[" + std::to_string(i) + "]");
}

// Placeholders "{name}" in a template must be known variables.
void check_template(const LocalText& t, const std::set<std::string>& known, const std::string& path) {
  for (const std::string* s : {&t.zh, &t.en}) {
    size_t pos = 0;
    while ((pos = s->find('{', pos)) != std::string::npos) {
      const size_t end = s->find('}', pos);
      if (end == std::string::npos) bad(path, "unclosed {");
      const std::string name = s->substr(pos + 1, end - pos - 1);
      if (!known.count(name)) bad(path, "unknown placeholder {" + name + "}");
      pos = end + 1;
    }
  }
}

AnswerType type_of(const std::string& s, const std::string& path) {
  static const std::map<std::string, AnswerType> kTypes{
      {"number", AnswerType::number}, {"integer", AnswerType::integer}, {"boolean", AnswerType::boolean},
      {"option", AnswerType::option}, {"multi", AnswerType::multi},     {"text", AnswerType::text},
      {"date", AnswerType::date}};
  auto it = kTypes.find(s);
  if (it == kTypes.end()) bad(path, "unknown type \"" + s + "\" (number, integer, boolean, option, multi, text, date)");
  return it->second;
}

bool is_result(std::string_view r) { return r == "negative" || r == "positive" || r == "suspected"; }

}  // namespace

const ProgramOption* ProgramField::option(std::string_view value) const {
  for (const auto& o : options)
    if (o.value == value) return &o;
  return nullptr;
}

const ProgramField* Program::field(std::string_view fid) const {
  for (const auto& f : fields)
    if (f.id == fid) return &f;
  return nullptr;
}

const Grade* Program::grade(std::string_view code) const {
  for (const auto& g : grades)
    if (g.code == code) return &g;
  return nullptr;
}

std::string Program::grade_label(std::string_view code, Lang lang) const {
  const Grade* g = grade(code);
  return g ? g->label.in(lang) : std::string(code);
}

std::string format_number(double v, int decimals) {
  char buf[64];
  if (decimals >= 0) std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string Program::display(std::string_view var, const json& value, Lang lang) const {
  if (value.is_null()) return "—";
  const ProgramField* f = field(var);
  if (f && (f->type == AnswerType::option) && value.is_string()) {
    const ProgramOption* o = f->option(value.get<std::string>());
    return o ? o->label.in(lang) : value.get<std::string>();
  }
  if (f && f->type == AnswerType::multi && value.is_array()) {
    std::string out;
    for (const auto& x : value) {
      if (!out.empty()) out += word("enum_sep", lang);
      const ProgramOption* o = x.is_string() ? f->option(x.get<std::string>()) : nullptr;
      out += o ? o->label.in(lang) : x.dump();
    }
    return out.empty() ? "—" : out;
  }
  if (value.is_boolean()) return std::string(word(value.get<bool>() ? "yes" : "no", lang));
  if (value.is_number()) {
    int decimals = f ? f->decimals : -1;
    if (!f)
      for (const auto& d : derived)
        if (d.id == var) decimals = d.decimals;
    if (f && f->type == AnswerType::integer) decimals = 0;
    return format_number(value.get<double>(), decimals);
  }
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

ProgramPtr parse_program(const json& d) {
  if (!d.is_object()) bad("$", "a program is a JSON object");
  check_keys(d, "$", {"format", "id", "version", "name", "description", "basis", "station", "eligibility", "fields",
                      "derived", "grades", "outcomes", "chronic"});
  auto p = std::make_shared<Program>();
  if (opt_int(d, "format", "$", 1, 1, 1) != 1) bad("$.format", "must be 1");
  p->id = need_string(d, "id", "$");
  if (!valid_id(p->id, true)) bad("$.id", "must be lower-case letters, digits and dashes (at most 60)");
  if (!need(d, "version", "$").is_number_integer()) bad("$.version", "must be a whole number of 1 or more");
  p->version = opt_int(d, "version", "$", 1, 1, 1'000'000);
  p->name = text_of(need(d, "name", "$"), "$.name");
  p->description = opt_text(d, "description", "$");
  p->basis = opt_string(d, "basis", "$");
  p->station = opt_string(d, "station", "$");

  std::set<std::string> known{"age", "sex"};
  // Fields.
  const json& fields = need(d, "fields", "$");
  if (!fields.is_array() || fields.empty()) bad("$.fields", "must be a non-empty list");
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string path = "$.fields[" + std::to_string(i) + "]";
    const json& f = fields[i];
    check_keys(f, path, {"id", "type", "label", "unit", "range", "decimals", "required", "options", "show_if", "vital",
                         "max_len", "help"});
    ProgramField pf;
    pf.id = need_string(f, "id", path);
    if (!valid_id(pf.id, false)) bad(path + ".id", "must be lower-case letters, digits and _");
    if (known.count(pf.id)) bad(path + ".id", "\"" + pf.id + "\" is used twice or is reserved (age, sex)");
    known.insert(pf.id);
    pf.type = type_of(need_string(f, "type", path), path + ".type");
    pf.label = text_of(need(f, "label", path), path + ".label");
    pf.unit = opt_string(f, "unit", path);
    pf.decimals = opt_int(f, "decimals", path, -1, 0, 6);
    pf.required = opt_bool(f, "required", path);
    pf.vital = opt_string(f, "vital", path);
    pf.max_len = opt_int(f, "max_len", path, 200, 1, 2000);
    if (auto r = f.find("range"); r != f.end()) {
      if (pf.type != AnswerType::number && pf.type != AnswerType::integer) bad(path + ".range", "only for numbers");
      if (!r->is_array() || r->size() != 2 || !(*r)[0].is_number() || !(*r)[1].is_number() ||
          (*r)[0].get<double>() > (*r)[1].get<double>())
        bad(path + ".range", "must be [min, max] with min <= max");
      pf.min = (*r)[0].get<double>();
      pf.max = (*r)[1].get<double>();
    }
    const bool choice = pf.type == AnswerType::option || pf.type == AnswerType::multi;
    if (auto o = f.find("options"); o != f.end()) {
      if (!choice) bad(path + ".options", "only for option and multi fields");
      if (!o->is_array() || o->empty()) bad(path + ".options", "must be a non-empty list");
      for (size_t k = 0; k < o->size(); ++k) {
        const std::string op = path + ".options[" + std::to_string(k) + "]";
        check_keys((*o)[k], op, {"value", "label"});
        ProgramOption po{need_string((*o)[k], "value", op), text_of(need((*o)[k], "label", op), op + ".label")};
        if (pf.option(po.value)) bad(op + ".value", "\"" + po.value + "\" is listed twice");
        pf.options.push_back(std::move(po));
      }
    } else if (choice) {
      bad(path + ".options", "is required for option and multi fields");
    }
    if (auto s = f.find("show_if"); s != f.end()) pf.show_if = *s;
    p->fields.push_back(std::move(pf));
  }
  // Skip logic may name any field (forward references see null).
  for (size_t i = 0; i < p->fields.size(); ++i)
    if (!p->fields[i].show_if.is_null())
      check_expr(p->fields[i].show_if, known, "$.fields[" + std::to_string(i) + "].show_if");

  // Derived values, in order: each sees the fields and the ones before it.
  if (auto dv = d.find("derived"); dv != d.end()) {
    if (!dv->is_array()) bad("$.derived", "must be a list");
    for (size_t i = 0; i < dv->size(); ++i) {
      const std::string path = "$.derived[" + std::to_string(i) + "]";
      check_keys((*dv)[i], path, {"id", "label", "decimals", "expr"});
      DerivedValue v;
      v.id = need_string((*dv)[i], "id", path);
      if (!valid_id(v.id, false) || known.count(v.id)) bad(path + ".id", "must be a new name of letters, digits, _");
      v.label = opt_text((*dv)[i], "label", path);
      v.decimals = opt_int((*dv)[i], "decimals", path, -1, 0, 6);
      v.expr = need((*dv)[i], "expr", path);
      check_expr(v.expr, known, path + ".expr");
      known.insert(v.id);
      p->derived.push_back(std::move(v));
    }
  }

  // Eligibility.
  if (auto el = d.find("eligibility"); el != d.end()) {
    check_keys(*el, "$.eligibility", {"age", "sex", "when", "text"});
    if (auto a = el->find("age"); a != el->end()) {
      if (!a->is_array() || a->size() != 2 || !(*a)[0].is_number_integer() || !(*a)[1].is_number_integer() ||
          (*a)[0].get<int>() < 0 || (*a)[1].get<int>() > 150 || (*a)[0].get<int>() > (*a)[1].get<int>())
        bad("$.eligibility.age", "must be [min, max] whole years, 0 <= min <= max <= 150");
      p->age_min = (*a)[0].get<int>();
      p->age_max = (*a)[1].get<int>();
    }
    p->sex = opt_string(*el, "sex", "$.eligibility");
    if (!p->sex.empty() && p->sex != "M" && p->sex != "F") bad("$.eligibility.sex", "must be \"M\" or \"F\"");
    if (auto w = el->find("when"); w != el->end()) {
      check_expr(*w, known, "$.eligibility.when");
      p->eligible_when = *w;
    }
    p->eligibility_text = opt_text(*el, "text", "$.eligibility");
  }

  // Grades.
  if (auto gs = d.find("grades"); gs != d.end()) {
    if (!gs->is_array()) bad("$.grades", "must be a list");
    for (size_t i = 0; i < gs->size(); ++i) {
      const std::string path = "$.grades[" + std::to_string(i) + "]";
      check_keys((*gs)[i], path, {"code", "label", "colour"});
      Grade g{need_string((*gs)[i], "code", path), text_of(need((*gs)[i], "label", path), path + ".label"),
              opt_string((*gs)[i], "colour", path)};
      if (!valid_id(g.code, false) || p->grade(g.code)) bad(path + ".code", "must be a new code of letters, digits, _");
      p->grades.push_back(std::move(g));
    }
  }

  // Outcomes: first match wins; the last one catches everything.
  const json& outs = need(d, "outcomes", "$");
  if (!outs.is_array() || outs.empty()) bad("$.outcomes", "must be a non-empty list");
  std::set<std::string> outcome_ids;
  for (size_t i = 0; i < outs.size(); ++i) {
    const std::string path = "$.outcomes[" + std::to_string(i) + "]";
    const json& o = outs[i];
    check_keys(o, path, {"id", "when", "result", "grade", "next_step", "referral", "follow_up"});
    Outcome out;
    out.id = need_string(o, "id", path);
    if (!outcome_ids.insert(out.id).second) bad(path + ".id", "\"" + out.id + "\" is used twice");
    if (auto w = o.find("when"); w != o.end()) {
      check_expr(*w, known, path + ".when");
      out.when = *w;
    }
    out.result = need_string(o, "result", path);
    if (!is_result(out.result)) bad(path + ".result", "must be negative, positive or suspected");
    out.grade = opt_string(o, "grade", path);
    if (!out.grade.empty() && !p->grade(out.grade)) bad(path + ".grade", "\"" + out.grade + "\" is not in grades");
    out.next_step = opt_text(o, "next_step", path);
    check_template(out.next_step, known, path + ".next_step");
    if (auto r = o.find("referral"); r != o.end()) {
      const std::string rp = path + ".referral";
      check_keys(*r, rp, {"to", "reason", "urgency", "appointment_days"});
      ReferralRule rr;
      rr.to = text_of(need(*r, "to", rp), rp + ".to");
      rr.reason = text_of(need(*r, "reason", rp), rp + ".reason");
      check_template(rr.reason, known, rp + ".reason");
      rr.urgency = opt_string(*r, "urgency", rp);
      if (rr.urgency.empty()) rr.urgency = "routine";
      if (rr.urgency != "routine" && rr.urgency != "urgent" && rr.urgency != "emergency")
        bad(rp + ".urgency", "must be routine, urgent or emergency");
      rr.appointment_days = opt_int(*r, "appointment_days", rp, 0, 0, 3650);
      out.referral = std::move(rr);
    }
    if (auto f = o.find("follow_up"); f != o.end()) {
      const std::string fp = path + ".follow_up";
      check_keys(*f, fp, {"days", "reason"});
      FollowUpRule fr;
      fr.days = opt_int(*f, "days", fp, 0, 1, 3650);
      if (fr.days == 0) bad(fp + ".days", "is required");
      fr.reason = text_of(need(*f, "reason", fp), fp + ".reason");
      check_template(fr.reason, known, fp + ".reason");
      out.follow_up = std::move(fr);
    }
    if (out.result != "negative" && !out.follow_up)
      bad(path + ".follow_up", "a positive or suspected result must plan a follow-up (the closed loop)");
    if (i + 1 < outs.size() && out.when.is_null()) bad(path + ".when", "only the last outcome may be unconditional");
    if (i + 1 == outs.size() && !out.when.is_null()) bad(path + ".when", "the last outcome must be unconditional");
    p->outcomes.push_back(std::move(out));
  }

  if (auto c = d.find("chronic"); c != d.end()) {
    check_keys(*c, "$.chronic", {"results", "every_days", "reason"});
    ChronicRule cr;
    const json& rs = need(*c, "results", "$.chronic");
    if (!rs.is_array() || rs.empty()) bad("$.chronic.results", "must be a non-empty list");
    for (const auto& r : rs) {
      if (!r.is_string() || !is_result(r.get<std::string>())) bad("$.chronic.results", "negative, positive, suspected");
      cr.results.push_back(r.get<std::string>());
    }
    cr.every_days = opt_int(*c, "every_days", "$.chronic", 0, 1, 3650);
    if (cr.every_days == 0) bad("$.chronic.every_days", "is required");
    cr.reason = text_of(need(*c, "reason", "$.chronic"), "$.chronic.reason");
    p->chronic = std::move(cr);
  }
  p->definition = d;
  return p;
}

}  // namespace yz
