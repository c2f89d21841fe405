#include "app/yizhen/model/forms.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/base/clock.h"
#include "core/care/clinic_day.h"
#include "core/care/encounter.h"
#include "core/care/follow_up.h"
#include "core/care/home_visit.h"
#include "core/care/patient.h"
#include "core/care/referral.h"
#include "core/base/prefixed_errors.h"
#include "core/domain/dosage.h"
#include "core/domain/idcard.h"
#include "core/base/messages.h"
#include "core/domain/validate.h"
#include "core/domain/vitals.h"

namespace yz::app {

namespace {

std::optional<double> parse_number(const std::string& s) {
  const std::string t = trim(s);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

json dispense_json(const DispenseLine& d) {
  json j = {{"item", d.item}, {"item_kind", d.item_kind}, {"quantity", d.quantity}, {"unit", d.unit},
            {"unit_value", d.unit_value}};
  if (!trim(d.dose).empty()) j["dose"] = trim(d.dose);
  if (!d.frequency.empty()) j["frequency"] = d.frequency;
  return j;
}
DispenseLine dispense_from(const json& j) {
  DispenseLine d;
  d.item = j.value("item", "");
  d.item_kind = j.value("item_kind", "medicine");
  d.unit = j.value("unit", "");
  d.quantity = j.value("quantity", 1.0);
  d.unit_value = j.value("unit_value", 0.0);
  d.dose = j.value("dose", "");
  d.frequency = j.value("frequency", "");
  return d;
}
void put_if(json& j, const char* key, const std::string& v) {
  const std::string t = trim(v);
  if (!t.empty()) j[key] = t;
}
}  // namespace

std::string problem_text(const FieldError& e, Lang lang) {
  return format_message(message_template(e.code, lang), e.args);
}

Words problem_words(const FieldError& e) {
  return [e](Lang l) { return problem_text(e, l); };
}

void place_errors(const std::vector<FieldError>& errors, FieldErrors& out, const std::string& prefix) {
  for (const auto& e : errors) out.emplace(prefix + e.field, problem_words(e));
}

std::map<std::string, std::string> said(const FieldErrors& errors, Lang lang) {
  std::map<std::string, std::string> out;
  for (const auto& [field, words] : errors) out.emplace(field, say(words, lang));
  return out;
}

// ---------------------------------------------------------------------------

bool PatientForm::on_id_number_changed(const std::string& today) {
  errors.erase("id_number");
  const std::string t = trim(id_number);
  if (t.empty()) {
    if (filled_from_id) birth_date.clear(), sex.clear();
    filled_from_id = false;
    return false;
  }
  if (t.size() < 18) return false;  // still typing
  IdCheck c = check_id_number(t, today);
  if (c.error) {
    errors["id_number"] = problem_words(*c.error);
    return false;
  }
  birth_date = c.info->birth_date;
  sex = std::string(1, c.info->sex);
  age.clear();
  filled_from_id = true;
  errors.erase("birth_date");
  errors.erase("sex");
  errors.erase("age");
  return true;
}

bool PatientForm::check(const std::string& today) {
  errors.clear();
  std::vector<FieldError> errs;
  if (trim(name).empty()) errs.push_back({"name", "required"});
  if (!trim(id_number).empty()) {
    IdCheck c = check_id_number(trim(id_number), today);
    if (c.error) errs.push_back(*c.error);
  }
  if (sex != "M" && sex != "F") errs.push_back({"sex", "required"});
  if (trim(birth_date).empty() && trim(age).empty()) errs.push_back({"birth_date", "birth_or_age"});
  if (!trim(age).empty() && trim(birth_date).empty()) {
    auto a = parse_number(age);
    if (!a || *a != std::floor(*a)) errs.push_back({"age", "bad_number", {age}});
    else if (auto e = check_age("age", static_cast<long long>(*a))) errs.push_back(*e);
  }
  if (!trim(phone).empty()) {
    auto c = check_phone("phone", phone);
    if (auto* e = std::get_if<FieldError>(&c)) errs.push_back(*e);
  }
  // Where the patient lives (follow-ups and the county's figures go by it),
  // and the consent the nurse asked for before collecting anything.
  if (trim(village_code).empty()) errs.push_back({"village_code", "required"});
  if (!consent) errs.push_back({"consent", "required"});
  place_errors(errs, errors);
  return errors.empty();
}

json PatientForm::to_fields() const {
  json j = json::object();
  put_if(j, "name", name);
  put_if(j, "name_native", name_native);
  put_if(j, "sex", sex);
  put_if(j, "id_number", id_number);
  put_if(j, "phone", phone);
  put_if(j, "village_code", village_code);
  put_if(j, "ethnicity", ethnicity);
  put_if(j, "household_id", household_id);
  if (!trim(birth_date).empty()) j["birth_date"] = trim(birth_date);
  else if (auto a = parse_number(age)) j["age"] = static_cast<int64_t>(*a);
  else put_if(j, "age", age);  // let the store name the problem
  if (consent) j["consent"] = true;
  return j;
}

bool PatientForm::empty() const {
  return trim(name).empty() && trim(id_number).empty() && trim(phone).empty() && trim(birth_date).empty() &&
         trim(age).empty() && trim(name_native).empty();
}

json PatientForm::to_json() const {
  return {{"name", name},       {"name_native", name_native},   {"sex", sex},       {"birth_date", birth_date},
          {"age", age},         {"id_number", id_number},       {"phone", phone},   {"village_code", village_code},
          {"ethnicity", ethnicity}, {"household_id", household_id}, {"consent", consent},
          {"filled_from_id", filled_from_id}};
}

PatientForm PatientForm::from_json(const json& j) {
  PatientForm f;
  if (!j.is_object()) return f;
  f.name = j.value("name", "");
  f.name_native = j.value("name_native", "");
  f.sex = j.value("sex", "");
  f.birth_date = j.value("birth_date", "");
  f.age = j.value("age", "");
  f.id_number = j.value("id_number", "");
  f.phone = j.value("phone", "");
  f.village_code = j.value("village_code", "");
  f.ethnicity = j.value("ethnicity", "");
  f.household_id = j.value("household_id", "");
  f.consent = j.value("consent", false);
  f.filled_from_id = j.value("filled_from_id", false);
  return f;
}

std::string PatientForm::save(Store& store) const { return register_patient(store, to_fields()); }

// ---------------------------------------------------------------------------

EncounterForm::VitalState EncounterForm::vital_state(const std::string& code, const std::string& typed, Lang lang) {
  VitalState s;
  if (trim(typed).empty()) return s;
  const VitalKind* k = find_vital(code);
  auto v = parse_number(typed);
  if (!k || !v) {
    s.flag = Flag::refused;
    s.message = problem_text({"value", "bad_number", {typed}}, lang);
    return s;
  }
  if (auto e = check_vital(code, *v, k->unit)) {
    s.flag = Flag::refused;
    s.message = problem_text(*e, lang);
    return s;
  }
  switch (flag_vital(*k, *v)) {
    case VitalFlag::low: s.flag = Flag::low; break;
    case VitalFlag::high: s.flag = Flag::high; break;
    default: break;
  }
  return s;
}

void EncounterForm::set_patient(const json& patient) {
  patient_id = patient.value("id", "");
  patient_name = patient.value("name", "");
  patient_sex = patient.value("sex", "");
  patient_birth_date = patient.value("birth_date", "");
}

std::optional<Subject> encounter_subject(const EncounterForm& form, const std::string& today) {
  if (!form.knows_patient()) return std::nullopt;
  return subject_of(json{{"sex", form.patient_sex}, {"birth_date", form.patient_birth_date}}, today);
}

double EncounterForm::dispensed_value() const {
  double v = 0;
  for (const auto& d : dispenses) v += d.quantity * d.unit_value;
  return v;
}

void EncounterForm::add_diagnosis(const std::string& code, const std::string& name) {
  for (const auto& d : diagnoses)
    if (d.code == code) return;
  diagnoses.push_back({code, name});
}

void EncounterForm::add_dispense(const DispenseLine& line) {
  for (auto& d : dispenses)
    if (d.item == line.item && d.unit == line.unit) {
      d.quantity += line.quantity;
      return;
    }
  dispenses.push_back(line);
}

bool EncounterForm::check(const std::string& today) {
  errors.clear();
  if (patient_id.empty()) errors["patient_id"] = problem_words({"patient_id", "required"});
  for (const auto& [code, typed] : vitals) {
    if (vital_state(code, typed, Lang::zh).flag == Flag::refused)  // the flag is the same in any language
      errors["vital." + code] = [c = code, t = typed](Lang l) { return vital_state(c, t, l).message; };
  }
  for (size_t i = 0; i < dispenses.size(); ++i) {
    const DispenseLine& d = dispenses[i];
    const std::string at = "dispense." + std::to_string(i) + ".";
    if (!(d.quantity > 0)) errors[at + "quantity"] = problem_words({"quantity", "not_positive"});
    // The store's rules (record_rules.cpp), checked as typed.
    const bool medicine = d.item_kind == "medicine";
    if (!trim(d.dose).empty()) {
      auto dose = check_dose("dose", d.dose);
      if (!medicine) errors[at + "dose"] = problem_words({"dose", "dose_not_medicine", {d.item_kind}});
      else if (auto* e = std::get_if<FieldError>(&dose)) errors[at + "dose"] = problem_words(*e);
    }
    if (!d.frequency.empty() && (!medicine || !is_frequency(d.frequency)))
      errors[at + "frequency"] = problem_words(medicine ? FieldError{"frequency", "bad_option", {frequency_options()}}
                                                        : FieldError{"frequency", "dose_not_medicine", {d.item_kind}});
  }
  if (refer) {
    if (trim(refer_to).empty()) errors["referral.to_facility"] = problem_words({"to_facility", "required"});
    if (trim(refer_reason).empty()) errors["referral.reason"] = problem_words({"reason", "required"});
  }
  if (follow_up) {
    if (!is_real_date(trim(follow_up_date)))
      errors["follow_up.due_date"] = problem_words({"due_date", "bad_date", {follow_up_date}});
    else if (trim(follow_up_date) < today)
      errors["follow_up.due_date"] = problem_words({"due_date", "date_too_old", {today}});
    if (trim(follow_up_reason).empty()) errors["follow_up.reason"] = problem_words({"reason", "required"});
  }
  // The screening's own problems, from its last update().
  if (screening.active()) {
    for (const auto& [field, message] : screening.errors) errors.emplace("screening." + field, message);
    if (screening.problem) errors.emplace("screening", screening.problem);
  }
  return errors.empty();
}

bool EncounterForm::empty() const {
  if (!trim(complaint).empty() || !trim(advice).empty() || !diagnoses.empty() || !dispenses.empty() || refer ||
      follow_up)
    return false;
  for (const auto& [k, v] : vitals)
    if (!trim(v).empty()) return false;
  return true;
}

json EncounterForm::to_json() const {
  json dx = json::array(), ds = json::array();
  for (const auto& d : diagnoses) dx.push_back({{"code", d.code}, {"name", d.name}});
  for (const auto& d : dispenses) ds.push_back(dispense_json(d));
  return {{"patient_id", patient_id}, {"patient_name", patient_name},   {"patient_sex", patient_sex},
          {"patient_birth_date", patient_birth_date},                     {"clinic_day_id", clinic_day_id},
          {"home_visit_id", home_visit_id}, {"station", station},      {"clinician_id", clinician_id},
          {"complaint", complaint}, {"advice", advice},                {"health_education", health_education},
          {"vitals", vitals},       {"diagnoses", dx},                 {"dispenses", ds},
          {"refer", refer},         {"refer_to", refer_to},            {"refer_reason", refer_reason},
          {"refer_urgency", refer_urgency}, {"follow_up", follow_up},  {"follow_up_date", follow_up_date},
          {"follow_up_reason", follow_up_reason}, {"screening", screening.to_json()}, {"corrects_id", corrects_id}};
}

EncounterForm EncounterForm::correcting(const json& e, const std::string& name) {
  EncounterForm f;
  auto text = [&](const char* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string(); };
  f.corrects_id = text("id");
  f.patient_id = text("patient_id");
  f.patient_name = name;
  f.clinic_day_id = text("clinic_day_id");
  f.home_visit_id = text("home_visit_id");
  f.station = text("station");
  f.clinician_id = text("clinician_id");
  f.complaint = text("complaint");
  f.advice = text("advice");
  f.health_education = text("health_education");
  if (e.contains("diagnoses") && e["diagnoses"].is_array())
    for (const auto& d : e["diagnoses"]) f.add_diagnosis(d.value("code", ""), d.value("name", ""));
  if (e.contains("observations") && e["observations"].is_array())
    for (const auto& o : e["observations"]) {
      const VitalKind* k = find_vital(o.value("kind", ""));
      if (!k || !o.contains("value") || !o["value"].is_number()) continue;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.*f", k->decimals, o["value"].get<double>());
      f.vitals[std::string(k->code)] = buf;
    }
  return f;
}

EncounterForm EncounterForm::from_json(const json& j) {
  EncounterForm f;
  if (!j.is_object()) return f;
  using M = std::string EncounterForm::*;
  static const std::pair<const char*, M> kText[] = {
      {"patient_id", &EncounterForm::patient_id},     {"patient_name", &EncounterForm::patient_name},
      {"patient_sex", &EncounterForm::patient_sex},   {"patient_birth_date", &EncounterForm::patient_birth_date},
      {"clinic_day_id", &EncounterForm::clinic_day_id}, {"home_visit_id", &EncounterForm::home_visit_id},
      {"station", &EncounterForm::station},           {"clinician_id", &EncounterForm::clinician_id},
      {"complaint", &EncounterForm::complaint},       {"advice", &EncounterForm::advice},
      {"health_education", &EncounterForm::health_education}, {"refer_to", &EncounterForm::refer_to},
      {"refer_reason", &EncounterForm::refer_reason}, {"refer_urgency", &EncounterForm::refer_urgency},
      {"follow_up_date", &EncounterForm::follow_up_date}, {"follow_up_reason", &EncounterForm::follow_up_reason},
      {"corrects_id", &EncounterForm::corrects_id}};
  for (const auto& [key, member] : kText)
    if (j.contains(key) && j[key].is_string()) f.*member = j[key].get<std::string>();
  if (f.refer_urgency.empty()) f.refer_urgency = "routine";
  if (j.contains("vitals") && j["vitals"].is_object())
    for (auto& [k, v] : j["vitals"].items())
      if (v.is_string()) f.vitals[k] = v.get<std::string>();
  if (j.contains("diagnoses") && j["diagnoses"].is_array())
    for (const auto& d : j["diagnoses"]) f.diagnoses.push_back({d.value("code", ""), d.value("name", "")});
  if (j.contains("dispenses") && j["dispenses"].is_array())
    for (const auto& d : j["dispenses"]) f.dispenses.push_back(dispense_from(d));
  f.refer = j.value("refer", false);
  f.follow_up = j.value("follow_up", false);
  if (j.contains("screening")) f.screening = ScreeningForm::from_json(j["screening"]);
  return f;
}

RecordedScreening save_screening(Store& store, Writer& w, const ScreeningInput& in) {
  try {
    return record_screening(store, w, in);
  } catch (const ValidationError& err) {
    // "answers.sbp" -> "screening.sbp", the key the form shows it under;
    // anything about the screening as a whole -> "screening".
    std::vector<FieldError> errs = err.errors();
    for (auto& fe : errs)
      fe.field = fe.field.rfind("answers.", 0) == 0 ? "screening." + fe.field.substr(8) : std::string("screening");
    throw ValidationError(std::move(errs));
  }
}

std::string EncounterForm::save(Store& store) const {
  std::string encounter_id;
  store.transact([&](Writer& w) {
    json e = {{"patient_id", patient_id}};
    if (!clinic_day_id.empty()) e["clinic_day_id"] = clinic_day_id;
    if (!home_visit_id.empty()) e["home_visit_id"] = home_visit_id;
    if (!clinician_id.empty()) e["clinician_id"] = clinician_id;
    put_if(e, "station", station);
    put_if(e, "complaint", complaint);
    put_if(e, "advice", advice);
    put_if(e, "health_education", health_education);
    if (!diagnoses.empty()) {
      json dx = json::array();
      for (const auto& d : diagnoses) dx.push_back({{"code", d.code}, {"name", d.name}});
      e["diagnoses"] = dx;
    }
    EncounterInput in;
    in.fields = std::move(e);
    std::vector<std::string> codes;  // the vital of each observation
    for (const auto& [code, typed] : vitals) {
      if (trim(typed).empty()) continue;
      const VitalKind* k = find_vital(code);
      auto v = parse_number(typed);
      if (!k || !v) throw ValidationError(FieldError{"vital." + code, "bad_number", {typed}});
      in.observations.push_back({{"kind", code}, {"value", *v}, {"unit", std::string(k->unit)}});
      codes.push_back(code);
    }
    for (const auto& line : dispenses) {
      json d = dispense_json(line);
      if (!clinic_day_id.empty()) d["clinic_day_id"] = clinic_day_id;
      in.dispenses.push_back(std::move(d));
    }
    if (!corrects_id.empty()) {
      // A correction replaces the texts and diagnoses: one left empty here is
      // cleared, not taken from the original (correct_encounter).
      for (const char* k : {"station", "complaint", "advice", "health_education", "diagnoses"})
        if (!in.fields.contains(k)) in.fields[k] = nullptr;
    }
    try {
      encounter_id = corrects_id.empty() ? record_encounter(w, in).encounter_id
                                         : correct_encounter(store, w, corrects_id, in).encounter_id;
    } catch (const ValidationError& err) {
      // "observations.<i>.value" -> "vital.<code>" (the one input of that
      // vital); "dispenses.<i>.quantity" -> "dispense.<i>.quantity".
      std::vector<FieldError> errs = err.errors();
      for (auto& fe : errs) {
        if (fe.field.rfind("observations.", 0) == 0) {
          const size_t i = std::stoul(fe.field.substr(13));
          fe.field = i < codes.size() ? "vital." + codes[i] : std::string("vital");
        } else if (fe.field.rfind("dispenses.", 0) == 0) {
          fe.field = "dispense." + fe.field.substr(10);
        }
      }
      throw ValidationError(std::move(errs));
    }
    std::string referral_id;
    if (refer) {
      json r = {{"patient_id", patient_id}, {"encounter_id", encounter_id}, {"urgency", refer_urgency}};
      put_if(r, "to_facility", refer_to);
      put_if(r, "reason", refer_reason);
      referral_id = with_field_prefix("referral.", [&] { return create_referral(w, r); });
    }
    if (follow_up) {
      json f = {{"patient_id", patient_id}};
      put_if(f, "due_date", follow_up_date);
      put_if(f, "reason", follow_up_reason);
      if (!referral_id.empty()) f["referral_id"] = referral_id;
      with_field_prefix("follow_up.", [&] { return create_follow_up(w, f); });
    }
    if (screening.active()) {
      ScreeningInput sin = screening.input(patient_id, clinic_day_id, encounter_id);
      sin.clinician_id = clinician_id;
      save_screening(store, w, sin);
    }
  });
  return encounter_id;
}

// ---------------------------------------------------------------------------

bool ClinicDayForm::check() {
  errors.clear();
  std::vector<FieldError> errs;
  if (!is_real_date(trim(date))) errs.push_back({"date", "bad_date", {date}});
  if (trim(place_code).empty()) errs.push_back({"place_code", "required"});
  if (team_id.empty()) errs.push_back({"team_id", "required"});
  place_errors(errs, errors);
  return errors.empty();
}

json ClinicDayForm::to_fields() const {
  json j = {{"date", trim(date)}, {"place_code", trim(place_code)}, {"team_id", team_id}, {"kind", kind},
            {"stations", stations}, {"staff", staff}};
  put_if(j, "campaign", campaign);
  put_if(j, "notes", notes);
  return j;
}

json ClinicDayForm::to_json() const {
  return {{"date", date},         {"place_code", place_code}, {"team_id", team_id}, {"kind", kind},
          {"campaign", campaign}, {"notes", notes},           {"stations", stations}, {"staff", staff}};
}

ClinicDayForm ClinicDayForm::from_json(const json& j) {
  ClinicDayForm f;
  if (!j.is_object()) return f;
  f.date = j.value("date", "");
  f.place_code = j.value("place_code", "");
  f.team_id = j.value("team_id", "");
  f.kind = j.value("kind", "yizhen");
  f.campaign = j.value("campaign", "");
  f.notes = j.value("notes", "");
  f.stations = j.value("stations", std::vector<std::string>{});
  f.staff = j.value("staff", std::vector<std::string>{});
  return f;
}

std::string ClinicDayForm::save(Store& store) const { return open_clinic_day(store, to_fields()); }

// ---------------------------------------------------------------------------

const std::vector<std::string>& common_services() {
  static const std::vector<std::string> k{"测血压", "测血糖", "送药上门", "健康宣教", "康复指导", "伤口换药",
                                          "用药指导", "孕产妇访视", "慢病随访", "心理疏导"};
  return k;
}

bool HomeVisitForm::check() {
  errors.clear();
  if (new_household) {
    if (village_code.empty()) errors["household.village_code"] = problem_words({"village_code", "required"});
    if (trim(head_name).empty() && trim(address).empty())
      errors["household.head_name"] = problem_words({"head_name", "required"});  // a household someone can find again
  } else if (household_id.empty()) {
    errors["household_id"] = problem_words({"household_id", "required"});
  }
  for (size_t i = 0; i < items.size(); ++i)
    if (!(items[i].quantity > 0))
      errors["item." + std::to_string(i) + ".quantity"] = problem_words({"quantity", "not_positive"});
  return errors.empty();
}

json HomeVisitForm::to_json() const {
  json it = json::array();
  for (const auto& d : items) it.push_back(dispense_json(d));
  json j = {{"household_id", household_id}, {"clinic_day_id", clinic_day_id}, {"notes", notes},
            {"patients", patients},         {"services", services},           {"items", it}};
  if (new_household)
    j["new_household"] = {{"village_code", village_code}, {"head_name", head_name}, {"address", address}, {"phone", phone}};
  return j;
}

HomeVisitForm HomeVisitForm::from_json(const json& j) {
  HomeVisitForm f;
  if (!j.is_object()) return f;
  f.household_id = j.value("household_id", "");
  f.clinic_day_id = j.value("clinic_day_id", "");
  f.notes = j.value("notes", "");
  f.patients = j.value("patients", std::vector<std::string>{});
  f.services = j.value("services", std::vector<std::string>{});
  if (j.contains("new_household") && j["new_household"].is_object()) {
    const json& h = j["new_household"];
    f.new_household = true;
    f.village_code = h.value("village_code", "");
    f.head_name = h.value("head_name", "");
    f.address = h.value("address", "");
    f.phone = h.value("phone", "");
  }
  if (j.contains("items") && j["items"].is_array())
    for (const auto& d : j["items"]) f.items.push_back(dispense_from(d));
  return f;
}

std::string HomeVisitForm::save(Store& store) const {
  HomeVisitInput in;
  if (new_household) {
    in.new_household = {{"village_code", village_code}};
    put_if(in.new_household, "head_name", head_name);
    put_if(in.new_household, "address", address);
    put_if(in.new_household, "phone", phone);
  } else {
    in.household_id = household_id;
  }
  in.fields = {{"patients", patients}, {"services", services}};
  if (!member_id.empty()) in.fields["members"] = std::vector<std::string>{member_id};
  if (!clinic_day_id.empty()) in.fields["clinic_day_id"] = clinic_day_id;
  put_if(in.fields, "notes", notes);
  for (const auto& line : items) in.items.push_back(dispense_json(line));
  try {
    return record_home_visit(store, in).home_visit_id;
  } catch (const ValidationError& err) {
    // "items.<i>.quantity" -> "item.<i>.quantity", the form's key.
    std::vector<FieldError> errs = err.errors();
    for (auto& fe : errs)
      if (fe.field.rfind("items.", 0) == 0) fe.field = "item." + fe.field.substr(6);
    throw ValidationError(std::move(errs));
  }
}

}  // namespace yz::app
