#pragma once
// The field app's model: what the screens show (AppView, a snapshot owned by
// the UI thread) and what they can do (the action methods, which post work
// to the DbWorker or the SearchWorker and apply the results on the UI
// thread). No ImGui: tests drive it with a UiQueue and a temporary database.
//
// Threads: every member is called on the UI thread; callbacks given to
// actions run there too, from UiQueue::drain().

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/yizhen/db_worker.h"
#include "app/yizhen/model/catalog.h"
#include "app/yizhen/model/drafts.h"
#include "app/yizhen/model/forms.h"
#include "app/yizhen/model/patient_edit.h"
#include "app/yizhen/search_worker.h"
#include "app/yizhen/ui_queue.h"
#include "core/queries/field_queries.h"
#include "core/queries/summary.h"
#include "core/queries/views.h"
#include "core/queries/worklist.h"

namespace yz::app {

// Saved preferences (settings table keys "pref.*").
struct Prefs {
  Lang lang = Lang::zh;
  float scale = 1.0f;
  std::string team_id, device_name, font_path, day_id /* current clinic day */;
};

// The most patients a search shows (the rest: type more of the name).
inline constexpr size_t kMaxHits = 200;

struct AppView {
  Prefs prefs;
  bool ready = false;          // the first load finished
  std::string db_path, db_error, device_id, today;
  int64_t pending = 0;         // changes not yet synced

  std::vector<PlaceRow> places;
  // The county this device's team works in (core/care/team.h current_team's
  // area_code when it is a county's 6-digit code), else empty: where a new
  // township goes.
  std::string team_county;
  std::vector<std::string> team_stations;  // the stations the team runs (a new clinic day offers them)
  std::vector<TeamRow> teams;
  std::vector<MemberRow> members;
  std::vector<StockItem> stock = formulary();
  // Screening programs (latest version of each), an immutable snapshot
  // loaded on the DbWorker; empty until loaded.
  std::vector<ProgramPtr> programs;

  // Clinic day
  std::vector<json> days;                // recent, newest first
  std::optional<json> day;               // the current one (prefs.day_id)
  std::optional<DaySummary> summary;     // of `day`
  std::map<std::string, double> dispensed;  // item -> quantity today

  // Patient desk
  std::string query;
  uint64_t search_gen = 0;
  std::vector<PatientHit> hits;  // the best kMaxHits
  bool hits_more = false;        // more patients match than `hits` holds
  double search_ms = 0;
  bool searching = false;
  std::optional<json> card;              // patient_history of the open patient
  std::vector<DuplicateHit> duplicates;  // for the registration form

  // Follow-ups and home visits
  std::string follow_up_place;
  std::vector<WorklistRow> follow_ups;
  std::vector<HouseholdRow> households;

  // A line at the bottom: what just happened.
  std::string toast;
  bool toast_error = false;
  int64_t toast_ms = 0;

  // Drafts read at start (form name -> fields).
  std::map<std::string, json> drafts;
  // Code points of names in the database (for the font), when loaded.
  std::vector<uint32_t> name_chars;

  // Helpers
  const PlaceRow* place(const std::string& code) const;
  // "村名 (乡名)" for a code, or the code.
  std::string place_label(const std::string& code) const;
  std::string member_name(const std::string& id) const;
};

class AppModel {
 public:
  // `wake` wakes the UI loop when a result is queued (may be empty in tests).
  AppModel(std::string db_path, std::function<void()> wake);
  ~AppModel();

  const AppView& view() const { return view_; }
  AppView& view_mut() { return view_; }
  UiQueue& queue() { return queue_; }
  DbWorker& db() { return *db_; }
  // Run queued results; returns how many ran.
  int pump() { return queue_.drain(); }
  // Tests and screenshots: wait until the workers are idle and their
  // results have been applied.
  void settle();
  bool busy() const;
  Lang lang() const { return view_.prefs.lang; }

  // Start-up: read preferences and drafts (blocks until read: call before
  // the first frame), then load the reference lists in the background.
  void load_prefs();
  void load_all();
  // Distinct name characters (slow on big databases: runs on the reader).
  void load_name_chars(std::function<void()> done);

  void set_pref(const std::string& key, const std::string& value);
  void set_lang(Lang l);
  void set_scale(float s);

