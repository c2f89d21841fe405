// patient add / edit / show / search.

#include <memory>
#include <sstream>

#include "app/common/patient_search_options.h"
#include "app/yizhenctl/cli.h"
#include "core/care/patient.h"
#include "core/domain/search.h"
#include "core/domain/validate.h"
#include "core/queries/views.h"
#include "core/domain/vitals.h"

namespace yz::cli {

namespace {

struct AddArgs {
  std::string name, name_native, sex, birth, id_number, phone, village, ethnicity, household;
  std::optional<std::string> age;
  bool consent = false;
};

// The sex as typed (M/F, m/f, 男/女) in its stored form.
std::string normalize_sex(const std::string& s) {
  if (s == "m" || s == "男") return "M";
  if (s == "f" || s == "女") return "F";
  return s;
}

std::string age_text(const json& p, const std::string& today) {
  const std::string birth = p.value("birth_date", "");
  if (birth.size() != 10) return "";
  return std::to_string(age_on(birth, today)) + (p.value("birth_estimated", false) ? "y (est.)" : "y");
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string format_value(const json& o) {
  const VitalKind* k = find_vital(str(o, "kind"));
  std::ostringstream s;
  s.precision(k ? k->decimals + 3 : 4);
  s << (k ? std::string(k->en) : str(o, "kind")) << " " << o["value"].get<double>() << " " << str(o, "unit");
  if (k) {
    const VitalFlag flag = flag_vital(*k, o["value"].get<double>());
    if (flag != VitalFlag::normal) s << (flag == VitalFlag::high ? " (high)" : " (low)");
  }
  return s.str();
}

std::string history_text(const json& h, const std::string& today) {
  const json& p = h["patient"];
  std::ostringstream s;
  s << str(p, "name");
  if (!str(p, "name_native").empty()) s << " (" << str(p, "name_native") << ")";
  s << "  " << str(p, "sex") << "  born " << str(p, "birth_date") << "  " << age_text(p, today) << "\n";
  s << "id        " << str(p, "id") << "\n";
  if (h.contains("merged_from"))
    s << "merged    " << str(h, "merged_from") << " (a duplicate registration, merged into this patient)\n";
  if (!str(p, "id_number").empty()) s << "ID number " << str(p, "id_number") << "\n";
  if (!str(p, "phone").empty()) s << "phone     " << str(p, "phone") << "\n";
  if (!str(p, "village_code").empty()) s << "village   " << str(p, "village_code") << "\n";
  if (!str(p, "ethnicity").empty())
    s << "ethnicity " << str(p, "ethnicity") << " " << ethnicity_name(str(p, "ethnicity"), Lang::en) << "\n";
  s << "\nEncounters (" << h["encounters"].size() << ")\n";
  for (const auto& e : h["encounters"]) {
    s << "  " << str(e, "seen_at") << "  " << str(e, "station");
    if (!str(e, "complaint").empty()) s << "  complaint: " << str(e, "complaint");
    s << "\n";
    if (e["diagnoses"].is_array())
      for (const auto& d : e["diagnoses"]) s << "    diagnosis " << str(d, "code") << " " << str(d, "name") << "\n";
    for (const auto& o : e["observations"]) s << "    " << format_value(o) << "\n";
    for (const auto& d : e["dispenses"])
      s << "    gave " << str(d, "item") << " × " << d["quantity"].get<double>() << " " << str(d, "unit")
        << (str(d, "dose").empty() ? "" : "  dose " + str(d, "dose"))
        << (str(d, "frequency").empty() ? "" : "  " + str(d, "frequency")) << "\n";
    if (!str(e, "advice").empty()) s << "    advice: " << str(e, "advice") << "\n";
  }
  s << "\nScreenings (" << h["screenings"].size() << ")\n";
  for (const auto& sc : h["screenings"])
    s << "  " << str(sc, "screened_at") << "  " << str(sc, "program_id") << " v" << sc["program_version"] << "  "
      << str(sc, "result") << (str(sc, "risk_grade").empty() ? "" : "  grade " + str(sc, "risk_grade")) << "\n";
  s << "\nReferrals (" << h["referrals"].size() << ")\n";
  for (const auto& r : h["referrals"])
    s << "  " << str(r, "to_facility") << "  " << str(r, "status") << "  " << str(r, "reason") << "\n";
  s << "\nFollow-ups (" << h["follow_ups"].size() << ")\n";
  for (const auto& f : h["follow_ups"])
    s << "  due " << str(f, "due_date") << "  " << str(f, "status") << "  " << str(f, "reason") << "\n";
  s << "\nHome visits (" << h["home_visits"].size() << ")\n";
  for (const auto& v : h["home_visits"]) s << "  " << str(v, "visit_date") << "\n";
  if (h.contains("changes") && !h["changes"].empty()) {
    // The stored values, as the audit keeps them ("" for an empty one).
    auto value = [](const json& v) {
      return v.is_null() ? std::string("\"\"") : v.is_string() ? v.get<std::string>() : v.dump();
    };
    s << "\nChanges (" << h["changes"].size() << ")\n";
    for (const auto& c : h["changes"])
      s << "  " << str(c, "at") << "  " << str(c, "actor") << "  " << str(c, "field") << ": " << value(c["from"])
        << " -> " << value(c["to"]) << "\n";
  }
  return s.str();
}

}  // namespace

void add_patient_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* patient = app.add_subcommand("patient", "Register, show and search patients");
  patient->require_subcommand(1);

