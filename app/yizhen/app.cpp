#include "app/yizhen/app.h"

#include <imgui.h>

#include <algorithm>
#include <limits>

#include "app/yizhen/strings.h"
#include "app/yizhen/sync_service.h"
#include "app/yizhen/ui.h"
#include "core/care/team.h"
#include "core/queries/field_queries.h"
#include "core/domain/icd10.h"
#include "core/programs/programs.h"
#include "core/domain/validate.h"
#include "core/domain/vitals.h"
#include "platform/fonts.h"
#include "platform/native_text.h"

namespace yz::app {

namespace {
struct NavItem {
  Screen screen;
  S label;
  int fkey;
};
constexpr NavItem kNav[] = {
    {Screen::clinic_day, S::nav_clinic_day, 1}, {Screen::patients, S::nav_patients, 2},
    {Screen::encounter, S::nav_encounter, 3},   {Screen::home_visit, S::nav_home_visit, 4},
    {Screen::follow_ups, S::nav_follow_ups, 5}, {Screen::summary, S::nav_summary, 6},
    {Screen::sync, S::nav_sync, 7},             {Screen::settings, S::nav_settings, 8},
};
constexpr const char* kScreenNames[] = {"clinic-day", "patients",  "encounter", "home-visit",
                                        "follow-ups", "summary",   "sync",      "settings", "first-start"};
}  // namespace

std::optional<Screen> screen_from_name(const std::string& name) {
  for (int i = 0; i < static_cast<int>(Screen::count_); ++i)
    if (name == kScreenNames[i]) return static_cast<Screen>(i);
  return std::nullopt;
}
const char* screen_name(Screen s) { return kScreenNames[static_cast<int>(s)]; }

App::App(AppModel& model, const Options& options, SyncService* sync) : model_(model), start_screen_(options.screen) {
  sync_.service = sync;
  if (model_.view().lock.store_open()) after_open();
}

void App::after_open() {
  if (auto s = screen_from_name(start_screen_)) nav_.current = *s;
  else if (model_.view().prefs.day_id.empty()) nav_.current = Screen::clinic_day;
  // A laptop with no team starts in the first-start wizard.
  if (start_screen_.empty() && model_.view().fresh) nav_.current = Screen::first_start;
  for (uint32_t cp : model_.view().name_chars) extra_glyphs_.insert(cp);
  if (model_.view().prefs.scale != loaded_scale_) fonts_dirty_ = true;
  restore_drafts();
  // Back where the typing was: a restored registration opens its screen
  // (after the first-start wizard, which comes first).
  if (start_screen_.empty() && patients_.registering && nav_.current != Screen::first_start)
    nav_.current = Screen::patients;
}

void App::restore_drafts() {
  const auto& d = model_.view().drafts;
  if (auto it = d.find("patient"); it != d.end()) {
    patients_.form = PatientForm::from_json(it->second);
    if (!patients_.form.empty()) {
      patients_.registering = true;
      patients_.focus_form = true;
      draft_notice_ = true;
    }
  }
  if (auto it = d.find("encounter"); it != d.end()) {
    encounter_.form = EncounterForm::from_json(it->second);
    if (!encounter_.form.patient_id.empty()) draft_notice_ = true;
    // A draft from before forms carried sex and birth date: reload its patient.
    if (!encounter_.form.patient_id.empty() && !encounter_.form.knows_patient())
      model_.open_patient(encounter_.form.patient_id);
  }
  if (auto it = d.find("clinic_day"); it != d.end()) {
    clinic_day_.form = ClinicDayForm::from_json(it->second);
    clinic_day_.creating = !clinic_day_.form.place_code.empty();
  }
  if (auto it = d.find("home_visit"); it != d.end()) home_visit_.form = HomeVisitForm::from_json(it->second);
  if (draft_notice_) model_.toast(S::draft_restored);
  for (const auto& [form, fields] : d) note(fields.dump());
}

void App::go(Screen s) {
  // The first-start wizard is the whole app until it is done: no screen
  // works without the team it sets up.
  if (in_wizard()) return;
  if (s == Screen::encounter && nav_.correct) {
    const AppView& v = model_.view();
    encounter_.form = EncounterForm::correcting(*nav_.correct, v.card ? (*v.card)["patient"].value("name", "") : "");
    encounter_.focus_first = true;
    nav_.correct.reset();
  } else if (s == Screen::encounter) {
    BeginEncounter(encounter_, model_.view());
  }
  if (s == Screen::patients) patients_.focus_search = !patients_.registering;
  if (s == Screen::follow_ups) follow_ups_.loaded = false;
  if (s == Screen::summary) model_.refresh_day();
  // The village's households again: a patient moved into one from her edit
  // form is among its members to tick (the list was the one loaded before).
  if (s == Screen::home_visit && !home_visit_.village_code.empty()) model_.load_households(home_visit_.village_code);
  if (s == Screen::sync) {
    model_.refresh_pending();
    if (sync_.service) sync_.service->load_lists();
  }
  nav_.current = s;
}

void App::note(std::string_view text, bool typed) {
  for (uint32_t cp : utf8_code_points(text))
    if (!platform::font_has(cp) && extra_glyphs_.insert(cp).second) (typed ? glyphs_waiting_ : fonts_dirty_) = true;
}

void App::scan_glyphs() {
  const AppView& v = model_.view();
  for (uint32_t cp : v.name_chars)
    if (!platform::font_has(cp) && extra_glyphs_.insert(cp).second) fonts_dirty_ = true;
  for (const auto& p : v.places) note(p.name);
  for (const auto& h : v.hits) note(h.name);
  if (v.card) note((*v.card)["patient"].value("name", ""));
  for (const auto& f : v.follow_ups) note(f.name);
  for (const auto& h : v.households) {
    note(h.head_name);
    for (const auto& m : h.members) note(m.name);
  }
  for (const auto& d : v.duplicates) note(d.patient.name);
  note(patients_.form.name);
  note(patients_.query);
  // Programs installed through sync bring their own texts.
  if (v.programs.size() != noted_programs_) {
    noted_programs_ = v.programs.size();
    for (const auto& p : v.programs)
      if (!p->builtin) note(p->definition.dump());
  }
  note(encounter_.form.patient_name);
  note(encounter_.form.complaint);
  for (const auto& [id, text] : encounter_.form.screening.typed) note(text);
  note(v.toast);
}

void App::note_typed() {
  // The first-start wizard and the add-village panel: what was typed or found.
  const FirstStartState& fs = first_start_;
  if (nav_.current == Screen::first_start) {
    note(fs.team_name + fs.hospital + fs.staff_name + fs.county_query + fs.county_label, true);
    for (const auto& m : fs.staff) note(m.first, true);
    for (const auto& h : fs.county_hits) note(h.label, true);
  }
  for (const VillagePickerState* vp : {&clinic_day_.place, &patients_.village})
    note(vp->filter + vp->name + vp->new_township, true);
  if (glyphs_waiting_ && ImGui::GetTime() - last_char_at_ > 0.5) {
    glyphs_waiting_ = false;
    fonts_dirty_ = true;
  }
}

void App::load_fonts(float dpi_scale) {
  const Prefs& p = model_.view().prefs;
  const float scale = p.scale * dpi_scale;
  std::vector<uint32_t> extra(extra_glyphs_.begin(), extra_glyphs_.end());
  std::string texts;
  for (const char* s : all_strings()) texts += s;
  for (const auto& s : catalog_texts()) texts += s;
  for (const auto& s : common_services()) texts += s;
  for (const auto& e : icd10_common()) texts += e.zh;
  for (const auto& p : builtin_programs()) texts += p->definition.dump();
  for (const auto& p : model_.view().programs) texts += p->definition.dump();
  for (const auto& code : common_ethnicities()) texts += ethnicity_name(code, Lang::zh);
  for (const auto& v : vital_kinds()) texts += std::string(v.zh) + std::string(v.unit);
  for (const auto& p : model_.view().places) texts += p.name;
  for (const auto& m : model_.view().members) texts += m.name;
  for (const auto& t : model_.view().teams) texts += t.name;
  for (uint32_t cp : utf8_code_points(texts)) extra.push_back(cp);
  const std::string path = platform::find_cjk_font(p.font_path);
  platform::load_fonts(path, 20.0f * scale, extra);
  platform::set_native_text_fallback_font(path);
  ui::apply_theme(scale);
  loaded_scale_ = p.scale;
  loaded_font_ = p.font_path;
  fonts_dirty_ = false;
}

bool App::in_wizard() const { return nav_.current == Screen::first_start && !first_start_.finished; }

void App::handle_shortcuts() {
  if (in_wizard()) return;
  for (const auto& n : kNav)
    if (ui::FKeyPressed(n.fkey)) {
      go(n.screen);
      if (n.screen == Screen::patients && ImGui::GetIO().KeyShift) BeginRegistration(patients_);
    }
  // Ctrl+N: register a new patient (from anywhere).
  if (ui::CtrlPressed('n')) {
    go(Screen::patients);
    BeginRegistration(patients_);
  }
  if (ui::CtrlPressed('f')) {
    go(Screen::patients);
    patients_.registering = false;
    patients_.focus_search = true;
  }
  if (ui::CtrlPressed('e') && model_.view().card) go(Screen::encounter);
  // Ctrl+L: lock (as the Lock button), what was typed kept as a draft.
  if (ui::CtrlPressed('l') && model_.view().lock.protects()) {
    keep_drafts(std::numeric_limits<int32_t>::max());
    model_.lock();
  }
}

void App::draw_top_bar() {
  const AppView& v = model_.view();
  // An encrypted database with a member signed in: their name and the Lock
  // button at the right end (the row takes a button's height then).
  const bool lock_button = v.lock.protects() && !v.lock.member_id().empty();
  if (lock_button) ImGui::AlignTextToFramePadding();
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::TextUnformatted(tr(S::app_title));
  ImGui::PopStyleColor();
  ImGui::SameLine(0, ui::em() * 1.5f);
  if (v.day) {
    const bool open = v.day->value("status", "") == "open";
    std::string line = v.day->value("date", "") + "  " + v.place_label(v.day->value("place_code", ""));
    if (!open) line += "  (" + std::string(tr(S::cd_status_closed)) + ")";
    ImGui::TextUnformatted(line.c_str());
  } else {
    ui::Muted(tr(S::no_day));
  }
  ImGui::SameLine(0, ui::em() * 1.5f);
  ImGui::PushStyleColor(ImGuiCol_Text, v.pending ? ui::col_warn() : ui::col_ok());
  ImGui::TextUnformatted(trf(S::pending_n, static_cast<long long>(v.pending)).c_str());
  ImGui::PopStyleColor();
  if (lock_button) {
    const std::string who = trf(S::lk_signed_in, v.member_name(v.lock.member_id()).c_str());
    const float lock_w = ImGui::CalcTextSize(tr(S::lk_lock)).x + ui::em() * 2;
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float x = ImGui::GetWindowContentRegionMax().x - lock_w - ImGui::CalcTextSize(who.c_str()).x - spacing;
    ImGui::SameLine(0, ui::em() * 1.5f);
    if (ImGui::GetCursorPosX() < x) ImGui::SetCursorPosX(x);
    ImGui::TextUnformatted(who.c_str());
    ImGui::SameLine();
    if (ImGui::Button(tr(S::lk_lock), ImVec2(lock_w, 0))) {
      keep_drafts(std::numeric_limits<int32_t>::max());
      model_.lock();
    }
  }
}

void App::draw_status_bar() {
  const AppView& v = model_.view();
  if (v.db_error) {
    ui::ErrorLine(v.db_error);
    return;
  }
  if (!v.toast.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, v.toast_error ? ui::col_error() : ui::col_ok());
    ImGui::TextUnformatted(v.toast.c_str());
    ImGui::PopStyleColor();
  } else {
    // The shortcuts' hint, not during the wizard (they do nothing there).
    if (!in_wizard()) ui::Muted(tr(v.ready ? S::shortcuts_hint : S::loading));
  }
}

