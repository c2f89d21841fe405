// First start on a laptop with no team yet: a short wizard — language, team
// name and origin hospital, staff (name, role), the stations the team runs,
// the county it works in (place search). It calls the same core functions as
// `yizhenctl team init` / `member add` (core/care/team.h), on the writer
// worker; the place search runs there too (the UI thread runs no SQL).
#include <imgui.h>
#include <imgui_stdlib.h>


#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"
#include "core/care/places.h"
#include "core/care/team.h"
#include "core/domain/catalogue.h"

namespace yz::app {

namespace {

constexpr const char* kRoles[] = {"clinician", "nurse", "coordinator"};

void step_title(int step) {
  static const S kTitles[] = {S::fs_step_language, S::fs_step_team, S::fs_step_staff, S::fs_step_stations,
                              S::fs_step_county};
  ui::SectionTitle((std::to_string(step + 1) + " / 5  " + tr(kTitles[step])).c_str());
}

void search_county(FirstStartState& st, AppModel& actions) {
  const uint64_t gen = ++st.search_gen;
  const std::string q = st.county_query;
  actions.db().request<std::vector<PlaceHit>>(
      [q](Store& s) {
        std::vector<PlaceHit> out;
        // Counties (and prefecture-level cities without counties) only.
        for (auto& h : search_places(s.db(), q, 40))
          if (h.place.code.size() == 6 && h.place.level != "province" && out.size() < 12) out.push_back(std::move(h));
        return out;
      },
      [&st, gen](std::vector<PlaceHit> hits) {
        if (gen == st.search_gen) st.county_hits = std::move(hits);
      });
}

void finish(FirstStartState& st, AppModel& actions, Nav& nav) {
  st.saving = true;
  st.error.clear();
  TeamInit init{st.team_name, st.hospital, st.county_code, st.stations};
  auto staff = st.staff;
  actions.db().request<std::string>(
      [init, staff](Store& s) {
        std::string id;
        // One team with its staff: validated up front so a bad name writes nothing.
        for (const auto& m : staff)
          if (m.first.empty()) throw ValidationError(FieldError{"name", "required"});
        id = init_team(s, init);
        for (const auto& m : staff) add_member(s, m.first, m.second);
        return id;
      },
      [&st, &actions, &nav](std::string id) {
        st.saving = false;
        st.finished = true;
        actions.view_mut().prefs.team_id = id;
        actions.set_pref("pref.team_id", id);
        actions.load_all();
        actions.toast(S::fs_done);
        nav.go = Screen::clinic_day;
      },
      [&st, &actions](std::exception_ptr e) {
        st.saving = false;
        st.error = error_text(e, actions.lang());
      });
}

}  // namespace

void DrawFirstStart(FirstStartState& st, const AppView& view, AppModel& actions, Nav& nav) {
  ui::SectionTitle(tr(S::fs_title));
  static const FieldErrors kNone;
  const float field_w = ui::em() * 18;
  step_title(st.step);
  // Each step opens with the keyboard in its first field; Enter goes on.
  const bool focus = st.focus_step != st.step;
  st.focus_step = st.step;
  auto focus_here = [&] {
    if (focus) ImGui::SetKeyboardFocusHere();
  };
  bool enter_used = false;
  switch (st.step) {
    case 0:
      if (ui::Chip("简体中文", view.prefs.lang == Lang::zh, ui::em() * 6)) actions.set_lang(Lang::zh);
      ImGui::SameLine();
      if (ui::Chip("English", view.prefs.lang == Lang::en, ui::em() * 6)) actions.set_lang(Lang::en);
      break;
    case 1:
      focus_here();
      ui::TextField(tr(S::fs_team_name), "##fs_team", &st.team_name, kNone, "", field_w);
      ui::TextField(tr(S::fs_hospital), "##fs_hospital", &st.hospital, kNone, "", field_w);
      break;
    case 2: {
      // The name, its role and "add" stay in place; the staff added so far
      // are listed under them.
      if (focus || st.refocus_staff) ImGui::SetKeyboardFocusHere();
      st.refocus_staff = false;
      ui::TextField(tr(S::fs_staff_name), "##fs_staff", &st.staff_name, kNone, "", field_w);
      for (const char* r : kRoles) {
        if (r != kRoles[0]) ImGui::SameLine();
        if (ui::Chip(tr(role_label(r)), st.staff_role == r, ui::em() * 5)) {
          st.staff_role = r;
          st.refocus_staff = true;  // back to the name: it is typed there
        }
      }
      ImGui::SameLine(0, ui::em() * 1.5f);
      // Enter with a name adds the person (and stays for the next one);
      // Enter on an empty name goes on.
      if (ui::Button(tr(S::fs_add_staff), ui::em() * 8) || (ui::EnterPressed() && !st.staff_name.empty())) {
        enter_used = ui::EnterPressed();
        if (!st.staff_name.empty()) st.staff.emplace_back(st.staff_name, st.staff_role);
        st.staff_name.clear();
        st.refocus_staff = true;
      }
      ImGui::Spacing();
      for (size_t i = 0; i < st.staff.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%zu.  %s  ·  %s", i + 1, st.staff[i].first.c_str(), tr(role_label(st.staff[i].second)));
        ImGui::SameLine(ui::em() * 14);
        if (ui::Button(tr(S::remove), ui::em() * 4)) {
          st.staff.erase(st.staff.begin() + static_cast<std::ptrdiff_t>(i));
          ImGui::PopID();
          break;
        }
        ImGui::PopID();
      }
      break;
    }
    case 3:
      // The catalogue's stations, as a clinic day offers them.
      for (const auto& s : stations()) {
        ImGui::PushID(s.c_str());
        ui::SameLineIfFits(&s == &stations().front(), ui::em() * 5);
        ui::ToggleChip(s.c_str(), st.stations, s);
        ImGui::PopID();
      }
      break;
    case 4:
      focus_here();
      if (ui::TextField(tr(S::fs_county_search), "##fs_county", &st.county_query, kNone, "", field_w))
        search_county(st, actions);
      if (!st.county_code.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
        ImGui::Text("%s  %s  %s", tr(S::fs_county_chosen), st.county_label.c_str(), st.county_code.c_str());
        ImGui::PopStyleColor();
      }
      // Enter takes the first county found (then Enter again finishes).
      if (st.county_code.empty() && !st.county_hits.empty() && ui::EnterPressed()) {
        st.county_code = st.county_hits.front().place.code;
        st.county_label = st.county_hits.front().label;
        enter_used = true;
      }
      for (const auto& h : st.county_hits) {
        ImGui::PushID(h.place.code.c_str());
        if (ui::Chip((h.label + "  " + h.place.code).c_str(), st.county_code == h.place.code, ui::em() * 16)) {
          st.county_code = h.place.code;
          st.county_label = h.label;
        }
        ImGui::PopID();
      }
      break;
    default:
      break;
  }
  if (!st.error.empty()) ui::ErrorLine(st.error);
  ImGui::Spacing();
  if (st.step > 0) {
    if (ui::Button(tr(S::back), ui::em() * 6)) --st.step;
    ImGui::SameLine();
  }
  const bool ready = st.step == 1 ? !st.team_name.empty()
                     : st.step == 2 ? !st.staff.empty()
                     : st.step == 4 ? !st.county_code.empty() && !st.saving
                                    : true;
  const bool enter = ready && !enter_used && !focus && ui::EnterPressed();
  if (!ready) ImGui::BeginDisabled();
  if (st.step < 4) {
    if (ui::PrimaryButton(tr(S::fs_next), ui::em() * 8) || enter) {
      st.error.clear();
      ++st.step;
    }
  } else if (ui::PrimaryButton(tr(S::fs_finish), ui::em() * 8) || enter) {
    finish(st, actions, nav);
  }
  if (!ready) ImGui::EndDisabled();
  ImGui::SameLine();
  ui::Muted(("Enter  " + std::string(tr(st.step < 4 ? S::fs_next : S::fs_finish))).c_str());
}

}  // namespace yz::app
