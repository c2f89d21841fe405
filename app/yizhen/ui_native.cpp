#include "app/yizhen/ui_native.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "platform/native_text.h"
#include "platform/text_shaper.h"

namespace yz::app::ui {

// ImGui's font size is the CJK font's line height (ascent + descent, about
// 1.45 em for Noto Sans CJK); the shaper takes pixels per em. At 0.8 of the
// line height a Tibetan or Uyghur name sits at about the size of the Han
// name beside it, its stacks reaching a little above and below the line.
constexpr float kEmPerLine = 0.8f;

void NativeText(const std::string& utf8, float scale) {
  const platform::NativeImage* image =
      platform::needs_shaping(utf8) ? platform::native_text_image(utf8, ImGui::GetFontSize() * kEmPerLine * scale) : nullptr;
  if (!image) {
    ImGui::TextUnformatted(utf8.c_str());
    return;
  }
  // On the baseline of ImGui text on the same line where the name's ink
  // allows (a stack above it starts at the line's top instead).
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImFont* font = ImGui::GetFont();
  const float ascent = font->Ascent * ImGui::GetFontSize() / font->FontSize;
  const float dy = std::max(0.0f, std::floor(ascent - image->baseline));
  ImGui::Dummy(ImVec2(image->width, dy + image->height));
  const ImVec2 a(std::floor(at.x), std::floor(at.y + dy));
  ImGui::GetWindowDrawList()->AddImage(image->texture, a, ImVec2(a.x + image->width, a.y + image->height),
                                       ImVec2(0, 0), ImVec2(1, 1), ImGui::GetColorU32(ImGuiCol_Text));
}

void NativePreview(const std::string& utf8, bool changed) {
  if (!platform::needs_shaping(utf8)) return;
  NativeText(utf8, 1.3f);
  if (changed) ImGui::SetScrollHereY(1.0f);
}

}  // namespace yz::app::ui