void App::follow_sync() {
  if (!sync_.service) return;
  sync_.service->poll();
  const std::optional<int64_t> done = sync_.service->view().status.last_success_ms;
  if (done == sync_seen_) return;
  sync_seen_ = done;
  model_.refresh_pending();
  // The round may have quarantined a change: the Sync screen's lists follow
  // (its heading counted it while the list under it still said none).
  if (nav_.current == Screen::sync) sync_.service->load_lists();
}

void App::draw(float width, float height) {
  set_ui_lang(model_.lang());
  // Locked: the lock screen alone, nothing of the app behind it.
  if (model_.view().lock.step() != LockStep::open) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(width, height));
    ImGui::Begin("##lock", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    DrawLock(lock_, model_.view(), model_);
    ImGui::End();
    for (const auto& m : model_.view().staff) note(m.name);
    return;
  }
  follow_sync();
  // Before the text fields take this frame's characters (note_typed waits for a pause).
  if (!ImGui::GetIO().InputQueueCharacters.empty()) last_char_at_ = ImGui::GetTime();
  if (model_.view().prefs.scale != loaded_scale_) fonts_dirty_ = true;
  handle_shortcuts();
  // Narrow in text units, not pixels: 1366 px at text scale 2 holds what
  // 683 px holds at scale 1, so the screens stack as they do in portrait.
  nav_.portrait = width < ui::em() * 52;

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  ImGui::Begin("##root", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  draw_top_bar();
  const float status_h = ImGui::GetFrameHeightWithSpacing();
  // The navigation goes on top only on a tall window: on a short landscape
  // one (1366x768 at text scale 2) two rows of it took a third of the height
  // the stacked screens needed; its column fits (the buttons shrink to fit).
  // Shown but not pressable during the first-start wizard (go refuses too).
  const bool nav_off = in_wizard();
  if (height > width) {
    if (nav_off) ImGui::BeginDisabled();
    // Portrait: the navigation as two rows of equal buttons on top.
    const float bw = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x * 3) / 4;
    int i = 0;
    for (const auto& n : kNav) {
      if (i % 4) ImGui::SameLine();
      ++i;
      ImGui::PushID(static_cast<int>(n.screen));
      if (ui::NavButton(tr(n.label), nav_.current == n.screen, ImVec2(bw, ui::touch_h()))) go(n.screen);
      ImGui::PopID();
    }
    if (nav_off) ImGui::EndDisabled();
    ImGui::Separator();
  } else {
    ImGui::BeginChild("nav", ImVec2(ui::em() * 7.5f, -status_h), false);
    // Every button in view: shorter buttons, closer together, when the
    // column is short (设置 was below the window on a short screen).
    const float n_nav = static_cast<float>(std::size(kNav)), avail = ImGui::GetContentRegionAvail().y;
    float button_h = ui::touch_h() * 1.15f, gap = ImGui::GetStyle().ItemSpacing.y;
    if (n_nav * button_h + (n_nav - 1) * gap > avail) {
      gap = std::min(gap, ui::em() * 0.25f);
      button_h = std::max(ImGui::GetTextLineHeight() * 1.4f, (avail - (n_nav - 1) * gap) / n_nav);
    }
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, gap));
    // A shrunk button keeps its label centred: less padding, not a label pushed down and cut.
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                        ImVec2(ImGui::GetStyle().FramePadding.x,
                               std::min(ImGui::GetStyle().FramePadding.y,
                                        std::max(0.0f, (button_h - ImGui::GetTextLineHeight()) / 2))));
    if (nav_off) ImGui::BeginDisabled();
    for (const auto& n : kNav) {
      ImGui::PushID(static_cast<int>(n.screen));
      if (ui::NavButton(tr(n.label), nav_.current == n.screen, ImVec2(-1, button_h))) go(n.screen);
      ImGui::PopID();
    }
    if (nav_off) ImGui::EndDisabled();
    ImGui::PopStyleVar(2);
    ui::EndChild();
    ImGui::SameLine();
  }

  ImGui::BeginChild("screen", ImVec2(-1, -status_h), false);
  const AppView& v = model_.view();
  switch (nav_.current) {
    case Screen::clinic_day: DrawClinicDay(clinic_day_, v, model_, nav_); break;
    case Screen::patients: DrawPatientDesk(patients_, v, model_, nav_); break;
    case Screen::encounter: DrawEncounter(encounter_, v, model_, nav_); break;
    case Screen::home_visit: DrawHomeVisit(home_visit_, v, model_, nav_); break;
    case Screen::follow_ups: DrawFollowUps(follow_ups_, v, model_, nav_); break;
    case Screen::summary: DrawDaySummary(summary_, v, model_, nav_); break;
    case Screen::sync: DrawSync(sync_, v, model_, nav_); break;
    case Screen::settings: DrawSettings(settings_, v, model_, nav_); break;
    case Screen::first_start: DrawFirstStart(first_start_, v, model_, nav_); break;
    case Screen::count_: break;
  }
  ui::EndChild();
  draw_status_bar();
  ImGui::End();

  if (nav_.go) {
    go(*nav_.go);
    nav_.go.reset();
  }
  if (settings_.fonts_dirty) {
    fonts_dirty_ = true;
    settings_.fonts_dirty = false;
  }
  note_typed();
}

