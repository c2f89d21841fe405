// Follow-ups: who is due or overdue in this village (or township, county),
// and mark them done with a result, lost with a reason, or due on a new
// date: each after a confirmation dialog.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"

namespace yz::app {

namespace {

// Taps in the first moments after the dialog opened are the second half of
// a double tap on the row: they confirm nothing.
constexpr double kSettleSeconds = 0.4;

// The dialog that confirms a row's step, with the result, reason or new date
// it needs (errors under it, from the care command).
void DrawFollowUpConfirm(FollowUpsState& st, AppModel& actions) {
  if (!st.pending) return;
  FollowUpsState::Pending& p = *st.pending;
  using Step = AppModel::FollowUpStep;
  const char* popup = "##fu_confirm";
  if (!ImGui::IsPopupOpen(popup)) ImGui::OpenPopup(popup);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(vp->WorkSize.x * 0.9f, ui::em() * 30), 0));
  if (!ImGui::BeginPopupModal(popup, nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove)) return;
  const S question = p.step == Step::done ? S::fu_confirm_done
                     : p.step == Step::lost ? S::fu_confirm_lost
                                            : S::fu_confirm_reschedule;
  ui::SectionTitle(trf(question, p.name.c_str()).c_str());
  const S hint = p.step == Step::done ? S::fu_result : p.step == Step::lost ? S::fu_lost_reason : S::fu_new_date;
  // The keyboard stays in the field: a tap outside the dialog (the second
  // half of a double tap) must not leave typing with nowhere to go.
  if (p.focus || (!ImGui::IsAnyItemActive() && !ImGui::IsMouseDown(ImGuiMouseButton_Left))) {
    ImGui::SetKeyboardFocusHere();
    p.focus = false;
  }
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##text", tr(hint), &p.text);
  for (const auto& [field, message] : p.errors) ui::ErrorLine(message);
  const bool settled = ImGui::GetTime() - p.opened_s > kSettleSeconds;
  const bool disabled = !settled || p.busy;  // one value for Begin and End
  ImGui::BeginDisabled(disabled);
  const bool confirm = ui::PrimaryButton(tr(S::fu_confirm), ui::em() * 8) || (!disabled && ui::EnterPressed());
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool cancel = ui::Button(tr(S::fu_cancel), ui::em() * 6) || ui::EscapePressed();
  if (confirm && !disabled) {
    p.busy = true;
    const std::string id = p.id;
    actions.follow_up_step(
        p.step, id, p.text,
        [&st, id] {
          if (st.pending && st.pending->id == id) st.pending.reset();
          st.results.erase(id);
        },
        [&st, id](const std::vector<FieldError>& errs) {
          if (!st.pending || st.pending->id != id) return;
          st.pending->busy = false;
          st.pending->focus = true;
          st.pending->errors.clear();
          place_errors(errs, st.pending->errors);
        });
  } else if (cancel && !p.busy) {
    st.pending.reset();
  }
  if (!st.pending) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace

void DrawFollowUps(FollowUpsState& st, const AppView& view, AppModel& actions, Nav& nav) {
  if (!st.loaded && view.ready) {
    // Start with the current day's place: that is the village the team is in.
    if (st.place_code.empty() && view.day) st.place_code = view.day->value("place_code", "");
    actions.load_follow_ups(st.place_code);
    st.loaded = true;
  }
  const bool columns = !nav.portrait;
  // Stacked, the places take at most a third of the height: the list is
  // what the nurse came for.
  const float stacked_h = std::min(ui::touch_h() * 5, ImGui::GetContentRegionAvail().y / 3);
  ImGui::BeginChild("fu_place", ImVec2(columns ? ui::em() * 16 : -1, columns ? -1 : stacked_h), false);
  ui::SectionTitle(tr(S::fu_place));
  if (ui::Chip(tr(S::fu_all), st.place_code.empty())) {
    st.place_code.clear();
    actions.load_follow_ups("");
  }
  if (ui::PlacePicker("fu", &st.place_filter, &st.place_code, view.places, tr(S::cd_place_hint), -1))
    actions.load_follow_ups(st.place_code);
  ui::EndChild();
  if (columns) ImGui::SameLine();

  ImGui::BeginChild("fu_list", ImVec2(-1, -1), true);
  int overdue = 0;
  for (const auto& f : view.follow_ups) overdue += f.effective_status == "overdue" ? 1 : 0;
  ui::SectionTitle((st.place_code.empty() ? std::string(tr(S::fu_all)) : view.place_label(st.place_code)).c_str());
  if (view.follow_ups.empty()) ui::Muted(tr(S::fu_none));
  else ui::Muted(trf(S::fu_count, static_cast<int>(view.follow_ups.size()), overdue).c_str());
  // The clipper measures the first row itself: a guessed height that was
  // off drew a few rows and then a blank band, worse the further scrolled.
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(view.follow_ups.size()));
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
      // The result box and the four buttons: on one line when they fit, the
      // buttons wrapping below at a large text scale (never cut off).
      const float buttons_w = ui::em() * 26;  // 21.5 em of buttons, their spacing and a margin
      const float avail = ImGui::GetContentRegionAvail().x;
      ImGui::SetNextItemWidth(avail - buttons_w >= ui::em() * 8 ? avail - buttons_w : avail);
      ImGui::InputTextWithHint("##result", tr(S::fu_result), &result);
      using Step = AppModel::FollowUpStep;
      auto ask = [&](Step step, std::string text) {
        FollowUpsState::Pending p;
        p.step = step;
        p.id = f.follow_up_id;
        p.name = f.name;
        p.text = std::move(text);
        p.opened_s = ImGui::GetTime();
        st.pending = std::move(p);
      };
      ui::SameLineIfFits(false, ui::em() * 6);
      if (ui::PrimaryButton(tr(S::fu_mark_done), ui::em() * 6)) ask(Step::done, result);
      ui::SameLineIfFits(false, ui::em() * 5);
      if (ui::Button(tr(S::fu_mark_lost), ui::em() * 5)) ask(Step::lost, result);
      ui::SameLineIfFits(false, ui::em() * 6.5f);
      if (ui::Button(tr(S::fu_reschedule), ui::em() * 6.5f)) ask(Step::reschedule, "");
      ui::SameLineIfFits(false, ui::em() * 4);
      if (ui::Button(tr(S::nav_patients), ui::em() * 4)) {
        actions.open_patient(f.patient_id);
        nav.go = Screen::patients;
      }
      ImGui::EndGroup();
      ImGui::Separator();
      ImGui::PopID();
    }
  ui::EndChild();
  DrawFollowUpConfirm(st, actions);
}

}  // namespace yz::app
