#include "platform/text_shaper.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ft.h>
#include <hb.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace yz::platform {

namespace {

// Scripts as the itemiser sees them: a strong script, or a neutral
// character that joins the run around it.
enum class Cls { tibetan, arabic, other, neutral };

Cls classify(hb_unicode_funcs_t* uf, hb_codepoint_t cp) {
  switch (hb_unicode_script(uf, cp)) {
    case HB_SCRIPT_TIBETAN: return Cls::tibetan;
    case HB_SCRIPT_ARABIC: return Cls::arabic;
    case HB_SCRIPT_COMMON:
    case HB_SCRIPT_INHERITED:
    case HB_SCRIPT_UNKNOWN: return Cls::neutral;
    default: return Cls::other;
  }
}

Script to_script(Cls c) { return c == Cls::tibetan ? Script::tibetan : c == Cls::arabic ? Script::arabic : Script::other; }

std::string first_file(std::initializer_list<const char*> paths) {
  std::error_code ec;
  for (const char* p : paths)
    if (p && *p && std::filesystem::is_regular_file(p, ec)) return p;
  return {};
}

// The code points of `utf8` with their byte offsets, decoded by HarfBuzz
// (invalid bytes become U+FFFD).
struct Cp {
  hb_codepoint_t cp;
  uint32_t offset;
};
std::vector<Cp> decode(hb_buffer_t* buf, std::string_view utf8) {
  hb_buffer_clear_contents(buf);
  hb_buffer_add_utf8(buf, utf8.data(), static_cast<int>(utf8.size()), 0, static_cast<int>(utf8.size()));
  unsigned n = 0;
  hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
  std::vector<Cp> out;
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) out.push_back({info[i].codepoint, info[i].cluster});
  return out;
}

}  // namespace

bool needs_shaping(std::string_view utf8) {
  // A byte scan, for the UI's every-frame check: Tibetan (U+0F00–0FFF) is
  // E0 BC..BF xx in UTF-8; Arabic and its supplements (U+0600–08FF) lead
  // with D8..DB or DD, E0 A2/A3; presentation forms (U+FB50–FDFF,
  // U+FE70–FEFF) with EF AD..B7, EF B9..BB.
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  for (size_t i = 0; i < n; ++i) {
    const unsigned char b = s[i];
    if ((b >= 0xD8 && b <= 0xDB) || b == 0xDD) return true;
    if (i + 1 < n && b == 0xE0 && ((s[i + 1] >= 0xBC && s[i + 1] <= 0xBF) || s[i + 1] == 0xA2 || s[i + 1] == 0xA3))
      return true;
    if (i + 1 < n && b == 0xEF && ((s[i + 1] >= 0xAD && s[i + 1] <= 0xB7) || (s[i + 1] >= 0xB9 && s[i + 1] <= 0xBB)))
      return true;
  }
  return false;
}

NativeFonts find_native_fonts(const std::string& other_font) {
  NativeFonts f;
  f.tibetan = first_file({"/usr/share/fonts/truetype/noto/NotoSansTibetan-Regular.ttf",
                          "/usr/share/fonts/truetype/noto/NotoSerifTibetan-Regular.ttf",
                          "/usr/share/fonts/truetype/tibetan-machine/TibetanMachineUni.ttf"});
  f.arabic = first_file({"/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
                         "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"});
  f.other = first_file({other_font.c_str(), "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"});
  return f;
}

struct TextShaper::Impl {
  FT_Library ft = nullptr;
  struct Font {
    FT_Face face = nullptr;
    hb_font_t* hb = nullptr;
    float px = 0;  // the size last set
  };
  Font fonts[3];  // by Script
  hb_buffer_t* buf = nullptr;

  ~Impl() {
    for (Font& f : fonts) {
      if (f.hb) hb_font_destroy(f.hb);
      if (f.face) FT_Done_Face(f.face);
    }
    if (buf) hb_buffer_destroy(buf);
    if (ft) FT_Done_FreeType(ft);
  }

  // `missing`: the log line's end when the font cannot be opened.
  void open(Script s, const std::string& path, const char* missing) {
    Font& f = fonts[static_cast<int>(s)];
    if (path.empty() || !ft || FT_New_Face(ft, path.c_str(), 0, &f.face) != 0) {
      f.face = nullptr;
      std::fprintf(stderr, "yizhen: %s%s%s\n", path.empty() ? "" : "cannot read ", path.empty() ? "" : (path + ": ").c_str(),
                   missing);
      return;
    }
    f.hb = hb_ft_font_create_referenced(f.face);
  }

