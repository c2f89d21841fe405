// Encounter: station, complaint, vitals (units, out-of-range warnings, a
// numeric keypad), ICD-10 diagnoses, advice, medicines and devices from the
// day's stock (value summed), referral and follow-up — saved in one
// transaction.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/yizhen/model/summary.h"
#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"
#include "core/icd10_common.h"
#include "core/vitals.h"

namespace yz::app {

namespace {
// The vitals a station takes most, in the order a nurse calls them out.
constexpr const char* kVitalOrder[] = {"sbp", "dbp", "pulse", "spo2", "temperature", "glucose_random",
                                       "glucose_fasting", "height", "weight", "respiration", "hemoglobin"};

void save(EncounterState& st, const AppView& view, AppModel& actions) {
  if (st.saving) return;
  if (!st.form.check(view.today, view.prefs.lang)) return;
  st.saving = true;
  actions.save_encounter(
      st.form,
      [&st](const std::string&) {
        st.saving = false;
        const std::string pid = st.form.patient_id, name = st.form.patient_name, station = st.form.station,
                          day = st.form.clinic_day_id, clinician = st.form.clinician_id;
        st.form = EncounterForm{};
        // The next patient at this station keeps the station and clinician.
        st.form.station = station;
        st.form.clinic_day_id = day;
        st.form.clinician_id = clinician;
        (void)pid;
        (void)name;
        st.dx_query.clear();
        st.item_query.clear();
      },
      [&st, lang = view.prefs.lang](const std::vector<FieldError>& errs) {
        st.saving = false;
        st.form.errors.clear();
        place_errors(errs, lang, st.form.errors);
      });
}

void draw_vitals(EncounterState& st, const AppView& view) {
  const Lang lang = view.prefs.lang;
  const float cell = ui::em() * 8.5f;
  const int per_row = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / (cell + ImGui::GetStyle().ItemSpacing.x)));
  int i = 0;
  for (const char* code : kVitalOrder) {
    const VitalKind* k = find_vital(code);
    if (!k) continue;
    if (i % per_row) ImGui::SameLine();
    ++i;
    ImGui::PushID(code);
    ImGui::BeginGroup();
    std::string label = std::string(lang == Lang::zh ? k->zh : k->en) + " " + std::string(k->unit);
    ImGui::TextUnformatted(label.c_str());
    std::string& v = st.form.vitals[code];
    const auto state = EncounterForm::vital_state(code, v, lang);
    const bool bad = state.flag == EncounterForm::Flag::refused || st.form.errors.count("vital." + std::string(code));
    if (bad) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(1.0f, 0.90f, 0.90f, 1));
    else if (state.flag != EncounterForm::Flag::none) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(1.0f, 0.95f, 0.85f, 1));
    ImGui::SetNextItemWidth(cell);
    ImGui::InputText("##v", &v, ImGuiInputTextFlags_CharsDecimal);
    if (ImGui::IsItemActive()) st.keypad_target = code;
    if (bad || state.flag != EncounterForm::Flag::none) ImGui::PopStyleColor();
    if (bad) {
      auto e = st.form.errors.find("vital." + std::string(code));
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + cell);
      ui::ErrorLine(e != st.form.errors.end() ? e->second : state.message);
      ImGui::PopTextWrapPos();
    } else if (state.flag == EncounterForm::Flag::low || state.flag == EncounterForm::Flag::high) {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::col_warn());
      ImGui::TextUnformatted(state.flag == EncounterForm::Flag::low ? tr(S::en_low) : tr(S::en_high));
      ImGui::PopStyleColor();
    }
    ImGui::EndGroup();
    ImGui::PopID();
  }
}

}  // namespace

void BeginEncounter(EncounterState& st, const AppView& view) {
  if (!view.card) return;
  const json& p = (*view.card)["patient"];
  const std::string id = p.value("id", "");
  if (st.form.patient_id != id) {
    const std::string station = st.form.station, clinician = st.form.clinician_id;
    st.form = EncounterForm{};
    st.form.station = station;
    st.form.clinician_id = clinician;
    st.form.patient_id = id;
    st.form.patient_name = p.value("name", "");
  }
  if (view.day && view.day->value("status", "") == "open") st.form.clinic_day_id = view.day->value("id", "");
  st.focus_first = true;
}

