#include "platform/native_text.h"

#include <GL/gl.h>

#include <cmath>
#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "platform/text_shaper.h"

namespace yz::platform {

namespace {

// Bounds of the cache: a screen shows at most a few dozen names; a name at
// text scale 2 is about 300 × 60 texels.
constexpr size_t kMaxEntries = 256;
constexpr size_t kMaxTexels = 4u << 20;  // 16 MB of RGBA

struct Entry {
  std::string key;
  NativeImage image;
  GLuint tex = 0;
  size_t texels = 0;
  int used_frame = -1;
};

struct Cache {
  std::unique_ptr<TextShaper> shaper;
  std::string fallback_font;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index;
  size_t texels = 0;

  TextShaper& get_shaper() {
    if (!shaper) shaper = std::make_unique<TextShaper>(find_native_fonts(fallback_font));
    return *shaper;
  }

  void drop(std::list<Entry>::iterator it) {
    if (it->tex) glDeleteTextures(1, &it->tex);
    texels -= it->texels;
    index.erase(it->key);
    lru.erase(it);
  }

  // Evict least recently used entries not drawn in this frame (their
  // texture ids are already in the frame's draw lists).
  void trim(int frame) {
    while ((lru.size() > kMaxEntries || texels > kMaxTexels) && !lru.empty()) {
      auto it = std::prev(lru.end());
      if (it->used_frame == frame) break;
      drop(it);
    }
  }

  void clear() {
    while (!lru.empty()) drop(lru.begin());
    shaper.reset();
  }
};

Cache& cache() {
  static Cache c;
  return c;
}

GLuint upload(const AlphaBitmap& bm) {
  // White with the coverage as alpha: ImGui's shader multiplies by the
  // vertex colour, the text colour.
  std::vector<uint32_t> rgba(bm.pixels.size());
  for (size_t i = 0; i < bm.pixels.size(); ++i) rgba[i] = 0x00FFFFFFu | (static_cast<uint32_t>(bm.pixels[i]) << 24);
  GLint last = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, bm.width, bm.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last));
  return tex;
}

}  // namespace

const NativeImage* native_text_image(std::string_view utf8, float px) {
  if (utf8.empty() || px <= 0) return nullptr;
  Cache& c = cache();
  const int frame = ImGui::GetFrameCount();
  const long size_key = std::lround(px * 4);  // quarter pixels
  std::string key = std::to_string(size_key);
  key += '\0';
  key += utf8;
  if (auto found = c.index.find(key); found != c.index.end()) {
    c.lru.splice(c.lru.begin(), c.lru, found->second);
    found->second->used_frame = frame;
    return found->second->tex ? &found->second->image : nullptr;
  }
  TextShaper& shaper = c.get_shaper();
  const float size = static_cast<float>(size_key) / 4.0f;
  const ShapedText shaped = shaper.shape(utf8, size);
  Entry e;
  e.key = key;
  e.used_frame = frame;
  // Text with a script that has no font is remembered as such (no texture),
  // so it is not shaped again every frame.
  if (shaped.complete) {
    const AlphaBitmap bm = shaper.render(shaped, size);
    if (bm.width > 0 && bm.height > 0) {
      e.tex = upload(bm);
      e.texels = static_cast<size_t>(bm.width) * static_cast<size_t>(bm.height);
      e.image.texture = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e.tex));
      e.image.width = static_cast<float>(bm.width);
      e.image.height = static_cast<float>(bm.height);
      e.image.baseline = bm.baseline;
    }
  }
  c.texels += e.texels;
  c.lru.push_front(std::move(e));
  c.index[key] = c.lru.begin();
  c.trim(frame);
  return c.lru.front().tex ? &c.lru.front().image : nullptr;
}

void set_native_text_fallback_font(const std::string& path) {
  Cache& c = cache();
  if (path == c.fallback_font) return;
  c.clear();
  c.fallback_font = path;
}

void release_native_text() { cache().clear(); }

size_t native_text_entries() { return cache().lru.size(); }
size_t native_text_texels() { return cache().texels; }

}  // namespace yz::platform