  Font* sized(Script s, float px) {
    Font& f = fonts[static_cast<int>(s)];
    if (!f.face) return nullptr;
    if (f.px != px) {
      FT_Set_Char_Size(f.face, 0, static_cast<FT_F26Dot6>(std::lround(px * 64)), 72, 72);
      hb_ft_font_changed(f.hb);
      f.px = px;
    }
    return &f;
  }
};

TextShaper::TextShaper(const NativeFonts& fonts) : impl_(std::make_unique<Impl>()) {
  if (FT_Init_FreeType(&impl_->ft) != 0) {
    impl_->ft = nullptr;
    std::fprintf(stderr, "yizhen: FreeType did not start: names in Tibetan and Uyghur script show unshaped\n");
  }
  impl_->buf = hb_buffer_create();
  impl_->open(Script::tibetan, fonts.tibetan,
              "no Tibetan font (install fonts-noto-core or fonts-tibetan-machine): "
              "names in Tibetan script are shown unshaped");
  impl_->open(Script::arabic, fonts.arabic,
              "no Arabic-script font (install fonts-noto-core): names in Uyghur script are shown unshaped");
  impl_->open(Script::other, fonts.other,
              "no font for Han or Latin text within Tibetan or Uyghur names (install fonts-noto-cjk or "
              "fonts-dejavu-core): such names are shown unshaped");
}

TextShaper::~TextShaper() = default;

bool TextShaper::has(Script script) const { return impl_->fonts[static_cast<int>(script)].face != nullptr; }

ShapedText TextShaper::shape(std::string_view utf8, float px) {
  ShapedText out;
  if (utf8.empty() || px <= 0) return out;
  hb_unicode_funcs_t* uf = hb_unicode_funcs_get_default();
  const std::vector<Cp> cps = decode(impl_->buf, utf8);

  // Itemise: each neutral character takes the script before it (leading
  // ones the first strong script), so "ئەلى ئابدۇللا" stays one run.
  std::vector<Cls> cls(cps.size());
  for (size_t i = 0; i < cps.size(); ++i) cls[i] = classify(uf, cps[i].cp);
  Cls last = Cls::other;
  for (Cls c : cls)
    if (c != Cls::neutral) {
      last = c;
      break;
    }
  for (Cls& c : cls) {
    if (c == Cls::neutral)
      c = last;
    else
      last = c;
  }

  for (size_t i = 0; i < cps.size();) {
    size_t j = i;
    while (j < cps.size() && cls[j] == cls[i]) ++j;
    ShapedRun run;
    run.script = to_script(cls[i]);
    run.rtl = run.script == Script::arabic;
    run.begin = cps[i].offset;
    run.end = j < cps.size() ? cps[j].offset : utf8.size();
    out.runs.push_back(std::move(run));
    i = j;
  }

  float pen = 0;
  for (ShapedRun& run : out.runs) {
    Impl::Font* font = impl_->sized(run.script, px);
    if (!font) {
      out.complete = false;
      continue;
    }
    hb_buffer_t* buf = impl_->buf;
    hb_buffer_clear_contents(buf);
    // The whole text as context (joining at run edges), the run as the item.
    hb_buffer_add_utf8(buf, utf8.data(), static_cast<int>(utf8.size()), static_cast<unsigned>(run.begin),
                       static_cast<int>(run.end - run.begin));
    if (run.script == Script::tibetan) {
      hb_buffer_set_script(buf, HB_SCRIPT_TIBETAN);
      hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
      hb_buffer_set_language(buf, hb_language_from_string("bo", -1));
    } else if (run.script == Script::arabic) {
      hb_buffer_set_script(buf, HB_SCRIPT_ARABIC);
      hb_buffer_set_direction(buf, HB_DIRECTION_RTL);
      hb_buffer_set_language(buf, hb_language_from_string("ug", -1));
    } else {
      hb_buffer_guess_segment_properties(buf);
      hb_buffer_set_direction(buf, HB_DIRECTION_LTR);  // the UI's direction
    }
    hb_shape(font->hb, buf, nullptr, 0);
    unsigned n = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf, &n);
    run.glyphs.reserve(n);
    for (unsigned k = 0; k < n; ++k) {
      ShapedGlyph g;
      g.glyph_id = info[k].codepoint;
      g.cluster = info[k].cluster;
      g.x = pen + static_cast<float>(pos[k].x_offset) / 64.0f;
      g.y = static_cast<float>(pos[k].y_offset) / 64.0f;
      g.advance = static_cast<float>(pos[k].x_advance) / 64.0f;
      pen += g.advance;
      run.glyphs.push_back(g);
    }
    run.shaped = true;
    const FT_Size_Metrics& m = font->face->size->metrics;
    out.ascent = std::max(out.ascent, static_cast<float>(m.ascender) / 64.0f);
    out.descent = std::max(out.descent, -static_cast<float>(m.descender) / 64.0f);
  }
  out.width = pen;
  return out;
}

