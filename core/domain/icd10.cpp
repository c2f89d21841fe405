#include "core/domain/icd10.h"
#include <array>
#include <cctype>

namespace yz {

namespace {
constexpr std::array kEntries{
    Icd10Entry{"I10", "原发性高血压", "Essential hypertension", "yfxgxy"},
    Icd10Entry{"I11.9", "高血压性心脏病", "Hypertensive heart disease", "gxyxxzb"},
    Icd10Entry{"I20.9", "心绞痛", "Angina pectoris", "xjt"},
    Icd10Entry{"I25.1", "动脉粥样硬化性心脏病", "Atherosclerotic heart disease", "dmzyyhxxzb"},
    Icd10Entry{"I50.9", "心力衰竭", "Heart failure", "xlsj"},
    Icd10Entry{"I48", "心房颤动", "Atrial fibrillation", "xfcd"},
    Icd10Entry{"I63.9", "脑梗死", "Cerebral infarction", "ngs"},
    Icd10Entry{"I69.3", "脑梗死后遗症", "Sequelae of cerebral infarction", "ngshyz"},
    Icd10Entry{"I27.9", "肺源性心脏病", "Pulmonary heart disease", "fyxxzb"},
    Icd10Entry{"E11.9", "2型糖尿病", "Type 2 diabetes mellitus", "xtnb"},
    Icd10Entry{"E10.9", "1型糖尿病", "Type 1 diabetes mellitus", "xtnb"},
    Icd10Entry{"E78.5", "高脂血症", "Hyperlipidaemia", "gzxz"},
    Icd10Entry{"E79.0", "高尿酸血症", "Hyperuricaemia", "gnsxz"},
    Icd10Entry{"M10.9", "痛风", "Gout", "tf"},
    Icd10Entry{"E04.9", "甲状腺肿", "Goitre", "jzxz"},
    Icd10Entry{"E05.9", "甲状腺功能亢进症", "Hyperthyroidism", "jzxgnkjz"},
    Icd10Entry{"E03.9", "甲状腺功能减退症", "Hypothyroidism", "jzxgnjtz"},
    Icd10Entry{"E44.0", "中度蛋白质-能量营养不良", "Moderate protein-energy malnutrition", "zddbznlyybl"},
    Icd10Entry{"D50.9", "缺铁性贫血", "Iron deficiency anaemia", "qtxpx"},
    Icd10Entry{"D75.1", "高原红细胞增多症", "High-altitude polycythaemia", "gyhxbzdz"},
    Icd10Entry{"T70.2", "高原病", "High-altitude sickness", "gyb"},
    Icd10Entry{"J06.9", "急性上呼吸道感染", "Acute upper respiratory infection", "jxshxdgr"},
    Icd10Entry{"J02.9", "急性咽炎", "Acute pharyngitis", "jxyy"},
    Icd10Entry{"J03.9", "急性扁桃体炎", "Acute tonsillitis", "jxbtty"},
    Icd10Entry{"J18.9", "肺炎", "Pneumonia", "fy"},
    Icd10Entry{"J20.9", "急性支气管炎", "Acute bronchitis", "jxzqgy"},
    Icd10Entry{"J42", "慢性支气管炎", "Chronic bronchitis", "mxzqgy"},
    Icd10Entry{"J44.9", "慢性阻塞性肺疾病", "Chronic obstructive pulmonary disease", "mxzsxfjb"},
    Icd10Entry{"J45.9", "支气管哮喘", "Asthma", "zqgxc"},
    Icd10Entry{"J30.4", "过敏性鼻炎", "Allergic rhinitis", "gmxby"},
    Icd10Entry{"R05", "咳嗽", "Cough", "ks"},
    Icd10Entry{"A15.0", "肺结核", "Pulmonary tuberculosis", "fjh"},
    Icd10Entry{"Z03.0", "疑似结核病观察", "Observation for suspected tuberculosis", "ysjhbgc"},
    Icd10Entry{"B67.9", "包虫病", "Echinococcosis", "bcb"},
    Icd10Entry{"B18.1", "慢性乙型病毒性肝炎", "Chronic viral hepatitis B", "mxyxbdxgy"},
    Icd10Entry{"K29.5", "慢性胃炎", "Chronic gastritis", "mxwy"},
    Icd10Entry{"K29.7", "胃炎", "Gastritis", "wy"},
    Icd10Entry{"K25.9", "胃溃疡", "Gastric ulcer", "wky"},
    Icd10Entry{"K26.9", "十二指肠溃疡", "Duodenal ulcer", "sezcky"},
    Icd10Entry{"K21.9", "胃食管反流病", "Gastro-oesophageal reflux disease", "wsgflb"},
    Icd10Entry{"K30", "功能性消化不良", "Functional dyspepsia", "gnxxhbl"},
    Icd10Entry{"K59.0", "便秘", "Constipation", "bm"},
    Icd10Entry{"K80.2", "胆囊结石", "Gallstones", "dnjs"},
    Icd10Entry{"K81.1", "慢性胆囊炎", "Chronic cholecystitis", "mxdny"},
    Icd10Entry{"K76.0", "脂肪肝", "Fatty liver", "zfg"},
    Icd10Entry{"K74.6", "肝硬化", "Cirrhosis of liver", "gyh"},
    Icd10Entry{"C16.9", "胃癌", "Gastric cancer", "wa"},
    Icd10Entry{"C15.9", "食管癌", "Oesophageal cancer", "sga"},
    Icd10Entry{"D13.1", "胃良性肿瘤（息肉）", "Benign neoplasm of stomach (polyp)", "wlxzl"},
    Icd10Entry{"K31.7", "胃息肉", "Gastric polyp", "wxr"},
    Icd10Entry{"K02.9", "龋病", "Dental caries", "qb"},
    Icd10Entry{"K05.1", "慢性牙龈炎", "Chronic gingivitis", "mxyyy"},
    Icd10Entry{"M17.9", "膝关节骨性关节炎", "Osteoarthritis of knee", "xgjgxgjy"},
    Icd10Entry{"M12.1", "大骨节病", "Kashin-Beck disease", "dgjb"},
    Icd10Entry{"M51.2", "腰椎间盘突出症", "Lumbar disc herniation", "yzjptcz"},
    Icd10Entry{"M47.8", "颈椎病", "Cervical spondylosis", "jzb"},
    Icd10Entry{"M54.5", "腰痛", "Low back pain", "yt"},
    Icd10Entry{"M06.9", "类风湿关节炎", "Rheumatoid arthritis", "lfsgjy"},
    Icd10Entry{"M81.9", "骨质疏松", "Osteoporosis", "gzss"},
    Icd10Entry{"M41.9", "脊柱侧弯", "Scoliosis", "jzcw"},
    Icd10Entry{"M79.1", "肌痛", "Myalgia", "jt"},
    Icd10Entry{"H25.9", "老年性白内障", "Senile cataract", "lnxbnz"},
    Icd10Entry{"H26.9", "白内障", "Cataract", "bnz"},
    Icd10Entry{"H10.9", "结膜炎", "Conjunctivitis", "jmy"},
    Icd10Entry{"H11.0", "翼状胬肉", "Pterygium", "yznr"},
    Icd10Entry{"H40.9", "青光眼", "Glaucoma", "qgy"},
    Icd10Entry{"H52.1", "近视", "Myopia", "js"},
    Icd10Entry{"H52.4", "老视", "Presbyopia", "ls"},
    Icd10Entry{"H54.0", "双眼盲", "Blindness, both eyes", "syml"},
    Icd10Entry{"H66.9", "中耳炎", "Otitis media", "zey"},
    Icd10Entry{"H91.9", "听力减退", "Hearing loss", "tljt"},
    Icd10Entry{"L20.9", "特应性皮炎（湿疹）", "Atopic dermatitis (eczema)", "tyxpy"},
    Icd10Entry{"L30.9", "皮炎", "Dermatitis", "py"},
    Icd10Entry{"L57.8", "日光性皮肤损害", "Sun damage of skin", "rgxpfsh"},
    Icd10Entry{"B35.4", "体癣", "Tinea corporis", "tx"},
    Icd10Entry{"N76.0", "阴道炎", "Vaginitis", "ydy"},
    Icd10Entry{"N72", "宫颈炎", "Cervicitis", "gjy"},
    Icd10Entry{"N60.1", "乳腺增生", "Mammary dysplasia", "rxzs"},
    Icd10Entry{"N39.0", "泌尿道感染", "Urinary tract infection", "mndgr"},
    Icd10Entry{"N40", "前列腺增生", "Prostatic hyperplasia", "qlxzs"},
    Icd10Entry{"C53.9", "宫颈癌", "Cervical cancer", "gja"},
    Icd10Entry{"C50.9", "乳腺癌", "Breast cancer", "rxa"},
    Icd10Entry{"R87.6", "宫颈细胞学异常", "Abnormal cervical cytology", "gjxbxyc"},
    Icd10Entry{"Z34.9", "正常妊娠监督", "Supervision of normal pregnancy", "zcrsjd"},
    Icd10Entry{"O09.9", "高危妊娠监督", "Supervision of high-risk pregnancy", "gwrsjd"},
    Icd10Entry{"O99.0", "妊娠合并贫血", "Anaemia complicating pregnancy", "rshbpx"},
    Icd10Entry{"Q21.1", "房间隔缺损", "Atrial septal defect", "fjgqs"},
    Icd10Entry{"Q21.0", "室间隔缺损", "Ventricular septal defect", "sjgqs"},
    Icd10Entry{"Q25.0", "动脉导管未闭", "Patent ductus arteriosus", "dmdgwb"},
    Icd10Entry{"Q24.9", "先天性心脏病", "Congenital heart disease", "xtxxzb"},
    Icd10Entry{"Q65.9", "先天性髋关节发育不良", "Developmental dysplasia of hip", "xtxkgjfybl"},
    Icd10Entry{"E55.9", "维生素D缺乏（佝偻病）", "Vitamin D deficiency (rickets)", "wssdqf"},
    Icd10Entry{"R62.8", "生长发育迟缓", "Growth retardation", "szfych"},
    Icd10Entry{"A09", "感染性腹泻", "Infectious diarrhoea", "grxfx"},
    Icd10Entry{"R50.9", "发热", "Fever", "fr"},
    Icd10Entry{"R51", "头痛", "Headache", "tt"},
    Icd10Entry{"R42", "头晕", "Dizziness", "ty"},
    Icd10Entry{"R10.4", "腹痛", "Abdominal pain", "ft"},
    Icd10Entry{"G40.9", "癫痫", "Epilepsy", "dx"},
    Icd10Entry{"G47.0", "失眠", "Insomnia", "sm"},
    Icd10Entry{"F32.9", "抑郁发作", "Depressive episode", "yyfz"},
    Icd10Entry{"F20.9", "精神分裂症", "Schizophrenia", "jsflz"},
    Icd10Entry{"G81.9", "偏瘫", "Hemiplegia", "pt"},
    Icd10Entry{"T14.9", "外伤", "Injury", "ws"},
    Icd10Entry{"S52.5", "桡骨远端骨折", "Fracture of lower end of radius", "rgydgz"},
    Icd10Entry{"T30.0", "烧伤", "Burn", "ss"},
    Icd10Entry{"W54", "犬咬伤", "Dog bite", "qys"},
    Icd10Entry{"Z00.0", "一般医学检查", "General medical examination", "ybyxjc"},
    Icd10Entry{"Z01.4", "妇科检查", "Gynaecological examination", "fkjc"},
    Icd10Entry{"Z13.6", "心血管疾病筛查", "Screening for cardiovascular disorders", "xxgjbsc"},
    Icd10Entry{"Z71.9", "健康咨询", "Counselling", "jkzx"},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::span<const Icd10Entry> icd10_common() { return kEntries; }

std::vector<const Icd10Entry*> search_icd10(std::string_view query, size_t limit) {
  const std::string q = lower(query);
  std::vector<const Icd10Entry*> out;
  for (const auto& e : kEntries) {
    if (out.size() >= limit) break;
    const bool hit = q.empty() || lower(e.code).rfind(q, 0) == 0 || e.zh.find(query) != std::string_view::npos ||
                     lower(e.en).find(q) != std::string::npos || e.keys.rfind(q, 0) == 0;
    if (hit) out.push_back(&e);
  }
  return out;
}

}  // namespace yz
