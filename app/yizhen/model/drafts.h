#pragma once
// Drafts: a half-filled form is saved as you type, ~300 ms after the last
// change, so it comes back after a crash or a kill. The keeper only decides
// when; the app writes "draft.<form>" in the settings table on the DbWorker.
// No UI, no clock of its own (times are passed in, for tests).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace yz::app {

using json = nlohmann::json;

class DraftKeeper {
 public:
  explicit DraftKeeper(int64_t debounce_ms = 300) : debounce_ms_(debounce_ms) {}
  // The form `name` now holds `fields` (called each frame; unchanged
  // contents are ignored). An empty form clears its draft.
  void update(const std::string& name, const json& fields, int64_t now_ms);
  // Mark what was last written (after a restore or a save) as saved.
  void saved(const std::string& name, const json& fields);
  // Drafts whose last change is at least debounce old: name -> text to
  // store ("" to clear). Each is returned once.
  std::vector<std::pair<std::string, std::string>> due(int64_t now_ms);
  // Milliseconds until the next draft is due; -1 when none waits.
  int64_t wait_ms(int64_t now_ms) const;

 private:
  struct Entry {
    json current, written;
    int64_t changed_ms = 0;
    bool dirty = false;
  };
  int64_t debounce_ms_;
  std::map<std::string, Entry> entries_;
};

// The settings key of a form's draft.
inline std::string draft_key(const std::string& form) { return "draft." + form; }

}  // namespace yz::app
