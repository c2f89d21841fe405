#pragma once
// Names in Tibetan or Uyghur script on screen: shaped by the platform layer
// (platform/native_text.h: HarfBuzz, FreeType, a cached texture per string)
// and drawn as one item; other text as ImGui text.
//
// Threads: UI thread only.

#include <string>

namespace yz::app::ui {

// `utf8` on one line, in the current text colour, `scale` times the font
// size. Text with Tibetan or Arabic-script characters is drawn shaped (a
// Uyghur run right to left within its box); Han and Latin text, or a script
// whose font is missing, as ImGui text (unshaped letters then).
void NativeText(const std::string& utf8, float scale = 1.0f);
// Below a field where a name in Tibetan or Uyghur script is typed: the name
// shaped as it will read (the field itself shows its letters one by one);
// nothing while it holds no such text. `changed`: the text changed this
// frame; the preview is then scrolled into view (it sits below the field).
void NativePreview(const std::string& utf8, bool changed);

}  // namespace yz::app::ui
