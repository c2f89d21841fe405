#include "app/yizhen/model/drafts.h"

#include <algorithm>

namespace yz::app {

void DraftKeeper::update(const std::string& name, const json& fields, int64_t now_ms) {
  Entry& e = entries_[name];
  if (e.current == fields) return;
  e.current = fields;
  e.changed_ms = now_ms;
  e.dirty = e.current != e.written;
}

void DraftKeeper::saved(const std::string& name, const json& fields) {
  Entry& e = entries_[name];
  e.current = e.written = fields;
  e.dirty = false;
}

std::vector<std::pair<std::string, std::string>> DraftKeeper::due(int64_t now_ms) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [name, e] : entries_) {
    if (!e.dirty || now_ms - e.changed_ms < debounce_ms_) continue;
    out.emplace_back(name, e.current.is_null() ? std::string() : e.current.dump());
    e.written = e.current;
    e.dirty = false;
  }
  return out;
}

int64_t DraftKeeper::wait_ms(int64_t now_ms) const {
  int64_t best = -1;
  for (const auto& [name, e] : entries_) {
    if (!e.dirty) continue;
    const int64_t w = std::max<int64_t>(0, e.changed_ms + debounce_ms_ - now_ms);
    if (best < 0 || w < best) best = w;
  }
  return best;
}

}  // namespace yz::app
