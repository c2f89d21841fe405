#include "platform/window.h"

#include <GL/gl.h>
#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <imgui_internal.h>  // the active item and its text state: characters that wait for a field
#include <malloc.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdio>
#include <cfloat>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "platform/fonts.h"
#include "platform/native_text.h"

namespace yz::platform {

namespace {
Uint32 g_wake_event = static_cast<Uint32>(-1);

// ImGui 1.86 asks where the text cursor is so the IME candidate window can
// sit beside it (Pinyin input of Chinese names).
void set_ime_position(int x, int y) {
  SDL_Rect r{x, y, 1, 1};
  SDL_SetTextInputRect(&r);
}

// How many frames typed characters may wait for a text field to take the
// keyboard: a tap on a chip that hands the keyboard to a field needs four
// (the chip pressed, released, the focus asked, the field active).
constexpr int kCarryFrames = 8;
}  // namespace

struct Window::Impl {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  bool imgui_sdl = false, imgui_gl = false;
  SDL_Event deferred{};
  bool has_deferred = false;
  // Where the last motion event put the pointer, in window coordinates.
  bool has_motion = false;
  int motion_x = 0, motion_y = 0;
  // Characters typed while the keyboard was on its way to a text field (see
  // keep_typing), for the next frame, and for how many frames they waited.
  ImVector<ImWchar> carried;
  int carried_frames = 0;
  ImGuiID hooks[2] = {0, 0};

  // Dear ImGui 1.86 loses characters typed while the keyboard moves to a
  // text field: a field given the keyboard by code or by Tab
  // (SetKeyboardFocusHere: the wizard's role chips, 下一步 into the county
  // search) drops the characters of the frame in which it becomes active,
  // and no field takes those of the frames before (EndFrame clears them).
  // So a nurse who typed straight after the tap lost her first letter
  // ("Zhuoma" stored as "huoma"). Two hooks keep them for the field:
  //  - after NewFrame, when a field is to take the keyboard in this frame,
  //    this frame's characters wait for the next one;
  //  - before EndFrame, characters no field took wait for the next frame,
  //    unless a text field was active since an earlier frame (it had them
  //    and chose not to take them).
  // They wait at most kCarryFrames frames, then go as before.
  void keep_typing() {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    ImGuiContextHook hook;
    hook.UserData = this;
    hook.Type = ImGuiContextHookType_NewFramePost;
    hook.Callback = [](ImGuiContext* c, ImGuiContextHook* h) {
      const bool field_takes_keyboard =
          c->NavActivateInputId != 0 || (c->NavActivateId != 0 && c->NavInputSource == ImGuiInputSource_Keyboard);
      if (field_takes_keyboard) static_cast<Impl*>(h->UserData)->hold(c->IO.InputQueueCharacters);
    };
    hooks[0] = ImGui::AddContextHook(ctx, &hook);
    hook.Type = ImGuiContextHookType_EndFramePre;
    hook.Callback = [](ImGuiContext* c, ImGuiContextHook* h) {
      Impl& impl = *static_cast<Impl*>(h->UserData);
      const bool field_had_them = c->ActiveId != 0 && c->ActiveId == c->InputTextState.ID && !c->ActiveIdIsJustActivated;
      if (!field_had_them) impl.hold(c->IO.InputQueueCharacters);
      if (impl.carried.empty() || ++impl.carried_frames > kCarryFrames) {
        impl.carried.clear();
        impl.carried_frames = 0;
      }
    };
    hooks[1] = ImGui::AddContextHook(ctx, &hook);
  }
  // Moves `queue` to the end of what waits for the next frame.
  void hold(ImVector<ImWchar>& queue) {
    for (const ImWchar c : queue) carried.push_back(c);
    queue.resize(0);
  }

