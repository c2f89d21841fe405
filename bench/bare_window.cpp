// bare_window: the reference for the field app's start-up and memory bars
// (DESIGN.md §7, bench/app_xvfb.sh). The least the app could do: an SDL2
// window with the same OpenGL 3.2 core context, one cleared frame presented,
// then wait for events (as the app does when idle) until SIGTERM/SIGINT
// (SDL turns them into SDL_QUIT).
//
// With YIZHEN_TIMING set, prints on stderr, like yizhen:
//   yizhen: first frame after X ms
//   yizhen: first frame at REALTIME_NS (CLOCK_REALTIME, for the script's clock)
// No ImGui, no fonts, no database: SDL2 and GL only. It therefore cannot
// call platform::Window and repeats its context attributes on purpose: keep
// them the same as platform/window.cpp's, or the reference measures
// something else.
#include <GL/gl.h>
#include <SDL.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

int main() {
  const auto t_start = std::chrono::steady_clock::now();
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    std::fprintf(stderr, "bare_window: SDL_Init: %s\n", SDL_GetError());
    return 3;
  }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
  SDL_Window* window =
      SDL_CreateWindow("bare_window", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1366, 768,
                       SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_SHOWN);
  if (!window) {
    std::fprintf(stderr, "bare_window: SDL_CreateWindow: %s\n", SDL_GetError());
    SDL_Quit();
    return 3;
  }
  SDL_GLContext gl = SDL_GL_CreateContext(window);
  if (!gl) {
    std::fprintf(stderr, "bare_window: SDL_GL_CreateContext: %s\n", SDL_GetError());
    SDL_DestroyWindow(window);
    SDL_Quit();
    return 3;
  }
  SDL_GL_MakeCurrent(window, gl);
  SDL_GL_SetSwapInterval(1);

  const bool timing = std::getenv("YIZHEN_TIMING") != nullptr;
  bool first = true, quit = false;
  while (!quit) {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.965f, 0.97f, 0.975f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    SDL_GL_SwapWindow(window);
    if (first) {
      first = false;
      if (timing) {
        timespec ts{};
        clock_gettime(CLOCK_REALTIME, &ts);
        std::fprintf(stderr, "yizhen: first frame after %.1f ms\n",
                     std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count());
        std::fprintf(stderr, "yizhen: first frame at %lld\n",
                     static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec);
      }
    }
    // Idle like the app: sleep until something happens, redraw on expose.
    SDL_Event e;
    bool redraw = false;
    while (!quit && !redraw && SDL_WaitEvent(&e)) {
      if (e.type == SDL_QUIT) quit = true;
      if (e.type == SDL_WINDOWEVENT &&
          (e.window.event == SDL_WINDOWEVENT_EXPOSED || e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED))
        redraw = true;
    }
  }
  SDL_GL_DeleteContext(gl);
  SDL_DestroyWindow(window);
  SDL_Quit();
  return 0;
}
