#include "app/yizhen/ui.h"

#include <imgui_internal.h>  // touch scrolling: the window under the finger, the active item
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstring>

#include "app/yizhen/model/keypad.h"
#include "platform/window.h"

namespace yz::app::ui {

namespace {
float g_scale = 1.0f;
}

ImVec4 col_accent() { return ImVec4(0.0f, 0.45f, 0.48f, 1.0f); }
ImVec4 col_error() { return ImVec4(0.75f, 0.05f, 0.05f, 1.0f); }
ImVec4 col_warn() { return ImVec4(0.70f, 0.38f, 0.0f, 1.0f); }
ImVec4 col_ok() { return ImVec4(0.05f, 0.5f, 0.2f, 1.0f); }
ImVec4 col_muted() { return ImVec4(0.35f, 0.37f, 0.40f, 1.0f); }

void apply_theme(float scale) {
  g_scale = scale;
  ImGuiStyle& s = ImGui::GetStyle();
  s = ImGuiStyle();
  ImGui::StyleColorsLight(&s);
  s.WindowRounding = 0;
  s.ChildRounding = 6;
  s.FrameRounding = 6;
  s.GrabRounding = 6;
  s.PopupRounding = 6;
  s.ScrollbarRounding = 6;
  s.FrameBorderSize = 1;
  s.WindowBorderSize = 0;
  s.ChildBorderSize = 1;
  s.WindowPadding = ImVec2(14, 12);
  s.FramePadding = ImVec2(10, 10);
  s.ItemSpacing = ImVec2(10, 10);
  s.ItemInnerSpacing = ImVec2(8, 6);
  s.ScrollbarSize = 22;  // thumb-sized
  s.GrabMinSize = 22;
  s.TouchExtraPadding = ImVec2(4, 4);
  s.ScaleAllSizes(scale);
  ImVec4* c = s.Colors;
  c[ImGuiCol_Text] = ImVec4(0.06f, 0.07f, 0.09f, 1);
  c[ImGuiCol_TextDisabled] = col_muted();
  c[ImGuiCol_WindowBg] = ImVec4(0.965f, 0.97f, 0.975f, 1);
  c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
  c[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 1);
  c[ImGuiCol_Border] = ImVec4(0.78f, 0.80f, 0.83f, 1);
  c[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.93f, 0.97f, 0.97f, 1);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.88f, 0.95f, 0.95f, 1);
  c[ImGuiCol_Button] = ImVec4(0.90f, 0.92f, 0.94f, 1);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.82f, 0.91f, 0.91f, 1);
  c[ImGuiCol_ButtonActive] = ImVec4(0.70f, 0.86f, 0.86f, 1);
  c[ImGuiCol_Header] = ImVec4(0.86f, 0.94f, 0.94f, 1);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.80f, 0.92f, 0.92f, 1);
  c[ImGuiCol_HeaderActive] = ImVec4(0.70f, 0.88f, 0.88f, 1);
  c[ImGuiCol_CheckMark] = col_accent();
  c[ImGuiCol_SliderGrab] = col_accent();
  c[ImGuiCol_SliderGrabActive] = col_accent();
  c[ImGuiCol_NavHighlight] = ImVec4(0.0f, 0.55f, 0.6f, 1);
  c[ImGuiCol_TableHeaderBg] = ImVec4(0.92f, 0.94f, 0.95f, 1);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(0.975f, 0.98f, 0.985f, 1);
  c[ImGuiCol_Separator] = ImVec4(0.80f, 0.82f, 0.85f, 1);
}

float touch_h() { return std::max(44.0f * g_scale, em() * 2.2f); }

namespace {
bool sized_button(const char* label, float width) {
  return ImGui::Button(label, ImVec2(width, touch_h()));
}
}  // namespace

bool Button(const char* label, float width) { return sized_button(label, width); }

namespace {
// White text on the accent, also hovered and pressed; pop 4 colours.
// (Hovered stays dark enough for white text at 4.5:1, WCAG AA.)
void push_filled_colors() {
  ImGui::PushStyleColor(ImGuiCol_Button, col_accent());
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.0f, 0.40f, 0.43f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.0f, 0.33f, 0.36f, 1));
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
}
}  // namespace

bool PrimaryButton(const char* label, float width) {
  push_filled_colors();
  const bool r = sized_button(label, width);
  ImGui::PopStyleColor(4);
  return r;
}

