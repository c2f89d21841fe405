// Day summary: the numbers a team reports (人次, people, screenings and
// positives by programme, referrals, home visits, medicines and their value),
// with bars by programme and by station.
#include <imgui.h>

#include "app/yizhen/chart.h"
#include "app/yizhen/model/summary.h"
#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"

namespace yz::app {

void DrawDaySummary(SummaryState&, const AppView& view, AppModel& actions, Nav& nav) {
  const Lang lang = view.prefs.lang;
  ui::SectionTitle(tr(S::sum_title));
  if (!view.summary) {
    ui::Muted(tr(S::sum_no_day));
    if (ui::PrimaryButton(tr(S::nav_clinic_day), ui::em() * 8)) nav.go = Screen::clinic_day;
    return;
  }
  const json& d = view.summary->day;
  ImGui::SetWindowFontScale(1.2f);
  ImGui::TextWrapped("%s  %s  %s", d.value("date", "").c_str(), clinic_day_kind_name(d.value("kind", ""), lang).c_str(),
                     view.place_label(d.value("place_code", "")).c_str());
  ImGui::SetWindowFontScale(1.0f);
  if (ui::Button(tr(S::sum_refresh), ui::em() * 6)) actions.refresh_day();
  const float w = nav.portrait ? -1 : std::min(ImGui::GetContentRegionAvail().x, ui::em() * 34);
  if (ImGui::BeginTable("summary", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH,
                        ImVec2(w, 0))) {
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthStretch, 2);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    for (const auto& r : summary_rows(*view.summary, view.programs, lang)) {
      ImGui::TableNextRow(0, ui::touch_h() * 0.8f);
      ImGui::TableNextColumn();
      if (r.header) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
        ImGui::TextUnformatted(r.label.c_str());
        ImGui::PopStyleColor();
        continue;
      }
      ImGui::TextUnformatted(r.label.c_str());
      ImGui::TableNextColumn();
      ImGui::SetWindowFontScale(1.15f);
      ImGui::TextUnformatted(r.value.c_str());
      ImGui::SetWindowFontScale(1.0f);
    }
    ImGui::EndTable();
  }
  for (const BarGroup& g : summary_bars(*view.summary, view.programs, lang)) {
    ImGui::Spacing();
    ui::BarChart(g, w > 0 ? w : ImGui::GetContentRegionAvail().x);
  }
  if (!view.dispensed.empty()) {
    ui::SectionTitle(tr(S::en_dispense));
    for (const auto& [item, qty] : view.dispensed) ImGui::Text("%s  ×%g", item.c_str(), qty);
  }
}

}  // namespace yz::app
