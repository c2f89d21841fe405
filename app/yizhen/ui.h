#pragma once
// Small Dear ImGui helpers shared by the screens: touch-sized buttons,
// labelled fields with their validation message underneath, chips, the
// numeric keypad, a place picker and the app's light high-contrast theme.
// Sizes are in font units (touch targets >= 44 px at text scale 1).
//
// Threads: UI thread only.

#include <imgui.h>

#include <string>
#include <vector>

#include "app/yizhen/model/forms.h"
#include "app/yizhen/strings.h"
#include "core/queries/field_queries.h"

namespace yz::app::ui {

// The theme: light background, dark text, teal accent; spacing for fingers.
void apply_theme(float scale);
// Height of a touch target (>= 44 px × scale).
float touch_h();
// Font size in pixels (the unit for layout).
inline float em() { return ImGui::GetFontSize(); }

// The colours the screens use.
ImVec4 col_accent();
ImVec4 col_error();
ImVec4 col_warn();
ImVec4 col_ok();
ImVec4 col_muted();

bool Button(const char* label, float width = 0);
// One dispensed line: ×, −, the quantity, + and `detail`. Returns true when
// × was pressed (the caller removes the line).
bool QuantityRow(double& quantity, const std::string& detail);
bool PrimaryButton(const char* label, float width = 0);
bool DangerButton(const char* label, float width = 0);
// A toggle chip, at least `min_width` wide; returns true when clicked.
bool Chip(const char* label, bool selected, float min_width = 0);
// A navigation button of `size`; the current screen's is filled with the
// accent and keeps white-on-dark while hovered or pressed (on a touch screen
// the pointer rests on the button last tapped).
bool NavButton(const char* label, bool selected, ImVec2 size);
// A chip for one `value` of a multiple choice: shown selected when `chosen`
// holds it; a click adds or removes it. Returns true when clicked.
bool ToggleChip(const char* label, std::vector<std::string>& chosen, const std::string& value);
// Continue on the same line unless `first`; wrap to the next line when an
// item `width` wide would not fit there (rows of chips or buttons that must
// stay whole at any text scale).
void SameLineIfFits(bool first, float width);
void SectionTitle(const char* text);
void Muted(const char* text);
void ErrorLine(const std::string& text);
// The same, said in the UI language (nothing when `words` is empty).
void ErrorLine(const Words& words);
// A label above a one-line text field (none when `label` is null); the
// field's problem (errors[key]) below it in red. Returns true when the text
// changed.
bool TextField(const char* label, const char* id, std::string* value, const FieldErrors& errors,
               const std::string& key, float width = -1, ImGuiInputTextFlags flags = 0, const char* hint = nullptr);
bool TextArea(const char* label, const char* id, std::string* value, float height_lines = 2.5f);
// The keypad for `value`; returns true when it changed it.
bool Keypad(const char* id, std::string* value);
// A search field's list of matches (diagnoses, medicines, home-visit items): open while the
// field is active and after, until a pick, a click that is neither on the
// field nor on the list -- the click that picks from the list (shown for an
// empty query too) deactivates the field before the list sees it -- or the
// keyboard moving on to another item (Tab: another item active with no
// finger or button down or just lifted -- a row of the list is active while
// the finger that picks it lifts). Closed, it is not drawn, whatever the query.
// `label(i)` is hit i's text; returns the index picked or -1.
template <class Label>
int PickList(const char* id, bool field_active, bool field_hovered, bool& open, const std::string& query,
             size_t n, Label label) {
  if (field_active) open = true;
  else if (open && ImGui::IsAnyItemActive() && !ImGui::IsMouseDown(0) && !ImGui::IsMouseReleased(0)) open = false;
  if (!open) return -1;
  int picked = -1;
  ImGui::PushID(id);
  ImGui::BeginGroup();
  for (size_t i = 0; i < n; ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Selectable(label(i).c_str(), false, 0, ImVec2(0, touch_h() * 0.8f))) picked = static_cast<int>(i);
    ImGui::PopID();
  }
  if (n == 0 && !query.empty()) Muted(trf(S::en_no_match, query.c_str()).c_str());
  ImGui::EndGroup();
  const bool list_hovered = ImGui::IsMouseHoveringRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  ImGui::PopID();
  if (picked >= 0 || (!field_active && !field_hovered && !list_hovered && ImGui::IsMouseClicked(0))) open = false;
  return picked;
}

// A filter field and a list of matching places (village first), each shown
// with the division above it (a village with its township: two villages of
// one name tell apart); `places` sorted by code. Enter in the filter picks
// the only match. Sets `code` when one is picked and returns true then.
// `button`: a button beside the filter, its press in *button_pressed.
bool PlacePicker(const char* id, std::string* filter, std::string* code, const std::vector<PlaceRow>& places,
                 const char* hint, float list_height, const char* button = nullptr, bool* button_pressed = nullptr);
// ImGui::EndChild, after letting a finger drag the child's content: a drag
// that starts inside a window that scrolls (the innermost under the finger)
// scrolls it, and what lay under the finger is not pressed when it lifts.
// A drag in the text field being edited still selects text (one that
// starts on another field scrolls); the scrollbar still works.
// Every child of the app ends with this, so every list and page scrolls by
// touch.
void EndChild();
// A form's fields scroll above its Save / Cancel bar, which stays in view:
// BeginFormBody opens a child filling the window but save_bar_h(lines);
// EndFormBody closes it, and the bar follows: a row of touch buttons and
// `lines` lines of text (a problem, the keys hint).
float save_bar_h(int lines);
void BeginFormBody(const char* id, int lines);
void EndFormBody();
// Was Enter pressed this frame (either Enter key)?
bool EnterPressed();
bool EscapePressed();
bool CtrlPressed(char key);  // Ctrl + a letter
bool FKeyPressed(int n);     // F1..F12

}  // namespace yz::app::ui
