#include "app/yizhen/model/app_model.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/base/clock.h"
#include "core/base/dates.h"
#include "core/base/utf8.h"
#include "core/care/clinic_day.h"
#include "core/care/follow_up.h"
#include "core/care/places.h"
#include "core/care/staff_pin.h"
#include "core/care/team.h"
#include "core/domain/validate.h"
#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "app/yizhen/model/field_errors.h"
#include "app/yizhen/model/summary.h"
#include "app/yizhen/strings.h"
#include "core/base/messages.h"
#include "core/queries/field_queries.h"
#include "core/replication/outbox.h"

namespace yz::app {

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<FieldError> validation_errors(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const ValidationError& v) {
    return v.errors();
  } catch (...) {
    return {};
  }
}
}  // namespace

const PlaceRow* AppView::place(const std::string& code) const {
  auto it = std::lower_bound(places.begin(), places.end(), code,
                             [](const PlaceRow& p, const std::string& c) { return p.code < c; });
  return it != places.end() && it->code == code ? &*it : nullptr;
}

std::string AppView::place_label(const std::string& code) const {
  const PlaceRow* p = place(code);
  if (!p) return code;
  const PlaceRow* parent = p->parent_code.empty() ? nullptr : place(p->parent_code);
  return parent ? p->name + " · " + parent->name : p->name;
}

std::string AppView::member_name(const std::string& id) const {
  for (const auto& m : members)
    if (m.id == id) return m.name;
  return {};
}

AppModel::AppModel(std::string db_path, std::function<void()> wake, Protection protection)
    : queue_(std::move(wake)) {
  view_.db_path = db_path;
  view_.lock = LockSession(protection);
  db_ = std::make_unique<DbWorker>(db_path, queue_, protection == Protection::plain);
  search_ = std::make_unique<SearchWorker>(db_path, queue_);
}

AppModel::~AppModel() {
  // Stop the reader before the writer: the writer alone checkpoints.
  search_.reset();
  db_.reset();
}

bool AppModel::busy() const { return db_->busy() || search_->busy() || !queue_.empty(); }

