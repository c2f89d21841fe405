#pragma once
// The field app's screens: one file each, a small state struct (per-frame
// UI state: what is being typed, what is selected) and a Draw function that
// draws from the AppView snapshot and turns clicks into AppModel actions.
// app.cpp decides which one shows.
//
// Threads: UI thread only.

#include <map>
#include <optional>
#include <string>

#include "app/yizhen/model/app_model.h"
#include "app/yizhen/model/enroll.h"
#include "app/yizhen/model/forms.h"
#include "core/care/places.h"
#include "core/replication/changes.h"
#include "core/domain/catalogue.h"

namespace yz::app {

// The refusal handler of a form's save (AppModel's `bad` callback): the
// save is over and each problem shows under its field.
template <class State>
auto show_refusal(State& st) {
  return [&st](const std::vector<FieldError>& errs) {
    st.saving = false;
    st.form.errors.clear();
    place_errors(errs, st.form.errors);
  };
}

enum class Screen { clinic_day, patients, encounter, home_visit, follow_ups, summary, sync, settings, first_start, count_ };
// "patients" <-> Screen::patients (command line, e2e tests); nullopt if unknown.
std::optional<Screen> screen_from_name(const std::string& name);
const char* screen_name(Screen s);

// Where a screen asks to go next (handled by app.cpp after the frame).
struct Nav {
  Screen current = Screen::patients;
  std::optional<Screen> go;
  bool portrait = false;  // narrow window (under 52 em): stack instead of columns
  // With go = encounter: the encounter (patient_history's entry) the patient
  // card asked to correct, instead of starting a new one.
  std::optional<json> correct;
};

// The village picker with "add village" (village_picker.cpp), shared by
// registration and the clinic day.
struct VillagePickerState {
  std::string filter;
  bool adding = false;  // the add-village panel is open
  std::string name, township_code, new_township;
  FieldErrors errors;   // "name", "township"
  bool saving = false, focus_name = false;
  std::string added_code;  // set by a finished add; the next draw picks it
  bool took_key = false;   // this frame's Enter or Escape was the panel's
  // Whether the form around it may act on Enter or Escape this frame.
  bool keys_free() const { return !adding && !took_key; }
};
// The place list (a village with its township beside it) and the add-village
// panel under it; sets `code` when one is picked or added. Returns true then.
bool DrawVillagePicker(const char* id, VillagePickerState& st, std::string* code, const AppView& view,
                       AppModel& actions, float list_height);

struct ClinicDayState {
  ClinicDayForm form;
  VillagePickerState place;
  bool creating = false;
  bool confirm_close = false;
  bool offered_first = false;  // a device with no clinic day yet opened the form once
  bool staff_offered = false;  // the new day's staff started as the whole team
  float day_h = 0;             // portrait: the height the day's details took last frame
};
void DrawClinicDay(ClinicDayState& st, const AppView& view, AppModel& actions, Nav& nav);

// Editing the patient on the card (patient_edit_screen.cpp): every editable
// field, checked by the care command on saving (core/care/patient.h), with
// Save and Cancel always in view below the fields.
struct PatientEditState {
  PatientEditForm form;
  VillagePickerState village;
  bool saving = false;
  bool focus = true;     // put the keyboard in the first field once
  bool closed = false;   // saved or cancelled: the desk drops the form
};
void DrawPatientEdit(PatientEditState& st, const AppView& view, AppModel& actions);

struct PatientDeskState {
  std::string query;
  PatientForm form;
  bool registering = false;
  bool focus_search = true;
  bool focus_form = false;
  bool dup_acknowledged = false;  // the nurse saw the possible duplicates
  VillagePickerState village;
  bool village_defaulted = false;  // the open clinic day's village was offered
  std::string dup_checked;        // what the last duplicate check was for
  std::string dup_shown;          // the duplicates last scrolled into view
  std::string dup_blocked;        // why 保存登记 is greyed, shown beside it ("" when it is not)
  bool saving = false;
  // The card's patient being edited (edit lives as long as the desk: a save
  // finishing after the form closed still finds it).
  bool editing = false;
  PatientEditState edit;
};
void DrawPatientDesk(PatientDeskState& st, const AppView& view, AppModel& actions, Nav& nav);
// Start registering (F2 / the button), with the search text as the name.
void BeginRegistration(PatientDeskState& st);

struct EncounterState {
  EncounterForm form;
  std::string dx_query, item_query;
  bool dx_open = false, item_open = false;  // their lists of matches are shown (PickList)
  std::string keypad_target;  // vital code, or "sc." + screening field id, the keypad types into
  bool focus_first = true;
  bool saving = false;
  bool saving_screening = false;
  bool scroll_to_screening = false;  // once: bring the screening into view
};
void DrawEncounter(EncounterState& st, const AppView& view, AppModel& actions, Nav& nav);
// Start an encounter for the patient on the card.
void BeginEncounter(EncounterState& st, const AppView& view);

struct HomeVisitState {
  std::string village_filter, village_code;
  HomeVisitForm form;
  std::string item_query, other_service;
  bool item_open = false;  // the item list stays open after the field (ui::PickList)
  bool saving = false;
};
void DrawHomeVisit(HomeVisitState& st, const AppView& view, AppModel& actions, Nav& nav);

struct FollowUpsState {
  std::string place_filter, place_code;
  std::map<std::string, std::string> results;  // follow-up id -> typed result
  bool loaded = false;
  // The step a row's button asked for, waiting in a dialog for confirmation:
  // nothing is written by the row's button itself, so a double tap, or the
  // next row sliding under the finger, closes nobody's follow-up.
  struct Pending {
    AppModel::FollowUpStep step = AppModel::FollowUpStep::done;
    std::string id, name, text;  // text: the result, the reason or the new date
    double opened_s = 0;         // ImGui time the dialog opened
    bool busy = false;           // the command is running
    bool focus = true;           // put the keyboard in the dialog's field (opened, or refused)
    FieldErrors errors;
  };
  std::optional<Pending> pending;
};
void DrawFollowUps(FollowUpsState& st, const AppView& view, AppModel& actions, Nav& nav);

struct SummaryState {};
void DrawDaySummary(SummaryState& st, const AppView& view, AppModel& actions, Nav& nav);

class SyncService;
struct SyncScreenState {
  SyncService* service = nullptr;  // not owned; null when sync is not running
  std::string export_dir = "/media/usb";
  EnrollForm enroll;  // shown while the device is not enrolled (or revoked)
};
void DrawSync(SyncScreenState& st, const AppView& view, AppModel& actions, Nav& nav);
// A quarantined change as the Sync screen lists it: the entity, the
// record's id (its first 8 characters) and the reasons in plain words (no
// field code).
std::string quarantine_line(const QuarantineRow& q, Lang lang);

struct SettingsState {
  std::string font_path, device_name;
  bool loaded = false;
  bool fonts_dirty = false;  // app.cpp reloads fonts when set
};
void DrawSettings(SettingsState& st, const AppView& view, AppModel& actions, Nav& nav);

// The first start of a laptop with no team (first_start_screen.cpp).
struct FirstStartState {
  int step = 0;  // 0 language, 1 team, 2 staff, 3 stations, 4 county
  std::string team_name, hospital, staff_name, staff_role = "clinician";
  std::vector<std::pair<std::string, std::string>> staff;  // name, role
  std::vector<std::string> stations = default_stations();  // of the catalogue's stations()
  std::string county_query, county_code, county_label;
  std::vector<PlaceHit> county_hits;
  uint64_t search_gen = 0;
  std::string error;
  bool saving = false, finished = false;
  int focus_step = -1;          // the step whose first field has had the focus
  bool refocus_staff = false;   // put the keyboard back in the staff name field
};
void DrawFirstStart(FirstStartState& st, const AppView& view, AppModel& actions, Nav& nav);

// The lock screen (lock_screen.cpp): the team passphrase (twice for a new
// database), then who signs in and their PIN, typed or on the keypad (a
// member without one sets it). The writer does the Argon2id work; while it
// runs the screen says so and takes no input.
struct LockScreenState {
  std::string passphrase, again;  // wiped once sent
  std::string member_id;          // chosen to sign in
  std::string pin, pin_again;
  bool keypad_on_again = false;   // the keypad types into the second PIN field
  int focus = 0;                  // 1: the first field of the step wants the keyboard; 2: the second
  LockStep shown = LockStep::open;
  bool was_busy = false;
};
void DrawLock(LockScreenState& st, const AppView& view, AppModel& actions);

}  // namespace yz::app
