#pragma once
// Fonts for the field app: find a CJK font on the system and load it into
// Dear ImGui's atlas with the glyphs the app needs. ImGui 1.86 rasterises
// every glyph up front, so the set is built from the UI strings, the
// characters of names in the database (rare characters of transliterated
// Tibetan and Uyghur names: 卓, 玛, 旺, 姆, 热依汗古丽 — the stock "common
// Chinese" range lacks some) and ImGui's common simplified Chinese range.
//
// Threads: UI thread only (the ImGui context).

#include <cstdint>
#include <string>
#include <vector>

namespace yz::platform {

// The first CJK font file that exists: `override_path` when set, then the
// Debian paths of fonts-noto-cjk and fonts-wqy-microhei. Empty if none.
std::string find_cjk_font(const std::string& override_path = {});

// Replace ImGui's fonts with `path` at `size_px`, holding the common range
// plus `extra` code points. Falls back to ImGui's built-in (Latin) font when
// `path` is empty or unreadable; returns false then. The caller re-uploads
// the texture (Window::reload_fonts) when a frame has already been drawn.
bool load_fonts(const std::string& path, float size_px, const std::vector<uint32_t>& extra);

// Once the atlas is built (and on the GPU): let go of the font file the
// glyphs were rasterised from. Nothing happens before the atlas is built.
// load_fonts() maps the file again for the next build.
void release_font_file();

// Whether the loaded font has a glyph for `cp` (false for any character
// outside the atlas: the caller adds it and reloads).
bool font_has(uint32_t cp);

}  // namespace yz::platform