int64_t App::keep_drafts(int64_t now_ms) {
  model_.keep_draft("patient", patients_.registering && !patients_.form.empty() ? patients_.form.to_json() : json(nullptr),
                    now_ms);
  model_.keep_draft("encounter",
                    !encounter_.form.patient_id.empty() && !encounter_.form.empty() ? encounter_.form.to_json()
                                                                                    : json(nullptr),
                    now_ms);
  model_.keep_draft("clinic_day",
                    clinic_day_.creating && !clinic_day_.form.place_code.empty() ? clinic_day_.form.to_json()
                                                                                  : json(nullptr),
                    now_ms);
  model_.keep_draft("home_visit",
                    !home_visit_.form.household_id.empty() || home_visit_.form.new_household ? home_visit_.form.to_json()
                                                                                               : json(nullptr),
                    now_ms);
  model_.flush_drafts(now_ms);
  return model_.draft_wait_ms(now_ms);
}

void App::prepare_screenshot(const std::string& query, bool fill_sample, const std::string& program) {
  // Show the latest clinic day (in memory only: a screenshot saves nothing).
  if (model_.view().prefs.day_id.empty() && !model_.view().days.empty()) {
    model_.view_mut().prefs.day_id = model_.view().days.front().value("id", "");
    model_.refresh_day();
    model_.settle();
  }
  if (query.empty()) return;
  patients_.query = query;
  model_.search(query);
  model_.settle();
  if (model_.view().hits.empty()) return;
  model_.open_patient(model_.view().hits.front().id);
  model_.settle();
  if (nav_.current == Screen::encounter) {
    BeginEncounter(encounter_, model_.view());
    if (fill_sample) {
      EncounterForm& f = encounter_.form;
      f.station = "内科";
      f.complaint = "头晕、头痛三天";
      f.vitals = {{"sbp", "168"}, {"dbp", "98"}, {"pulse", "88"}, {"spo2", "86"}, {"glucose_random", "7.2"}};
      f.add_diagnosis("I10", "原发性高血压");
      f.add_dispense({"氨氯地平片", "medicine", "盒", 2, 12.8});
      f.add_dispense({"电子血压计", "device", "台", 1, 199.0});
      f.advice = "低盐饮食，规律服药，每日监测血压";
      encounter_.keypad_target = "sbp";
      encounter_.focus_first = false;
    }
    if (!program.empty()) {
      if (model_.view().programs.empty()) {
        model_.load_programs();
        model_.settle();
      }
      for (const auto& p : model_.view().programs)
        if (p->id == program) encounter_.form.screening.start(p, encounter_.form.vitals);
      for (const auto& f : encounter_.form.screening.program ? encounter_.form.screening.program->fields
                                                             : std::vector<ProgramField>{})
        if (f.type == AnswerType::boolean && !f.show_if.is_null()) {
          // Show the skip logic at work: answer "yes" to what a shown field depends on.
          for (const auto& g : encounter_.form.screening.program->fields)
            if (g.type == AnswerType::boolean && g.show_if.is_null() && f.show_if.dump().find('"' + g.id + '"') != std::string::npos)
              encounter_.form.screening.set_boolean(g.id, true);
        }
      encounter_.focus_first = false;
      encounter_.scroll_to_screening = encounter_.form.screening.active();
    }
  }
  if (nav_.current == Screen::home_visit && model_.view().card) {
    const std::string v = (*model_.view().card)["patient"].value("village_code", "");
    if (!v.empty()) {
      home_visit_.village_code = v;
      model_.load_households(v);
      model_.settle();
      if (!model_.view().households.empty()) {
        home_visit_.form.household_id = model_.view().households.front().id;
        home_visit_.form.services = {"测血压", "送药上门", "健康宣教"};
      }
    }
  }
  if (nav_.current == Screen::follow_ups && model_.view().card) {
    const std::string v = (*model_.view().card)["patient"].value("village_code", "");
    follow_ups_.place_code = v.substr(0, 9);  // the township
    follow_ups_.loaded = true;
    model_.load_follow_ups(follow_ups_.place_code);
    model_.settle();
  }
  patients_.focus_search = false;
  scan_glyphs();
}

