// Follow-ups: who is due or overdue in this village (or township, county),
// and mark them done with a result.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"

namespace yz::app {

void DrawFollowUps(FollowUpsState& st, const AppView& view, AppModel& actions, Nav& nav) {
  if (!st.loaded && view.ready) {
    // Start with the current day's place: that is the village the team is in.
    if (st.place_code.empty() && view.day) st.place_code = view.day->value("place_code", "");
    actions.load_follow_ups(st.place_code);
    st.loaded = true;
  }
  const bool columns = !nav.portrait;
  ImGui::BeginChild("fu_place", ImVec2(columns ? ui::em() * 16 : -1, columns ? -1 : ui::touch_h() * 5), false);
  ui::SectionTitle(tr(S::fu_place));
  if (ui::Chip(tr(S::fu_all), st.place_code.empty())) {
    st.place_code.clear();
    actions.load_follow_ups("");
  }
  if (ui::PlacePicker("fu", &st.place_filter, &st.place_code, view.places, tr(S::cd_place_hint), -1))
    actions.load_follow_ups(st.place_code);
  ImGui::EndChild();
  if (columns) ImGui::SameLine();

  ImGui::BeginChild("fu_list", ImVec2(-1, -1), true);
  int overdue = 0;
  for (const auto& f : view.follow_ups) overdue += f.effective_status == "overdue" ? 1 : 0;
  ui::SectionTitle((st.place_code.empty() ? std::string(tr(S::fu_all)) : view.place_label(st.place_code)).c_str());
  if (view.follow_ups.empty()) ui::Muted(tr(S::fu_none));
  else ui::Muted(trf(S::fu_count, static_cast<int>(view.follow_ups.size()), overdue).c_str());
  const float row = ui::touch_h() * 2 + ImGui::GetStyle().ItemSpacing.y * 3;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(view.follow_ups.size()), row);
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const WorklistRow& f = view.follow_ups[static_cast<size_t>(i)];
      const bool overdue_row = f.effective_status == "overdue";
      ImGui::PushID(f.follow_up_id.c_str());
      ImGui::BeginGroup();
      ImGui::PushStyleColor(ImGuiCol_Text, overdue_row ? ui::col_error() : ui::col_warn());
      ImGui::Text("%s  %s", f.due_date.c_str(), overdue_row ? tr(S::fu_overdue) : tr(S::fu_due));
      ImGui::PopStyleColor();
      ImGui::SameLine();
      ImGui::Text("%s  %s  %s", f.name.c_str(), f.phone.c_str(), view.place_label(f.village_code).c_str());
      ImGui::SameLine();
      ui::Muted(f.reason.c_str());
      std::string& result = st.results[f.follow_up_id];
      ImGui::SetNextItemWidth(std::max(ui::em() * 8, ImGui::GetContentRegionAvail().x - ui::em() * 14));
      ImGui::InputTextWithHint("##result", tr(S::fu_result), &result);
      ImGui::SameLine();
      if (ui::PrimaryButton(tr(S::fu_mark_done), ui::em() * 6)) actions.follow_up_done(f.follow_up_id, result);
      ImGui::SameLine();
      if (ui::Button(tr(S::nav_patients), ui::em() * 4)) {
        actions.open_patient(f.patient_id);
        nav.go = Screen::patients;
      }
      ImGui::EndGroup();
      ImGui::Separator();
      ImGui::PopID();
    }
  ImGui::EndChild();
}

}  // namespace yz::app