  // Option values live as long as the callbacks that read them.
  auto args = std::make_shared<AddArgs>();
  AddArgs& a = *args;
  auto* add = patient->add_subcommand("add", "Register a patient; prints the new id");
  add->add_option("--name", a.name, "Name in Chinese characters")->required();
  add->add_option("--sex", a.sex, "M or F")->required();
  add->add_option("--birth", a.birth, "Birth date YYYY-MM-DD");
  add->add_option("--age", a.age, "Age in years (when the birth date is not known)");
  add->add_option("--id-number", a.id_number, "身份证 number (18 characters)");
  add->add_option("--phone", a.phone, "Phone number");
  add->add_option("--village", a.village, "Village code (GB/T 2260, 12 digits)");
  add->add_option("--ethnicity", a.ethnicity, "Ethnicity code (GB 3304, e.g. 04 藏族)");
  add->add_option("--name-native", a.name_native, "Name in Tibetan or Uyghur script");
  add->add_option("--household", a.household, "Household id");
  add->add_flag("--consent", a.consent, "The patient consented to data use");
  add->callback([&, args] {
    const AddArgs& a = *args;
    exit_code = guarded(ctx, [&] {
      json f = {{"name", a.name}, {"sex", normalize_sex(a.sex)}};
      auto put = [&](const char* k, const std::string& v) {
        if (!v.empty()) f[k] = v;
      };
      put("birth_date", a.birth);
      put("id_number", a.id_number);
      put("phone", a.phone);
      put("village_code", a.village);
      put("ethnicity", a.ethnicity);
      put("name_native", a.name_native);
      put("household_id", a.household);
      if (a.age) f["age"] = *a.age;
      if (a.consent) f["consent"] = true;
      Store store = ctx.open_store();
      const std::string id = register_patient(store, f);
      emit(ctx, {{"id", id}}, id);
      return 0;
    });
  });

  // patient edit ID [--phone P] …: only the options given change; an empty
  // value clears an optional field.
  struct EditArgs {
    std::string id;
    std::optional<std::string> name, name_native, sex, birth, id_number, phone, village, ethnicity, household, notes;
    std::optional<int> age;
  };
  auto ea = std::make_shared<EditArgs>();
  auto* edit = patient->add_subcommand("edit", "Change editable fields of a patient; syncs like any change");
  edit->add_option("ID", ea->id, "Patient id")->required();
  edit->add_option("--name", ea->name, "Name in Chinese characters");
  edit->add_option("--name-native", ea->name_native, "Name in Tibetan or Uyghur script");
  edit->add_option("--sex", ea->sex, "M or F");
  edit->add_option("--birth", ea->birth, "Birth date YYYY-MM-DD (exact)");
  edit->add_option("--age", ea->age, "Age in years (the birth date is then estimated)");
  edit->add_option("--id-number", ea->id_number, "身份证 number (18 characters)");
  edit->add_option("--phone", ea->phone, "Phone number");
  edit->add_option("--village", ea->village, "Village code (GB/T 2260, 12 digits)");
  edit->add_option("--ethnicity", ea->ethnicity, "Ethnicity code (GB 3304)");
  edit->add_option("--household", ea->household, "Household id");
  edit->add_option("--notes", ea->notes, "Notes");
  edit->callback([&, ea] {
    exit_code = guarded(ctx, [&] {
      const EditArgs& a = *ea;
      json changes = json::object();
      auto put = [&](const char* field, const std::optional<std::string>& v) {
        if (v) changes[field] = *v;
      };
      put("name", a.name);
      put("name_native", a.name_native);
      if (a.sex) changes["sex"] = normalize_sex(*a.sex);
      put("birth_date", a.birth);
      if (a.age) changes["age"] = *a.age;
      put("id_number", a.id_number);
      put("phone", a.phone);
      put("village_code", a.village);
      put("ethnicity", a.ethnicity);
      put("household_id", a.household);
      put("notes", a.notes);
      if (changes.empty()) throw UsageError("patient edit", "give at least one field to change (--phone, --village, …)");
      Store store = ctx.open_existing();
      const auto changed = edit_patient(store, a.id, changes);
      std::string text = changed.empty() ? "nothing changed" : "changed:";
      for (const auto& f : changed) text += " " + f;
      emit(ctx, {{"id", a.id}, {"changed", changed}}, text);
      return 0;
    });
  });

  auto show_id = std::make_shared<std::string>();
  auto* show = patient->add_subcommand("show", "A patient and their history; exit 1 if unknown");
  show->add_option("ID", *show_id, "Patient id")->required();
  show->callback([&, show_id] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      auto h = patient_history(store.db(), *show_id);
      if (!h) throw NotFound("patient", *show_id);
      emit(ctx, *h, history_text(*h, store.today()));
      return 0;
    });
  });

  const auto searched = yz::cli_common::add_patient_search(*patient);
  CLI::App* search = searched.first;
  const auto sa = searched.second;
  search->callback([&, sa] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const auto hits = search_patients(store.db(), sa->query, sa->limit);
      json j = json::array();
      std::ostringstream text;
      for (const auto& h : hits) {
        j.push_back({{"id", h.id}, {"name", h.name}, {"name_native", h.name_native}, {"sex", h.sex},
                     {"birth_date", h.birth_date}, {"id_number", h.id_number}, {"phone", h.phone},
                     {"village_code", h.village_code}});
        text << h.name << "\t" << h.sex << "\t" << h.birth_date << "\t" << h.id_number << "\t" << h.phone << "\t"
             << h.id << "\n";
      }
      emit(ctx, j, text.str());
      return 0;
    });
  });
}

}  // namespace yz::cli
