#pragma once
// The field app's frame: the top bar, the navigation, and the one place that
// decides which screen shows. Owns the screens' states, keeps drafts of the
// forms, and tracks which glyphs the font still needs.
//
// Threads: UI thread only.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "app/yizhen/model/app_model.h"
#include "app/yizhen/model/options.h"
#include "app/yizhen/screens/screens.h"

namespace yz::app {

class App {
 public:
  // `sync` may be null (screenshots, or no sync in this build).
  App(AppModel& model, const Options& options, SyncService* sync);
  // The screen shows something that changes without events (sync progress).
  // The sync screen follows the engine's progress; a follow-up's
  // confirmation dialog enables its button once the double-tap guard passed;
  // characters just typed wait for the font (see note_typed).
  bool wants_periodic_frames() const {
    return nav_.current == Screen::sync || follow_ups_.pending.has_value() || glyphs_waiting_;
  }

  // Build the font atlas (UI strings, names seen so far, common Chinese) at
  // the preferred text scale × `dpi_scale`, and the theme.
  void load_fonts(float dpi_scale);
  // Fonts or scale changed since the last load (the caller reloads them
  // and re-uploads the texture before the next frame).
  bool fonts_dirty() const { return fonts_dirty_; }

  // Draw one frame into a window of `width` × `height` (logical pixels).
  void draw(float width, float height);
  // After results or events: look for characters the font lacks.
  void scan_glyphs();
  // Save drafts that are due; milliseconds until the next is due (-1: none).
  int64_t keep_drafts(int64_t now_ms);

  Screen screen() const { return nav_.current; }
  // The window's title: "yizhen 义诊", with the lock's state while locked
  // ("· 已锁定", "· 登录", "· 解锁中…"), so the taskbar (and a test) sees it.
  std::string window_title() const;
  // The database just opened (after the lock screen, or at once for a plain
  // one): the first screen, the drafts back in their forms.
  void after_open();
  void go(Screen s);
  // For screenshots of a filled form: search `query`, open the first hit,
  // and (on the encounter screen) fill a sample encounter; `program`: start
  // a screening under that program id (prefilled from the sample vitals)
  // and scroll to it.
  void prepare_screenshot(const std::string& query, bool fill_sample, const std::string& program = {});
  // The forms as JSON (end-to-end tests read it).
  json state_json() const;

 private:
  // A sync round that ended moved the pending count (the top bar and the
  // Sync screen show it): count again; on the Sync screen, its lists of
  // quarantined changes and conflicts loaded again too.
  void follow_sync();
  std::optional<int64_t> sync_seen_;
  void draw_top_bar();
  void draw_status_bar();
  void handle_shortcuts();
  // The first-start wizard is showing and not finished: the only screen.
  bool in_wizard() const;
  void restore_drafts();
  // Characters of `text` the font lacks make it dirty; `typed` ones wait
  // until typing pauses (glyphs_waiting_).
  void note(std::string_view text, bool typed = false);
  // After each frame: what the first-start wizard and the add-village panel
  // hold (typed, or found by a search), for the font. The font is rebuilt
  // once typing has paused for half a second, not per character: a rebuild
  // takes ~0.2 s, and keys pressed meanwhile may reach SDL too late (an
  // xdotool-typed character's keycode is remapped only briefly).
  void note_typed();

  AppModel& model_;
  Nav nav_;
  ClinicDayState clinic_day_;
  PatientDeskState patients_;
  EncounterState encounter_;
  HomeVisitState home_visit_;
  FollowUpsState follow_ups_;
  SummaryState summary_;
  SyncScreenState sync_;
  SettingsState settings_;
  FirstStartState first_start_;
  LockScreenState lock_;
  std::string start_screen_;  // --screen
  std::set<uint32_t> extra_glyphs_;
  bool fonts_dirty_ = false;
  bool glyphs_waiting_ = false;  // typed characters the font lacks, not yet rebuilt for
  double last_char_at_ = 0;      // ImGui time of the last typed character
  float loaded_scale_ = 0;
  std::string loaded_font_;
  bool draft_notice_ = false;
  size_t noted_programs_ = 0;  // programs whose texts scan_glyphs() has seen
};

}  // namespace yz::app