bool NavButton(const char* label, bool selected, ImVec2 size) {
  if (selected) push_filled_colors();
  const bool r = ImGui::Button(label, size);
  if (selected) ImGui::PopStyleColor(4);
  return r;
}

bool DangerButton(const char* label, float width) {
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.98f, 0.90f, 0.90f, 1));
  ImGui::PushStyleColor(ImGuiCol_Text, col_error());
  const bool r = sized_button(label, width);
  ImGui::PopStyleColor(2);
  return r;
}

bool Chip(const char* label, bool selected, float min_width) {
  if (selected) push_filled_colors();
  float width = 0;
  if (min_width > 0) {
    const float natural = ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
    if (natural < min_width) width = min_width;
  }
  const bool r = sized_button(label, width);
  if (selected) ImGui::PopStyleColor(4);
  return r;
}

bool ToggleChip(const char* label, std::vector<std::string>& chosen, const std::string& value) {
  const auto it = std::find(chosen.begin(), chosen.end(), value);
  if (!Chip(label, it != chosen.end())) return false;
  if (it == chosen.end()) chosen.push_back(value);
  else chosen.erase(it);
  return true;
}

void SameLineIfFits(bool first, float width) {
  if (first) return;
  ImGui::SameLine();
  if (ImGui::GetCursorPosX() + width > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
}

void SectionTitle(const char* text) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, col_accent());
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

void Muted(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, col_muted());
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

void ErrorLine(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, col_error());
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

void ErrorLine(const Words& words) {
  if (words) ErrorLine(words(ui_lang()));
}

bool TextField(const char* label, const char* id, std::string* value, const FieldErrors& errors,
               const std::string& key, float width, ImGuiInputTextFlags flags, const char* hint) {
  if (label) ImGui::TextUnformatted(label);
  auto err = errors.find(key);
  const bool bad = err != errors.end();
  if (bad) {
    ImGui::PushStyleColor(ImGuiCol_Border, col_error());
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 2.0f);
  }
  ImGui::SetNextItemWidth(width);
  const bool changed = hint ? ImGui::InputTextWithHint(id, hint, value, flags) : ImGui::InputText(id, value, flags);
  if (bad) {
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ErrorLine(err->second);
  }
  return changed;
}

bool TextArea(const char* label, const char* id, std::string* value, float lines) {
  ImGui::TextUnformatted(label);
  return ImGui::InputTextMultiline(id, value, ImVec2(-1, em() * lines + ImGui::GetStyle().FramePadding.y * 2));
}

bool Keypad(const char* id, std::string* value) {
  static const char kKeys[] = "789456123.0B";
  bool changed = false;
  ImGui::PushID(id);
  // Three columns in the width there is (the third was cut off at text
  // scale 2), never narrower than a touch target.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float w = std::max(touch_h(), std::min(touch_h() * 1.6f, (ImGui::GetContentRegionAvail().x - spacing * 2) / 3));
  for (int i = 0; i < 12; ++i) {
    if (i % 3) ImGui::SameLine();
    char label[8];
    if (kKeys[i] == 'B') std::snprintf(label, sizeof label, "%s", "<-");
    else std::snprintf(label, sizeof label, "%c", kKeys[i]);
    ImGui::PushID(i);
    if (ImGui::Button(label, ImVec2(w, touch_h() * 1.1f))) changed |= keypad_press(*value, kKeys[i]);
    ImGui::PopID();
  }
  if (ImGui::Button("C", ImVec2(w * 3 + spacing * 2, touch_h())))
    changed |= keypad_press(*value, 'C');
  ImGui::PopID();
  return changed;
}

namespace {
const PlaceRow* find_row(const std::vector<PlaceRow>& places, const std::string& code) {
  auto it = std::lower_bound(places.begin(), places.end(), code,
                             [](const PlaceRow& p, const std::string& c) { return p.code < c; });
  return it != places.end() && it->code == code ? &*it : nullptr;
}
}  // namespace

