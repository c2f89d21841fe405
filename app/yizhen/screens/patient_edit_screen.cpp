// Editing a registered patient: every editable field, the problems the care
// command finds placed under their fields, and Save / Cancel in a bar that
// stays in view under the fields (which scroll on their own).
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"
#include "app/yizhen/ui_native.h"
#include "core/domain/validate.h"

namespace yz::app {

namespace {

void save(PatientEditState& st, AppModel& actions) {
  if (st.saving) return;
  st.saving = true;
  st.form.errors.clear();
  actions.edit_patient(
      st.form,
      [&st](std::vector<std::string>) {
        st.saving = false;
        st.closed = true;
      },
      show_refusal(st));
}

// Returns whether the notes field has the keyboard (Enter is a new line there).
bool draw_fields(PatientEditState& st, const AppView& view, AppModel& actions) {
  PatientEditForm& f = st.form;
  const Lang lang = view.prefs.lang;
  if (st.focus) {
    ImGui::SetKeyboardFocusHere();
    st.focus = false;
  }
  ui::TextField(tr(S::pd_name), "##name", &f.name, f.errors, "name");
  if (ui::TextField(tr(S::pd_id_number), "##id", &f.id_number, f.errors, "id_number", -1,
                    ImGuiInputTextFlags_CharsUppercase | ImGuiInputTextFlags_CharsNoBlank))
    f.on_id_number_changed(view.today);

  ImGui::TextUnformatted(tr(S::pd_sex));
  if (ui::Chip(tr(S::pd_male), f.sex == "M")) f.sex = "M";
  ImGui::SameLine();
  if (ui::Chip(tr(S::pd_female), f.sex == "F")) f.sex = "F";
  if (auto e = f.errors.find("sex"); e != f.errors.end()) ui::ErrorLine(e->second);

  // Birth date and age side by side, as at registration; an age typed here
  // stands for the birth date (estimated from it).
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  const float x0 = ImGui::GetCursorPosX();
  ImGui::TextUnformatted((std::string(tr(S::pd_birth)) + (f.birth_estimated ? tr(S::pd_estimated) : "")).c_str());
  ImGui::SameLine(x0 + half + ImGui::GetStyle().ItemSpacing.x);
  ImGui::TextUnformatted(tr(S::pd_age));
  ImGui::BeginGroup();
  ui::TextField(nullptr, "##birth", &f.birth_date, f.errors, "birth_date", half, 0, "YYYY-MM-DD");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ui::TextField(nullptr, "##age", &f.age, f.errors, "age", half, ImGuiInputTextFlags_CharsDecimal, tr(S::pe_age_hint));
  ImGui::EndGroup();
  ui::TextField(tr(S::pd_phone), "##phone", &f.phone, f.errors, "phone", -1, ImGuiInputTextFlags_CharsDecimal);
  ui::NativePreview(f.name_native,
                    ui::TextField(tr(S::pd_name_native), "##native", &f.name_native, f.errors, "name_native"));

  ImGui::TextUnformatted(tr(S::pd_ethnicity));
  for (const auto& code : common_ethnicities()) {
    if (&code != &common_ethnicities().front()) ImGui::SameLine();
    if (ImGui::GetCursorPosX() + ui::em() * 5 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
    ImGui::PushID(code.c_str());
    if (ui::Chip(std::string(ethnicity_name(code, lang)).c_str(), f.ethnicity == code))
      f.ethnicity = f.ethnicity == code ? "" : code;
    ImGui::PopID();
  }
  if (auto e = f.errors.find("ethnicity"); e != f.errors.end()) ui::ErrorLine(e->second);

  ImGui::TextUnformatted(tr(S::pd_village));
  if (!f.village_code.empty()) {
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
    ImGui::TextUnformatted((view.place_label(f.village_code) + "  " + f.village_code).c_str());
    ImGui::PopStyleColor();
  }
  if (DrawVillagePicker("edit_village", st.village, &f.village_code, view, actions, ui::touch_h() * 3.2f)) {
    f.errors.erase("village_code");
    f.household_id.clear();  // a household is in one village
    actions.load_households(f.village_code);
  }
  if (auto e = f.errors.find("village_code"); e != f.errors.end()) ui::ErrorLine(e->second);

  // The household: one of the village's (view().households, loaded when the
  // form opened or the village changed), or none.
  ImGui::TextUnformatted(tr(S::pe_household));
  if (ui::Chip(tr(S::pe_household_none), f.household_id.empty())) f.household_id.clear();
  for (const auto& h : view.households) {
    if (h.village_code != f.village_code) continue;
    ImGui::SameLine();
    if (ImGui::GetCursorPosX() + ui::em() * 6 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
    ImGui::PushID(h.id.c_str());
    if (ui::Chip(h.head_name.empty() ? h.address.c_str() : h.head_name.c_str(), f.household_id == h.id))
      f.household_id = h.id;
    ImGui::PopID();
  }
  if (auto e = f.errors.find("household_id"); e != f.errors.end()) ui::ErrorLine(e->second);

  ui::TextArea(tr(S::pe_notes), "##notes", &f.notes);
  const bool in_notes = ImGui::IsItemActive();
  if (auto e = f.errors.find("notes"); e != f.errors.end()) ui::ErrorLine(e->second);
  ImGui::Checkbox(tr(S::pd_consent), &f.consent);
  return in_notes;
}

}  // namespace

void DrawPatientEdit(PatientEditState& st, const AppView& view, AppModel& actions) {
  PatientEditForm& f = st.form;
  ui::SectionTitle((std::string(tr(S::pe_title)) + "  " + f.original.value("name", "")).c_str());
  // The fields scroll; the bar under them does not.
  ui::BeginFormBody("edit_fields", 1);  // the problems, or the keys hint
  const bool in_notes = draw_fields(st, view, actions);
  ui::EndFormBody();

  // Problems that have no field in view (or that the care command found on
  // a field the nurse did not touch) are named above the buttons.
  std::string problems;
  for (const auto& [field, message] : f.errors)
    problems += (problems.empty() ? "" : tr(S::list_sep)) + patient_field_label(field, view.prefs.lang) + tr(S::colon) +
                say(message, view.prefs.lang);
  if (!problems.empty()) ui::ErrorLine(problems);
  else ui::Muted(tr(S::keys_hint));
  if (ui::PrimaryButton(st.saving ? tr(S::saving) : tr(S::save), ui::em() * 9)) save(st, actions);
  ImGui::SameLine();
  if (ui::Button(tr(S::cancel), ui::em() * 5)) st.closed = true;

  const bool focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  const bool keys = st.village.keys_free();
  // Enter saves, except in the notes (a new line there).
  if (keys && focused && !in_notes && ui::EnterPressed()) save(st, actions);
  if (keys && ui::EscapePressed()) st.closed = true;
}

}  // namespace yz::app
