#include "platform/fonts.h"

#include <imgui.h>

#include <filesystem>
#include <unordered_set>

namespace yz::platform {

namespace {
// Glyph ranges must live until the atlas is built (ImGui keeps the pointer).
ImVector<ImWchar> g_ranges;
std::unordered_set<uint32_t> g_loaded;
bool g_cjk = false;
}  // namespace

std::string find_cjk_font(const std::string& override_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!override_path.empty() && fs::is_regular_file(override_path, ec)) return override_path;
  for (const char* p : {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                        "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
                        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                        "/usr/share/fonts/truetype/arphic/uming.ttc"})
    if (fs::is_regular_file(p, ec)) return p;
  return {};
}

bool load_fonts(const std::string& path, float size_px, const std::vector<uint32_t>& extra) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  g_loaded.clear();
  g_cjk = false;
  ImFontGlyphRangesBuilder b;
  b.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
  // General punctuation, CJK symbols, full-width forms, arrows, ×, °, ℃.
  static const ImWchar kMore[] = {0x00A0, 0x00FF, 0x2000, 0x206F, 0x2100, 0x21FF, 0x2190, 0x21FF,
                                  0x25A0, 0x25FF, 0x3000, 0x303F, 0xFF00, 0xFFEF, 0};
  b.AddRanges(kMore);
  for (uint32_t cp : extra)
    if (cp > 0 && cp <= 0xFFFF) b.AddChar(static_cast<ImWchar>(cp));
  g_ranges.clear();
  b.BuildRanges(&g_ranges);
  for (int i = 0; i + 1 < g_ranges.Size; i += 2)
    for (uint32_t c = g_ranges[i]; c <= g_ranges[i + 1] && g_ranges[i] != 0; ++c) g_loaded.insert(c);

  if (!path.empty()) {
    ImFontConfig cfg;
    // CJK glyphs are dense: horizontal oversampling buys nothing visible and
    // doubles the atlas (and its build time).
    cfg.OversampleH = 1;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    if (io.Fonts->AddFontFromFileTTF(path.c_str(), size_px, &cfg, g_ranges.Data)) {
      g_cjk = true;
      return true;
    }
  }
  ImFontConfig cfg;
  cfg.SizePixels = size_px;
  io.Fonts->AddFontDefault(&cfg);
  return false;
}

bool font_has(uint32_t cp) { return cp < 0x80 || (g_cjk && g_loaded.count(cp) > 0); }

}  // namespace yz::platform
