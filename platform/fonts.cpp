#include "platform/fonts.h"

#include <fcntl.h>
#include <imgui.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <unordered_set>

#include "platform/text_shaper.h"

namespace yz::platform {

namespace {
// Glyph ranges must live until the atlas is built (ImGui keeps the pointer).
ImVector<ImWchar> g_ranges;
std::unordered_set<uint32_t> g_loaded;
bool g_cjk = false;

// The font file, mapped read-only while the atlas is built from it. ImGui's
// AddFontFromFileTTF would read all of it into memory kept for the app's
// life (19 MB for Noto Sans CJK's .ttc, of which a build reads a few MB);
// mapped, only the pages read count, and they go with the mapping.
void* g_file = nullptr;
size_t g_file_size = 0;

void unmap_font_file() {
  if (g_file) munmap(g_file, g_file_size);
  g_file = nullptr;
  g_file_size = 0;
}

bool map_font_file(const std::string& path) {
  unmap_font_file();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  void* p = MAP_FAILED;
  // ImGui takes the size as an int.
  if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < (1LL << 31))
    p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return false;
  g_file = p;
  g_file_size = static_cast<size_t>(st.st_size);
  return true;
}
// The Tibetan and Arabic letters merged into the atlas as they are, one
// glyph per character: what a text field can show of a name being typed
// (unjoined, unstacked, but the letters the nurse typed rather than "???").
// Shaped names are drawn by platform/native_text.h.
void merge_native_scripts(float size_px) {
  static const ImWchar kTibetan[] = {0x0F00, 0x0FDA, 0};
  static const ImWchar kArabic[] = {0x0600, 0x06FF, 0};
  const NativeFonts fonts = find_native_fonts();
  ImGuiIO& io = ImGui::GetIO();
  for (const auto& [file, ranges] : {std::pair{fonts.tibetan, kTibetan}, std::pair{fonts.arabic, kArabic}}) {
    if (file.empty()) continue;  // TextShaper logs what is missing
    ImFontConfig cfg;
    cfg.MergeMode = true;
    cfg.OversampleH = 1;
    cfg.OversampleV = 1;
    if (!io.Fonts->AddFontFromFileTTF(file.c_str(), size_px, &cfg, ranges)) {
      std::fprintf(stderr, "yizhen: cannot read %s: Tibetan or Uyghur letters show as ? while typed\n", file.c_str());
      continue;
    }
    for (ImWchar c = ranges[0]; c <= ranges[1]; ++c) g_loaded.insert(c);
  }
}

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
  unmap_font_file();
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
    cfg.FontDataOwnedByAtlas = false;  // the mapping is ours (release_font_file)
    if (map_font_file(path) &&
        io.Fonts->AddFontFromMemoryTTF(g_file, static_cast<int>(g_file_size), size_px, &cfg, g_ranges.Data)) {
      g_cjk = true;
      merge_native_scripts(size_px);
      return true;
    }
    unmap_font_file();
  }
  ImFontConfig cfg;
  cfg.SizePixels = size_px;
  io.Fonts->AddFontDefault(&cfg);
  merge_native_scripts(size_px);
  return false;
}

void release_font_file() {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (!atlas->IsBuilt()) return;
  atlas->ClearInputData();  // the font's source (and its config): the glyphs stay
  unmap_font_file();
}

bool font_has(uint32_t cp) {
  return cp < 0x80 || ((g_cjk || (cp >= 0x0600 && cp <= 0x0FFF)) && g_loaded.count(cp) > 0);
}

}  // namespace yz::platform