  ~Impl() {
    for (const ImGuiID id : hooks)
      if (id && ImGui::GetCurrentContext()) ImGui::RemoveContextHook(ImGui::GetCurrentContext(), id);
    if (gl) release_native_text();  // its textures, while the context is there
    if (imgui_gl) ImGui_ImplOpenGL3_Shutdown();
    if (imgui_sdl) ImGui_ImplSDL2_Shutdown();
    if (gl) SDL_GL_DeleteContext(gl);
    if (window) SDL_DestroyWindow(window);
    SDL_Quit();
  }
};

std::unique_ptr<Window> Window::create(const WindowOptions& o) {
  // Keep the compositor on (no bypass) and let the IME show its own UI.
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  SDL_SetHint(SDL_HINT_IME_SHOW_UI, "1");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
    throw std::runtime_error(std::string("SDL_Init: ") + SDL_GetError());
  // When it reaches no X11 or Wayland display, SDL falls back to drivers that
  // draw nowhere: the app would run with no window. Say so and stop instead.
  // (A screenshot draws into a hidden window, where they are fine.)
  if (const char* driver = SDL_GetCurrentVideoDriver(); !o.hidden && driver &&
                                                        (std::strcmp(driver, "offscreen") == 0 ||
                                                         std::strcmp(driver, "dummy") == 0)) {
    const char* display = std::getenv("DISPLAY");
    SDL_Quit();
    throw std::runtime_error(std::string("no display to draw on (DISPLAY=") + (display ? display : "") +
                             "; SDL could reach neither X11 nor Wayland)");
  }
  std::unique_ptr<Window> w(new Window());
  w->impl_ = std::make_unique<Impl>();
  g_wake_event = SDL_RegisterEvents(1);

  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
  Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
  flags |= o.hidden ? SDL_WINDOW_HIDDEN : SDL_WINDOW_SHOWN;
  w->impl_->window = SDL_CreateWindow(o.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o.width,
                                      o.height, flags);
  if (!w->impl_->window) throw std::runtime_error(std::string("SDL_CreateWindow: ") + SDL_GetError());
  w->impl_->gl = SDL_GL_CreateContext(w->impl_->window);
  if (!w->impl_->gl) throw std::runtime_error(std::string("SDL_GL_CreateContext: ") + SDL_GetError());
  SDL_GL_MakeCurrent(w->impl_->window, w->impl_->gl);
  SDL_GL_SetSwapInterval(1);

  float ddpi = 0;
  if (SDL_GetDisplayDPI(SDL_GetWindowDisplayIndex(w->impl_->window), &ddpi, nullptr, nullptr) == 0 && ddpi > 0) {
    // X servers without a real monitor (Xvfb) report odd values: only trust
    // a sensible range.
    const float s = ddpi / 96.0f;
    if (s >= 1.0f && s <= 3.0f) w->dpi_scale_ = s;
  }

  if (!ImGui_ImplSDL2_InitForOpenGL(w->impl_->window, w->impl_->gl))
    throw std::runtime_error("ImGui SDL2 backend");
  w->impl_->imgui_sdl = true;
  if (!ImGui_ImplOpenGL3_Init("#version 150")) throw std::runtime_error("ImGui OpenGL3 backend");
  w->impl_->imgui_gl = true;
  ImGui::GetIO().ImeSetInputScreenPosFn = set_ime_position;
  // Text input stays on from here (SDL sends SDL_TEXTINPUT whatever has the
  // focus): the characters' way to a field is keep_typing's concern.
  SDL_StartTextInput();
  w->impl_->keep_typing();
  return w;
}

Window::~Window() = default;

// Dear ImGui 1.86 has no input queue: a key pressed and released between
// two frames would never be seen down (xdotool, fast typists, a barcode
// scanner typing a 身份证 number), and Ctrl released in the same batch as N
// would turn Ctrl+N into N. So a batch of events stops at the first release
// after a key was pressed in it; that release starts the next batch,
// after a frame has been drawn. Modifiers are taken from each event (what was
// held then), not from SDL's current state, for the same reason.
// Characters carried from the last frame (Impl::keep_typing: typed before a
// field took the keyboard) go first, before this batch's.
// A batch also ends after Tab's release: the field Tab moves to becomes
// active in the frame after the press and ignores characters in that
// frame, so a digit typed right after Tab ("92" -> "2") waits for the next.
int Window::wait_events(int timeout_ms) {
  ImGuiIO& io = ImGui::GetIO();
  SDL_Event e;
  int n = 0;
  if (!impl_->carried.empty()) {
    for (const ImWchar c : io.InputQueueCharacters) impl_->carried.push_back(c);
    io.InputQueueCharacters.swap(impl_->carried);
    impl_->carried.clear();
    ++n;  // a frame for them, and a poll below, not a wait
    timeout_ms = 0;
  }
  bool got;
  if (impl_->has_deferred) {
    e = impl_->deferred;
    impl_->has_deferred = false;
    got = true;
  } else {
    got = timeout_ms == 0 ? SDL_PollEvent(&e) : timeout_ms < 0 ? SDL_WaitEvent(&e) : SDL_WaitEventTimeout(&e, timeout_ms);
  }
  std::vector<SDL_Scancode> down;
  while (got) {
    if (e.type == SDL_KEYUP && !down.empty()) {
      impl_->deferred = e;
      impl_->has_deferred = true;
      break;
    }
    ++n;
    if (e.type != g_wake_event) ImGui_ImplSDL2_ProcessEvent(&e);
    if (e.type == SDL_MOUSEMOTION && e.motion.windowID == SDL_GetWindowID(impl_->window)) {
      impl_->has_motion = true;
      impl_->motion_x = e.motion.x;
      impl_->motion_y = e.motion.y;
    }
    if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
      const Uint16 mod = e.key.keysym.mod;
      io.KeyCtrl = (mod & KMOD_CTRL) != 0;
      io.KeyShift = (mod & KMOD_SHIFT) != 0;
      io.KeyAlt = (mod & KMOD_ALT) != 0;
      io.KeySuper = (mod & KMOD_GUI) != 0;
      if (e.type == SDL_KEYDOWN) down.push_back(e.key.keysym.scancode);
      if (std::getenv("YIZHEN_TRACE_KEYS"))
        std::fprintf(stderr, "key %s %d mod %x\n", e.type == SDL_KEYDOWN ? "down" : "up", e.key.keysym.scancode, mod);
    }
    if (e.type == SDL_KEYUP && e.key.keysym.scancode == SDL_SCANCODE_TAB) {
      if (SDL_PollEvent(&e)) {
        impl_->deferred = e;
        impl_->has_deferred = true;
      }
      break;
    }
    if (e.type == SDL_QUIT) quit_ = true;
    if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE &&
        e.window.windowID == SDL_GetWindowID(impl_->window))
      quit_ = true;
    got = SDL_PollEvent(&e);
  }
  return n + (impl_->has_deferred ? 1 : 0);
}

