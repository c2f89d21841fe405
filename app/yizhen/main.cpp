// yizhen: the field app (DESIGN.md §1, §6). Set up, loop (events, queued
// results, frame, draw, present), tear down in reverse — like the Dear ImGui
// examples. The loop renders on events: it sleeps in SDL_WaitEventTimeout and
// draws a few frames after each event or worker result.
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/yizhen/app.h"
#include "app/yizhen/model/app_model.h"
#include "app/yizhen/model/options.h"
#include "app/yizhen/sync_service.h"
#include "platform/paths.h"
#include "platform/window.h"

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
constexpr float kBg[3] = {0.965f, 0.97f, 0.975f};
}  // namespace

int main(int argc, char** argv) {
  using namespace yz;
  const auto t_start = std::chrono::steady_clock::now();
  std::string error;
  app::Options opt = app::parse_options(std::vector<std::string>(argv + 1, argv + argc), error);
  if (!error.empty()) {
    std::fprintf(stderr, "yizhen: %s\n", error.c_str());
    return 2;
  }
  if (opt.help) {
    std::fputs(app::usage().c_str(), stdout);
    return 0;
  }
  if (!opt.screen.empty() && !app::screen_from_name(opt.screen)) {
    std::fprintf(stderr, "yizhen: --screen: unknown screen \"%s\"\n", opt.screen.c_str());
    return 2;
  }
  const std::string db_path = opt.db.empty() ? platform::default_db_path() : opt.db;
  const bool screenshot = !opt.screenshot.empty();

  // Set up Dear ImGui and the window.
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is code, not a file
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.ConfigInputTextCursorBlink = false;  // a blinking cursor would keep the loop awake
  std::unique_ptr<platform::Window> window;
  try {
    window = platform::Window::create({"yizhen 义诊", opt.width, opt.height, screenshot});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "yizhen: cannot open a window: %s\n", e.what());
    ImGui::DestroyContext();
    return 3;
  }

  int rc = 0;
  {
    // The model: the writer (DbWorker) and search threads, results queue.
    app::AppModel model(db_path, &platform::Window::wake);
    model.load_prefs();
    if (opt.lang) model.view_mut().prefs.lang = *opt.lang == "en" ? Lang::en : Lang::zh;
    if (opt.scale) model.view_mut().prefs.scale = *opt.scale;
    if (!model.view().db_error.empty()) std::fprintf(stderr, "yizhen: %s\n", model.view().db_error.c_str());
    // Sync runs in the background from the start (not for screenshots).
    app::SyncService sync(model.db(), model.queue(), model.lang(), !screenshot);
    model.on_saved = [&sync] { sync.saved(); };
    app::App app(model, opt, &sync);
    if (screenshot) {
      // Screenshots are of a settled app: every glyph, every result in.
      model.load_all();
      model.settle();
      model.load_name_chars({});
      model.settle();
      app.prepare_screenshot(opt.query, true, opt.program);
    }
    const auto t_prefs = std::chrono::steady_clock::now();
    app.scan_glyphs();
    app.load_fonts(window->dpi_scale());
    if (std::getenv("YIZHEN_TIMING"))
      std::fprintf(stderr, "yizhen: window+store+prefs %.1f ms, fonts %.1f ms\n",
                   std::chrono::duration<double, std::milli>(t_prefs - t_start).count(),
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_prefs).count());
    if (!screenshot) {
      model.load_all();
      // Names added since the last start may hold characters the cached set
      // lacks: look once in the background, reload the font if so.
      model.load_name_chars([&app] { app.scan_glyphs(); });
    }

    int frames_left = 3, frames_drawn = 0;
    bool first_frame = true;
    double worst_frame_ms = 0;
    while (!window->quit_requested()) {
      // Events: sleep until something happens (or a draft falls due).
      int timeout = -1;
      if (frames_left > 0 || screenshot || window->has_pending_input()) timeout = 0;
      else {
        const int64_t draft_wait = app.keep_drafts(now_ms());
        timeout = draft_wait < 0 ? 1000 : static_cast<int>(std::min<int64_t>(draft_wait + 1, 1000));
      }
      if (app.wants_periodic_frames() && timeout < 0) timeout = 1000;
      if (window->wait_events(timeout) > 0) frames_left = std::max(frames_left, 3);
      // The sync screen follows the engine's progress once a second.
      if (app.wants_periodic_frames()) frames_left = std::max(frames_left, 1);
      // Queued results from the workers.
      if (model.pump() > 0) {
        app.scan_glyphs();
        frames_left = std::max(frames_left, 2);
      }
      if (!screenshot) app.keep_drafts(now_ms());
      if (screenshot) frames_left = std::max(frames_left, 1);
      if (frames_left <= 0) continue;
      if (app.fonts_dirty()) {
        app.load_fonts(window->dpi_scale());
        window->reload_fonts();
      }
      if (screenshot) model.settle();

      // Frame.
      const auto t0 = std::chrono::steady_clock::now();
      window->new_frame();
      ImGui::NewFrame();
      app.draw(io.DisplaySize.x, io.DisplaySize.y);
      ImGui::Render();
      const double build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (frames_drawn > 2) worst_frame_ms = std::max(worst_frame_ms, build_ms);
      ++frames_drawn;
      --frames_left;

      if (screenshot && frames_drawn >= opt.frames) {
        if (!window->render_to_png(opt.screenshot, kBg[0], kBg[1], kBg[2])) {
          std::fprintf(stderr, "yizhen: cannot write %s\n", opt.screenshot.c_str());
          rc = 3;
        }
        break;
      }
      window->render_and_present(kBg[0], kBg[1], kBg[2]);
      if (first_frame) {
        first_frame = false;
        if (std::getenv("YIZHEN_TIMING"))
          std::fprintf(stderr, "yizhen: first frame after %.1f ms\n",
                       std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count());
      }
    }
    if (std::getenv("YIZHEN_TIMING"))
      std::fprintf(stderr, "yizhen: %d frames, worst frame build %.3f ms\n", frames_drawn, worst_frame_ms);
    // Whatever was typed is saved before leaving.
    if (!screenshot) app.keep_drafts(now_ms() + 1'000'000);
    if (!opt.state_out.empty()) {
      std::ofstream out(opt.state_out);
      out << app.state_json().dump(2) << "\n";
    }
  }  // the model's threads finish their queued work and stop here

  // Tear down in reverse.
  window.reset();
  ImGui::DestroyContext();
  return rc;
}
