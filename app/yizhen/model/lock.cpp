#include "app/yizhen/model/lock.h"

#include <cstdlib>
#include <filesystem>

#include "core/store/key_file.h"

namespace yz::app {

Protection protection_of(const std::string& db_path) {
  if (key_file_exists(db_path)) return Protection::encrypted;
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return Protection::fresh;
  return Protection::plain;
}

int64_t IdleTimer::wait_ms(int64_t now_ms) const {
  if (limit_ms_ <= 0) return -1;
  const int64_t left = last_ms_ + limit_ms_ - now_ms;
  return left > 0 ? left : 0;
}

int64_t idle_limit_ms(int minutes) {
  if (const char* s = std::getenv("YIZHEN_LOCK_SECONDS"); s && *s) {
    char* end = nullptr;
    const double seconds = std::strtod(s, &end);
    if (end && *end == '\0' && seconds >= 0) return static_cast<int64_t>(seconds * 1000);
  }
  return minutes <= 0 ? 0 : int64_t{minutes} * 60'000;
}

LockSession::LockSession(Protection p)
    : protection_(p), step_(p == Protection::plain ? LockStep::open : LockStep::passphrase),
      store_open_(p == Protection::plain) {}

void LockSession::unlocked(bool has_staff) {
  store_open_ = true;
  if (protection_ == Protection::fresh) protection_ = Protection::encrypted;
  wrong_pins_ = 0;
  // Signed in already (the passphrase asked again after wrong PINs): back to who signs in.
  member_id_.clear();
  step_ = has_staff ? LockStep::sign_in : LockStep::open;
}

void LockSession::staff_known(bool has_staff) {
  if (protects() && store_open_ && has_staff && step_ == LockStep::open && member_id_.empty())
    step_ = LockStep::sign_in;
}

void LockSession::signed_in(const std::string& member_id, int64_t now_ms) {
  member_id_ = member_id;
  wrong_pins_ = 0;
  step_ = LockStep::open;
  idle_.touch(now_ms);
}

bool LockSession::wrong_pin() {
  if (++wrong_pins_ < kMaxWrongPins) return false;
  wrong_pins_ = 0;
  member_id_.clear();
  step_ = LockStep::passphrase;
  return true;
}

void LockSession::lock(bool has_staff) {
  if (!protects()) return;
  member_id_.clear();
  step_ = has_staff ? LockStep::sign_in : LockStep::passphrase;
}

bool LockSession::check_idle(int64_t now_ms, bool has_staff) {
  if (!protects() || step_ != LockStep::open || !idle_.expired(now_ms)) return false;
  lock(has_staff);
  return true;
}

int64_t LockSession::wait_ms(int64_t now_ms) const {
  if (!protects() || step_ != LockStep::open) return -1;
  return idle_.wait_ms(now_ms);
}

}  // namespace yz::app