void AppModel::settle() {
  for (int i = 0; i < 1000 && busy(); ++i) {
    db_->wait_idle();
    while (search_->busy()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    queue_.drain();
  }
}

void AppModel::toast(S key, bool error) { toast(words(key), error); }

void AppModel::toast(Words words, bool error) {
  toast_words_ = std::move(words);
  view_.toast = toast_words_(lang());
  view_.toast_error = error;
  view_.toast_ms = steady_ms();
}

bool AppModel::expire_toast(int64_t now) {
  if (view_.toast.empty() || now - view_.toast_ms < (view_.toast_error ? kErrorToastMs : kToastMs)) return false;
  view_.toast.clear();
  view_.toast_error = false;
  toast_words_ = {};
  return true;
}

std::function<void(std::exception_ptr)> AppModel::failure(std::function<void(const std::vector<FieldError>&)> bad) {
  return [this, bad = std::move(bad)](std::exception_ptr e) {
    auto errs = validation_errors(e);
    if (!errs.empty() && bad) {
      bad(errs);
      return;
    }
    toast([e](Lang l) { return error_text(e, l); }, true);
  };
}

struct AppModel::StartState {
  Prefs prefs;
  std::string device_id, today;
  std::exception_ptr error;
  bool fresh = false;
  std::map<std::string, json> drafts;
  std::vector<uint32_t> chars;
  std::vector<MemberRow> staff;
};

AppModel::StartState AppModel::read_start(Store& s) {
  StartState l;
  l.device_id = s.device_id();
  l.today = s.today();
  if (auto v = s.setting("pref.lang")) l.prefs.lang = *v == "en" ? Lang::en : Lang::zh;
  if (auto v = s.setting("pref.scale")) l.prefs.scale = std::strtof(v->c_str(), nullptr);
  if (!(l.prefs.scale >= 0.5f && l.prefs.scale <= 4.0f)) l.prefs.scale = 1.0f;
  l.prefs.team_id = s.setting("pref.team_id").value_or("");
  l.prefs.device_name = s.setting("pref.device_name").value_or("");
  l.prefs.font_path = s.setting("pref.font_path").value_or("");
  l.prefs.day_id = s.setting("pref.day_id").value_or("");
  if (auto v = s.setting("pref.lock_minutes")) l.prefs.lock_minutes = std::clamp(std::atoi(v->c_str()), 0, 24 * 60);
  for (const char* form : {"patient", "encounter", "clinic_day", "home_visit"})
    if (auto v = s.setting(draft_key(form)); v && !v->empty()) {
      json j = json::parse(*v, nullptr, false);
      if (j.is_object()) l.drafts[form] = std::move(j);
    }
  if (auto v = s.setting("cache.name_chars")) {
    json j = json::parse(*v, nullptr, false);
    if (j.is_array())
      for (const auto& c : j)
        if (c.is_number_unsigned()) l.chars.push_back(c.get<uint32_t>());
  }
  l.fresh = needs_first_start(s);
  const auto team = current_team(s);
  l.staff = list_members(s.db(), team ? team->id : std::string());
  return l;
}

void AppModel::apply_start(StartState l) {
  view_.prefs = l.prefs;
  view_.device_id = l.device_id;
  view_.today = l.today;
  view_.db_error = l.error ? Words([e = l.error](Lang lang) { return error_text(e, lang); }) : Words();
  view_.fresh = l.fresh;
  view_.drafts = l.drafts;
  view_.name_chars = l.chars;
  view_.staff = std::move(l.staff);
  view_.lock.idle().set_limit_ms(idle_limit_ms(view_.prefs.lock_minutes));
  for (const auto& [form, fields] : l.drafts) drafts_.saved(form, fields);
}

void AppModel::load_prefs() {
  StartState l;
  try {
    db_->run([&](Store& s) { l = read_start(s); });
  } catch (...) {
    l.error = std::current_exception();
  }
  apply_start(std::move(l));
}

void AppModel::unlock(const std::string& passphrase, const std::string& again) {
  if (view_.lock_busy) return;
  const bool fresh = view_.lock.protection() == Protection::fresh;
  if (passphrase.empty()) {
    view_.lock_error = words(S::lk_empty);
    return;
  }
  if (fresh && passphrase != again) {
    view_.lock_error = words(S::lk_differ);
    return;
  }
  view_.lock_busy = true;
  view_.lock_error = {};
  const std::string path = view_.db_path;
  const bool was_open = view_.lock.store_open();
  db_->open(
      [path, passphrase, fresh] {
        // Argon2id here, on the writer's thread. The key lives in guarded
        // memory (encryption.h), never on disk unwrapped.
        if (fresh && !key_file_exists(path)) register_database_key(path, create_key_file(path, passphrase));
        else if (has_database_key(path)) (void)unlock_key_file(path, passphrase);  // asked again: check only
        else register_database_key(path, unlock_key_file(path, passphrase));
      },
      [this, was_open](std::exception_ptr e) {
        if (e) {
          view_.lock_busy = false;
          try {
            std::rethrow_exception(e);
          } catch (const PassphraseError&) {
            view_.lock_error = words(S::lk_wrong_passphrase);
            view_.lock_events.push_back("passphrase_refused");
          } catch (...) {
            view_.lock_error = [e](Lang l) { return error_text(e, l); };
          }
          return;
        }
        view_.lock_events.push_back("unlocked");
        if (was_open) {
          view_.lock_busy = false;
          view_.lock.unlocked(!view_.staff.empty());
          return;
        }
        db_->request<StartState>(
            [](Store& s) { return read_start(s); },
            [this](StartState l) {
              view_.lock_busy = false;
              apply_start(std::move(l));
              view_.lock.unlocked(!view_.staff.empty());
              if (on_opened) on_opened();
            },
            [this](std::exception_ptr e) {
              view_.lock_busy = false;
              view_.lock_error = [e](Lang l) { return error_text(e, l); };
            });
      });
}

void AppModel::sign_in(const std::string& member_id, const std::string& pin, const std::string& again) {
  if (view_.lock_busy) return;
  bool has_pin = false;
  for (const auto& m : view_.staff)
    if (m.id == member_id) has_pin = m.has_pin;
  if (!has_pin && pin != again) {
    view_.lock_error = words(S::lk_pin_differ);
    return;
  }
  if (auto e = check_pin(pin)) {
    view_.lock_error = [e = *e](Lang l) { return "PIN " + problem_text(e, l); };
    return;
  }
  view_.lock_busy = true;
  view_.lock_error = {};
  struct Result {
    PinCheck check = PinCheck::wrong;
    std::vector<MemberRow> staff;
  };
  db_->request<Result>(
      [member_id, pin, has_pin](Store& s) {
        Result r;
        if (has_pin) {
          r.check = check_member_pin(s, member_id, pin);
        } else {
          // First sign-in: a member with a PIN set elsewhere meanwhile (a
          // sync) is checked against it instead of overwritten.
          r.check = check_member_pin(s, member_id, pin);
          if (r.check == PinCheck::no_pin) {
            set_member_pin(s, member_id, pin);
            r.check = PinCheck::ok;
          }
        }
        if (r.check == PinCheck::ok) s.set_actor("staff:" + member_id);
        const auto team = current_team(s);
        r.staff = list_members(s.db(), team ? team->id : std::string());
        return r;
      },
      [this, member_id, has_pin](Result r) {
        view_.lock_busy = false;
        view_.staff = std::move(r.staff);
        if (r.check == PinCheck::ok) {
          view_.lock_events.push_back((has_pin ? "signed_in:" : "pin_set:") + member_id);
          view_.lock.signed_in(member_id, steady_ms());
          if (!has_pin) {
            if (on_saved) on_saved();
            refresh_pending();
          }
          return;
        }
        view_.lock_events.push_back("pin_refused:" + member_id);
        const int left = kMaxWrongPins - view_.lock.wrong_pins() - 1;
        if (view_.lock.wrong_pin()) view_.lock_error = words(S::lk_too_many);
        else view_.lock_error = [left](Lang l) { return trf(l, S::lk_wrong_pin, left); };
      },
      [this](std::exception_ptr e) {
        view_.lock_busy = false;
        view_.lock_error = [e](Lang l) { return error_text(e, l); };
      });
}

void AppModel::lock(const char* why) {
  if (!view_.lock.protects() || view_.lock.step() != LockStep::open) return;
  view_.lock_events.push_back(std::string("locked:") + why);
  view_.lock.lock(!view_.staff.empty());
  view_.lock_error = {};
  db_->post([](Store& s) { s.set_actor("local"); });
}

bool AppModel::check_idle(int64_t now_ms) {
  if (view_.lock.step() != LockStep::open || !view_.lock.idle().expired(now_ms) || !view_.lock.protects())
    return false;
  lock("idle");
  return true;
}

void AppModel::set_lock_minutes(int minutes) {
  minutes = std::clamp(minutes, 0, 24 * 60);
  view_.prefs.lock_minutes = minutes;
  view_.lock.idle().set_limit_ms(idle_limit_ms(minutes));
  set_pref("pref.lock_minutes", std::to_string(minutes));
}

void AppModel::load_all() {
  struct Ref {
    std::vector<PlaceRow> places;
    std::string county, team_id;
    std::vector<std::string> stations;
    std::vector<TeamRow> teams;
    std::vector<MemberRow> members, staff;
    std::vector<json> days;
    int64_t pending = 0;
  };
  db_->request<Ref>(
      [](Store& s) {
        Ref r;
        r.places = list_places(s.db());
        const auto t = current_team(s);
        if (t) {
          if (t->area_code.size() == 6) r.county = t->area_code;
          r.stations = t->stations;
          r.team_id = t->id;
        }
        r.staff = list_members(s.db(), t ? t->id : std::string());
        r.teams = list_teams(s.db());
        r.members = list_members(s.db(), "");
        r.days = recent_clinic_days(s.db(), 60);
        r.pending = pending_changes(s.db());
        return r;
      },
      [this](Ref r) {
        view_.places = std::move(r.places);
        view_.team_county = std::move(r.county);
        view_.team_stations = std::move(r.stations);
        view_.teams = std::move(r.teams);
        view_.members = std::move(r.members);
        view_.staff = std::move(r.staff);
        // Staff just added (the first-start wizard): they sign in now.
        view_.lock.staff_known(!view_.staff.empty());
        view_.days = std::move(r.days);
        view_.pending = r.pending;
        // No team chosen in Settings: this device's own team (core's
        // current_team), not the first by name. A laptop enrolled into a
        // second team keeps the first one's record, which sorted first and
        // took the new clinic days.
        if (view_.prefs.team_id.empty()) view_.prefs.team_id = r.team_id;
        if (view_.prefs.team_id.empty() && !view_.teams.empty()) view_.prefs.team_id = view_.teams.front().id;
        view_.ready = true;
        refresh_day();
      },
      [this](std::exception_ptr e) {
        view_.db_error = [e](Lang l) { return error_text(e, l); };
        view_.ready = true;
      });
  load_programs();
  search_->warm_up();  // pinyin (one cache per process: the writer's registrations use it too)
}

void AppModel::load_name_chars(std::function<void()> done) {
  search_->read([this, done = std::move(done)](SQLite::Database& db) {
    auto chars = name_code_points(db);
    queue_.post([this, chars = std::move(chars), done] {
      view_.name_chars = chars;
      json j = chars;
      set_pref("cache.name_chars", j.dump());
      if (done) done();
    });
  });
}

void AppModel::set_pref(const std::string& key, const std::string& value) {
  db_->post([key, value](Store& s) { s.set_setting(key, value); });
}

void AppModel::set_lang(Lang l) {
  view_.prefs.lang = l;
  if (toast_words_) view_.toast = toast_words_(l);
  set_pref("pref.lang", lang_code(l));
}

void AppModel::set_scale(float s) {
  view_.prefs.scale = s;
  set_pref("pref.scale", std::to_string(s));
}

void AppModel::search(const std::string& query) {
  view_.query = query;
  if (query.empty()) {
    view_.hits.clear();
    view_.hits_more = false;
    view_.searching = false;
    ++view_.search_gen;
    return;
  }
  view_.searching = true;
  // One more than shown, to know whether there are more.
  view_.search_gen = search_->search(query, kMaxHits + 1, [this](SearchResult r) {
    if (r.generation != view_.search_gen) return;  // a newer query is on its way
    view_.searching = false;
    view_.hits_more = r.hits.size() > kMaxHits;
    if (view_.hits_more) r.hits.resize(kMaxHits);
    view_.hits = std::move(r.hits);
    view_.search_ms = r.ms;
    if (!r.error.empty())
      toast([error = std::move(r.error)](Lang l) { return trf(l, S::err_database, error.c_str()); }, true);
  });
}

void AppModel::open_patient(const std::string& id) {
  db_->request<std::optional<json>>(
      [id](Store& s) { return patient_history(s.db(), id); },
      [this](std::optional<json> h) {
        view_.card = std::move(h);
        if (!view_.card) toast(S::msg_no_patient, true);
      },
      failure({}));
}

void AppModel::check_duplicates(const PatientForm& form) {
  const json f = form.to_fields();
  db_->request<std::vector<DuplicateHit>>(
      [f](Store& s) {
        // An age given instead of the birth date stands for the birth date it
        // is stored as (the one estimated on saving): a namesake ten years
        // apart is not "similar".
        std::string birth = f.value("birth_date", "");
        if (birth.empty() && f.contains("age") && f["age"].is_number_integer())
          birth = birth_date_from_age(f["age"].get<int>(), s.today());
        const PatientFacts typed{"", f.value("name", ""), f.value("name_native", ""), f.value("sex", ""), birth,
                                 f.value("id_number", ""), f.value("village_code", "")};
        return possible_duplicates(s.db(), typed);
      },
      [this](std::vector<DuplicateHit> d) { view_.duplicates = std::move(d); }, failure({}));
}

template <typename R>
void AppModel::save_for_patient(std::function<std::pair<R, std::string>(Store&)> write, std::function<void(R)> done,
                                std::function<void(const std::vector<FieldError>&)> bad) {
  struct Saved {
    R result;
    std::optional<json> card;
    int64_t pending = 0;
  };
  db_->request<Saved>(
      [write = std::move(write)](Store& s) {
        Saved r;
        std::string patient_id;
        std::tie(r.result, patient_id) = write(s);
        r.card = patient_history(s.db(), patient_id);
        r.pending = pending_changes(s.db());
        return r;
      },
      [this, done = std::move(done)](Saved r) {
        view_.card = std::move(r.card);
        view_.pending = r.pending;
        if (on_saved) on_saved();
        done(std::move(r.result));
      },
      failure(std::move(bad)));
}

void AppModel::register_patient(const PatientForm& form, std::function<void(std::string)> ok,
                                std::function<void(const std::vector<FieldError>&)> bad) {
  save_for_patient<std::string>(
      [form](Store& s) {
        std::string id = form.save(s);
        return std::pair{id, id};
      },
      [this, ok = std::move(ok)](std::string id) {
        view_.duplicates.clear();
        clear_draft("patient");
        toast(S::msg_saved);
        if (ok) ok(id);
      },
      std::move(bad));
}

void AppModel::edit_patient(const PatientEditForm& form, std::function<void(std::vector<std::string>)> ok,
                            std::function<void(const std::vector<FieldError>&)> bad) {
  save_for_patient<std::vector<std::string>>(
      [form](Store& s) { return std::pair{form.save(s), form.patient_id}; },
      [this, ok = std::move(ok)](std::vector<std::string> changed) {
        toast([changed](Lang l) {
          if (changed.empty()) return std::string(tr(S::pe_nothing_changed, l));
          std::string names;
          for (const auto& f : changed)
            if (f != "birth_estimated") names += (names.empty() ? "" : tr(S::list_sep, l)) + patient_field_label(f, l);
          return trf(l, S::pe_saved, names.c_str());
        });
        if (ok) ok(std::move(changed));
      },
      std::move(bad));
}

void AppModel::save_encounter(const EncounterForm& form, std::function<void(std::string)> ok,
                              std::function<void(const std::vector<FieldError>&)> bad) {
  EncounterForm f = form;
  if (!signed_in().empty()) f.clinician_id = signed_in();  // the member signed in is the clinician
  save_for_patient<std::string>(
      [form = std::move(f)](Store& s) { return std::pair{form.save(s), form.patient_id}; },
      [this, ok = std::move(ok), correction = !form.corrects_id.empty()](std::string id) {
        clear_draft("encounter");
        toast(correction ? S::pe_correction_saved : S::msg_encounter_saved);
        refresh_day();
        if (ok) ok(id);
      },
      std::move(bad));
}

void AppModel::open_day(const ClinicDayForm& form, std::function<void(std::string)> ok,
                        std::function<void(const std::vector<FieldError>&)> bad) {
  struct Opened {
    std::string id;
    std::vector<json> days;
    int64_t pending = 0;
  };
  db_->request<Opened>(
      [form](Store& s) {
        Opened r;
        r.id = form.save(s);
        s.set_setting("pref.day_id", r.id);
        r.days = recent_clinic_days(s.db(), 60);
        r.pending = pending_changes(s.db());
        return r;
      },
      [this, ok = std::move(ok)](Opened r) {
        view_.days = std::move(r.days);
        view_.prefs.day_id = r.id;
        view_.pending = r.pending;
        if (on_saved) on_saved();
        clear_draft("clinic_day");
        toast(S::msg_day_opened);
        refresh_day();
        if (ok) ok(r.id);
      },
      failure(std::move(bad)));
}

void AppModel::select_day(const std::string& day_id) {
  view_.prefs.day_id = day_id;
  set_pref("pref.day_id", day_id);
  refresh_day();
}

void AppModel::close_day(const std::string& day_id) {
  const Lang l = lang();
  struct Closed {
    std::vector<json> days;
    int64_t pending = 0;
  };
  db_->request<Closed>(
      [day_id, l](Store& s) {
        std::string notes;
        if (auto sum = day_summary(s.db(), day_id, s.today())) notes = summary_text(*sum, l);
        close_clinic_day(s, day_id, notes);
        return Closed{recent_clinic_days(s.db(), 60), pending_changes(s.db())};
      },
      [this](Closed r) {
        view_.days = std::move(r.days);
        view_.pending = r.pending;
        if (on_saved) on_saved();
        toast(S::msg_day_closed);
        refresh_day();
      },
      failure({}));
}

void AppModel::refresh_day() {
  const std::string id = view_.prefs.day_id;
  if (id.empty()) {
    view_.day.reset();
    view_.summary.reset();
    view_.dispensed.clear();
    return;
  }
  struct Day {
    std::optional<DaySummary> summary;
    std::map<std::string, double> dispensed;
  };
  db_->request<Day>(
      [id](Store& s) {
        Day d;
        d.summary = day_summary(s.db(), id, s.today());
        if (d.summary) d.dispensed = dispensed_on_day(s.db(), id);
        return d;
      },
      [this](Day d) {
        if (d.summary) view_.day = d.summary->day;
        else view_.day.reset();
        view_.summary = std::move(d.summary);
        view_.dispensed = std::move(d.dispensed);
      },
      failure({}));
}

void AppModel::add_village(const std::string& name, const std::string& township_code, const std::string& new_township,
                           std::function<void(std::string)> ok,
                           std::function<void(const std::vector<FieldError>&)> bad) {
  struct Added {
    std::string code;
    std::vector<PlaceRow> places;
    int64_t pending = 0;
  };
  const std::string county = view_.team_county;
  db_->request<Added>(
      [name, township_code, new_township, county](Store& s) {
        // The village's own problems first: a new township is only written
        // when the village can follow it.
        std::vector<FieldError> errs;
        if (trim(name).empty()) errs.push_back({"name", "required"});
        if (trim(new_township).empty() && township_code.empty()) errs.push_back({"township", "required"});
        if (!errs.empty()) throw ValidationError(errs);
        // add_place would put a village's name under a county as a township:
        // a chosen parent must be a township.
        if (trim(new_township).empty())
          if (auto p = find_place(s.db(), township_code); !p || p->level != "township")
            throw ValidationError(FieldError{"township", "unknown_place", {township_code}});
        // add_place names its parent "parent" and the place "name": here the
        // township is the form's "township" field.
        auto as_township = [](const ValidationError& v, bool parent_only) {
          std::vector<FieldError> out;
          for (FieldError e : v.errors()) {
            if (e.field == "parent" || !parent_only) e.field = "township";
            out.push_back(std::move(e));
          }
          return ValidationError(out);
        };
        Added r;
        std::string township = township_code;
        if (!trim(new_township).empty()) {
          try {
            township = add_place(s, new_township, county);
          } catch (const ValidationError& v) {
            throw as_township(v, false);
          }
        }
        try {
          r.code = add_place(s, name, township);
        } catch (const ValidationError& v) {
          throw as_township(v, true);
        }
        r.places = list_places(s.db());
        r.pending = pending_changes(s.db());
        return r;
      },
      [this, ok = std::move(ok)](Added r) {
        view_.places = std::move(r.places);
        view_.pending = r.pending;
        if (on_saved) on_saved();
        toast([label = view_.place_label(r.code), code = r.code](Lang l) {
          return trf(l, S::vp_added, label.c_str(), code.c_str());
        });
        if (ok) ok(r.code);
      },
      failure(std::move(bad)));
}

void AppModel::load_follow_ups(const std::string& place_prefix) {
  view_.follow_up_place = place_prefix;
  db_->request<std::vector<WorklistRow>>(
      [place_prefix](Store& s) {
        WorklistQuery q;
        q.place = place_prefix;
        q.as_of = s.today();
        q.until = add_days(q.as_of, 30);
        q.limit = 2000;
        return follow_up_worklist(s.db(), q);
      },
      [this](std::vector<WorklistRow> f) { view_.follow_ups = std::move(f); }, failure({}));
}

void AppModel::follow_up_step(FollowUpStep step, const std::string& id, const std::string& text,
                              std::function<void()> ok, std::function<void(const std::vector<FieldError>&)> bad) {
  db_->request<int>(
      [step, id, text](Store& s) {
        // The care commands: the transition table, the required result or
        // reason, and a chronic patient's next follow-up, as in yizhenctl.
        s.transact([&](Writer& w) {
          switch (step) {
            case FollowUpStep::done: complete_follow_up(s, w, id, text); break;
            case FollowUpStep::lost: mark_follow_up_lost(s, w, id, text); break;
            case FollowUpStep::reschedule: reschedule_follow_up(s, w, id, text); break;
          }
        });
        return 0;
      },
      [this, step, ok = std::move(ok)](int) {
        toast(step == FollowUpStep::done   ? S::msg_marked_done
              : step == FollowUpStep::lost ? S::msg_marked_lost
                                           : S::msg_rescheduled);
        if (ok) ok();
        if (on_saved) on_saved();
        load_follow_ups(view_.follow_up_place);
        refresh_pending();
      },
      failure(std::move(bad)));
}

void AppModel::load_households(const std::string& village_prefix) {
  db_->request<std::vector<HouseholdRow>>(
      [village_prefix](Store& s) { return households_in(s.db(), village_prefix, 500); },
      [this](std::vector<HouseholdRow> h) { view_.households = std::move(h); }, failure({}));
}

void AppModel::save_home_visit(const HomeVisitForm& form, std::function<void(std::string)> ok,
                               std::function<void(const std::vector<FieldError>&)> bad) {
  HomeVisitForm f = form;
  f.member_id = signed_in();
  db_->request<std::string>([form = std::move(f)](Store& s) { return form.save(s); },
                            [this, ok = std::move(ok)](std::string id) {
                              clear_draft("home_visit");
                              toast(S::msg_home_visit_saved);
                              if (on_saved) on_saved();
                              refresh_day();
                              refresh_pending();
                              if (ok) ok(id);
                            },
                            failure(std::move(bad)));
}

void AppModel::refresh_pending() {
  db_->request<int64_t>([](Store& s) { return pending_changes(s.db()); },
                        [this](int64_t n) { view_.pending = n; }, failure({}));
}

void AppModel::keep_draft(const std::string& form, const json& fields, int64_t now_ms) {
  drafts_.update(form, fields, now_ms);
}

void AppModel::clear_draft(const std::string& form) {
  drafts_.saved(form, nullptr);
  view_.drafts.erase(form);
  set_pref(draft_key(form), "");
}

void AppModel::flush_drafts(int64_t now_ms) {
  for (auto& [form, text] : drafts_.due(now_ms)) set_pref(draft_key(form), text);
}

void AppModel::load_programs() {
  db_->request<std::vector<ProgramPtr>>(
      [](Store& s) { return latest_programs(s.db()); },
      [this](std::vector<ProgramPtr> p) { view_.programs = std::move(p); },
      failure({}));
}

void AppModel::save_screening(const ScreeningInput& input, std::function<void(RecordedScreening)> ok,
                              std::function<void(const std::vector<FieldError>&)> bad) {
  ScreeningInput in = input;
  if (!signed_in().empty()) in.clinician_id = signed_in();
  save_for_patient<RecordedScreening>(
      [input = std::move(in)](Store& s) {
        RecordedScreening r;
        s.transact([&](Writer& w) { r = yz::app::save_screening(s, w, input); });
        return std::pair{r, input.patient_id};
      },
      [this, ok = std::move(ok)](RecordedScreening r) {
        toast(S::msg_screening_saved);
        refresh_day();
        if (ok) ok(std::move(r));
      },
      std::move(bad));
}

}  // namespace yz::app
