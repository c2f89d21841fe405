#pragma once
// Complex-script text for names in Tibetan or Uyghur script (name_native):
// shaped with HarfBuzz, rasterised with FreeType into an alpha bitmap.
//
// Why not Dear ImGui's own text: ImGui 1.86 draws code point by code point
// from its atlas, one glyph per character at the pen. Uyghur is Arabic
// script — every letter takes one of up to four joining forms chosen by its
// neighbours, and a run reads right to left; Tibetan stacks subjoined
// consonants and vowel signs above and below a base letter, placed by the
// font's GPOS marks. Neither can come out of a per-character atlas lookup.
//
// How shaped text reaches the screen (platform/native_text.h): each whole
// string is rasterised once into a bitmap and uploaded as its own small
// texture, kept in an LRU cache keyed by (text, pixel size) and drawn with
// ImDrawList::AddImage, tinted with the text colour (so colour is not part
// of the key). Chosen over putting shaped glyph ids into ImGui's atlas
// because (1) the atlas is keyed by code point — glyph ids of another font
// would need a second font object and a hand-written layout pass to place
// marks, which the bitmap gets from HarfBuzz for free; (2) adding glyphs
// means rebuilding and re-uploading the whole atlas (hundreds of ms with the
// CJK font), while a name's texture is a few KB made in well under a
// millisecond; (3) only a handful of names are on screen at once (a card, up
// to 20 search rows, a form preview), so a bounded cache of strings costs
// less than the glyph coverage of two scripts at every text scale.
//
// This file has no OpenGL and no ImGui: it is unit-tested on HarfBuzz's
// output (glyph ids, clusters, positions).
//
// Threads: a TextShaper is used by one thread at a time (FreeType faces hold
// their current size).
// Errors: a missing or unreadable font is not an error: the constructor logs
// one line to stderr naming the script and the Debian package, and shape()
// then marks the runs of that script as not shaped (ShapedText::complete).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace yz::platform {

enum class Script { tibetan, arabic, other };

// Whether `utf8` holds any Tibetan or Arabic-script character (the texts
// ImGui's atlas cannot draw right).
bool needs_shaping(std::string_view utf8);

// Font files for each script; empty when none was found.
struct NativeFonts {
  std::string tibetan, arabic, other;
};

// The first existing file of Debian's fonts for each script: Noto Sans/Serif
// Tibetan (fonts-noto-core) then Tibetan Machine Uni (fonts-tibetan-machine);
// Noto Naskh Arabic then Noto Sans Arabic (fonts-noto-core, both cover the
// Uyghur letters); for other text in the same string, `other_font` (the
// app's CJK font), then DejaVu Sans.
NativeFonts find_native_fonts(const std::string& other_font = {});

struct ShapedGlyph {
  uint32_t glyph_id = 0;  // in the run's font; 0 is .notdef (no glyph)
  uint32_t cluster = 0;   // byte offset in the text of the character(s) it came from
  float x = 0, y = 0;     // glyph origin in px from the text's start on the baseline; y up
  float advance = 0;      // px
};

// One run of a single script and font, in visual order: for a right-to-left
// run (Arabic script) the glyphs go left to right on screen, so their
// clusters descend.
struct ShapedRun {
  Script script = Script::other;
  bool rtl = false;
  bool shaped = false;  // false: no font for this script (glyphs empty)
  size_t begin = 0, end = 0;  // byte range of the text
  std::vector<ShapedGlyph> glyphs;
};

struct ShapedText {
  std::vector<ShapedRun> runs;  // in logical order, laid out left to right
  float width = 0;              // total advance, px
  float ascent = 0, descent = 0;  // the fonts' line metrics, px (descent positive)
  bool complete = true;         // every run had its font
};

// A coverage bitmap (0 transparent .. 255 ink), rows top-down.
struct AlphaBitmap {
  int width = 0, height = 0;
  float baseline = 0;  // px from the top
  std::vector<uint8_t> pixels;
};

class TextShaper {
 public:
  explicit TextShaper(const NativeFonts& fonts);
  ~TextShaper();
  TextShaper(const TextShaper&) = delete;
  TextShaper& operator=(const TextShaper&) = delete;

  // Whether a font for `script` was loaded.
  bool has(Script script) const;
  // `utf8` cut into runs by script (characters common to all scripts —
  // spaces, digits, punctuation, combining marks — join the run around
  // them) and each shaped at `px` pixels per em: Tibetan with language
  // "bo", Arabic script right to left with language "ug" (Uyghur).
  ShapedText shape(std::string_view utf8, float px);
  // Rasterise a shape() result made at the same `px`; empty (0 × 0) when
  // nothing was shaped. The bitmap covers the ink (Tibetan stacks reach far
  // below the baseline) and at least 0.75 em above the baseline and 0.25 em
  // below it, with one pixel of margin.
  AlphaBitmap render(const ShapedText& text, float px);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace yz::platform
