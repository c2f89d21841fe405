#include "app/yizhen/model/catalog.h"

namespace yz::app {

const std::vector<StockItem>& default_stock() {
  static const std::vector<StockItem> k{
      {"氨氯地平片", "medicine", "盒", 12.8},       {"硝苯地平缓释片", "medicine", "盒", 15.6},
      {"厄贝沙坦片", "medicine", "盒", 22.4},       {"二甲双胍片", "medicine", "盒", 9.8},
      {"格列齐特缓释片", "medicine", "盒", 28.0},   {"阿卡波糖片", "medicine", "盒", 35.5},
      {"阿莫西林胶囊", "medicine", "盒", 8.5},      {"布洛芬缓释胶囊", "medicine", "盒", 12.0},
      {"双氯芬酸钠缓释片", "medicine", "盒", 9.6},  {"奥美拉唑肠溶胶囊", "medicine", "盒", 10.5},
      {"铝碳酸镁咀嚼片", "medicine", "盒", 18.0},   {"硫酸氨基葡萄糖胶囊", "medicine", "盒", 45.0},
      {"沙丁胺醇气雾剂", "medicine", "支", 25.0},   {"噻托溴铵粉吸入剂", "medicine", "盒", 98.0},
      {"小儿氨酚黄那敏颗粒", "medicine", "盒", 12.0}, {"复方甘草片", "medicine", "瓶", 6.0},
      {"玻璃酸钠滴眼液", "medicine", "支", 28.0},   {"阿司匹林肠溶片", "medicine", "盒", 15.0},
      {"阿托伐他汀钙片", "medicine", "盒", 30.0},   {"琥珀酸亚铁片", "medicine", "盒", 12.0},
      {"叶酸片", "medicine", "瓶", 8.0},            {"甲硝唑阴道泡腾片", "medicine", "盒", 14.0},
      {"维生素AD滴剂", "medicine", "盒", 32.0},     {"二十五味珍珠丸", "medicine", "盒", 68.0},
      {"十五味沉香丸", "medicine", "盒", 45.0},     {"蒙脱石散", "medicine", "盒", 15.0},
      {"左氧氟沙星滴眼液", "medicine", "支", 12.0}, {"电子血压计", "device", "台", 199.0},
      {"急救包", "device", "个", 120.0},            {"血糖仪", "device", "台", 158.0},
      {"老花镜", "device", "副", 35.0},             {"助行器", "device", "个", 180.0},
      {"血糖试纸", "supply", "盒", 65.0},           {"护膝", "supply", "副", 25.0},
      {"医用外科口罩", "supply", "包", 10.0},       {"儿童牙刷牙膏套装", "supply", "套", 12.0},
  };
  return k;
}

std::vector<const StockItem*> search_stock(const std::vector<StockItem>& stock, std::string_view query,
                                           size_t limit) {
  std::vector<const StockItem*> out;
  for (const auto& s : stock) {
    if (out.size() >= limit) break;
    if (query.empty() || s.name.find(query) != std::string::npos) out.push_back(&s);
  }
  return out;
}

namespace {
struct Prog {
  const char *id, *zh, *en;
};
constexpr Prog kProgs[] = {
    {"gi-early-cancer", "消化道早癌筛查", "GI early cancer"},
    {"congenital-heart", "先天性心脏病筛查", "Congenital heart disease"},
    {"hypertension", "高血压筛查", "Hypertension"},
    {"diabetes", "糖尿病筛查", "Diabetes"},
    {"tuberculosis", "结核病筛查", "Tuberculosis"},
    {"cervical-breast-cancer", "宫颈癌乳腺癌筛查", "Cervical and breast cancer"},
    {"scoliosis", "脊柱侧弯筛查", "Scoliosis"},
    {"kashin-beck", "大骨节病筛查", "Kashin-Beck disease"},
    {"cataract", "白内障筛查", "Cataract"},
    {"high-risk-pregnancy", "高危孕产妇筛查", "High-risk pregnancy"},
};
}  // namespace

std::string program_name(std::string_view id, Lang lang) {
  for (const auto& p : kProgs)
    if (id == p.id) return lang == Lang::zh ? p.zh : p.en;
  return std::string(id);
}

const std::vector<std::string>& program_ids() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> v;
    for (const auto& p : kProgs) v.emplace_back(p.id);
    return v;
  }();
  return k;
}

const std::vector<std::string>& common_ethnicities() {
  static const std::vector<std::string> k{"04", "05", "01", "03", "41", "09", "37", "21", "06", "18", "12"};
  return k;
}

const std::vector<std::string>& clinic_day_kinds() {
  static const std::vector<std::string> k{"yizhen", "circuit", "screening", "home_visits"};
  return k;
}

std::string clinic_day_kind_name(std::string_view kind, Lang lang) {
  if (kind == "yizhen") return lang == Lang::zh ? "义诊" : "Free clinic";
  if (kind == "circuit") return lang == Lang::zh ? "巡回医疗" : "Circuit clinic";
  if (kind == "screening") return lang == Lang::zh ? "筛查" : "Screening";
  if (kind == "home_visits") return lang == Lang::zh ? "入户诊疗" : "Home visits";
  return std::string(kind);
}

std::vector<std::string> catalog_texts() {
  std::vector<std::string> out;
  for (const auto& s : default_stock()) out.push_back(s.name + s.unit);
  for (const auto& p : kProgs) out.insert(out.end(), {p.zh, p.en});
  for (const auto& k : clinic_day_kinds()) out.push_back(clinic_day_kind_name(k, Lang::zh));
  return out;
}

}  // namespace yz::app
