// The lock screen (DESIGN.md §7): the app opens here on an encrypted (or a
// new) database, and comes back here when locked. First the team
// passphrase, which the writer turns into the database key (Argon2id, a
// fraction of a second, off the UI thread: "解锁中…"); then who signs in —
// a staff member of the team and their PIN, typed or on the keypad. A member
// without a PIN chooses one here, typed twice.
#include <imgui.h>

#include <algorithm>

#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"

namespace yz::app {

namespace {

void wipe(std::string& s) {
  std::fill(s.begin(), s.end(), '\0');
  s.clear();
}

void draw_passphrase(LockScreenState& st, const AppView& view, AppModel& actions) {
  static const FieldErrors kNone;
  const bool fresh = view.lock.protection() == Protection::fresh;
  const float w = std::min(ui::em() * 22, ImGui::GetContentRegionAvail().x);
  if (fresh) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ui::em() * 30);
    ImGui::TextUnformatted(tr(S::lk_new_passphrase));
    ImGui::PopTextWrapPos();
  }
  if (st.focus == 1) ImGui::SetKeyboardFocusHere();
  ui::TextField(tr(S::lk_passphrase), "##lk_pass", &st.passphrase, kNone, "", w, ImGuiInputTextFlags_Password);
  // Enter ends the text field's activity in the frame it is pressed.
  const bool first_active = ImGui::IsItemActive() || ImGui::IsItemDeactivated();
  if (fresh) {
    if (st.focus == 2) ImGui::SetKeyboardFocusHere();
    ui::TextField(tr(S::lk_again), "##lk_again", &st.again, kNone, "", w, ImGuiInputTextFlags_Password);
  }
  st.focus = 0;
  const bool submit = ui::PrimaryButton(tr(fresh ? S::lk_create : S::lk_unlock), w);
  if (submit || ui::EnterPressed()) {
    if (fresh && ui::EnterPressed() && !submit && first_active && st.again.empty()) {
      st.focus = 2;  // Enter in the first field: on to the second
    } else {
      actions.unlock(st.passphrase, st.again);
      wipe(st.passphrase);
      wipe(st.again);
      st.focus = 1;
    }
  }
}

void draw_sign_in(LockScreenState& st, const AppView& view, AppModel& actions) {
  static const FieldErrors kNone;
  // With one member there is no one else to choose.
  if (st.member_id.empty() && view.staff.size() == 1) st.member_id = view.staff.front().id;
  const MemberRow* who = nullptr;
  for (const auto& m : view.staff)
    if (m.id == st.member_id) who = &m;
  ImGui::TextUnformatted(tr(S::lk_who));
  for (const auto& m : view.staff) {
    ImGui::PushID(m.id.c_str());
    const std::string label = m.name + " · " + tr(role_label(m.role));
    const float bw = ImGui::CalcTextSize(label.c_str()).x + ui::em() * 1.5f;
    if (&m != &view.staff.front()) ui::SameLineIfFits(false, bw);
    if (ui::Chip(label.c_str(), &m == who, bw) && st.member_id != m.id) {
      st.member_id = m.id;
      wipe(st.pin);
      wipe(st.pin_again);
      st.focus = 1;
      actions.view_mut().lock_error = {};
    }
    ImGui::PopID();
  }
  if (!who) return;
  ImGui::Spacing();
  const float w = std::min(ui::em() * 14, ImGui::GetContentRegionAvail().x);
  const bool setting = !who->has_pin;
  if (setting) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ui::em() * 30);
    ImGui::TextUnformatted(tr(S::lk_new_pin));
    ImGui::PopTextWrapPos();
  }
  const ImGuiInputTextFlags flags = ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal;
  if (st.focus == 1) ImGui::SetKeyboardFocusHere();
  ui::TextField(setting ? nullptr : tr(S::lk_pin), "##lk_pin", &st.pin, kNone, "", w, flags);
  const bool first_active = ImGui::IsItemActive() || ImGui::IsItemDeactivated();
  if (ImGui::IsItemActive()) st.keypad_on_again = false;
  if (setting) {
    if (st.focus == 2) ImGui::SetKeyboardFocusHere();
    ui::TextField(tr(S::lk_again), "##lk_pin_again", &st.pin_again, kNone, "", w, flags);
    if (ImGui::IsItemActive()) st.keypad_on_again = true;
  }
  st.focus = 0;
  ImGui::Spacing();
  ImGui::BeginGroup();
  ui::Keypad("lk_keypad", st.keypad_on_again && setting ? &st.pin_again : &st.pin);
  ImGui::EndGroup();
  const bool submit = ui::PrimaryButton(tr(setting ? S::lk_set_pin : S::lk_sign_in), w);
  if (view.staff.size() > 1) {
    ImGui::SameLine();
    if (ui::Button(tr(S::lk_other))) {
      st.member_id.clear();
      wipe(st.pin);
      wipe(st.pin_again);
      actions.view_mut().lock_error = {};
    }
  }
  if (submit || ui::EnterPressed()) {
    if (setting && !submit && first_active && st.pin_again.empty()) {
      st.focus = 2;  // Enter in the first field: on to the second
    } else {
      actions.sign_in(who->id, st.pin, st.pin_again);
      wipe(st.pin);
      wipe(st.pin_again);
      st.keypad_on_again = false;
      st.focus = 1;
    }
  }
}

}  // namespace

void DrawLock(LockScreenState& st, const AppView& view, AppModel& actions) {
  const LockStep step = view.lock.step();
  if (step != st.shown) {
    // A new step: its first field takes the keyboard; a member chosen before
    // a lock is chosen again only when they are the team's one member.
    st.shown = step;
    st.focus = 1;
    st.member_id.clear();
    wipe(st.pin);
    wipe(st.pin_again);
  }
  if (st.was_busy && !view.lock_busy) st.focus = 1;  // after a refusal: type again
  st.was_busy = view.lock_busy;

  const float w = std::min(ui::em() * 32, ImGui::GetContentRegionAvail().x);
  ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), (ImGui::GetWindowWidth() - w) / 2));
  ImGui::BeginGroup();
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::TextUnformatted(tr(S::lk_title));
  ImGui::PopStyleColor();
  ImGui::Spacing();
  ImGui::BeginDisabled(view.lock_busy);
  if (step == LockStep::passphrase) draw_passphrase(st, view, actions);
  else draw_sign_in(st, view, actions);
  ImGui::EndDisabled();
  if (view.lock_busy) ui::Muted(tr(step == LockStep::passphrase ? S::lk_unlocking : S::lk_checking));
  ui::ErrorLine(view.lock_error);
  ImGui::EndGroup();
}

}  // namespace yz::app