void DrawEncounter(EncounterState& st, const AppView& view, AppModel& actions, Nav& nav) {
  EncounterForm& f = st.form;
  const Lang lang = view.prefs.lang;
  if (f.patient_id.empty()) {
    ui::Muted(tr(S::en_pick_patient));
    if (ui::PrimaryButton(tr(S::nav_patients), ui::em() * 8)) nav.go = Screen::patients;
    return;
  }
  bool enter_handled = false;
  const bool columns = !nav.portrait;

  // Header: who, where.
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::SetWindowFontScale(1.2f);
  ImGui::TextUnformatted(f.patient_name.c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ui::Muted(view.day ? (view.day->value("date", "") + "  " + view.place_label(view.day->value("place_code", ""))).c_str()
                     : tr(S::no_day));

  ImGui::BeginChild("enc_main", ImVec2(columns ? ImGui::GetContentRegionAvail().x * 0.62f : -1, columns ? -ui::touch_h() * 1.4f : 0),
                    false, columns ? 0 : ImGuiWindowFlags_AlwaysAutoResize);
  // Station chips: the day's stations, or the usual list.
  ImGui::TextUnformatted(tr(S::en_station));
  std::vector<std::string> stations;
  if (view.day && (*view.day)["stations"].is_array())
    for (const auto& s : (*view.day)["stations"]) stations.push_back(s.get<std::string>());
  if (stations.empty()) stations = common_stations();
  for (size_t i = 0; i < stations.size(); ++i) {
    if (i) ImGui::SameLine();
    if (ImGui::GetCursorPosX() + ui::em() * 4 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
    ImGui::PushID(static_cast<int>(i));
    if (ui::Chip(stations[i].c_str(), f.station == stations[i])) f.station = stations[i];
    ImGui::PopID();
  }

  if (st.focus_first) {
    ImGui::SetKeyboardFocusHere();
    st.focus_first = false;
  }
  ui::TextField(tr(S::en_complaint), "##complaint", &f.complaint, f.errors, "complaint");
  ui::SectionTitle(tr(S::en_vitals));
  draw_vitals(st, view);

  ui::SectionTitle(tr(S::en_diagnoses));
  for (size_t i = 0; i < f.diagnoses.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (ui::Button("×", ui::touch_h())) {
      f.diagnoses.erase(f.diagnoses.begin() + static_cast<long>(i));
      ImGui::PopID();
      break;
    }
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s  %s", f.diagnoses[i].code.c_str(), f.diagnoses[i].name.c_str());
    ImGui::PopID();
  }
  ImGui::SetNextItemWidth(-1);
  const bool dx_enter = ImGui::InputTextWithHint("##dx", tr(S::en_dx_search), &st.dx_query, ImGuiInputTextFlags_EnterReturnsTrue);
  const bool dx_active = ImGui::IsItemActive() || dx_enter;
  if (!st.dx_query.empty() || dx_active) {
    auto hits = search_icd10(st.dx_query, 8);
    if (dx_enter) {
      enter_handled = true;
      if (!hits.empty()) {
        f.add_diagnosis(std::string(hits[0]->code), std::string(hits[0]->zh));
        st.dx_query.clear();
        ImGui::SetKeyboardFocusHere(-1);  // stay in the field for the next one
      }
    }
    for (const auto* e : hits) {
      ImGui::PushID(e->code.data());
      std::string label = std::string(e->code) + "  " + std::string(lang == Lang::zh ? e->zh : e->en);
      if (ImGui::Selectable(label.c_str(), false, 0, ImVec2(0, ui::touch_h() * 0.8f))) {
        f.add_diagnosis(std::string(e->code), std::string(e->zh));
        st.dx_query.clear();
      }
      ImGui::PopID();
    }
  }

  ui::TextArea(tr(S::en_advice), "##advice", &f.advice, 2.2f);

  ui::SectionTitle(tr(S::en_dispense));
  for (size_t i = 0; i < f.dispenses.size(); ++i) {
    DispenseLine& d = f.dispenses[i];
    ImGui::PushID(static_cast<int>(i) + 1000);
    if (ui::Button("×", ui::touch_h())) {
      f.dispenses.erase(f.dispenses.begin() + static_cast<long>(i));
      ImGui::PopID();
      break;
    }
    ImGui::SameLine();
    if (ui::Button("-", ui::touch_h()) && d.quantity > 1) d.quantity -= 1;
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%g", d.quantity);
    ImGui::SameLine();
    if (ui::Button("+", ui::touch_h())) d.quantity += 1;
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s  %s × %.2f = %s", d.item.c_str(), d.unit.c_str(), d.unit_value, money(d.quantity * d.unit_value).c_str());
    if (auto e = f.errors.find("dispense." + std::to_string(i) + ".quantity"); e != f.errors.end()) ui::ErrorLine(e->second);
    ImGui::PopID();
  }
  ImGui::SetNextItemWidth(-1);
  const bool item_enter =
      ImGui::InputTextWithHint("##item", tr(S::en_item_search), &st.item_query, ImGuiInputTextFlags_EnterReturnsTrue);
  if (!st.item_query.empty() || ImGui::IsItemActive() || item_enter) {
    auto hits = search_stock(view.stock, st.item_query, 8);
    if (item_enter) {
      enter_handled = true;
      if (!hits.empty()) {
        f.add_dispense({hits[0]->name, hits[0]->kind, hits[0]->unit, 1, hits[0]->unit_value});
        st.item_query.clear();
        ImGui::SetKeyboardFocusHere(-1);
      }
    }
    for (const auto* s : hits) {
      ImGui::PushID(s->name.c_str());
      std::string label = s->name + "  " + money(s->unit_value) + "/" + s->unit;
      auto given = view.dispensed.find(s->name);
      if (given != view.dispensed.end()) label += "   " + trf(S::en_in_stock, given->second);
      if (ImGui::Selectable(label.c_str(), false, 0, ImVec2(0, ui::touch_h() * 0.8f))) {
        f.add_dispense({s->name, s->kind, s->unit, 1, s->unit_value});
        st.item_query.clear();
      }
      ImGui::PopID();
    }
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::TextUnformatted(trf(S::en_value_total, money(f.dispensed_value()).c_str()).c_str());
  ImGui::PopStyleColor();

  ui::SectionTitle(tr(S::en_refer));
  ImGui::Checkbox(tr(S::en_refer), &f.refer);
  if (f.refer) {
    ui::TextField(tr(S::en_refer_to), "##rto", &f.refer_to, f.errors, "referral.to_facility");
    ui::TextField(tr(S::en_refer_reason), "##rwhy", &f.refer_reason, f.errors, "referral.reason");
    ImGui::TextUnformatted(tr(S::en_urgency));
    const std::pair<const char*, S> urg[] = {{"routine", S::en_urg_routine}, {"urgent", S::en_urg_urgent}, {"emergency", S::en_urg_emergency}};
    for (size_t i = 0; i < 3; ++i) {
      if (i) ImGui::SameLine();
      if (ui::Chip(tr(urg[i].second), f.refer_urgency == urg[i].first)) f.refer_urgency = urg[i].first;
    }
  }
  ImGui::Checkbox(tr(S::en_follow_up), &f.follow_up);
  if (f.follow_up) {
    ui::TextField(tr(S::en_follow_up_date), "##fud", &f.follow_up_date, f.errors, "follow_up.due_date", ui::em() * 10, 0, "YYYY-MM-DD");
    ui::TextField(tr(S::en_follow_up_reason), "##fur", &f.follow_up_reason, f.errors, "follow_up.reason");
  }
  ui::SectionTitle(tr(S::en_screening));
  ui::Muted(tr(S::en_screening_later));
  ImGui::EndChild();

  if (columns) {
    ImGui::SameLine();
    ImGui::BeginChild("enc_side", ImVec2(-1, -ui::touch_h() * 1.4f), true);
    ui::SectionTitle(tr(S::en_keypad));
    const VitalKind* k = find_vital(st.keypad_target.empty() ? "sbp" : st.keypad_target);
    if (st.keypad_target.empty()) st.keypad_target = "sbp";
    if (k) ImGui::Text("%s  %s", lang == Lang::zh ? std::string(k->zh).c_str() : std::string(k->en).c_str(), f.vitals[st.keypad_target].c_str());
    ui::Keypad("keypad", &f.vitals[st.keypad_target]);
    ImGui::EndChild();
  }

  // The save bar stays at the bottom.
  if (ui::PrimaryButton(st.saving ? tr(S::saving) : tr(S::en_save), ui::em() * 9)) save(st, view, actions);
  ImGui::SameLine();
  if (ui::Button(tr(S::cancel), ui::em() * 5)) {
    st.form = EncounterForm{};
    actions.clear_draft("encounter");
    nav.go = Screen::patients;
  }
  ImGui::SameLine();
  ui::Muted(tr(S::keys_hint));
  if (!f.errors.empty()) {
    ImGui::SameLine();
    ui::ErrorLine(f.errors.begin()->second);
  }
  const bool ctrl_s = ui::CtrlPressed('s');
  if ((ui::EnterPressed() && !enter_handled && !ImGui::GetIO().KeyShift && !ImGui::IsAnyItemActive()) || ctrl_s)
    save(st, view, actions);
  if (ui::EscapePressed() && !ImGui::IsAnyItemActive()) nav.go = Screen::patients;
}

}  // namespace yz::app