bool Window::has_pending_input() const { return impl_->has_deferred || !impl_->carried.empty(); }

void Window::new_frame() {
  ImGui_ImplOpenGL3_NewFrame();  // uploads the font atlas when it changed
  ImGui_ImplSDL2_NewFrame();
  // The pointer from the window's own motion events, over the backend's
  // global query: while a button is held (a finger dragging a list), SDL's
  // X11 driver answers that query from a cache refreshed only by XInput2
  // raw motion, which a warped pointer (xdotool; some touch drivers) never
  // sends, and ImGui saw the drag frozen where it began. Only while the
  // backend says the pointer is ours (the window has focus).
  ImGuiIO& mouse_io = ImGui::GetIO();
  if (impl_->has_motion && mouse_io.MousePos.x > -FLT_MAX)
    mouse_io.MousePos = ImVec2(static_cast<float>(impl_->motion_x), static_cast<float>(impl_->motion_y));
  // Once on the GPU, the atlas's CPU copies (alpha and RGBA, several MB
  // with CJK glyphs) and the font file it was built from are not needed
  // until the next rebuild (load_fonts).
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (atlas->TexID && (atlas->TexPixelsAlpha8 || atlas->TexPixelsRGBA32)) {
    atlas->ClearTexData();
    release_font_file();
#ifdef __GLIBC__
    // A build's buffers are freed, but glibc keeps freed heap once its
    // mmap threshold has risen past them (after the first atlas's 4 MB
    // buffer): each rebuild for new glyphs would leave ~15 MB resident.
    malloc_trim(0);
#endif
  }
}

namespace {
void draw(float r, float g, float b) {
  ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
             static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(r, g, b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}
}  // namespace

void Window::render_and_present(float r, float g, float b) {
  draw(r, g, b);
  SDL_GL_SwapWindow(impl_->window);
}

bool Window::render_to_png(const std::string& path, float r, float g, float b) {
  draw(r, g, b);
  int w = 0, h = 0;
  SDL_GL_GetDrawableSize(impl_->window, &w, &h);
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // OpenGL's origin is bottom-left; PNG rows go top-down.
  std::vector<unsigned char> flipped(px.size());
  const size_t row = static_cast<size_t>(w) * 4;
  for (int y = 0; y < h; ++y)
    std::copy_n(px.data() + (h - 1 - y) * row, row, flipped.data() + y * row);
  for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
  return stbi_write_png(path.c_str(), w, h, 4, flipped.data(), static_cast<int>(row)) != 0;
}

void Window::set_title(const std::string& title) { SDL_SetWindowTitle(impl_->window, title.c_str()); }

void Window::reload_fonts() {
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

int Window::width() const {
  int w = 0, h = 0;
  SDL_GetWindowSize(impl_->window, &w, &h);
  return w;
}
int Window::height() const {
  int w = 0, h = 0;
  SDL_GetWindowSize(impl_->window, &w, &h);
  return h;
}

int letter_key(char c) {
  if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (c < 'a' || c > 'z') return -1;
  return SDL_SCANCODE_A + (c - 'a');
}

int function_key(int n) {
  if (n < 1 || n > 12) return -1;
  return SDL_SCANCODE_F1 + (n - 1);
}

void Window::wake() {
  if (g_wake_event == static_cast<Uint32>(-1)) return;
  SDL_Event e{};
  e.type = g_wake_event;
  SDL_PushEvent(&e);  // SDL's event queue is thread-safe
}

}  // namespace yz::platform
