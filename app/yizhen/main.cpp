// yizhen: the field app (DESIGN.md §1, §6). Set up, loop (events, queued
// results, frame, draw, present), tear down in reverse — like the Dear ImGui
// examples. The loop renders on events: it sleeps in SDL_WaitEventTimeout and
// draws a few frames after each event or worker result.
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <utility>
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

// YIZHEN_TIMING (bench/app_xvfb.sh): frame build times after the first
// frames, as median, p95 and worst, overall and per screen.
void print_frame_times(std::vector<std::pair<yz::app::Screen, double>> frames, int frames_drawn) {
  auto line = [](const char* what, std::vector<double> ms) {
    if (ms.empty()) return;
    std::sort(ms.begin(), ms.end());
    std::fprintf(stderr, "yizhen: frame build %s: %zu frames, median %.3f ms, p95 %.3f ms, worst %.3f ms\n", what,
                 ms.size(), ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back());
  };
  std::vector<double> all;
  for (const auto& f : frames) all.push_back(f.second);
  std::fprintf(stderr, "yizhen: %d frames, worst frame build %.3f ms\n", frames_drawn,
               all.empty() ? 0.0 : *std::max_element(all.begin(), all.end()));
  line("all", all);
  for (int s = 0; s < static_cast<int>(yz::app::Screen::count_); ++s) {
    std::vector<double> ms;
    for (const auto& f : frames)
      if (static_cast<int>(f.first) == s) ms.push_back(f.second);
    line(yz::app::screen_name(static_cast<yz::app::Screen>(s)), std::move(ms));
  }
}
}  // namespace

