#include "core/domain/catalogue.h"

#include <algorithm>

namespace yz {

const std::vector<StockItem>& formulary() {
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

const StockItem* formulary_item(std::string_view name) {
  for (const auto& s : formulary())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string_view> item_aliases(std::string_view name) {
  struct Aliases {
    std::string_view name;
    std::vector<std::string_view> aliases;
  };
  static const Aliases k[] = {
      {"氨氯地平片", {"络活喜", "降压药", "amlodipine"}},
      {"硝苯地平缓释片", {"降压药", "nifedipine"}},
      {"厄贝沙坦片", {"安博维", "降压药", "irbesartan"}},
      {"二甲双胍片", {"格华止", "降糖药", "metformin"}},
      {"格列齐特缓释片", {"达美康", "降糖药", "gliclazide"}},
      {"阿卡波糖片", {"拜唐苹", "降糖药", "acarbose"}},
      {"阿莫西林胶囊", {"消炎药", "抗生素", "amoxicillin"}},
      {"布洛芬缓释胶囊", {"芬必得", "止痛药", "退烧药", "ibuprofen"}},
      {"双氯芬酸钠缓释片", {"扶他林", "止痛药", "diclofenac"}},
      {"奥美拉唑肠溶胶囊", {"洛赛克", "胃药", "omeprazole"}},
      {"铝碳酸镁咀嚼片", {"达喜", "胃药", "hydrotalcite"}},
      {"硫酸氨基葡萄糖胶囊", {"氨糖", "glucosamine"}},
      {"沙丁胺醇气雾剂", {"万托林", "喷雾", "salbutamol"}},
      {"噻托溴铵粉吸入剂", {"思力华", "tiotropium"}},
      {"小儿氨酚黄那敏颗粒", {"感冒药", "儿童感冒药"}},
      {"复方甘草片", {"止咳药"}},
      {"玻璃酸钠滴眼液", {"眼药水", "人工泪液"}},
      {"阿司匹林肠溶片", {"拜阿司匹灵", "aspirin"}},
      {"阿托伐他汀钙片", {"立普妥", "降脂药", "atorvastatin"}},
      {"琥珀酸亚铁片", {"补铁", "速力菲"}},
      {"叶酸片", {"folic acid"}},
      {"甲硝唑阴道泡腾片", {"metronidazole"}},
      {"维生素AD滴剂", {"伊可新", "鱼肝油"}},
      {"蒙脱石散", {"思密达", "止泻药"}},
      {"左氧氟沙星滴眼液", {"可乐必妥", "眼药水", "levofloxacin"}},
  };
  for (const auto& a : k)
    if (a.name == name) return a.aliases;
  return {};
}

const std::vector<ClinicDayKind>& clinic_day_kinds() {
  static const std::vector<ClinicDayKind> k{
      {"yizhen", "义诊", "Free clinic"},
      {"circuit", "巡回医疗", "Circuit clinic"},
      {"screening", "筛查", "Screening"},
      {"home_visits", "入户诊疗", "Home visits"},
  };
  return k;
}

std::string clinic_day_kind_name(std::string_view kind, Lang lang) {
  for (const auto& k : clinic_day_kinds())
    if (k.id == kind) return k.name(lang);
  return std::string(kind);
}

const std::vector<std::string>& stations() {
  static const std::vector<std::string> k{"登记", "内科", "外科", "骨科", "妇科", "儿科", "消化", "眼科",
                                          "口腔", "耳鼻喉", "皮肤科", "藏医", "超声", "检验", "药房", "入户"};
  return k;
}

const std::vector<std::string>& default_stations() {
  static const std::vector<std::string> k{"登记", "内科", "药房"};
  return k;
}

bool is_station(std::string_view name) {
  return std::find(stations().begin(), stations().end(), name) != stations().end();
}

}  // namespace yz
