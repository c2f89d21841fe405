// The village picker of registration and the clinic day: the place list
// (ui::PlacePicker, a village shown with its township) and, under it, "add
// village" for a nurse offline whose village is missing: a name under a
// township chosen from the county's townships, or under a new township
// typed beside them. The place is written by AppModel::add_village on the
// writer worker (core/care/places.h add_place: a provisional code).
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"

namespace yz::app {

namespace {

void start_adding(VillagePickerState& st) {
  st.adding = true;
  st.focus_name = true;
  st.errors.clear();
  st.township_code.clear();
  st.new_township.clear();
  // What was typed in the filter and found nothing is usually the name.
  st.name = st.filter;
  if (!st.name.empty() && st.name[0] >= '0' && st.name[0] <= '9') st.name.clear();
}

void save(VillagePickerState& st, AppModel& actions) {
  if (st.saving) return;
  st.saving = true;
  st.errors.clear();
  actions.add_village(
      st.name, st.township_code, st.new_township,
      [&st](const std::string& code) {
        st.saving = false;
        st.adding = false;
        st.added_code = code;
        st.filter.clear();
      },
      [&st](const std::vector<FieldError>& errs) {
        st.saving = false;
        place_errors(errs, st.errors);
      });
}

// A field (under its label, when one is given) with its problem underneath (as ui::TextField draws
// one); true when Enter was pressed in it this frame.
bool field(const char* label, const char* id, std::string* value, const FieldErrors& errors, const std::string& key,
           float width, const char* hint, bool* changed) {
  if (label) ImGui::TextUnformatted(label);
  const auto err = errors.find(key);
  if (err != errors.end()) {
    ImGui::PushStyleColor(ImGuiCol_Border, ui::col_error());
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 2.0f);
  }
  ImGui::SetNextItemWidth(width);
  *changed = hint ? ImGui::InputTextWithHint(id, hint, value) : ImGui::InputText(id, value);
  const bool enter = (ImGui::IsItemActive() || ImGui::IsItemDeactivated()) && ui::EnterPressed();
  if (err != errors.end()) {
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ui::ErrorLine(err->second);
  }
  return enter;
}

// The add-village panel; true when Enter in one of its fields asked to save.
bool draw_add(VillagePickerState& st, const AppView& view, AppModel& actions) {
  bool enter = false, changed = false;
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::TextUnformatted(tr(S::vp_title));
  ImGui::PopStyleColor();

  // The townships of the team's county (all known ones when it has none).
  std::vector<const PlaceRow*> townships;
  for (const auto& p : view.places)
    if (p.level == "township" && (view.team_county.empty() || p.parent_code == view.team_county))
      townships.push_back(&p);
  // The name and a new township side by side; the known townships under them.
  const bool opened = st.focus_name;
  // Both labels on one line, then both fields (a label beside a field
  // would sit lower, on its text baseline).
  const bool two = !view.team_county.empty();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float half = two ? (ImGui::GetContentRegionAvail().x - gap) / 2 : ImGui::GetContentRegionAvail().x;
  const float x0 = ImGui::GetCursorPosX();
  ImGui::TextUnformatted(tr(S::vp_name));
  if (two) {
    ImGui::SameLine(x0 + half + gap);
    ImGui::TextUnformatted(townships.empty() ? tr(S::vp_township) : tr(S::vp_new_township));
  }
  ImGui::BeginGroup();
  if (st.focus_name) {
    ImGui::SetKeyboardFocusHere();
    st.focus_name = false;
  }
  enter |= field(nullptr, "##vp_name", &st.name, st.errors, "name", half, nullptr, &changed);
  ImGui::EndGroup();
  if (two) {
    ImGui::SameLine();
    ImGui::BeginGroup();
    enter |= field(nullptr, "##vp_township", &st.new_township, st.errors, "township", half,
                   tr(S::vp_new_township_hint), &changed);
    if (changed) st.township_code.clear();
    ImGui::EndGroup();
  }
  if (!townships.empty()) {
    ImGui::TextUnformatted(tr(S::vp_township));
    for (const PlaceRow* p : townships) {
      ImGui::PushID(p->code.c_str());
      if (p != townships.front()) {
        ImGui::SameLine();
        if (ImGui::GetCursorPosX() + ui::em() * 6 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
      }
      if (ui::Chip(p->name.c_str(), st.township_code == p->code && st.new_township.empty(), ui::em() * 5)) {
        st.township_code = p->code;
        st.new_township.clear();
        st.errors.erase("township");
      }
      ImGui::PopID();
    }
  }
  if (view.team_county.empty()) {
    if (auto e = st.errors.find("township"); e != st.errors.end()) ui::ErrorLine(e->second);
    if (townships.empty()) ui::Muted(tr(S::vp_no_county));
  }
  if (ui::PrimaryButton(st.saving ? tr(S::saving) : tr(S::vp_save), ui::em() * 6)) save(st, actions);
  ImGui::SameLine();
  if (ui::Button(tr(S::cancel), ui::em() * 5)) st.adding = false;
  if (opened) ImGui::SetScrollHereY(1.0f);  // the whole panel in view when it opens
  ImGui::Separator();
  if (enter) save(st, actions);
  return enter;
}

}  // namespace

bool DrawVillagePicker(const char* id, VillagePickerState& st, std::string* code, const AppView& view,
                       AppModel& actions, float list_height) {
  st.took_key = false;
  ImGui::PushID(id);
  bool picked = false;
  if (!st.added_code.empty()) {
    *code = st.added_code;
    st.added_code.clear();
    picked = true;
  }
  bool add = false;
  if (ui::PlacePicker("list", &st.filter, code, view.places, tr(S::cd_place_hint), list_height, tr(S::vp_add), &add)) {
    picked = true;
    if (ui::EnterPressed()) st.took_key = true;  // Enter picked the only match: it saves nothing else
  }
  if (add) {
    if (st.adding) st.adding = false;
    else start_adding(st);
  }
  if (st.adding) {
    st.took_key = draw_add(st, view, actions);
    if (ui::EscapePressed()) st.adding = false, st.took_key = true;
  }
  ImGui::PopID();
  return picked;
}

}  // namespace yz::app
