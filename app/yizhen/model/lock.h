#pragma once
// The lock screen's logic (DESIGN.md §7), without UI or SQL: how the
// database is protected, which step of entering the app shows (the team
// passphrase, then who signs in with their PIN), and the idle timer that
// locks the app again. The AppModel runs the Argon2id work on its writer
// thread and reports back here; tests drive it with plain numbers.
//
// Threads: UI thread (or a test's).

#include <cstdint>
#include <string>

namespace yz::app {

// How the database at a path is kept, judged from its files alone (no SQL):
// `encrypted` when its key file exists (core/store/key_file.h), `fresh` when
// there is no database yet (the app makes it encrypted), `plain` otherwise (an
// older database: it opens without a lock, and Settings says how to encrypt it).
enum class Protection { encrypted, fresh, plain };
Protection protection_of(const std::string& db_path);

// Locks after `limit_ms` without input; 0 never locks. Times are a steady
// clock in milliseconds, given by the caller.
class IdleTimer {
 public:
  void set_limit_ms(int64_t limit_ms) { limit_ms_ = limit_ms < 0 ? 0 : limit_ms; }
  int64_t limit_ms() const { return limit_ms_; }
  // Input arrived at `now`.
  void touch(int64_t now_ms) { last_ms_ = now_ms; }
  bool expired(int64_t now_ms) const { return limit_ms_ > 0 && now_ms - last_ms_ >= limit_ms_; }
  // Milliseconds until it expires (0: it has); -1 when it never does. The
  // app's loop sleeps at most this long (SDL_WaitEventTimeout), no polling.
  int64_t wait_ms(int64_t now_ms) const;

 private:
  int64_t limit_ms_ = 0, last_ms_ = 0;
};

// The idle limit: YIZHEN_LOCK_SECONDS when set (a test's override, any
// number of seconds), else `minutes` (the setting "pref.lock_minutes",
// default kDefaultLockMinutes; 0 = never).
inline constexpr int kDefaultLockMinutes = 5;
int64_t idle_limit_ms(int minutes);

enum class LockStep {
  passphrase,  // the team passphrase (twice for a fresh database)
  sign_in,     // who signs in: a member, then their PIN (set on first sign-in)
  open,        // the app itself
};

// After this many wrong PINs in a row the app asks for the team passphrase
// again: a PIN of four digits is guessed in minutes otherwise.
inline constexpr int kMaxWrongPins = 5;

class LockSession {
 public:
  explicit LockSession(Protection p);

  Protection protection() const { return protection_; }
  // A locked database or signed-in staff: encrypted or fresh. A plain one
  // opens without a lock screen.
  bool protects() const { return protection_ != Protection::plain; }
  LockStep step() const { return step_; }
  const std::string& member_id() const { return member_id_; }
  bool store_open() const { return store_open_; }
  int wrong_pins() const { return wrong_pins_; }

  // The passphrase opened the database (for a fresh one: made it,
  // encrypted). `has_staff`: the team has active members to sign in.
  void unlocked(bool has_staff);
  // The team's staff appeared (the first-start wizard added them): sign in.
  void staff_known(bool has_staff);
  // `member_id` signed in (a right PIN, or a PIN just set).
  void signed_in(const std::string& member_id, int64_t now_ms);
  // A wrong PIN. True when it was one too many: back to the passphrase.
  bool wrong_pin();
  // The Lock button, or idle time: back to who signs in (the database key
  // stays in memory), or to the passphrase when the team has no staff.
  void lock(bool has_staff);
  // Input at `now` (keeps the app open).
  void activity(int64_t now_ms) { idle_.touch(now_ms); }
  // Lock when open and idle past the limit; true when it locked now.
  bool check_idle(int64_t now_ms, bool has_staff);
  // Milliseconds the loop may sleep before the idle lock falls due; -1: none.
  int64_t wait_ms(int64_t now_ms) const;
  IdleTimer& idle() { return idle_; }

 private:
  Protection protection_;
  LockStep step_;
  std::string member_id_;
  bool store_open_ = false;
  int wrong_pins_ = 0;
  IdleTimer idle_;
};

}  // namespace yz::app
