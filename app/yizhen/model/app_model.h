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
#include "app/yizhen/model/lock.h"
#include "app/yizhen/model/patient_edit.h"
#include "app/yizhen/search_worker.h"
#include "app/yizhen/strings.h"
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
  int lock_minutes = kDefaultLockMinutes;  // idle minutes before the app locks; 0 never
};

// The most patients a search shows (the rest: type more of the name).
inline constexpr size_t kMaxHits = 200;

struct AppView {
  Prefs prefs;
  bool ready = false;          // the first load finished
  bool fresh = false;          // no team yet: the first-start wizard (core/care/team.h needs_first_start)
  // Entering the app: the team passphrase, who signs in (lock.h). While
  // `lock_busy` the writer runs Argon2id (the screen says "解锁中…");
  // `lock_error` is the one line a refusal shows (words: said in the
  // language of the moment; empty: none).
  LockSession lock{Protection::plain};
  bool lock_busy = false;
  Words lock_error;
  std::vector<MemberRow> staff;  // active members of this device's team (who may sign in)
  // What happened at the lock this session, in order (end-to-end tests read
  // it through --state-out): "passphrase_refused", "unlocked",
  // "pin_set:<id>", "signed_in:<id>", "pin_refused:<id>", "locked:button",
  // "locked:idle". Never a passphrase or a PIN.
  std::vector<std::string> lock_events;
  std::string db_path, device_id, today;
  Words db_error;  // the database could not be read (empty: it could)
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

  // A line at the bottom: what just happened, in the language of the moment
  // (AppModel::toast keeps how to say it; set_lang says it again).
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
  // `protection` (lock.h protection_of): a plain database opens at once; an
  // encrypted or fresh one waits for unlock().
  AppModel(std::string db_path, std::function<void()> wake, Protection protection = Protection::plain);
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

  // The lock screen (DESIGN.md §7). unlock: the team passphrase (`again`
  // must match it for a fresh database, which is then made encrypted) is
  // turned into the database key on the writer thread (Argon2id; the key
  // stays in memory only), the database opens and the preferences load;
  // then `on_opened` runs. A wrong passphrase sets view().lock_error and
  // changes nothing. Called again after too many wrong PINs, it only checks
  // the passphrase against the key file.
  void unlock(const std::string& passphrase, const std::string& again);
  std::function<void()> on_opened;
  // Sign `member_id` in with `pin` (checked on the writer: Argon2id). A
  // member with no PIN yet sets one: `again` must match. The audit rows of
  // later saves name them ("staff:<id>"), and new encounters, screenings
  // and home visits record them.
  void sign_in(const std::string& member_id, const std::string& pin, const std::string& again);
  // Back to who signs in (the Lock button, or idle time); drafts are kept.
  void lock(const char* why = "button");
  // Input arrived (the idle timer restarts).
  void activity(int64_t now_ms) { view_.lock.activity(now_ms); }
  // Lock when idle past the limit; true when it locked now.
  bool check_idle(int64_t now_ms);
  // How long the loop may sleep before check_idle is due; -1: no limit.
  int64_t lock_wait_ms(int64_t now_ms) const { return view_.lock.wait_ms(now_ms); }
  // The idle minutes (setting "pref.lock_minutes"; 0 = never).
  void set_lock_minutes(int minutes);
  // The member signed in ("" when none: a plain database, or no staff).
  const std::string& signed_in() const { return view_.lock.member_id(); }

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
  // kErrorToastMs), then expire_toast clears it. It is kept as how to say
  // it (a table key, or `words` given the language), not as text: a line
  // already showing follows a change of language.
  static constexpr int64_t kToastMs = 6000, kErrorToastMs = 20000;
  void toast(S key, bool error = false);
  void toast(Words words, bool error = false);
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

  struct StartState;
  static StartState read_start(Store& s);
  void apply_start(StartState l);
  void opened_after_unlock();

  UiQueue queue_;
  AppView view_;
  std::unique_ptr<DbWorker> db_;
  std::unique_ptr<SearchWorker> search_;
  DraftKeeper drafts_;
  Words toast_words_;  // how view_.toast is said
};

}  // namespace yz::app
