#pragma once
// Shaped names (Tibetan, Uyghur) as textures for Dear ImGui: the string is
// shaped and rasterised once by TextShaper (platform/text_shaper.h — see
// there why a texture per string rather than glyphs in ImGui's atlas),
// uploaded as a white texture whose alpha is the glyph coverage, and drawn
// tinted with the text colour. Entries live in an LRU cache keyed by
// (text, pixel size); the colour is the tint, not part of the key, so one
// texture serves every colour. Looking a name up again is one hash lookup,
// nothing is shaped or uploaded on later frames.
//
// Threads: UI thread only, with the OpenGL context current (the window's).
// Errors: none thrown; a name whose script has no font, or an empty name,
// gives nullptr (the caller draws ImGui text instead), logged once at the
// first use (text_shaper.h).

#include <imgui.h>

#include <string>
#include <string_view>

namespace yz::platform {

struct NativeImage {
  ImTextureID texture = nullptr;
  float width = 0, height = 0;  // px
  float baseline = 0;           // px from the top
};

// The texture of `utf8` shaped at `px` pixels per em, made on first use;
// nullptr when it cannot be shaped (no font for its script, nothing to
// draw). The pointer and texture stay valid until the end of the frame
// after the next ImGui::NewFrame(): entries used in the current frame are
// never evicted.
const NativeImage* native_text_image(std::string_view utf8, float px);

// The fallback font for other characters in such a string: the app's CJK
// font (find_cjk_font). Call before the first native_text_image().
void set_native_text_fallback_font(const std::string& path);

// Delete every texture and the shaper; call before the OpenGL context goes.
void release_native_text();

// For tests and the status line: entries held and their texels.
size_t native_text_entries();
size_t native_text_texels();

}  // namespace yz::platform
