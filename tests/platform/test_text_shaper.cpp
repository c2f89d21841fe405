// HarfBuzz shaping of names in Tibetan and Uyghur script with Debian's fonts
// (scripts/packages.txt): joining forms and right-to-left order for Uyghur,
// stacks for Tibetan. Asserts on glyph ids, clusters and positions.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

#include "platform/text_shaper.h"

using namespace yz::platform;

namespace {

constexpr float kPx = 32;

TextShaper& shaper() {
  static TextShaper s(find_native_fonts());
  return s;
}

// The glyphs of a text that is one run.
std::vector<ShapedGlyph> glyphs_of(const std::string& text) {
  ShapedText t = shaper().shape(text, kPx);
  REQUIRE(t.runs.size() == 1);
  REQUIRE(t.runs[0].shaped);
  return t.runs[0].glyphs;
}

// The glyph of a letter shaped on its own (its isolated form).
uint32_t isolated(const std::string& letter) {
  auto g = glyphs_of(letter);
  REQUIRE(g.size() == 1);
  return g[0].glyph_id;
}

}  // namespace

TEST_CASE("shaper: Debian's Tibetan and Arabic fonts are found and load") {
  const NativeFonts f = find_native_fonts();
  CHECK_FALSE(f.tibetan.empty());
  CHECK_FALSE(f.arabic.empty());
  CHECK(shaper().has(Script::tibetan));
  CHECK(shaper().has(Script::arabic));
}

TEST_CASE("shaper: Uyghur letters take their joining forms and the run reads right to left") {
  // رەيھانگۈل (Reyhangül): ر and ە join only to the right; ي is initial, ھ
  // medial, ا final; ن initial, گ medial, ۈ final; ل isolated.
  const std::string name = "رەيھانگۈل";
  ShapedText t = shaper().shape(name, kPx);
  REQUIRE(t.runs.size() == 1);
  const ShapedRun& run = t.runs[0];
  CHECK(run.script == Script::arabic);
  CHECK(run.rtl);
  REQUIRE(run.shaped);
  REQUIRE(run.glyphs.size() == 9);
  // Visual order: the first glyph on screen (leftmost) is the last letter.
  CHECK(run.glyphs.front().cluster == name.rfind("ل"));
  CHECK(run.glyphs.back().cluster == 0);
  for (size_t i = 1; i < run.glyphs.size(); ++i) {
    CHECK(run.glyphs[i].cluster < run.glyphs[i - 1].cluster);
    CHECK(run.glyphs[i].x > run.glyphs[i - 1].x);  // laid out left to right on screen
  }
  CHECK(run.glyphs.front().glyph_id != 0);

  // The glyph of each letter against its isolated form: the joined ones differ.
  auto glyph_at = [&](const std::string& letter, size_t nth = 0) {
    size_t at = name.find(letter);
    for (size_t k = 0; k < nth; ++k) at = name.find(letter, at + 1);
    for (const auto& g : run.glyphs)
      if (g.cluster == at) return g.glyph_id;
    FAIL("no glyph for " << letter);
    return 0u;
  };
  CHECK(glyph_at("ي") != isolated("ي"));  // initial
  CHECK(glyph_at("ھ") != isolated("ھ"));  // medial
  CHECK(glyph_at("ا") != isolated("ا"));  // final
  CHECK(glyph_at("گ") != isolated("گ"));  // medial
  CHECK(glyph_at("ۈ") != isolated("ۈ"));  // final
  CHECK(glyph_at("ل") == isolated("ل"));  // last letter, nothing after it: isolated
  CHECK(glyph_at("ر") == isolated("ر"));  // first letter, joins nothing before it
  // Nine letters, glyph ids of at least five distinct forms not among the isolated ones.
  std::set<uint32_t> iso;
  for (const char* l : {"ر", "ە", "ي", "ھ", "ا", "ن", "گ", "ۈ", "ل"}) iso.insert(isolated(l));
  CHECK(std::count_if(run.glyphs.begin(), run.glyphs.end(), [&](const ShapedGlyph& g) { return !iso.count(g.glyph_id); }) >= 5);
}

TEST_CASE("shaper: a Uyghur name of two words stays one run, the space within it") {
  const std::string name = "ئەلى ئابدۇللا";
  ShapedText t = shaper().shape(name, kPx);
  REQUIRE(t.runs.size() == 1);
  CHECK(t.runs[0].rtl);
  CHECK(t.runs[0].end == name.size());
  // The second word (logically after the space) is left of the first on screen.
  const size_t space = name.find(' ');
  float x_first_word = -1, x_second_word = -1;
  for (const auto& g : t.runs[0].glyphs) {
    if (g.cluster == 0) x_first_word = g.x;
    if (g.cluster == space + 1) x_second_word = g.x;
  }
  CHECK(x_second_word >= 0);
  CHECK(x_second_word < x_first_word);
}