std::string App::window_title() const {
  const AppView& v = model_.view();
  const LockStep step = v.lock.step();
  if (step == LockStep::open) return "yizhen 义诊";
  S state = step == LockStep::passphrase ? S::lk_state_locked : S::lk_state_sign_in;
  if (v.lock_busy) state = step == LockStep::passphrase ? S::lk_unlocking : S::lk_checking;
  return std::string("yizhen 义诊 · ") + tr(state, model_.lang());
}

json App::state_json() const {
  const LockStep step = model_.view().lock.step();
  json quarantine = json::array();  // the Sync screen's lines, as shown
  if (sync_.service)
    for (const auto& q : sync_.service->view().quarantine) quarantine.push_back(quarantine_line(q, model_.lang()));
  return {{"screen", step == LockStep::passphrase ? "lock" : step == LockStep::sign_in ? "sign-in" : screen_name(nav_.current)},
          {"signed_in", model_.signed_in()},
          {"lock_error", say(model_.view().lock_error, model_.lang())},
          {"lock_events", model_.view().lock_events},
          {"registering", patients_.registering},
          {"patient_form", patients_.form.to_json()},
          {"patient_errors", said(patients_.form.errors, model_.lang())},
          {"registration_blocked", patients_.dup_blocked},
          {"editing", patients_.editing},
          {"edit_errors", said(patients_.edit.form.errors, model_.lang())},
          {"encounter_form", encounter_.form.to_json()},
          {"encounter_errors", said(encounter_.form.errors, model_.lang())},
          {"dx_list_open", encounter_.dx_open},
          {"item_list_open", encounter_.item_open},
          {"screening", encounter_.form.screening.evaluation
                            ? json{{"program", encounter_.form.screening.program_id},
                                   {"result", encounter_.form.screening.evaluation->result},
                                   {"grade", encounter_.form.screening.evaluation->grade}}
                            : json(nullptr)},
          {"card_patient_id", model_.view().card ? (*model_.view().card)["patient"].value("id", "") : ""},
          {"pending", model_.view().pending},
          {"sync_quarantine", quarantine},
          {"toast", model_.view().toast}};
}

}  // namespace yz::app