AlphaBitmap TextShaper::render(const ShapedText& text, float px) {
  AlphaBitmap bm;
  // Each glyph's coverage, rendered once, then placed: the bitmap's extent
  // is known only when every glyph's ink is.
  struct Ink {
    int left, top, w, h;  // top: px above the baseline
    std::vector<uint8_t> px;
  };
  std::vector<Ink> inks;
  // The fonts' own ascent and descent are far too tall for a line (Noto
  // Serif Tibetan declares 1.47 em above and 1.35 em below, room for its
  // deepest stack): the box is the ink, and at least a Latin-like 0.75 em
  // above the baseline and 0.25 em below, so short names keep one height.
  float top = 0.75f * px, bottom = 0.25f * px;
  float right = text.width;
  for (const ShapedRun& run : text.runs) {
    Impl::Font* font = run.shaped ? impl_->sized(run.script, px) : nullptr;
    if (!font) continue;
    for (const ShapedGlyph& g : run.glyphs) {
      if (FT_Load_Glyph(font->face, g.glyph_id, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) != 0) continue;
      if (FT_Render_Glyph(font->face->glyph, FT_RENDER_MODE_NORMAL) != 0) continue;
      const FT_Bitmap& b = font->face->glyph->bitmap;
      if (b.width == 0 || b.rows == 0 || b.pixel_mode != FT_PIXEL_MODE_GRAY) continue;
      Ink ink;
      ink.left = static_cast<int>(std::lround(g.x)) + font->face->glyph->bitmap_left;
      ink.top = static_cast<int>(std::lround(g.y)) + font->face->glyph->bitmap_top;
      ink.w = static_cast<int>(b.width);
      ink.h = static_cast<int>(b.rows);
      ink.px.resize(static_cast<size_t>(ink.w) * static_cast<size_t>(ink.h));
      for (int r = 0; r < ink.h; ++r)
        std::copy_n(b.buffer + static_cast<ptrdiff_t>(r) * b.pitch, ink.w, ink.px.begin() + r * ink.w);
      top = std::max(top, static_cast<float>(ink.top));
      bottom = std::max(bottom, static_cast<float>(ink.h - ink.top));
      right = std::max(right, static_cast<float>(ink.left + ink.w));
      inks.push_back(std::move(ink));
    }
  }
  if (text.runs.empty() || text.width <= 0) return bm;
  int left = 0;
  for (const Ink& ink : inks) left = std::min(left, ink.left);
  const int margin = 1;
  const int base = static_cast<int>(std::ceil(top)) + margin;
  bm.width = static_cast<int>(std::ceil(right)) - left + 2 * margin;
  bm.height = base + static_cast<int>(std::ceil(bottom)) + margin;
  bm.baseline = static_cast<float>(base);
  bm.pixels.assign(static_cast<size_t>(bm.width) * static_cast<size_t>(bm.height), 0);
  for (const Ink& ink : inks)
    for (int r = 0; r < ink.h; ++r) {
      const int y = base - ink.top + r;
      if (y < 0 || y >= bm.height) continue;
      for (int c = 0; c < ink.w; ++c) {
        const int x = ink.left - left + margin + c;
        if (x < 0 || x >= bm.width) continue;
        uint8_t& d = bm.pixels[static_cast<size_t>(y) * static_cast<size_t>(bm.width) + static_cast<size_t>(x)];
        // Overlapping ink (joins, stacked marks) keeps the darker coverage.
        d = std::max(d, ink.px[static_cast<size_t>(r * ink.w + c)]);
      }
    }
  return bm;
}

}  // namespace yz::platform
