#pragma once
// The field app's window: an SDL2 window with an OpenGL 3 context, Dear ImGui's
// SDL2 and OpenGL3 backends, an event pump that waits (render on events), the
// IME position, DPI, and a PNG read-back for screenshots. The only code that
// touches SDL and OpenGL (DESIGN.md §3).
//
// Threads: a Window is created, used and destroyed on the UI thread; only
// wake() may be called from any thread. The ImGui context must exist before
// create() and outlive the Window.
// Errors: create() throws std::runtime_error naming what failed.

#include <memory>
#include <string>

namespace yz::platform {

struct WindowOptions {
  std::string title = "yizhen";
  int width = 1366, height = 768;
  bool hidden = false;  // screenshots: render off screen
};

class Window {
 public:
  static std::unique_ptr<Window> create(const WindowOptions& options);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  // Wait up to `timeout_ms` (0: poll, < 0: forever) for events, feed them
  // to ImGui, and return how many arrived (wake() calls included).
  int wait_events(int timeout_ms);
  // An event or typed characters held back for the next frame (see
  // wait_events): poll, don't wait.
  bool has_pending_input() const;
  bool quit_requested() const { return quit_; }
  void clear_quit() { quit_ = false; }

  void new_frame();
  // Render ImGui's draw data on a cleared background and show it.
  void render_and_present(float r, float g, float b);
  // Render without presenting and write the back buffer to a PNG.
  bool render_to_png(const std::string& path, float r, float g, float b);

  // The window's title (UTF-8): the taskbar shows whether the app is locked.
  void set_title(const std::string& title);

  // Re-upload the font atlas after ImGui's fonts changed (new glyphs).
  void reload_fonts();

  // Display scale: the window's DPI over 96 (1 on an ordinary screen).
  float dpi_scale() const { return dpi_scale_; }
  int width() const;
  int height() const;

  // Wake a wait_events() on the UI thread. Any thread; cheap.
  static void wake();

 private:
  Window() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool quit_ = false;
  float dpi_scale_ = 1.0f;
};

// Indices into ImGui's io.KeysDown (the SDL backend's scancodes) of a
// letter key ('a'..'z') and of a function key (1..12), for shortcuts.
int letter_key(char c);
int function_key(int n);

}  // namespace yz::platform