bool PlacePicker(const char* id, std::string* filter, std::string* code, const std::vector<PlaceRow>& places,
                 const char* hint, float list_height, const char* button, bool* button_pressed) {
  ImGui::PushID(id);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float button_w = button ? ImGui::CalcTextSize(button).x + style.FramePadding.x * 2 + em() * 1.5f : 0;
  ImGui::SetNextItemWidth(button ? -(button_w + style.ItemSpacing.x) : -1);
  ImGui::InputTextWithHint("##filter", hint, filter);
  // Enter in the filter picks the only match (the keyboard's way to choose).
  const bool enter_in_filter = (ImGui::IsItemActive() || ImGui::IsItemDeactivated()) && EnterPressed();
  if (button) {
    ImGui::SameLine();
    const bool pressed = ImGui::Button(button, ImVec2(button_w, ImGui::GetFrameHeight()));
    if (button_pressed) *button_pressed = pressed;
  }
  bool picked = false;
  // The matches are found by a linear pass: a county's place list is small
  // (thousands), far below a frame's budget.
  std::vector<const PlaceRow*> hits;
  for (const auto& p : places) {
    if (p.level != "village" && p.level != "township") continue;
    if (filter->empty() || p.name.find(*filter) != std::string::npos || p.code.rfind(*filter, 0) == 0)
      hits.push_back(&p);
    if (hits.size() >= 500) break;
  }
  if (enter_in_filter && !filter->empty() && hits.size() == 1 && *code != hits.front()->code) {
    *code = hits.front()->code;
    picked = true;
  }
  // Nothing to list (a new team's county has no villages yet): no empty box.
  if (hits.empty()) {
    ImGui::PopID();
    return picked;
  }
  ImGui::BeginChild("##list", ImVec2(-1, list_height), true);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(hits.size()), touch_h());
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const PlaceRow& p = *hits[static_cast<size_t>(i)];
      ImGui::PushID(i);
      // Villages of the same name in two townships: the township tells them apart.
      std::string label = p.name;
      if (const PlaceRow* parent = find_row(places, p.parent_code)) label += " · " + parent->name;
      label += "  " + p.code;
      if (ImGui::Selectable(label.c_str(), *code == p.code, 0, ImVec2(0, touch_h() - ImGui::GetStyle().ItemSpacing.y))) {
        *code = p.code;
        picked = true;
      }
      ImGui::PopID();
    }
  EndChild();
  ImGui::PopID();
  return picked;
}

namespace {
// Whether the press under way began in the text field already being edited:
// then a drag selects text. A press that only now activated a field (a
// finger landing on a form full of fields) scrolls like any other.
bool g_drag_selects = false;
}  // namespace

void EndChild() {
  ImGuiContext& g = *GImGui;
  ImGuiWindow* win = g.CurrentWindow;
  const bool editing = g.ActiveId != 0 && g.ActiveId == g.InputTextState.ID;
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) g_drag_selects = editing && !g.ActiveIdIsJustActivated;
  // The innermost window under the finger that can scroll takes the drag.
  ImGuiWindow* target = g.HoveredWindow;
  while (target && target->ScrollMax.y <= 0 && (target->Flags & ImGuiWindowFlags_ChildWindow)) target = target->ParentWindow;
  const ImGuiIO& io = g.IO;
  if (target == win && win->ScrollMax.y > 0 && ImGui::IsMouseDragging(ImGuiMouseButton_Left) &&
      win->InnerClipRect.Contains(io.MouseClickedPos[0]) && !(editing && g_drag_selects) &&
      g.ActiveId != ImGui::GetWindowScrollbarID(win, ImGuiAxis_Y)) {
    ImGui::SetScrollY(win, win->Scroll.y - io.MouseDelta.y);
    if (g.ActiveId != 0) ImGui::ClearActiveID();  // a drag scrolls; it presses nothing
  }
  ImGui::EndChild();
}

float save_bar_h(int lines) {
  return touch_h() + ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(lines) + ImGui::GetStyle().ItemSpacing.y;
}

void BeginFormBody(const char* id, int lines) { ImGui::BeginChild(id, ImVec2(-1, -save_bar_h(lines)), false); }
void EndFormBody() { EndChild(); }

bool EnterPressed() {
  return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
         ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false);
}

bool EscapePressed() { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false); }

bool CtrlPressed(char key) {
  const int k = platform::letter_key(key);
  return k >= 0 && ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(k, false);
}

bool FKeyPressed(int n) {
  const int k = platform::function_key(n);
  return k >= 0 && ImGui::IsKeyPressed(k, false);
}

bool QuantityRow(double& quantity, const std::string& detail) {
  if (Button("×", touch_h())) return true;
  ImGui::SameLine();
  if (Button("-", touch_h()) && quantity > 1) quantity -= 1;
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::Text("%g", quantity);
  ImGui::SameLine();
  if (Button("+", touch_h())) quantity += 1;
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(detail.c_str());
  return false;
}

}  // namespace yz::app::ui
