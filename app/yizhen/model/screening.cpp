#include "app/yizhen/model/screening.h"

#include <algorithm>

#include "core/base/messages.h"
#include "core/base/utf8.h"
#include "core/domain/validate.h"

namespace yz::app {

namespace {
bool is_typed(AnswerType t) {
  return t == AnswerType::number || t == AnswerType::integer || t == AnswerType::text || t == AnswerType::date;
}
}  // namespace

std::vector<ProgramChoice> offer_programs(const std::vector<ProgramPtr>& programs, const Subject& subject, Lang lang) {
  std::vector<ProgramChoice> fit, other;
  for (const auto& p : programs) {
    if (!p) continue;
    if (auto e = eligibility_problem(*p, subject)) {
      // The program's own words ("35岁及以上") read better than the rule.
      const std::string& text = p->eligibility_text.in(lang);
      other.push_back({p, text.empty() ? problem_text(*e, lang) : text});
    } else {
      fit.push_back({p, {}});
    }
  }
  fit.insert(fit.end(), other.begin(), other.end());
  return fit;
}

Subject subject_of(const json& patient, const std::string& today) {
  Subject s;
  const std::string birth = patient.value("birth_date", "");
  if (is_real_date(birth) && is_real_date(today)) s.age = std::max(0, age_on(birth, today));
  s.sex = patient.value("sex", "");
  return s;
}

void ScreeningForm::start(ProgramPtr p, const std::map<std::string, std::string>& vitals) {
  clear();
  if (!p) return;
  program = p;
  program_id = p->id;
  program_version = p->version;
  for (const auto& f : p->fields) {
    if (f.vital.empty() || !is_typed(f.type)) continue;
    // "glucose_fasting|glucose_random": the first one typed.
    size_t pos = 0;
    while (pos <= f.vital.size()) {
      const size_t bar = std::min(f.vital.find('|', pos), f.vital.size());
      auto v = vitals.find(f.vital.substr(pos, bar - pos));
      if (v != vitals.end() && !trim(v->second).empty()) {
        typed[f.id] = trim(v->second);
        break;
      }
      pos = bar + 1;
    }
  }
}

void ScreeningForm::clear() { *this = ScreeningForm{}; }

void ScreeningForm::resolve(const std::vector<ProgramPtr>& programs) {
  if (program_id.empty() || (program && program->id == program_id && program->version == program_version)) return;
  for (const auto& p : programs)
    if (p && p->id == program_id && (program_version == 0 || p->version == program_version)) program = p;
}

void ScreeningForm::set_boolean(const std::string& field, std::optional<bool> value) {
  if (value) choices[field] = *value;
  else choices.erase(field);
}

void ScreeningForm::set_option(const std::string& field, const std::string& value) {
  if (option(field) == value) choices.erase(field);
  else choices[field] = value;
}

void ScreeningForm::toggle_multi(const std::string& field, const std::string& value) {
  json& list = choices[field];
  if (!list.is_array()) list = json::array();
  auto it = std::find(list.begin(), list.end(), json(value));
  if (it != list.end()) list.erase(it);
  else list.push_back(value);
}

std::optional<bool> ScreeningForm::boolean(const std::string& field) const {
  auto it = choices.find(field);
  if (it == choices.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::string ScreeningForm::option(const std::string& field) const {
  auto it = choices.find(field);
  return it != choices.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool ScreeningForm::has_multi(const std::string& field, const std::string& value) const {
  auto it = choices.find(field);
  return it != choices.end() && it->is_array() && std::find(it->begin(), it->end(), json(value)) != it->end();
}

json ScreeningForm::answers() const {
  json a = choices.is_object() ? choices : json::object();
  for (const auto& [id, text] : typed)
    if (!trim(text).empty()) a[id] = trim(text);
  return a;
}

void ScreeningForm::update(const Subject& subject) {
  errors.clear();
  problem = {};
  evaluation.reset();
  accepted_ = answers();
  if (!program) return;
  // Each refused answer is set aside with its problem and the rest evaluated
  // again, so a half-typed number does not hide the result of the others.
  for (size_t round = 0; round <= program->fields.size() + 1; ++round) {
    try {
      evaluation = evaluate(*program, subject, accepted_);
      return;
    } catch (const ValidationError& e) {
      bool dropped = false;
      for (const auto& fe : e.errors()) {
        if (fe.field.rfind("answers.", 0) == 0) {
          const std::string id = fe.field.substr(8);
          errors.emplace(id, problem_words(fe));
          dropped = accepted_.erase(id) > 0 || dropped;
        } else if (!problem) {
          // Name the program as the nurse knows it, not by its id.
          problem = [fe, p = program](Lang l) {
            FieldError named = fe;
            for (auto& a : named.args)
              if (a == p->id) a = p->name.in(l);
            return problem_text(named, l);
          };
        }
      }
      if (!dropped) return;
    }
  }
}

bool ScreeningForm::refresh(const Subject& subject) {
  std::string key = program_id + "@" + std::to_string(program_version) + (program ? "+" : "-") + "|" +
                    std::to_string(subject.age) + subject.sex + "|" + answers().dump();
  if (key == last_key_) return false;
  last_key_ = std::move(key);
  update(subject);
  return true;
}

bool ScreeningForm::visible(const ProgramField& field, const Subject& subject) const {
  return !program || field_visible(*program, field, subject, accepted_);
}

ScreeningInput ScreeningForm::input(const std::string& patient_id, const std::string& clinic_day_id,
                                    const std::string& encounter_id) const {
  ScreeningInput in;
  in.patient_id = patient_id;
  in.program_id = program_id;
  in.program_version = program_version;
  in.answers = answers();
  in.clinic_day_id = clinic_day_id;
  in.encounter_id = encounter_id;
  return in;
}

json ScreeningForm::to_json() const {
  return {{"program_id", program_id}, {"program_version", program_version}, {"typed", typed}, {"choices", choices}};
}

ScreeningForm ScreeningForm::from_json(const json& j) {
  ScreeningForm f;
  if (!j.is_object()) return f;
  f.program_id = j.value("program_id", "");
  f.program_version = j.value("program_version", 0);
  if (j.contains("typed") && j["typed"].is_object())
    for (auto it = j["typed"].begin(); it != j["typed"].end(); ++it)
      if (it->is_string()) f.typed[it.key()] = it->get<std::string>();
  if (j.contains("choices") && j["choices"].is_object()) f.choices = j["choices"];
  return f;
}

}  // namespace yz::app
