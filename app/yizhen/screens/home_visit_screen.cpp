// Home visit (入户诊疗, 送药): household, members seen, services, items given.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/yizhen/model/summary.h"
#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"

namespace yz::app {

void DrawHomeVisit(HomeVisitState& st, const AppView& view, AppModel& actions, Nav& nav) {
  HomeVisitForm& f = st.form;
  const bool columns = !nav.portrait;
  if (st.village_code.empty() && view.day) {
    st.village_code = view.day->value("place_code", "");
    if (!st.village_code.empty()) actions.load_households(st.village_code);
  }
  ImGui::BeginChild("hv_left", ImVec2(columns ? ui::em() * 18 : -1, columns ? -1 : ImGui::GetContentRegionAvail().y * 0.4f), false);
  ui::SectionTitle(tr(S::hv_village));
  if (ui::PlacePicker("hv", &st.village_filter, &st.village_code, view.places, tr(S::cd_place_hint), ui::touch_h() * 3)) {
    actions.load_households(st.village_code);
    f.household_id.clear();
    f.village_code = st.village_code;
  }
  ui::SectionTitle(tr(S::hv_households));
  if (st.village_code.empty()) ui::Muted(tr(S::hv_pick_village));
  else {
    if (ui::Button(tr(S::hv_new_household), ui::em() * 8)) {
      f.new_household = true;
      f.household_id.clear();
      f.patients.clear();
      f.village_code = st.village_code;
      if (view.day) f.clinic_day_id = view.day->value("id", "");
    }
    if (view.households.empty()) ui::Muted(tr(S::hv_no_households));
  }
  ImGui::BeginChild("hh", ImVec2(-1, -1), false);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(view.households.size()), ui::touch_h() + ImGui::GetStyle().ItemSpacing.y);
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const HouseholdRow& h = view.households[static_cast<size_t>(i)];
      ImGui::PushID(h.id.c_str());
      std::string label = (h.head_name.empty() ? h.id.substr(0, 8) : h.head_name) + "  " + h.address;
      if (ImGui::Selectable(label.c_str(), f.household_id == h.id, 0, ImVec2(0, ui::touch_h()))) {
        f.new_household = false;
        f.household_id = h.id;
        f.patients.clear();
        if (view.day) f.clinic_day_id = view.day->value("id", "");
      }
      ImGui::PopID();
    }
  ui::EndChild();
  ui::EndChild();
  if (columns) ImGui::SameLine();

  ImGui::BeginChild("hv_form", ImVec2(-1, -1), true);
  ui::SectionTitle(tr(S::hv_title));
  ui::BeginFormBody("hv_fields", static_cast<int>(f.errors.size()));  // a line per problem
  const HouseholdRow* hh = nullptr;
  for (const auto& h : view.households)
    if (h.id == f.household_id) hh = &h;
  if (f.new_household) {
    // A family met for the first time: registered with the visit, in the village picked.
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
    ImGui::TextWrapped("%s  %s", tr(S::hv_new_household_title), view.place_label(f.village_code).c_str());
    ImGui::PopStyleColor();
    ui::TextField(tr(S::hv_head_name), "##head", &f.head_name, f.errors, "household.head_name");
    ui::TextField(tr(S::hv_address), "##addr", &f.address, f.errors, "household.address");
    ui::TextField(tr(S::pd_phone), "##phone", &f.phone, f.errors, "household.phone", ui::em() * 12,
                  ImGuiInputTextFlags_CharsDecimal);
    if (auto e = f.errors.find("household.village_code"); e != f.errors.end()) ui::ErrorLine(e->second);
  } else if (!hh) {
    ui::Muted(tr(S::hv_households));
    if (auto e = f.errors.find("household_id"); e != f.errors.end()) ui::ErrorLine(e->second);
    ui::EndFormBody();
    ui::EndChild();
    return;
  } else {
    ImGui::Text("%s  %s  %s", hh->head_name.c_str(), hh->address.c_str(), hh->phone.c_str());
    ImGui::TextUnformatted(tr(S::hv_patients));
    for (const auto& p : hh->members) {
      ImGui::PushID(p.id.c_str());
      if (ImGui::GetCursorPosX() + ui::em() * 6 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
      ui::ToggleChip(p.name.c_str(), f.patients, p.id);
      ImGui::SameLine();
      ImGui::PopID();
    }
    ImGui::NewLine();
  }
  ImGui::TextUnformatted(tr(S::hv_services));
  for (const auto& s : common_services()) {
    ImGui::PushID(s.c_str());
    if (ImGui::GetCursorPosX() + ui::em() * 6 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
    ui::ToggleChip(s.c_str(), f.services, s);
    ImGui::SameLine();
    ImGui::PopID();
  }
  ImGui::NewLine();
  ui::SectionTitle(tr(S::hv_items));
  for (size_t i = 0; i < f.items.size(); ++i) {
    DispenseLine& d = f.items[i];
    ImGui::PushID(static_cast<int>(i));
    if (ui::QuantityRow(d.quantity, d.item + "  " + money(d.quantity * d.unit_value))) {
      f.items.erase(f.items.begin() + static_cast<long>(i));
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }
  ImGui::SetNextItemWidth(-1);
  const bool enter = ImGui::InputTextWithHint("##item", tr(S::en_item_search), &st.item_query, ImGuiInputTextFlags_EnterReturnsTrue);
  const bool item_active = ImGui::IsItemActive(), item_hovered = ImGui::IsItemHovered();
  const auto hits = search_stock(view.stock, st.item_query, 6);
  auto add = [&](const StockItem& s) {
    f.items.push_back({s.name, s.kind, s.unit, 1, s.unit_value});
    st.item_query.clear();
  };
  if (enter && !hits.empty()) add(*hits[0]);
  // A click in the list shown for an empty field picks too (ui::PickList).
  const int picked = ui::PickList("hv_items", item_active, item_hovered, st.item_open, st.item_query, hits.size(),
                                  [&](size_t i) { return hits[i]->name + "  " + money(hits[i]->unit_value) + "/" + hits[i]->unit; });
  if (picked >= 0) add(*hits[static_cast<size_t>(picked)]);
  ui::TextArea(tr(S::hv_notes), "##notes", &f.notes, 2);
  ui::EndFormBody();
  for (const auto& [k, v] : f.errors) ui::ErrorLine(v);
  if (ui::PrimaryButton(st.saving ? tr(S::saving) : tr(S::hv_save), ui::em() * 9) && !st.saving && f.check()) {
    st.saving = true;
    actions.save_home_visit(
        f,
        [&st, &actions](const std::string&) {
          st.saving = false;
          if (st.form.new_household) actions.load_households(st.village_code);  // the new family is listed now
          st.form = HomeVisitForm{};
        },
        show_refusal(st));
  }
  ImGui::SameLine();
  if (ui::Button(tr(S::cancel), ui::em() * 5)) {
    st.form = HomeVisitForm{};
    actions.clear_draft("home_visit");
  }
  ui::EndChild();
}

}  // namespace yz::app
