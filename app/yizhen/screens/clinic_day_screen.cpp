// Clinic day: open today's 义诊 / 巡回医疗 / screening session at a place,
// with the stations offered and the staff present; close it with a summary;
// pick another recent day as the current one.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/yizhen/model/summary.h"
#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"

namespace yz::app {

namespace {

void wrap_next(float width) {
  if (ImGui::GetCursorPosX() + width > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
}

void draw_new_day(ClinicDayState& st, const AppView& view, AppModel& actions) {
  ClinicDayForm& f = st.form;
  const Lang lang = view.prefs.lang;
  if (f.date.empty()) f.date = view.today;
  if (f.team_id.empty()) f.team_id = view.prefs.team_id;
  if (f.stations.empty()) f.stations = view.team_stations.empty() ? default_stations() : view.team_stations;
  ui::SectionTitle(tr(S::cd_open_new));
  ui::TextField(tr(S::cd_date), "##date", &f.date, f.errors, "date", ui::em() * 10);
  ImGui::TextUnformatted(tr(S::cd_kind));
  for (const auto& k : clinic_day_kinds()) {
    if (&k != &clinic_day_kinds().front()) ImGui::SameLine();
    if (ui::Chip(k.name(lang).c_str(), f.kind == k.id)) f.kind = k.id;
  }
  ui::TextField(tr(S::cd_campaign), "##campaign", &f.campaign, f.errors, "campaign");
  ImGui::TextUnformatted(tr(S::cd_place));
  if (!f.place_code.empty()) {
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
    ImGui::TextUnformatted((view.place_label(f.place_code) + "  " + f.place_code).c_str());
    ImGui::PopStyleColor();
  }
  if (DrawVillagePicker("place", st.place, &f.place_code, view, actions, ui::touch_h() * 4)) f.errors.erase("place_code");
  if (auto e = f.errors.find("place_code"); e != f.errors.end()) ui::ErrorLine(e->second);

  ImGui::TextUnformatted(tr(S::cd_team));
  for (const auto& t : view.teams) {
    ImGui::PushID(t.id.c_str());
    wrap_next(ui::em() * 8);
    if (ui::Chip(t.name.c_str(), f.team_id == t.id)) f.team_id = t.id;
    ImGui::SameLine();
    ImGui::PopID();
  }
  ImGui::NewLine();
  if (auto e = f.errors.find("team_id"); e != f.errors.end()) ui::ErrorLine(e->second);

  ImGui::TextUnformatted(tr(S::cd_stations));
  for (const auto& s : stations()) {
    ImGui::PushID(s.c_str());
    wrap_next(ui::em() * 4);
    ui::ToggleChip(s.c_str(), f.stations, s);
    ImGui::SameLine();
    ImGui::PopID();
  }
  ImGui::NewLine();
  ImGui::TextUnformatted(tr(S::cd_staff));
  // A new day starts with the whole team present; the absent are taken off.
  if (!st.staff_offered && f.staff.empty()) {
    for (const auto& m : view.members)
      if (m.team_id == f.team_id) f.staff.push_back(m.id);
    st.staff_offered = !f.staff.empty();
  }
  for (const auto& m : view.members) {
    if (m.team_id != f.team_id) continue;
    ImGui::PushID(m.id.c_str());
    wrap_next(ui::em() * 5);
    ui::ToggleChip(m.name.c_str(), f.staff, m.id);
    ImGui::SameLine();
    ImGui::PopID();
  }
  ImGui::NewLine();
  ui::TextArea(tr(S::cd_notes), "##notes", &f.notes, 2);
}

// Open / Cancel, under the fields (always in view).
void draw_new_day_bar(ClinicDayState& st, AppModel& actions) {
  ClinicDayForm& f = st.form;
  if (!f.errors.empty()) ui::ErrorLine(f.errors.begin()->second);
  const bool keys = st.place.keys_free();
  if (ui::PrimaryButton(tr(S::cd_open), ui::em() * 8) || (keys && ui::EnterPressed() && !ImGui::IsAnyItemActive())) {
    if (f.check())
      actions.open_day(
          f,
          [&st](const std::string&) {
            st.creating = false;
            st.staff_offered = false;
            st.form = ClinicDayForm{};
          },
          [&st](const std::vector<FieldError>& errs) {
            st.form.errors.clear();
            place_errors(errs, st.form.errors);
          });
  }
  ImGui::SameLine();
  if (ui::Button(tr(S::cancel), ui::em() * 5) || (keys && ui::EscapePressed())) {
    st.creating = false;
    actions.clear_draft("clinic_day");
  }
}
}  // namespace

void DrawClinicDay(ClinicDayState& st, const AppView& view, AppModel& actions, Nav& nav) {
  const Lang lang = view.prefs.lang;
  const bool columns = !nav.portrait;
  // A team's very first clinic day: the form is open already.
  if (view.ready && !st.offered_first) {
    st.offered_first = true;
    if (view.days.empty() && !view.day) st.creating = true;
  }
  // Portrait: the day (or the new day's form) on top, the recent days below
  // with room for a few rows.
  const float avail_h = ImGui::GetContentRegionAvail().y;
  const float left_h = columns       ? -1
                       : st.creating ? avail_h * 0.72f
                                     : std::clamp(st.day_h, ui::em() * 4, avail_h * 0.6f);
  ImGui::BeginChild("cd_left", ImVec2(columns ? ImGui::GetContentRegionAvail().x * 0.5f : -1, left_h), false);
  if (st.creating) ui::BeginFormBody("cd_body", st.form.errors.empty() ? 0 : 1);
  ui::SectionTitle(tr(S::cd_title));
  if (view.day) {
    const json& d = *view.day;
    const bool open = d.value("status", "") == "open";
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextWrapped("%s  %s  %s", d.value("date", "").c_str(), clinic_day_kind_name(d.value("kind", ""), lang).c_str(),
                       view.place_label(d.value("place_code", "")).c_str());
    ImGui::SetWindowFontScale(1.0f);
    if (d.contains("campaign") && d["campaign"].is_string()) ui::Muted(d["campaign"].get<std::string>().c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, open ? ui::col_ok() : ui::col_muted());
    ImGui::TextUnformatted(open ? tr(S::cd_status_open) : tr(S::cd_status_closed));
    ImGui::PopStyleColor();
    if (d.contains("stations") && d["stations"].is_array()) {
      std::string s;
      for (const auto& x : d["stations"]) s += (s.empty() ? "" : "、") + x.get<std::string>();
      ImGui::TextWrapped("%s%s%s", tr(S::cd_stations), tr(S::colon), s.c_str());
    }
    if (d.contains("staff") && d["staff"].is_array()) {
      std::string s;
      for (const auto& x : d["staff"]) s += (s.empty() ? "" : "、") + view.member_name(x.get<std::string>());
      ImGui::TextWrapped("%s%s%s", tr(S::cd_staff), tr(S::colon), s.c_str());
    }
    if (view.summary) ImGui::TextWrapped("%s", summary_text(*view.summary, lang).c_str());
    if (open) {
      if (!st.confirm_close) {
        if (ui::DangerButton(tr(S::cd_close), ui::em() * 9)) st.confirm_close = true;
      } else {
        ImGui::TextWrapped("%s", tr(S::cd_close_confirm));
        if (ui::DangerButton(tr(S::yes), ui::em() * 5)) {
          actions.close_day(d.value("id", ""));
          st.confirm_close = false;
        }
        ImGui::SameLine();
        if (ui::Button(tr(S::no), ui::em() * 5)) st.confirm_close = false;
      }
    }
  } else {
    ui::Muted(tr(S::no_day));
  }
  if (st.creating) {
    draw_new_day(st, view, actions);
    ui::EndFormBody();
    draw_new_day_bar(st, actions);
  } else if (ui::PrimaryButton(tr(S::cd_open_new), ui::em() * 9)) {
    st.creating = true;
  }
  st.day_h = ImGui::GetCursorPosY();  // the content's height (the cursor counts the scroll too)
  ui::EndChild();
  if (columns) ImGui::SameLine();

  ImGui::BeginChild("cd_recent", ImVec2(-1, -1), true);
  ui::SectionTitle(tr(S::cd_recent));
  if (view.days.empty()) ui::Muted(tr(S::cd_none_yet));
  ImGuiListClipper clipper;
  const float row = ui::touch_h() + ImGui::GetStyle().ItemSpacing.y;
  clipper.Begin(static_cast<int>(view.days.size()), row);
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const json& d = view.days[static_cast<size_t>(i)];
      const std::string id = d.value("id", "");
      ImGui::PushID(id.c_str());
      std::string label = d.value("date", "") + "  " + clinic_day_kind_name(d.value("kind", ""), lang) + "  " +
                          view.place_label(d.value("place_code", "")) + "  · " +
                          (d.value("status", "") == "open" ? tr(S::cd_status_open) : tr(S::cd_status_closed));
      if (ImGui::Selectable(label.c_str(), id == view.prefs.day_id, 0, ImVec2(0, ui::touch_h())))
        actions.select_day(id);
      ImGui::PopID();
    }
  ui::EndChild();
}

}  // namespace yz::app