  void search(const std::string& query);
  void open_patient(const std::string& id);
  void close_patient() { view_.card.reset(); }
  void check_duplicates(const PatientForm& form);
  void register_patient(const PatientForm& form, std::function<void(std::string id)> ok,
                        std::function<void(const std::vector<FieldError>&)> bad);
  // Save the changes of a patient's edit form (core/care/patient.h
  // edit_patient); the card is read again, with its history of changes.
  // `ok` gets the fields that changed (none: nothing was written); `bad` the
  // problems keyed by field, nothing written.
  void edit_patient(const PatientEditForm& form, std::function<void(std::vector<std::string> changed)> ok,
                    std::function<void(const std::vector<FieldError>&)> bad);
  // Records the encounter, or, when form.corrects_id is set, corrects that
  // one (core/care/encounter.h correct_encounter).
  void save_encounter(const EncounterForm& form, std::function<void(std::string id)> ok,
                      std::function<void(const std::vector<FieldError>&)> bad);
  // Load view().programs (latest_programs) on the DbWorker.
  void load_programs();
  // A screening on its own (no encounter), in its own transaction; `bad`
  // gets problems keyed as EncounterForm's ("screening.<field id>").
  void save_screening(const ScreeningInput& input, std::function<void(RecordedScreening)> ok,
                      std::function<void(const std::vector<FieldError>&)> bad);

  void open_day(const ClinicDayForm& form, std::function<void(std::string id)> ok,
                std::function<void(const std::vector<FieldError>&)> bad);
  void select_day(const std::string& day_id);
  void close_day(const std::string& day_id);
  void refresh_day();

  // Add a village missing from the list (core/care/places.h add_place: a
  // provisional code the server later reconciles) under `township_code`, or
  // first a new township named `new_township` under view().team_county;
  // then reload view().places. `bad` gets problems keyed "name" (the
  // village) and "township" (the township chosen or typed); nothing is
  // written then.
  void add_village(const std::string& name, const std::string& township_code, const std::string& new_township,
                   std::function<void(std::string code)> ok, std::function<void(const std::vector<FieldError>&)> bad);

  void load_follow_ups(const std::string& place_prefix);
  // Move a follow-up through its care command (core/care/follow_up.h): done
  // with its result, lost with the reason, or due again on a new date
  // (`text`). Then the list is loaded again; `ok` or `bad` (the field errors,
  // nothing written) is called on the UI thread.
  enum class FollowUpStep { done, lost, reschedule };
  void follow_up_step(FollowUpStep step, const std::string& id, const std::string& text,
                      std::function<void()> ok = {}, std::function<void(const std::vector<FieldError>&)> bad = {});
  void follow_up_done(const std::string& id, const std::string& result) { follow_up_step(FollowUpStep::done, id, result); }
  void load_households(const std::string& village_prefix);
  void save_home_visit(const HomeVisitForm& form, std::function<void(std::string id)> ok,
                       std::function<void(const std::vector<FieldError>&)> bad);
  void refresh_pending();

  // Drafts: call each frame with the forms' contents; writes what is due.
  void keep_draft(const std::string& form, const json& fields, int64_t now_ms);
  void clear_draft(const std::string& form);
  void flush_drafts(int64_t now_ms);
  int64_t draft_wait_ms(int64_t now_ms) const { return drafts_.wait_ms(now_ms); }

  // The status line: a message shows for kToastMs (an error for
  // kErrorToastMs), then expire_toast clears it.
  static constexpr int64_t kToastMs = 6000, kErrorToastMs = 20000;
  void toast(const std::string& text, bool error = false);
  // Clear the status line once its time is up (`now`: steady clock, ms, as
  // toast_ms). True when it cleared one (the screen needs a frame).
  bool expire_toast(int64_t now);
  // Called on the UI thread after each successful save (the sync engine
  // refreshes its pending count).
  std::function<void()> on_saved;

 private:
  // A failed save: validation problems go to `bad`, anything else to the toast.
  std::function<void(std::exception_ptr)> failure(std::function<void(const std::vector<FieldError>&)> bad);
  // A save for one patient: `write` runs on the worker and returns its
  // result and the patient's id; the patient's card and the pending count
  // are read back there too. On the UI thread the view takes them,
  // on_saved runs, then `done`.
  template <typename R>
  void save_for_patient(std::function<std::pair<R, std::string>(Store&)> write, std::function<void(R)> done,
                        std::function<void(const std::vector<FieldError>&)> bad);

  UiQueue queue_;
  AppView view_;
  std::unique_ptr<DbWorker> db_;
  std::unique_ptr<SearchWorker> search_;
  DraftKeeper drafts_;
};

}  // namespace yz::app