int main(int argc, char** argv) {
  using namespace yz;
  platform::make_new_files_private();
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

  const bool timing = std::getenv("YIZHEN_TIMING") != nullptr;
  auto since_start = [&t_start] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count();
  };

  // Set up Dear ImGui, the model and the window. The model first: its
  // DbWorker opens (and migrates) the database on its own thread while the
  // window and its GL context are made here.
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is code, not a file
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.ConfigInputTextCursorBlink = false;  // a blinking cursor would keep the loop awake
  // The model: the writer (DbWorker) and search threads, results queue. An
  // encrypted (or a new) database waits for the lock screen's passphrase.
  auto model_owner = std::make_unique<app::AppModel>(db_path, &platform::Window::wake, app::protection_of(db_path));
  app::AppModel& model = *model_owner;
  std::unique_ptr<platform::Window> window;
  try {
    window = platform::Window::create({"yizhen 义诊", opt.width, opt.height, screenshot});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "yizhen: cannot open a window: %s\n", e.what());
    model_owner.reset();
    ImGui::DestroyContext();
    return 3;
  }
  const double window_ms = since_start();

  int rc = 0;
  {
    const bool open_now = model.view().lock.store_open();
    if (open_now) model.load_prefs();
    auto apply_options = [&] {
      if (opt.lang) model.view_mut().prefs.lang = *opt.lang == "en" ? Lang::en : Lang::zh;
      if (opt.scale) model.view_mut().prefs.scale = *opt.scale;
    };
    apply_options();
    if (model.view().db_error) std::fprintf(stderr, "yizhen: %s\n", model.view().db_error(model.lang()).c_str());
    // Sync runs in the background, from the first frame on (not for screenshots).
    app::SyncService sync(model.db(), model.queue(), model.lang(), false);
    model.on_saved = [&sync] { sync.saved(); };
    app::App app(model, opt, &sync);
    if (screenshot && open_now) {
      // Screenshots are of a settled app: every glyph, every result in.
      model.load_all();
      model.settle();
      model.load_name_chars({});
      model.settle();
      app.prepare_screenshot(opt.query, true, opt.program);
    }
    const double prefs_ms = since_start();
    app.scan_glyphs();
    app.load_fonts(window->dpi_scale());
    if (timing)
      std::fprintf(stderr, "yizhen: window %.1f ms, store+prefs %.1f ms, fonts %.1f ms\n", window_ms,
                   prefs_ms - window_ms, since_start() - prefs_ms);
    // What the first frame does not need starts once it is shown: the
    // reference lists, the search and writer threads' ICU warm-up, the scan
    // of name characters and the sync engine would otherwise take the CPU
    // (two cores on a field laptop) from the font atlas and the first draw.
    bool background_started = false;
    auto start_background = [&] {
      if (background_started) return;
      background_started = true;
      model.load_all();
      // Names added since the last start may hold characters the cached set
      // lacks: look once in the background, reload the font if so.
      model.load_name_chars([&app] { app.scan_glyphs(); });
      sync.start();
    };
    // Unlocked on the lock screen: the database is open, its preferences read.
    model.on_opened = [&] {
      apply_options();
      app.after_open();
      if (!screenshot) start_background();
    };

    std::string window_title = "yizhen 义诊";
    int frames_left = 3, frames_drawn = 0;
    bool first_frame = true, ready_shown = false;
    std::vector<std::pair<app::Screen, double>> frame_ms;  // after the first frames (timing only)
    while (!window->quit_requested()) {
      // Events: sleep until something happens (or a draft falls due).
      int timeout = -1;
      if (frames_left > 0 || screenshot || window->has_pending_input()) timeout = 0;
      else {
        const int64_t draft_wait = app.keep_drafts(now_ms());
        timeout = draft_wait < 0 ? 1000 : static_cast<int>(std::min<int64_t>(draft_wait + 1, 1000));
      }
      if (app.wants_periodic_frames() && timeout < 0) timeout = 1000;
      // The idle lock falls due: wake for it (a timeout, not polling).
      if (const int64_t lock_wait = model.lock_wait_ms(now_ms()); lock_wait >= 0 && !screenshot)
        timeout = timeout < 0 ? static_cast<int>(std::min<int64_t>(lock_wait + 1, INT32_MAX))
                              : static_cast<int>(std::min<int64_t>(timeout, lock_wait + 1));
      if (window->wait_events(timeout) > 0) {
        frames_left = std::max(frames_left, 3);
        model.activity(now_ms());
      }
      if (!screenshot && model.lock_wait_ms(now_ms()) == 0) {
        app.keep_drafts(now_ms() + 1'000'000);  // what was typed is kept, encrypted, before locking
        if (model.check_idle(now_ms())) frames_left = std::max(frames_left, 2);
      }
      // Some screens want a frame a second (App::wants_periodic_frames).
      if (app.wants_periodic_frames()) frames_left = std::max(frames_left, 1);
      // Queued results from the workers.
      if (model.pump() > 0) {
        app.scan_glyphs();
        frames_left = std::max(frames_left, 2);
      }
      if (!screenshot) app.keep_drafts(now_ms());
      // An old status line goes (the loop wakes at least once a second).
      if (!screenshot && model.expire_toast(now_ms())) frames_left = std::max(frames_left, 1);
      if (screenshot) frames_left = std::max(frames_left, 1);
      if (frames_left <= 0) continue;
      if (app.fonts_dirty()) {
        const double t_fonts = since_start();
        app.load_fonts(window->dpi_scale());
        window->reload_fonts();
        if (timing) std::fprintf(stderr, "yizhen: fonts rebuilt (new glyphs) in %.1f ms\n", since_start() - t_fonts);
      }
      if (screenshot) model.settle();

      // Frame.
      const auto t0 = std::chrono::steady_clock::now();
      const app::Screen drawn = app.screen();
      window->new_frame();  // the first time: atlas, shaders, texture upload
      const auto t_new_frame = std::chrono::steady_clock::now();
      ImGui::NewFrame();
      const app::LockStep step_before = model.view().lock.step();
      app.draw(io.DisplaySize.x, io.DisplaySize.y);
      ImGui::Render();
      // Locked or signed in within the frame (the Lock button, a PIN): the
      // new screen asks for the keyboard, which ImGui gives a frame later.
      if (model.view().lock.step() != step_before) frames_left = std::max(frames_left, 3);
      if (std::string title = app.window_title(); title != window_title) {
        window->set_title(title);
        window_title = std::move(title);
      }
      const double build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (timing && frames_drawn > 2) frame_ms.emplace_back(drawn, build_ms);
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
      if (timing && !ready_shown && model.view().ready) {
        ready_shown = true;
        std::fprintf(stderr, "yizhen: first frame with the reference lists loaded after %.1f ms\n", since_start());
      }
      if (first_frame) {
        first_frame = false;
        if (!screenshot && model.view().lock.store_open()) start_background();
        if (timing) {
          // The wall clock too: bench/app_xvfb.sh compares it with its own
          // time taken before exec (loading and linking included).
          timespec ts{};
          clock_gettime(CLOCK_REALTIME, &ts);
          const auto t_shown = std::chrono::steady_clock::now();
          auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
          std::fprintf(stderr,
                       "yizhen: first frame: until it %.1f ms, atlas+device objects %.1f ms, build %.1f ms, "
                       "render+present %.1f ms\n",
                       ms(t_start, t0), ms(t0, t_new_frame), build_ms - ms(t0, t_new_frame),
                       ms(t0, t_shown) - build_ms);
          std::fprintf(stderr, "yizhen: first frame after %.1f ms\n", ms(t_start, t_shown));
          std::fprintf(stderr, "yizhen: first frame at %lld\n",
                       static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec);
        }
      }
    }
    if (timing) print_frame_times(std::move(frame_ms), frames_drawn);
    // Whatever was typed is saved before leaving.
    if (!screenshot && model.view().lock.store_open()) app.keep_drafts(now_ms() + 1'000'000);
    if (!opt.state_out.empty()) {
      std::ofstream out(opt.state_out);
      out << app.state_json().dump(2) << "\n";
    }
  }
  model_owner.reset();  // the model's threads finish their queued work and stop here

  // Tear down in reverse.
  window.reset();
  ImGui::DestroyContext();
  return rc;
}