TEST_CASE("shaper: Tibetan stacks subjoined consonants and vowel signs on their base letter") {
  // སྒྲོལ: ས with subjoined ག (U+0F92) and ར (U+0FB2), vowel ོ above, then ལ.
  const std::string syllable = "སྒྲོལ";
  ShapedText t = shaper().shape(syllable, kPx);
  REQUIRE(t.runs.size() == 1);
  const ShapedRun& run = t.runs[0];
  CHECK(run.script == Script::tibetan);
  CHECK_FALSE(run.rtl);
  REQUIRE(run.shaped);
  for (const auto& g : run.glyphs) CHECK(g.glyph_id != 0);
  // Six code points, two places on the line: the stack and ལ. Everything
  // else is a mark of zero advance (or folded into the stack's glyph).
  int advancing = 0;
  for (const auto& g : run.glyphs) advancing += g.advance > 0 ? 1 : 0;
  CHECK(advancing == 2);
  // The stack is no wider than two letters side by side would be.
  float letters = 0;
  for (const char* l : {"ས", "ག", "ར", "ལ"})
    for (const auto& g : glyphs_of(l)) letters += g.advance;
  CHECK(t.width < letters * 0.75f);
  // The subjoined ག is not the letter ག: another glyph, drawn inside the
  // stack's column (not after ས).
  const uint32_t ga = isolated("ག");
  for (const auto& g : run.glyphs) CHECK(g.glyph_id != ga);
  const float stack_right = run.glyphs.front().advance;
  for (const auto& g : run.glyphs)
    if (g.cluster < syllable.find("ལ")) CHECK(g.x < stack_right);
  // Rendered, the stack reaches further below the baseline than ལ alone.
  const AlphaBitmap stacked = shaper().render(t, kPx);
  const AlphaBitmap la = shaper().render(shaper().shape("ལ", kPx), kPx);
  REQUIRE(stacked.width > 0);
  CHECK(stacked.height - stacked.baseline >= la.height - la.baseline);
  auto ink_below = [](const AlphaBitmap& b) {
    int last = 0;
    for (int y = 0; y < b.height; ++y)
      for (int x = 0; x < b.width; ++x)
        if (b.pixels[static_cast<size_t>(y * b.width + x)] > 128) last = y;
    return static_cast<float>(last) - b.baseline;
  };
  CHECK(ink_below(stacked) > ink_below(la) + kPx * 0.2f);
}

TEST_CASE("shaper: Han and Tibetan in one string are two runs, laid out left to right") {
  const std::string text = "扎西 བཀྲ་ཤིས";
  ShapedText t = shaper().shape(text, kPx);
  REQUIRE(t.runs.size() == 2);
  CHECK(t.runs[0].script == Script::other);
  CHECK(t.runs[1].script == Script::tibetan);
  CHECK(t.runs[0].end == t.runs[1].begin);
  CHECK(t.runs[1].begin == text.find(" ") + 1);  // the space stays with the run before it
  REQUIRE(!t.runs[1].glyphs.empty());
  CHECK(t.runs[1].glyphs.front().x >= t.runs[0].glyphs.back().x + t.runs[0].glyphs.back().advance - 0.01f);
}

TEST_CASE("shaper: a missing font leaves the text unshaped, without a crash") {
  TextShaper none({"/nonexistent/tibetan.ttf", "", ""});
  CHECK_FALSE(none.has(Script::tibetan));
  CHECK_FALSE(none.has(Script::arabic));
  ShapedText t = none.shape("བཀྲ་ཤིས", kPx);
  CHECK_FALSE(t.complete);
  REQUIRE(t.runs.size() == 1);
  CHECK_FALSE(t.runs[0].shaped);
  const AlphaBitmap b = none.render(t, kPx);
  CHECK(b.width == 0);
  CHECK(b.pixels.empty());
}

TEST_CASE("shaper: which texts need shaping") {
  CHECK(needs_shaping("བཀྲ་ཤིས"));
  CHECK(needs_shaping("رەيھانگۈل"));
  CHECK(needs_shaping("扎西 བཀྲ"));
  CHECK(needs_shaping("\xEF\xBB\xB7"));  // U+FEF7, an Arabic presentation form
  CHECK_FALSE(needs_shaping("扎西顿珠"));
  CHECK_FALSE(needs_shaping("Zhaxi Dunzhu é"));
  CHECK_FALSE(needs_shaping(""));
}
