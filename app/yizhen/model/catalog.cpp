#include "app/yizhen/model/catalog.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "core/domain/term_search.h"

namespace yz::app {

namespace {
// The search keys of each item name (ICU: ~0.1 s for the first on a
// thread), built once per process on whichever thread asks first.
TermKeys stock_keys(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, TermKeys> made;
  std::lock_guard lock(mutex);
  auto it = made.find(name);
  if (it == made.end()) {
    std::vector<std::string_view> all{name};
    for (auto a : item_aliases(name)) all.push_back(a);
    it = made.emplace(name, term_keys({}, all, {})).first;
  }
  return it->second;
}
}  // namespace

void prepare_stock_search(const std::vector<StockItem>& stock) {
  for (const auto& s : stock) stock_keys(s.name);
}

std::vector<const StockItem*> search_stock(const std::vector<StockItem>& stock, std::string_view query,
                                           size_t limit) {
  // The keys of the list last searched on this thread, taken again only
  // when the list changes (the screens search every frame).
  thread_local std::vector<std::string> names;
  thread_local std::vector<TermKeys> keys;
  const bool same = names.size() == stock.size() &&
                    std::equal(names.begin(), names.end(), stock.begin(),
                               [](const std::string& n, const StockItem& s) { return n == s.name; });
  if (!same) {
    names.clear();
    keys.clear();
    for (const auto& s : stock) {
      names.push_back(s.name);
      keys.push_back(stock_keys(s.name));
    }
  }
  std::vector<const StockItem*> out;
  for (size_t i : rank_terms(keys, query, limit)) out.push_back(&stock[i]);
  return out;
}

std::string program_name(const std::vector<ProgramPtr>& installed, std::string_view id, Lang lang) {
  for (const auto& p : installed)
    if (p && p->id == id) return p->name.in(lang);
  return std::string(id);
}

const std::vector<std::string>& common_ethnicities() {
  static const std::vector<std::string> k{"04", "05", "01", "03", "41", "09", "37", "21", "06", "18", "12"};
  return k;
}

std::vector<std::string> catalog_texts() {
  std::vector<std::string> out;
  for (const auto& s : formulary()) out.push_back(s.name + s.unit);
  for (const auto& k : clinic_day_kinds()) out.insert(out.end(), {k.zh, k.en});
  for (const auto& s : stations()) out.push_back(s);
  return out;
}

}  // namespace yz::app
