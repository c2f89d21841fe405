#include "app/yizhen/model/catalog.h"

namespace yz::app {

std::vector<const StockItem*> search_stock(const std::vector<StockItem>& stock, std::string_view query,
                                           size_t limit) {
  std::vector<const StockItem*> out;
  for (const auto& s : stock) {
    if (out.size() >= limit) break;
    if (query.empty() || s.name.find(query) != std::string::npos) out.push_back(&s);
  }
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
