#include "app/yizhen/model/patient_edit.h"

#include <utility>

#include "app/yizhen/strings.h"
#include "core/base/utf8.h"
#include "core/care/patient.h"
#include "core/domain/idcard.h"
#include "core/domain/validate.h"

namespace yz::app {

namespace {

// The text fields of the form and the record field each edits.
using Text = std::string PatientEditForm::*;
constexpr std::pair<const char*, Text> kText[] = {
    {"name", &PatientEditForm::name},
    {"name_native", &PatientEditForm::name_native},
    {"sex", &PatientEditForm::sex},
    {"birth_date", &PatientEditForm::birth_date},
    {"id_number", &PatientEditForm::id_number},
    {"phone", &PatientEditForm::phone},
    {"village_code", &PatientEditForm::village_code},
    {"ethnicity", &PatientEditForm::ethnicity},
    {"household_id", &PatientEditForm::household_id},
    {"notes", &PatientEditForm::notes},
};

std::string text_of(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
bool flag_of(const json& j, const char* key) {
  if (!j.contains(key)) return false;
  const json& v = j[key];
  return v.is_boolean() ? v.get<bool>() : v.is_number() ? v.get<double>() != 0 : false;
}

}  // namespace

PatientEditForm PatientEditForm::from_record(const json& patient) {
  PatientEditForm f;
  f.original = patient.is_object() ? patient : json::object();
  f.patient_id = text_of(f.original, "id");
  for (const auto& [key, member] : kText) f.*member = text_of(f.original, key);
  f.consent = flag_of(f.original, "consent");
  f.birth_estimated = flag_of(f.original, "birth_estimated");
  return f;
}

json PatientEditForm::changes() const {
  json c = json::object();
  const bool by_age = !trim(age).empty();
  for (const auto& [key, member] : kText) {
    if (by_age && std::string_view(key) == "birth_date") continue;
    const std::string now = trim(this->*member);
    if (now != text_of(original, key)) c[key] = now;
  }
  if (by_age) c["age"] = trim(age);
  if (consent != flag_of(original, "consent")) c["consent"] = consent;
  return c;
}

void PatientEditForm::on_id_number_changed(const std::string& today) {
  errors.erase("id_number");
  const std::string t = trim(id_number);
  if (t.size() < 18) return;  // still typing (or cleared)
  if (IdCheck c = check_id_number(t, today); c.error) errors["id_number"] = problem_words(*c.error);
}

std::vector<std::string> PatientEditForm::save(Store& store) const {
  return edit_patient(store, patient_id, changes());
}

std::string patient_field_label(const std::string& field, Lang lang) {
  static const std::pair<const char*, S> kLabels[] = {{"name", S::pd_name},
                                                      {"name_native", S::pd_name_native},
                                                      {"sex", S::pd_sex},
                                                      {"birth_date", S::pd_birth},
                                                      {"age", S::pd_age},
                                                      {"birth_estimated", S::pe_birth_estimated},
                                                      {"id_number", S::pd_id_number},
                                                      {"ethnicity", S::pd_ethnicity},
                                                      {"phone", S::pd_phone},
                                                      {"village_code", S::pd_village},
                                                      {"household_id", S::pe_household},
                                                      {"consent", S::pd_consent},
                                                      {"notes", S::pe_notes}};
  for (const auto& [key, label] : kLabels)
    if (field == key) {
      // The form's label without its note in brackets, ASCII or full-width
      // ("或年龄（岁）" -> "或年龄"). Not find_first_of("(（"): that takes any
      // byte of "（", and 0x88 is also a byte of 别, 0xBC one of 估: "性别"
      // and "出生日期为估计" were cut inside a character.
      std::string l = tr(label, lang);
      if (const auto paren = std::min(l.find('('), l.find("（")); paren != std::string::npos && paren > 0) l.resize(paren);
      return trim(l);
    }
  return field;
}

std::string change_line(const json& change, Lang lang,
                        const std::function<std::string(const std::string&)>& place_label) {
  const std::string field = text_of(change, "field");
  auto value = [&](const json& v) -> std::string {
    if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) return tr(S::pe_empty, lang);
    if (field == "consent" || field == "birth_estimated")
      return tr(flag_of(json{{"v", v}}, "v") ? S::yes : S::no, lang);
    if (!v.is_string()) return v.dump();
    const std::string s = v.get<std::string>();
    if (field == "sex") return tr(s == "M" ? S::pd_male : S::pd_female, lang);
    if (field == "ethnicity") return std::string(ethnicity_name(s, lang)) + " " + s;
    if (field == "village_code" && place_label) return place_label(s);
    return s;
  };
  const json none;
  const json& was = change.contains("from") ? change["from"] : none;
  const json& now = change.contains("to") ? change["to"] : none;
  if (was.is_null() && now.is_null())  // an audit row that kept no values
    return text_of(change, "at") + "  " + text_of(change, "actor") + "  " + patient_field_label(field, lang);
  const std::string from = value(was), to = value(now);
  return trf(lang, S::pe_change_line, text_of(change, "at").c_str(), text_of(change, "actor").c_str(),
             patient_field_label(field, lang).c_str(), from.c_str(), to.c_str());
}

}  // namespace yz::app
