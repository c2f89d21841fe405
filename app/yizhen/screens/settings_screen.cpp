// Settings: language, text scale, team and device, font override.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"

namespace yz::app {

void DrawSettings(SettingsState& st, const AppView& view, AppModel& actions, Nav&) {
  if (!st.loaded) {
    st.font_path = view.prefs.font_path;
    st.device_name = view.prefs.device_name;
    st.loaded = true;
  }
  ui::SectionTitle(tr(S::st_title));
  ImGui::TextUnformatted(tr(S::st_language));
  if (ui::Chip("简体中文", view.prefs.lang == Lang::zh)) actions.set_lang(Lang::zh);
  ImGui::SameLine();
  if (ui::Chip("English", view.prefs.lang == Lang::en)) actions.set_lang(Lang::en);

  ImGui::TextUnformatted(tr(S::st_scale));
  for (float s : {0.85f, 1.0f, 1.25f, 1.5f, 2.0f}) {
    char label[16];
    std::snprintf(label, sizeof label, "%.0f%%", s * 100);
    if (s != 0.85f) ImGui::SameLine();
    if (ui::Chip(label, std::abs(view.prefs.scale - s) < 0.01f)) {
      actions.set_scale(s);
      st.fonts_dirty = true;
    }
  }

  ImGui::TextUnformatted(tr(S::st_team));
  for (const auto& t : view.teams) {
    ImGui::PushID(t.id.c_str());
    if (ImGui::GetCursorPosX() + ui::em() * 10 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
    if (ui::Chip(t.name.c_str(), view.prefs.team_id == t.id)) {
      actions.view_mut().prefs.team_id = t.id;
      actions.set_pref("pref.team_id", t.id);
    }
    ImGui::SameLine();
    ImGui::PopID();
  }
  ImGui::NewLine();
  static const FieldErrors kNone;
  ui::TextField(tr(S::st_device), "##device", &st.device_name, kNone, "", ui::em() * 16);
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    actions.view_mut().prefs.device_name = st.device_name;
    actions.set_pref("pref.device_name", st.device_name);
  }
  ImGui::Text("%s  %s", tr(S::st_device_id), view.device_id.c_str());
  ImGui::Text("%s  %s", tr(S::st_db), view.db_path.c_str());
  // Encryption and the lock (lock_screen.cpp): a plain database says how to encrypt it.
  ImGui::PushTextWrapPos(0);
  if (!view.lock.protects()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_warn());
    ImGui::TextUnformatted(trf(S::st_plain_db, view.db_path.c_str()).c_str());
    ImGui::PopStyleColor();
  } else {
    ui::Muted(tr(S::st_encrypted_db));
  }
  ImGui::PopTextWrapPos();
  if (view.lock.protects()) {
    ImGui::TextUnformatted(tr(S::st_lock_minutes));
    for (int minutes : {1, 2, 5, 10, 15, 30, 0}) {
      const std::string label = std::to_string(minutes);
      if (minutes != 1) ImGui::SameLine();
      ImGui::PushID(minutes);
      if (ui::Chip(label.c_str(), view.prefs.lock_minutes == minutes, ui::em() * 2.5f)) actions.set_lock_minutes(minutes);
      ImGui::PopID();
    }
  }
  ui::TextField(tr(S::st_font), "##font", &st.font_path, kNone, "", -ui::em() * 6);
  ImGui::SameLine();
  if (ui::Button(tr(S::st_apply), ui::em() * 5)) {
    actions.view_mut().prefs.font_path = st.font_path;
    actions.set_pref("pref.font_path", st.font_path);
    st.fonts_dirty = true;
  }
}

}  // namespace yz::app
