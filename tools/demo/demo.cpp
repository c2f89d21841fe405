#include "tools/demo/demo.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numbers>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/base/clock.h"
#include "core/care/clinic_day.h"
#include "core/care/encounter.h"
#include "core/care/follow_up.h"
#include "core/care/home_visit.h"
#include "core/care/patient.h"
#include "core/care/places.h"
#include "core/care/referral.h"
#include "core/care/screening.h"
#include "core/care/team.h"
#include "core/domain/catalogue.h"
#include "core/domain/idcard.h"
#include "core/programs/programs.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "core/base/uuid.h"
#include "core/domain/validate.h"

namespace yz {

namespace {

// ===========================================================================
// Randomness. mt19937_64's output is fixed by the standard; the
// distributions are not, so uniform, integer and normal draws are our own.

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(splitmix(seed)) {}

  // [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(g_() >> 11) * 0x1.0p-53; }
  // An integer in [lo, hi] (the modulo bias is far below anything visible).
  int range(int lo, int hi) { return lo + static_cast<int>(g_() % static_cast<uint64_t>(hi - lo + 1)); }
  bool chance(double p) { return uniform() < p; }
  size_t index(size_t n) { return static_cast<size_t>(g_() % n); }
  // Normal deviate by Box–Muller; the second value of each pair is kept.
  double normal(double mean, double sd) {
    double z;
    if (has_spare_) {
      z = spare_;
      has_spare_ = false;
    } else {
      const double u1 = 1.0 - uniform();  // (0, 1]: the log is finite
      const double a = 2.0 * std::numbers::pi * uniform();
      const double r = std::sqrt(-2.0 * std::log(u1));
      z = r * std::cos(a);
      spare_ = r * std::sin(a);
      has_spare_ = true;
    }
    return mean + sd * z;
  }
  template <class C>
  decltype(auto) pick(const C& c) {
    return c[index(std::size(c))];
  }
  // An index drawn with the given non-negative weights.
  template <class C>
  size_t weighted(const C& w) {
    double total = 0;
    for (double x : w) total += x;
    double r = uniform() * total;
    for (size_t i = 0; i < std::size(w); ++i) {
      if (r < w[i]) return i;
      r -= w[i];
    }
    return std::size(w) - 1;
  }

 private:
  // Spread a small seed over the engine's state, and keep the stream apart
  // from IdSource(seed), which seeds the same engine with the raw seed.
  static uint64_t splitmix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  }
  std::mt19937_64 g_;
  double spare_ = 0;
  bool has_spare_ = false;
};

double round_to(double v, int decimals) {
  const double f = decimals == 0 ? 1.0 : decimals == 1 ? 10.0 : 100.0;
  return std::round(v * f) / f;
}
double clamp(double v, double lo, double hi) { return std::min(hi, std::max(lo, v)); }

std::string fmt(const char* pattern, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;


// Chinese numeral for 1..99 (第十一批).
std::string cn_number(int n) {
  static constexpr const char* kDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (n < 10) return kDigits[n];
  std::string s = n < 20 ? "" : kDigits[n / 10];
  s += "十";
  if (n % 10) s += kDigits[n % 10];
  return s;
}

// Number of UTF-8 code points.
size_t chars(std::string_view s) { return utf8_length(s); }

// ===========================================================================
// Record kinds, in the order of DESIGN.md §4.

enum Kind { kTeam, kMember, kDevice, kPlace, kClinicDay, kHousehold, kPatient, kHomeVisit, kEncounter,
            kObservation, kDispense, kScreening, kReferral, kFollowUp, kKindCount };
constexpr const char* kKindName[kKindCount] = {"team",      "member",      "device",   "place",     "clinic_day",
                                               "household", "patient",     "home_visit", "encounter", "observation",
                                               "dispense",  "screening",   "referral", "follow_up"};

// ===========================================================================
// Geography: real prefectures and counties (GB/T 2260), synthetic
// townships and villages below them.

enum Eth { kHan, kHui, kTibetan, kUyghur, kTajik, kEthCount };
constexpr const char* kEthCode[kEthCount] = {"01", "03", "04", "05", "41"};

struct PrefectureDef {
  const char* code;
  const char* name;
  const char* province;
  const char* hospital;  // where the prefecture refers patients
  int altitude;
};
constexpr PrefectureDef kPrefectures[] = {
    {"540100", "拉萨市", "540000", "拉萨市人民医院", 3650},
    {"540600", "那曲市", "540000", "那曲市人民医院", 4500},
    {"542500", "阿里地区", "540000", "阿里地区人民医院", 4280},
    {"653100", "喀什地区", "650000", "喀什地区第一人民医院", 1290},
    {"653200", "和田地区", "650000", "和田地区人民医院", 1380},
};

using EthMix = std::array<double, kEthCount>;  // han, hui, tibetan, uyghur, tajik
constexpr EthMix kTibetMix{4, 1, 95, 0, 0};
constexpr EthMix kXinjiangMix{3, 1, 0, 96, 0};

struct CountyDef {
  const char* code;
  const char* name;
  int prefecture;        // index in kPrefectures
  int altitude;          // of the county seat, metres
  const char* old_code;  // the code before 那曲 became a city (2017): on older 身份证 numbers
  bool kbd_endemic;      // Kashin-Beck disease (大骨节病) area
  bool pastoral;         // herding: echinococcosis, nomads hard to follow up
  EthMix eth;
};
constexpr CountyDef kCounties[] = {
    {"540102", "城关区", 0, 3650, nullptr, false, false, {14, 4, 82, 0, 0}},
    {"540121", "林周县", 0, 3860, nullptr, true, false, kTibetMix},
    {"540122", "当雄县", 0, 4250, nullptr, false, true, kTibetMix},
    {"540123", "尼木县", 0, 3810, nullptr, true, false, kTibetMix},
    {"540124", "曲水县", 0, 3600, nullptr, false, false, kTibetMix},
    {"540127", "墨竹工卡县", 0, 3830, nullptr, true, false, kTibetMix},
    {"540602", "色尼区", 1, 4500, "542421", false, true, kTibetMix},
    {"540621", "嘉黎县", 1, 4480, "542422", true, true, kTibetMix},
    {"540622", "比如县", 1, 3950, "542423", true, true, kTibetMix},
    {"540623", "聂荣县", 1, 4700, "542424", false, true, kTibetMix},
    {"540624", "安多县", 1, 4800, "542425", false, true, kTibetMix},
    {"542521", "普兰县", 2, 3900, nullptr, false, true, kTibetMix},
    {"542523", "噶尔县", 2, 4280, nullptr, false, true, kTibetMix},
    {"653101", "喀什市", 3, 1290, nullptr, false, false, {17, 3, 0, 80, 0}},
    {"653121", "疏附县", 3, 1400, nullptr, false, false, kXinjiangMix},
    {"653122", "疏勒县", 3, 1300, nullptr, false, false, kXinjiangMix},
    {"653125", "莎车县", 3, 1230, nullptr, false, false, kXinjiangMix},
    {"653126", "叶城县", 3, 1370, nullptr, false, false, kXinjiangMix},
    {"653129", "伽师县", 3, 1200, nullptr, false, false, kXinjiangMix},
    {"653130", "巴楚县", 3, 1110, nullptr, false, false, {7, 1, 0, 92, 0}},
    {"653131", "塔什库尔干塔吉克自治县", 3, 3100, nullptr, false, true, {8, 0, 0, 10, 82}},
    {"653221", "和田县", 4, 1370, nullptr, false, false, kXinjiangMix},
    {"653222", "墨玉县", 4, 1330, nullptr, false, false, kXinjiangMix},
};
constexpr int kTashkurgan = 20;  // index of 塔什库尔干 in kCounties

bool in_tibet(const CountyDef& c) { return c.code[0] == '5' && c.code[1] == '4'; }

// Birthplaces of Han residents born elsewhere (real county-level codes).
constexpr const char* kHanBirthplaces[] = {"510107", "511302", "510623", "410102", "412725", "620102",
                                           "500101", "430102", "320102", "130102", "610102", "511529"};

// Words that Tibetan, Uyghur and Tajik place names are made of.
constexpr const char* kTibetPlaceWords[] = {
    "扎西", "德庆", "岗巴", "色拉", "甲玛", "孜东", "江热", "帕古", "日多", "唐古", "卡孜", "门巴", "强嘎",
    "塔荣", "吞巴", "续迈", "麻江", "罗玛", "香茂", "达萨", "孔玛", "夏曲", "措那", "桑丹", "嘎尔", "拉让",
    "果热", "白嘎", "那玛", "觉木", "巴嘎", "加林", "热堆", "羊达", "雪巴", "乃琼", "仁青", "邦达", "曲登",
    "查果", "朗热", "卓嘎", "尼果", "达隆", "帕里", "玉普", "吉堆", "强钦", "错鄂", "桑雄"};
constexpr const char* kTibetPlaceSuffix[] = {"岗", "林", "塘", "曲", "孜", "卡", "雪", "堆",
                                             "岭", "普", "巴", "则", "日", "雄", "达"};
constexpr const char* kUyghurPlaceWords[] = {
    "阿克", "喀拉", "托格拉克", "布拉克", "阔什", "英", "艾日克", "巴格", "吾斯塘", "塔什", "库木", "恰克",
    "铁热克", "阿热勒", "托万", "玉吉买", "巴扎", "阿瓦提", "兰干", "色日克", "克孜勒", "乌鲁克", "奥依",
    "萨依", "夏马勒", "喀赞其", "亚喀", "阔纳", "塔木", "其兰", "博斯坦", "阿亚克", "吐格曼", "阿恰",
    "苏盖提", "排先", "墩", "亚瓦", "艾西热甫", "玉喀"};
constexpr const char* kTajikPlaceWords[] = {"提孜那甫", "瓦恰", "马尔洋", "塔合曼", "科克亚尔", "班迪尔",
                                            "达布达尔", "库科西鲁格", "热斯喀木", "麻扎", "明铁盖", "卡拉其古",
                                            "皮斯岭", "喀来克", "赞坎"};

// ===========================================================================
// Teams: 组团式 medical aid from big-city hospitals, each working in a few
// counties of the prefecture its province supports.

struct HospitalDef {
  const char* name;
  const char* short_name;
  std::array<const char*, 3> counties;  // county codes; nullptr ends the list
};
constexpr HospitalDef kHospitals[] = {
    {"北京大学第一医院", "北大医院", {"540102", "540122", "540123"}},
    {"上海交通大学医学院附属瑞金医院", "瑞金医院", {"653125", "653126", "653130"}},
    {"四川大学华西医院", "华西医院", {"540602", "540621", "540622"}},
    {"深圳市人民医院", "深圳市人民医院", {"653101", "653131", "653122"}},
    {"陕西省人民医院", "陕西省人民医院", {"542521", "542523", nullptr}},
    {"首都医科大学附属北京友谊医院", "友谊医院", {"653221", "653222", nullptr}},
    {"北京协和医院", "协和医院", {"540121", "540124", "540127"}},
    {"中山大学附属第一医院", "中山一院", {"653121", "653129", nullptr}},
    {"复旦大学附属中山医院", "复旦中山医院", {"653125", "653130", "653126"}},
    {"浙江大学医学院附属第一医院", "浙大一院", {"540623", "540624", "540602"}},
};
constexpr int kHospitalCount = static_cast<int>(std::size(kHospitals));

// Clinician specialties a team brings (内科 twice: the busiest station).
constexpr const char* kSpecialties[] = {"内科", "内科", "外科", "骨科", "妇科", "儿科",
                                        "消化", "眼科", "超声", "口腔"};
constexpr const char* kDeviceModels[] = {"加固笔记本", "二合一平板", "加固笔记本", "笔记本电脑"};

// ===========================================================================
// Names. Tibetan names are usually two two-character parts (扎西顿珠);
// Uyghur and Tajik names are the given name and the father's name joined by
// a middle dot (阿依古丽·买买提); Han names a surname and one or two
// characters. `native` is the name in Tibetan or Uyghur script where known.

struct NamePart {
  const char* han;
  const char* native;
  char sex;  // 'M', 'F' or 'U' (either)
};

constexpr NamePart kTibetanParts[] = {
    {"扎西", "བཀྲ་ཤིས", 'M'},   {"顿珠", "དོན་གྲུབ", 'M'},   {"次仁", "ཚེ་རིང", 'U'},     {"多吉", "རྡོ་རྗེ", 'M'},
    {"平措", "ཕུན་ཚོགས", 'M'},  {"格桑", "སྐལ་བཟང", 'U'},  {"达瓦", "ཟླ་བ", 'U'},       {"尼玛", "ཉི་མ", 'U'},
    {"普布", "ཕུར་བུ", 'U'},    {"边巴", "སྤེན་པ", 'U'},    {"巴桑", "པ་སངས", 'U'},      {"索朗", "བསོད་ནམས", 'U'},
    {"次旦", "ཚེ་བརྟན", 'M'},   {"罗布", "ནོར་བུ", 'M'},    {"旦增", "བསྟན་འཛིན", 'M'},  {"强巴", "བྱམས་པ", 'M'},
    {"洛桑", "བློ་བཟང", 'M'},   {"贡布", "མགོན་པོ", 'M'},   {"桑珠", "བསམ་གྲུབ", 'M'},   {"米玛", "མིག་དམར", 'U'},
    {"拉巴", "ལྷག་པ", 'U'},     {"土登", "ཐུབ་བསྟན", 'M'},  {"朗杰", "རྣམ་རྒྱལ", 'M'},  {"旺堆", "དབང་འདུས", 'M'},
    {"阿旺", "ངག་དབང", 'M'},    {"欧珠", "དངོས་གྲུབ", 'M'},  {"加措", "རྒྱ་མཚོ", 'M'},   {"群培", "ཆོས་འཕེལ", 'M'},
    {"益西", "ཡེ་ཤེས", 'U'},    {"白玛", "པདྨ", 'U'},       {"卓玛", "སྒྲོལ་མ", 'F'},    {"央金", "དབྱངས་ཅན", 'F'},
    {"旺姆", "དབང་མོ", 'F'},    {"拉姆", "ལྷ་མོ", 'F'},     {"德吉", "བདེ་སྐྱིད", 'F'},   {"曲珍", "ཆོས་སྒྲོན", 'F'},
    {"措姆", "མཚོ་མོ", 'F'},    {"次珍", "ཚེ་སྒྲོན", 'F'},  {"玉珍", "གཡུ་སྒྲོན", 'F'},  {"卓嘎", "སྒྲོལ་དཀར", 'F'},
    {"央宗", "དབྱངས་འཛོམས", 'F'}, {"曲宗", "ཆོས་འཛོམས", 'F'}, {"德央", "བདེ་དབྱངས", 'F'}, {"尼珍", "ཉི་སྒྲོན", 'F'},
    {"桑姆", "བཟང་མོ", 'F'},    {"琼达", nullptr, 'F'},      {"仓决", nullptr, 'F'},      {"普赤", nullptr, 'F'},
};

constexpr NamePart kUyghurMale[] = {
    {"买买提", "مەمەت", 'M'},  {"艾力", "ئەلى", 'M'},        {"阿布都热依木", "ئابدۇرېھىم", 'M'},
    {"阿不都拉", "ئابدۇللا", 'M'}, {"吐尔逊", "تۇرسۇن", 'M'}, {"玉苏甫", "يۈسۈپ", 'M'},
    {"艾合买提", "ئەخمەت", 'M'}, {"依明", "ئىمىن", 'M'},      {"卡德尔", "قادىر", 'M'},
    {"肉孜", "روزى", 'M'},      {"吾斯曼", "ئوسمان", 'M'},    {"热合曼", "رەھمان", 'M'},
    {"亚森", "ياسىن", 'M'},     {"司马义", "ئىسمائىل", 'M'},  {"托合提", "توختى", 'M'},
    {"阿力木", "ئالىم", 'M'},   {"艾尼瓦尔", "ئەنۋەر", 'M'}, {"努尔买买提", "نۇرمەمەت", 'M'},
    {"买合木提", "مەخمۇت", 'M'}, {"库尔班", "قۇربان", 'M'},  {"阿卜杜克热木", nullptr, 'M'},
    {"麦麦提敏", nullptr, 'M'},
};
constexpr NamePart kUyghurFemale[] = {
    {"热依汗古丽", "رەيھانگۈل", 'F'}, {"阿依古丽", "ئايگۈل", 'F'},   {"古丽娜尔", "گۈلنار", 'F'},
    {"帕提古丽", "پاتىگۈل", 'F'},     {"阿米娜", "ئامىنە", 'F'},     {"祖丽胡玛尔", "زۇلخۇمار", 'F'},
    {"努尔古丽", "نۇرگۈل", 'F'},      {"阿依努尔", "ئاينۇر", 'F'},   {"米日古丽", "مېھرىگۈل", 'F'},
    {"古丽米拉", "گۈلمىرا", 'F'},     {"阿娜尔古丽", "ئانارگۈل", 'F'}, {"再努尔", "زەينۇر", 'F'},
    {"玛依拉", "مايىرە", 'F'},        {"阿依夏木", "ئايشەم", 'F'},   {"茹仙古丽", "روشەنگۈل", 'F'},
    {"排孜古丽", nullptr, 'F'},       {"布合力其汗", nullptr, 'F'},   {"古丽巴哈尔", "گۈلباھار", 'F'},
};
constexpr NamePart kTajikMale[] = {
    {"拉齐尼", nullptr, 'M'},   {"巴依卡", nullptr, 'M'}, {"库尔班", nullptr, 'M'},   {"米尔扎", nullptr, 'M'},
    {"阿不力克木", nullptr, 'M'}, {"沙迪克", nullptr, 'M'}, {"买买提江", nullptr, 'M'}, {"依不拉音", nullptr, 'M'},
    {"多力昆", nullptr, 'M'},   {"吐尔洪", nullptr, 'M'}, {"阿曼", nullptr, 'M'},     {"热合曼江", nullptr, 'M'},
};
constexpr NamePart kTajikFemale[] = {
    {"古丽巴哈尔", nullptr, 'F'}, {"热娜", nullptr, 'F'},     {"赛乃姆", nullptr, 'F'}, {"娜孜古丽", nullptr, 'F'},
    {"塔吉古丽", nullptr, 'F'},   {"比比古丽", nullptr, 'F'}, {"玛丽亚木", nullptr, 'F'}, {"阿依先木", nullptr, 'F'},
    {"布力布力", nullptr, 'F'},
};

constexpr const char* kHanSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚",
    "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白",
    "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺",
    "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤", "单", "欧阳"};
constexpr const char* kHuiSurnames[] = {"马", "马", "马", "杨", "韩", "白", "丁", "李", "冯", "海", "穆"};
constexpr const char* kHanMaleGiven[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "斌", "鹏", "辉", "华", "刚", "平", "林", "峰",
    "浩", "宇", "俊", "晨", "鑫", "凯", "建国", "志强", "海波", "建华", "国庆", "卫东", "文博", "子豪",
    "宇轩", "浩然", "晓东", "永刚", "德明", "立新", "志刚", "小龙", "家豪"};
constexpr const char* kHanFemaleGiven[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "玲", "红", "燕", "婷", "雪", "琳", "慧",
    "莉", "丹", "颖", "倩", "佳怡", "欣怡", "梓涵", "秀兰", "桂英", "淑珍", "玉兰", "春梅", "晓燕", "雨萱",
    "思琪", "丽娟", "海燕", "美玲"};

constexpr const char* kMobilePrefixes[] = {"139", "138", "137", "136", "135", "150", "151", "152", "157",
                                           "158", "159", "182", "183", "187", "188", "130", "131", "132",
                                           "155", "156", "185", "186", "133", "153", "180", "181", "189",
                                           "177", "199", "198", "191"};

// ===========================================================================
// Medicines, devices and supplies with the unit values (yuan) teams account.

enum Item {
  iAmlodipine, iNifedipine, iIrbesartan, iMetformin, iGliclazide, iAcarbose, iAmoxicillin, iIbuprofen,
  iDiclofenac, iOmeprazole, iHydrotalcite, iGlucosamine, iSalbutamol, iTiotropium, iChildCold, iLicorice,
  iEyeDrops, iAspirin, iAtorvastatin, iFerrous, iFolicAcid, iMetronidazole, iVitaminAD, iPearlPill,
  iAgarwoodPill, iSmectite, iBpMeter, iFirstAidKit, iGlucometer, iTestStrips, iReadingGlasses, iWalker,
  iKneePads, iMasks, iToothbrushKit, iLevofloxacinDrops, iNone = -1
};
// Kind, unit and value come from the formulary (core/domain/catalogue.h).
struct ItemDef {
  const char* name;
  int qmin, qmax;
};
constexpr ItemDef kItems[] = {
    {"氨氯地平片", 1, 3},
    {"硝苯地平缓释片", 1, 3},
    {"厄贝沙坦片", 1, 2},
    {"二甲双胍片", 2, 4},
    {"格列齐特缓释片", 1, 2},
    {"阿卡波糖片", 1, 2},
    {"阿莫西林胶囊", 1, 2},
    {"布洛芬缓释胶囊", 1, 2},
    {"双氯芬酸钠缓释片", 1, 2},
    {"奥美拉唑肠溶胶囊", 1, 3},
    {"铝碳酸镁咀嚼片", 1, 2},
    {"硫酸氨基葡萄糖胶囊", 1, 2},
    {"沙丁胺醇气雾剂", 1, 2},
    {"噻托溴铵粉吸入剂", 1, 1},
    {"小儿氨酚黄那敏颗粒", 1, 2},
    {"复方甘草片", 1, 1},
    {"玻璃酸钠滴眼液", 1, 2},
    {"阿司匹林肠溶片", 1, 3},
    {"阿托伐他汀钙片", 1, 2},
    {"琥珀酸亚铁片", 1, 2},
    {"叶酸片", 1, 2},
    {"甲硝唑阴道泡腾片", 1, 1},
    {"维生素AD滴剂", 1, 1},
    {"二十五味珍珠丸", 1, 1},
    {"十五味沉香丸", 1, 1},
    {"蒙脱石散", 1, 1},
    {"电子血压计", 1, 1},
    {"急救包", 1, 1},
    {"血糖仪", 1, 1},
    {"血糖试纸", 1, 2},
    {"老花镜", 1, 1},
    {"助行器", 1, 1},
    {"护膝", 1, 1},
    {"医用外科口罩", 1, 2},
    {"儿童牙刷牙膏套装", 1, 1},
    {"左氧氟沙星滴眼液", 1, 1},
};

const StockItem& stock_item(Item i) {
  const StockItem* s = formulary_item(kItems[i].name);
  if (!s) throw std::logic_error(std::string("demo item not in the formulary: ") + kItems[i].name);
  return *s;
}

// ===========================================================================
// Conditions: what a patient has (hidden truth), and what the team writes.

enum Cond : uint32_t {
  cHtn = 1u << 0, cDm = 1u << 1, cGastritis = 1u << 2, cArthritis = 1u << 3, cKbd = 1u << 4,
  cCopd = 1u << 5, cCataract = 1u << 6, cHapc = 1u << 7, cCaries = 1u << 8, cChd = 1u << 9,
  cTb = 1u << 10, cEchino = 1u << 11, cGyn = 1u << 12, cPregnant = 1u << 13, cLumbar = 1u << 14,
  cStroke = 1u << 15, cScoliosis = 1u << 16, cAnemia = 1u << 17, cUrti = 1u << 18, cMyopia = 1u << 19,
};
constexpr uint32_t kChronic = cHtn | cDm;

struct CondDef {
  uint32_t bit;
  const char* complaint;
  const char* icd;
  const char* dx;
  const char* advice;
  const char* station;
  std::array<Item, 3> meds;
};
constexpr CondDef kConds[] = {
    {cHtn, "头晕、头痛，颈部发紧", "I10", "原发性高血压", "低盐低脂饮食，戒烟限酒，规律服药，每日监测血压", "内科",
     {iAmlodipine, iNifedipine, iIrbesartan}},
    {cDm, "口干、多饮、多尿，体重下降", "E11.9", "2型糖尿病", "控制饮食总量，适量运动，规律服药，定期监测血糖", "内科",
     {iMetformin, iGliclazide, iAcarbose}},
    {cGastritis, "上腹部隐痛、反酸、嗳气", "K29.5", "慢性胃炎", "规律饮食，少食生冷辛辣，少饮浓茶，戒烟限酒", "消化",
     {iOmeprazole, iHydrotalcite, iNone}},
    {cArthritis, "双膝关节疼痛，上下坡加重", "M17.9", "膝关节骨性关节炎", "注意保暖，减少爬坡负重，适度功能锻炼", "骨科",
     {iIbuprofen, iGlucosamine, iDiclofenac}},
    {cKbd, "多个关节粗大、疼痛，屈伸受限", "M12.1", "大骨节病", "换食外地粮、补硒，关节功能锻炼", "骨科",
     {iGlucosamine, iIbuprofen, iNone}},
    {cCopd, "反复咳嗽、咳痰，活动后气促", "J44.9", "慢性阻塞性肺疾病", "戒烟，改善室内通风、减少烟熏，呼吸功能锻炼", "内科",
     {iSalbutamol, iTiotropium, iNone}},
    {cCataract, "双眼视物模糊，逐渐加重", "H25.9", "老年性白内障", "外出佩戴防紫外线眼镜，择期行白内障复明手术", "眼科",
     {iEyeDrops, iNone, iNone}},
    {cHapc, "头痛、头晕、乏力，口唇发绀", "D75.1", "高原红细胞增多症", "低流量吸氧，避免剧烈活动，定期复查血常规", "内科",
     {iAspirin, iNone, iNone}},
    {cCaries, "牙痛，遇冷热加重", "K02.9", "龋病", "早晚刷牙，少吃甜食，定期口腔检查", "口腔", {iNone, iNone, iNone}},
    {cChd, "活动后气促、易感冒，生长发育落后", "Q21.1", "房间隔缺损", "避免剧烈运动，预防呼吸道感染，尽早手术评估", "儿科",
     {iNone, iNone, iNone}},
    {cTb, "咳嗽、咳痰两周以上，午后低热、盗汗", "R05", "咳嗽", "佩戴口罩，开窗通风，尽快痰检及胸片检查", "内科",
     {iMasks, iNone, iNone}},
    {cEchino, "右上腹胀痛，可触及包块", "B67.9", "包虫病", "不用生内脏喂狗，饭前洗手，择期手术治疗", "外科",
     {iNone, iNone, iNone}},
    {cGyn, "下腹坠痛、白带增多", "N76.0", "阴道炎", "注意个人卫生，按疗程用药，治疗期间禁房事", "妇科",
     {iMetronidazole, iNone, iNone}},
    {cPregnant, "孕期检查", "Z34.9", "正常妊娠监督", "按时产检，补充叶酸、铁剂，到医院住院分娩", "妇科",
     {iFolicAcid, iFerrous, iNone}},
    {cLumbar, "腰痛伴左下肢放射痛", "M51.2", "腰椎间盘突出症", "卧硬板床，避免弯腰负重，腰背肌锻炼", "骨科",
     {iDiclofenac, iIbuprofen, iNone}},
    {cStroke, "脑梗死后右侧肢体活动不利", "I69.3", "脑梗死后遗症", "坚持康复训练，预防压疮，规律服用二级预防药物", "内科",
     {iAspirin, iAtorvastatin, iNone}},
    {cScoliosis, "体检发现双肩不等高", "M41.9", "脊柱侧弯", "保持正确坐姿，加强背肌锻炼，定期复查", "骨科",
     {iNone, iNone, iNone}},
    {cAnemia, "头晕、乏力、面色苍白", "D50.9", "缺铁性贫血", "多食瘦肉、动物肝脏等富含铁的食物，补充铁剂", "内科",
     {iFerrous, iNone, iNone}},
    {cUrti, "咳嗽、流涕、咽痛", "J06.9", "急性上呼吸道感染", "多饮水，注意保暖，发热不退及时就诊", "内科",
     {iAmoxicillin, iLicorice, iNone}},
    {cMyopia, "视力下降，看黑板不清楚", "H52.1", "近视", "注意用眼卫生，减少近距离用眼，验光配镜", "眼科",
     {iNone, iNone, iNone}},
};
constexpr CondDef kHealthy{0, "无明显不适，参加义诊体检", "Z00.0", "一般医学检查", "保持健康生活方式，定期体检", "内科",
                           {iNone, iNone, iNone}};

// ===========================================================================
// Screening programs (built-in ids, version 1). What a program asks and who
// it is for is its definition's (core/programs: eligibility is checked with
// eligibility_problem); the demo adds how its campaigns look. Every built-in
// program has an entry and no other id has one: check_demo_programs() refuses
// to start otherwise, and a test holds the two lists together.

enum Prog { pGi, pChd, pHtn, pDm, pTb, pTwoCancers, pScoliosis, pKbd, pCataract, pPregnancy, kProgCount };
struct ProgDef {
  const char* id;
  const char* campaign;
  int target_min, target_max;    // who a campaign day draws (within the program's eligibility)
  double campaign_weight;        // how often a screening day runs this program
};
constexpr ProgDef kProgs[kProgCount] = {
    {"gi-early-cancer", "消化道早癌筛查", 40, 69, 14},
    {"congenital-heart", "先天性心脏病患儿筛查", 1, 14, 12},
    {"hypertension", "高血压糖尿病筛查", 35, 85, 20},
    {"diabetes", "高血压糖尿病筛查", 35, 85, 0},  // screened with hypertension
    {"tuberculosis", "结核病主动筛查", 15, 85, 10},
    {"cervical-breast-cancer", "农村妇女“两癌”筛查", 35, 64, 12},
    {"scoliosis", "青少年脊柱侧弯筛查", 10, 18, 8},
    {"kashin-beck", "大骨节病筛查", 7, 75, 8},
    {"cataract", "白内障复明筛查", 55, 90, 10},
    {"high-risk-pregnancy", "孕产妇健康筛查", 18, 42, 6},
};

// ===========================================================================
// Clinic days.

// In the order of clinic_day_kinds() (core/domain/catalogue.h), which names them.
enum DayKind { dYizhen, dCircuit, dScreening, dHomeVisits };

constexpr const char* kTibetYizhenCampaigns[] = {"“组团式”援藏义诊", "送医下乡义诊", "健康扶贫义诊", "“光明行”义诊"};
constexpr const char* kXinjiangYizhenCampaigns[] = {"“组团式”援疆义诊", "送医下乡义诊", "民族团结一家亲义诊",
                                                    "健康扶贫义诊"};
constexpr const char* kDayRemarks[] = {"村委会协助组织群众，秩序良好。", "天气晴好，群众参与积极。",
                                       "藏汉双语宣教，发放宣传资料。", "部分群众放牧未归，下次补查。",
                                       "设备运行正常，数据已全部录入。", "午后大风，室内继续接诊。",
                                       "乡卫生院医生全程参与带教。", "学校操场设点，学生分批筛查。"};
constexpr const char* kWinterRemarks[] = {"午后降雪，提前收队。", "道路结冰，推迟一小时开诊。"};

constexpr const char* kEducation[] = {"高血压、糖尿病防治知识宣教", "健康生活方式宣教（减盐、限酒、戒烟）",
                                      "合理膳食与适量运动指导", "慢性病规范管理宣教"};

// ===========================================================================
// People as the generator remembers them between visits.

struct Person {
  std::string id, name, native, birth_date, household_id;
  char sex = 'M';
  int age = 0;  // on the day of the visit
  int village = -1;
  Eth eth = kHan;
  uint32_t conds = 0;
  int bp_offset = 0;     // mmHg above the age norm when hypertensive
  bool treated = false;  // already on treatment: values run closer to normal
  bool chain = false;    // in the chronic-disease follow-up chain
};

struct Household {
  std::string id;
  Eth eth = kHan;
  int slots = 0;  // registered patients still to come
  int head_age = 0;
  char head_sex = 'M';
  int head_given = -1;               // Uyghur/Tajik: index of the head's name (the children's father name)
  const char* surname = nullptr;     // Han/Hui
  std::vector<Person> notable;       // who a home visit would see: elderly, bed-bound, chronic
};

struct Village {
  std::string code, name;
  int township = 0;
  int altitude = 0;
  int groups = 1;  // 村民小组
};
struct Township {
  std::string code, name;
  int county = 0;
  int altitude = 0;
  std::vector<int> villages;
};
struct County {
  const CountyDef* def = nullptr;
  std::vector<int> townships;
};

enum Role { rClinician, rNurse, rCoordinator, rVillageDoctor };
constexpr const char* kRoleName[] = {"clinician", "nurse", "coordinator", "village_doctor"};

struct Member {
  std::string id, name, specialty;
  Role role = rClinician;
  int county = -1;  // village doctors: where they work
};
struct Team {
  std::string id, short_name;
  int hospital = 0;
  bool tibet = true;
  std::vector<int> counties;
  std::vector<Member> members;
};

struct DayPlan {
  std::string date;
  int order = 0;  // creation order, to keep the sort stable
  int team = 0;
  DayKind kind = dYizhen;
  int township = 0;
  int village = -1;  // circuit and home-visit days go to one village
  int quota = 0;     // new patients
  int program = -1;  // screening days: the campaign's program
};

struct DayStats {
  int encounters = 0, new_patients = 0, screened = 0, positive = 0, referred = 0, home_visits = 0;
  double value = 0;
};

// Where and when a patient is seen.
struct Visit {
  const DayPlan* day = nullptr;
  std::string clinic_day_id, home_visit_id;
  std::vector<int> staff;  // member indices in the team
  std::vector<std::string> stations;
  int county = 0;
  int altitude = 0;
  int64_t t = 0;
  bool at_home = false;
};

struct Obs {
  const char* kind;
  const char* unit;
  double value;
};
struct Give {
  Item item;
  int qty;
};
// What happens in one encounter, decided before anything is written (a home
// visit lists its services from it).
struct EncounterPlan {
  std::string station, complaint, advice, education;
  std::vector<const CondDef*> dx;
  std::vector<Obs> obs;
  std::vector<Give> gives;
  int clinician = -1;
  double sbp = 0, dbp = 0, glucose = 0, spo2 = 0, hb = 0;
  bool has_bp = false, has_glucose = false, fasting = false;
};

// The answers of one screening, drawn from the patient's conditions.
struct ScreenOutcome {
  json answers = json::object();
};

// What a chronic follow-up needs to know about its patient.
struct ChronicInfo {
  std::string patient_id;
  uint32_t conds = 0;
  double sbp = 0, dbp = 0, glucose = 0;
  bool pastoral = false;
};

// ===========================================================================

class Generator {
 public:
  Generator(Store& store, ManualClock& clock, const DemoOptions& o)
      : store_(store), clock_(clock), rng_(o.seed), patients_(o.patients) {}

  DemoCounts run();

 private:
  // ---- writing -------------------------------------------------------------
  void set_time(int64_t t) {
    now_ = t;
    clock_.set(t);
  }
  std::string create(Writer& w, Kind k, const json& fields) {
    std::string id = w.create(kKindName[k], fields);
    ++counts_[k];
    ++txn_records_;
    return id;
  }
  // Places, teams, members, patients, households, encounters, referrals,
  // follow-ups and home visits are written by the care commands (core/care),
  // as in the app and yizhenctl.
  void place(Writer& w, std::string code, std::string name, const char* level, std::string parent, int altitude = 0) {
    ListedPlace p;
    p.code = std::move(code);
    p.name = std::move(name);
    p.level = level;
    p.parent_code = std::move(parent);
    counted(kPlace, record_listed_place(w, p, altitude));
  }
  std::string counted(Kind k, std::string id) {
    ++counts_[k];
    ++txn_records_;
    return id;
  }
  RecordedEncounter encounter(Writer& w, const EncounterInput& in) {
    RecordedEncounter r = record_encounter(w, in);
    counted(kEncounter, r.encounter_id);
    counts_[kObservation] += static_cast<int64_t>(r.observation_ids.size());
    counts_[kDispense] += static_cast<int64_t>(r.dispense_ids.size());
    txn_records_ += static_cast<int64_t>(r.observation_ids.size() + r.dispense_ids.size());
    return r;
  }
  // Statuses move through the care commands (core/care), as in the app and
  // yizhenctl: the transition tables and a chronic patient's next follow-up
  // apply to demo data too.
  void referral_to(Writer& w, const std::string& id, const char* status, const std::string& outcome = {}) {
    set_referral_status(store_, w, id, status, outcome);
    ++txn_records_;
  }
  // Returns the next follow-up the program's chronic rule made, or "".
  std::string follow_up_done(Writer& w, const std::string& id, const std::string& result) {
    std::string next = complete_follow_up(store_, w, id, result, date_of_ms(now_));
    ++txn_records_;
    if (!next.empty()) {
      ++counts_[kFollowUp];
      ++txn_records_;
    }
    return next;
  }
  void follow_up_overdue(Writer& w, const std::string& id) {
    mark_follow_up_overdue(store_, w, id, date_of_ms(now_));
    ++txn_records_;
  }
  void follow_up_lost(Writer& w, const std::string& id, const std::string& reason) {
    mark_follow_up_lost(store_, w, id, reason);
    ++txn_records_;
  }
  // Run `fn` at time `t` (within the transaction open then), if t is before
  // the reference date: referrals and follow-ups moving on.
  void schedule(int64_t t, std::function<void(Writer&)> fn) {
    if (t < end_ms_) pending_.emplace(t, std::move(fn));
  }
  // Run what is scheduled up to `t`; with `limit`, stop once the batch is full.
  void flush(Writer& w, int64_t t, bool limit) {
    while (!pending_.empty() && pending_.begin()->first <= t) {
      if (limit && txn_records_ >= kBatch) return;
      auto node = pending_.extract(pending_.begin());
      set_time(node.key());
      node.mapped()(w);
    }
  }
  // Records per transaction. Larger transactions write each dirty index page
  // once for many inserts: 4,000 wrote twice as much as 50,000 for 10^5
  // patients (WAL frames plus checkpoints), with one fsync each.
  static constexpr int64_t kBatch = 50'000;

  // ---- setup ---------------------------------------------------------------
  void build_places(Writer& w);
  std::string place_name(const CountyDef& c, int words_min, std::set<std::string>& used, const char* suffix);
  void build_teams(Writer& w);
  Member make_member(Role role, const std::string& specialty, Eth eth, int county);
  void plan_days();

  // ---- people --------------------------------------------------------------
  std::string mobile();
  Eth pick_eth(const CountyDef& c) { return static_cast<Eth>(rng_.weighted(c.eth)); }
  int sample_age(int lo = -1, int hi = -1);
  const NamePart& given_part(Eth eth, char sex);
  std::string han_name(Eth eth, char sex, const char* surname = nullptr);
  void name_person(Person& p, const Household* h);
  void assign_conditions(Person& p, const County& county, int altitude);
  Household& open_household(Writer& w, int village, const Person& first);
  Person register_patient(Writer& w, int village, int age, char sex, uint32_t force, const std::string& date,
                          bool bedbound, bool need_household);
  std::string id_number(const CountyDef& c, Eth eth, const std::string& birth, char sex);
  void remember(const Person& p);

  // ---- visits --------------------------------------------------------------
  void run_day(Writer& w, const DayPlan& d);
  void run_home_visits(Writer& w, Visit& v, int count, int new_quota, DayStats& st);
  EncounterPlan plan_encounter(const Person& p, const Visit& v, bool returning);
  void add_vitals(EncounterPlan& e, const Person& p, const Visit& v, bool returning);
  std::string write_encounter(Writer& w, Person& p, const Visit& v, const EncounterPlan& e, DayStats& st,
                              bool returning);
  void screen(Writer& w, Person& p, const Visit& v, const EncounterPlan& e, const std::string& encounter_id,
              DayStats& st);
  ScreenOutcome judge(Prog prog, const Person& p, const Visit& v, const EncounterPlan& e);
  bool eligible(Prog prog, const Person& p) const;
  std::string referral_outcome(Prog prog);
  void progress_referral(const std::string& id, Prog prog, int64_t t0, bool pastoral);
  void progress_follow_up(const std::string& id, const std::string& due, const std::string& referral_id, Prog prog,
                          bool pastoral);
  void chronic_follow_up(Writer& w, const ChronicInfo& c, int days, const std::string& screening_id);
  void progress_chronic(const std::string& id, const std::string& due, const ChronicInfo& c);
  // The built-in definition of a program (version 1), looked up once.
  static const Program* program(Prog prog) {
    static const auto all = [] {
      std::array<ProgramPtr, kProgCount> a;
      for (int i = 0; i < kProgCount; ++i) a[i] = builtin_program(kProgs[i].id);
      return a;
    }();
    return all[prog].get();
  }
  std::string lost_reason(bool pastoral);
  std::string facility(Prog prog, const Visit& v);

  Store& store_;
  ManualClock& clock_;
  Rng rng_;
  int patients_;
  int64_t now_ = 0;
  int64_t end_ms_ = ms_of_date(kDemoReferenceDate);
  std::array<int64_t, kKindCount> counts_{};
  int64_t txn_records_ = 0;
  std::multimap<int64_t, std::function<void(Writer&)>> pending_;

  std::vector<County> counties_;
  std::vector<Township> townships_;
  std::vector<Village> villages_;
  std::vector<Team> teams_;
  std::vector<DayPlan> days_;
  std::vector<Household> open_;                    // per village: the household being registered
  std::vector<std::vector<Household>> households_;  // per village: households a home visit may go to
  std::vector<std::vector<Person>> seen_;           // per township: patients who may come back
  std::unordered_set<uint64_t> id_numbers_;         // first 17 digits of every 身份证 number issued
};

// ===========================================================================
// Setup

std::string Generator::place_name(const CountyDef& c, int words_min, std::set<std::string>& used,
                                  const char* suffix) {
  const bool tibet = in_tibet(c);
  const bool tajik = &c == &kCounties[kTashkurgan];
  for (int attempt = 0;; ++attempt) {
    std::string s;
    if (tibet) {
      s = rng_.pick(kTibetPlaceWords);
      if (words_min > 1 || rng_.chance(0.4)) s += rng_.pick(kTibetPlaceSuffix);
    } else if (tajik && rng_.chance(0.6)) {
      s = rng_.pick(kTajikPlaceWords);
      if (words_min > 1 && rng_.chance(0.5)) s += rng_.pick(kUyghurPlaceWords);
    } else {
      s = rng_.pick(kUyghurPlaceWords);
      if (words_min > 1 || chars(s) < 2 || rng_.chance(0.5)) s += rng_.pick(kUyghurPlaceWords);
    }
    if (attempt > 20) s += cn_number(attempt % 90 + 1);
    s += suffix;
    if (used.insert(s).second) return s;
  }
}

void Generator::build_places(Writer& w) {
  set_time(ms_of_date("2025-05-18") + 10 * kHour);
  place(w, "540000", "西藏自治区", "province", "");
  place(w, "650000", "新疆维吾尔自治区", "province", "");
  for (const auto& p : kPrefectures) place(w, p.code, p.name, "prefecture", p.province, p.altitude);
  for (const auto& def : kCounties) {
    now_ += kMinute;
    clock_.set(now_);
    const int ci = static_cast<int>(counties_.size());
    counties_.push_back({&def, {}});
    place(w, def.code, def.name, "county", kPrefectures[def.prefecture].code, def.altitude);
    const bool tibet = in_tibet(def);
    const double spread = tibet ? 180 : ci == kTashkurgan ? 300 : 40;
    std::set<std::string> township_names;
    const int n_town = rng_.range(3, 6);
    int towns = 0, xiang = 0;
    for (int t = 0; t < n_town; ++t) {
      Township tw;
      // GB/T 2260 township codes: 1xx towns (镇), 2xx townships (乡).
      const bool town = t == 0 || rng_.chance(0.25);
      char code[16];
      std::snprintf(code, sizeof code, "%s%03d", def.code, town ? 100 + ++towns : 200 + ++xiang);
      tw.code = code;
      tw.name = place_name(def, 1, township_names, town ? "镇" : "乡");
      tw.county = ci;
      tw.altitude = static_cast<int>(std::lround(clamp(rng_.normal(def.altitude, spread), 900, 5200)));
      const int ti = static_cast<int>(townships_.size());
      counties_[ci].townships.push_back(ti);
      place(w, tw.code, tw.name, "township", def.code, tw.altitude);
      std::set<std::string> village_names;
      const int n_vil = rng_.range(4, 9);
      for (int v = 0; v < n_vil; ++v) {
        Village vi;
        std::snprintf(code, sizeof code, "%s%03d", tw.code.c_str(), 200 + v + 1);
        vi.code = code;
        vi.name = place_name(def, tibet ? (rng_.chance(0.8) ? 2 : 1) : rng_.chance(0.6) ? 2 : 1, village_names, "村");
        vi.township = ti;
        vi.altitude = static_cast<int>(std::lround(clamp(rng_.normal(tw.altitude, spread * 0.6), 900, 5300)));
        vi.groups = rng_.range(2, 8);
        place(w, vi.code, vi.name, "village", tw.code, vi.altitude);
        tw.villages.push_back(static_cast<int>(villages_.size()));
        villages_.push_back(std::move(vi));
      }
      townships_.push_back(std::move(tw));
    }
  }
  open_.resize(villages_.size());
  households_.resize(villages_.size());
  seen_.resize(townships_.size());
}

std::string Generator::mobile() {
  std::string s = rng_.pick(kMobilePrefixes);
  for (int i = 0; i < 8; ++i) s += static_cast<char>('0' + rng_.range(0, 9));
  return s;
}

Member Generator::make_member(Role role, const std::string& specialty, Eth eth, int county) {
  Member m;
  m.role = role;
  m.specialty = specialty;
  m.county = county;
  Person p;
  p.eth = eth;
  p.sex = rng_.chance(role == rNurse ? 0.85 : 0.4) ? 'F' : 'M';
  name_person(p, nullptr);
  m.name = p.name;
  return m;
}

void Generator::build_teams(Writer& w) {
  const int n_teams = std::clamp(patients_ / 15000, 8, 60);
  for (int i = 0; i < n_teams; ++i) {
    set_time(ms_of_date("2025-05-20") + 9 * kHour + i * 7 * kMinute);
    const HospitalDef& h = kHospitals[i % kHospitalCount];
    Team t;
    t.hospital = i % kHospitalCount;
    t.short_name = h.short_name;
    for (const char* code : h.counties) {
      if (!code) break;
      for (int c = 0; c < static_cast<int>(counties_.size()); ++c)
        if (std::string_view(counties_[c].def->code) == code) t.counties.push_back(c);
    }
    const CountyDef& home = *counties_[t.counties.front()].def;
    t.tibet = in_tibet(home);
    const std::string name = t.short_name + "第" + cn_number(9 + i / kHospitalCount) + "批“组团式”" +
                             (t.tibet ? "援藏" : "援疆") + "医疗队";
    t.id = counted(kTeam, create_team(w, name, h.name, kPrefectures[home.prefecture].code));

    // Specialists from the hospital (Han names), a local Tibetan-medicine
    // doctor in Tibet, nurses, a local coordinator, village doctors.
    std::vector<std::string> specs(std::begin(kSpecialties), std::end(kSpecialties));
    for (int drop = rng_.range(0, 2); drop > 0; --drop) specs.erase(specs.begin() + 6 + rng_.index(specs.size() - 6));
    for (const auto& s : specs) t.members.push_back(make_member(rClinician, s, kHan, -1));
    const Eth local = t.tibet ? kTibetan : static_cast<Eth>(rng_.weighted(home.eth));
    if (t.tibet) t.members.push_back(make_member(rClinician, "藏医", kTibetan, -1));
    for (int n = rng_.range(2, 4); n > 0; --n) t.members.push_back(make_member(rNurse, "护理", kHan, -1));
    t.members.push_back(make_member(rCoordinator, "医务管理", rng_.chance(0.5) ? local : kHan, -1));
    for (int c : t.counties)
      for (int n = rng_.range(1, 2); n > 0; --n) {
        const CountyDef& cd = *counties_[c].def;
        t.members.push_back(make_member(rVillageDoctor, "全科", pick_eth(cd), c));
      }
    for (auto& m : t.members) {
      now_ += kMinute;
      clock_.set(now_);
      m.id = counted(kMember, add_team_member(w, t.id, m.name, kRoleName[m.role], m.specialty, mobile()));
    }
    const int n_dev = rng_.range(2, 6);
    for (int d = 1; d <= n_dev; ++d) {
      char name_buf[128];
      std::snprintf(name_buf, sizeof name_buf, "%s-%02d %s", t.short_name.c_str(), d, rng_.pick(kDeviceModels));
      create(w, kDevice, {{"team_id", t.id}, {"name", name_buf}, {"enrolled_at", datetime_of_ms(now_)}});
    }
    teams_.push_back(std::move(t));
  }
}

void Generator::plan_days() {
  // Fewer, smaller days for a small demo still show every kind of day.
  const int cap = std::max(10, patients_ / 12);
  const int64_t first = ms_of_date(kDemoReferenceDate) - 365 * kDay;
  // Teams work less in the plateau winter.
  static constexpr double kMonthWeight[13] = {0, 0.5, 0.5, 1.0, 1.0, 1.2, 1.3, 1.3, 1.3, 1.3, 1.0, 1.0, 0.5};
  int remaining = patients_;
  for (int i = 0; remaining > 0; ++i) {
    DayPlan d;
    d.order = i;
    d.kind = i < 4 ? static_cast<DayKind>(i) : static_cast<DayKind>(rng_.weighted(std::array{45.0, 20.0, 25.0, 10.0}));
    switch (d.kind) {
      case dYizhen: d.quota = rng_.range(80, 320); break;
      case dCircuit: d.quota = rng_.range(30, 120); break;
      case dScreening: d.quota = rng_.range(100, 400); break;
      case dHomeVisits: d.quota = rng_.range(4, 12); break;
    }
    d.quota = std::min({d.quota, cap, remaining});
    remaining -= d.quota;
    d.team = i % static_cast<int>(teams_.size());
    const Team& t = teams_[d.team];
    const County& c = counties_[rng_.pick(t.counties)];
    d.township = rng_.pick(c.townships);
    if (d.kind == dCircuit || d.kind == dHomeVisits) d.village = rng_.pick(townships_[d.township].villages);
    if (d.kind == dScreening) {
      std::array<double, kProgCount> wts{};
      for (int p = 0; p < kProgCount; ++p) wts[p] = kProgs[p].campaign_weight;
      if (!c.def->kbd_endemic) wts[pKbd] = 0;
      d.program = static_cast<int>(rng_.weighted(wts));
    }
    for (;;) {
      const int64_t ms = first + rng_.range(0, 364) * kDay;
      const std::string date = date_of_ms(ms);
      if (rng_.uniform() * 1.3 < kMonthWeight[std::stoi(date.substr(5, 2))]) {
        d.date = date;
        break;
      }
    }
    days_.push_back(std::move(d));
  }
  std::sort(days_.begin(), days_.end(),
            [](const DayPlan& a, const DayPlan& b) { return a.date != b.date ? a.date < b.date : a.order < b.order; });
}

// ===========================================================================
// People

int Generator::sample_age(int lo, int hi) {
  if (lo >= 0) {
    // Campaign targets: even over the range, thinning out after 75.
    for (;;) {
      const int a = rng_.range(lo, hi);
      if (a <= 75 || rng_.chance(0.5)) return a;
    }
  }
  // Who comes to a clinic day: many children and many elderly.
  static constexpr std::array<double, 7> kWeights{10, 12, 9, 13, 22, 24, 10};
  static constexpr int kLo[] = {0, 7, 15, 30, 45, 60, 75};
  static constexpr int kHi[] = {6, 14, 29, 44, 59, 74, 92};
  const size_t b = rng_.weighted(kWeights);
  if (b == 6) return kLo[b] + std::min(rng_.range(0, 17), rng_.range(0, 17));  // fewer the older
  return rng_.range(kLo[b], kHi[b]);
}

const NamePart& Generator::given_part(Eth eth, char sex) {
  if (eth == kTajik) return sex == 'M' ? rng_.pick(kTajikMale) : rng_.pick(kTajikFemale);
  return sex == 'M' ? rng_.pick(kUyghurMale) : rng_.pick(kUyghurFemale);
}

std::string Generator::han_name(Eth eth, char sex, const char* surname) {
  std::string s = surname ? surname : eth == kHui ? rng_.pick(kHuiSurnames) : rng_.pick(kHanSurnames);
  s += sex == 'M' ? rng_.pick(kHanMaleGiven) : rng_.pick(kHanFemaleGiven);
  return s;
}

void Generator::name_person(Person& p, const Household* h) {
  // A child of the household head takes the head's surname (Han) or the
  // head's name as father's name (Uyghur, Tajik).
  const bool child = h && h->head_sex == 'M' && p.age + 16 <= h->head_age;
  switch (p.eth) {
    case kHan:
    case kHui:
      p.name = han_name(p.eth, p.sex, child ? h->surname : nullptr);
      p.native.clear();
      break;
    case kTibetan: {
      auto part = [&](bool second) -> const NamePart& {
        for (;;) {
          const NamePart& np = rng_.pick(kTibetanParts);
          if (np.sex == p.sex || (!second && np.sex == 'U')) return np;
        }
      };
      if (rng_.chance(0.1)) {
        const NamePart& a = part(true);
        p.name = a.han;
        p.native = a.native ? a.native : "";
      } else {
        const NamePart& a = part(false);
        const NamePart* b = &part(true);
        while (b == &a) b = &part(true);
        p.name = std::string(a.han) + b->han;
        p.native = a.native && b->native ? std::string(a.native) + "་" + b->native : "";
      }
      break;
    }
    case kUyghur:
    case kTajik: {
      const NamePart& given = given_part(p.eth, p.sex);
      const NamePart* father = nullptr;
      if (child && h->head_given >= 0 && h->eth == p.eth)
        father = p.eth == kTajik ? &kTajikMale[h->head_given] : &kUyghurMale[h->head_given];
      else
        father = &given_part(p.eth, 'M');
      if (rng_.chance(0.8)) {
        p.name = std::string(given.han) + "·" + father->han;
        p.native = given.native && father->native ? std::string(given.native) + " " + father->native : "";
      } else {
        p.name = given.han;
        p.native = given.native ? given.native : "";
      }
      break;
    }
    default: break;
  }
}

void Generator::assign_conditions(Person& p, const County& county, int altitude) {
  const CountyDef& c = *county.def;
  const bool tibet = in_tibet(c);
  const int a = p.age;
  uint32_t k = 0;
  auto maybe = [&](uint32_t bit, double prob) {
    if (rng_.chance(prob)) k |= bit;
  };
  // Hypertension is common on the plateau; diabetes more so in the oases.
  const double htn = a < 30 ? 0.02 : a < 45 ? 0.10 : a < 60 ? 0.24 : 0.40;
  maybe(cHtn, htn * (tibet ? 1.15 : 1.0));
  if (a >= 20) maybe(cDm, (a < 35 ? 0.005 : a < 50 ? 0.06 : a < 65 ? 0.11 : 0.15) * (tibet ? 0.7 : 1.2));
  if (a >= 15) maybe(cGastritis, tibet ? 0.16 : 0.10);
  if (a >= 40) maybe(cArthritis, tibet ? 0.18 : 0.10);
  if (c.kbd_endemic && tibet) maybe(cKbd, a >= 25 ? 0.06 : a >= 5 ? 0.01 : 0);
  if (a >= 55) maybe(cCopd, tibet ? 0.10 : 0.06);
  if (a >= 50) maybe(cCataract, (a >= 60 ? 0.25 : 0.06) * (tibet ? 1.0 : 0.6));
  if (tibet && a >= 18 && altitude > 3800) maybe(cHapc, p.sex == 'M' ? 0.06 : 0.02);
  if (a >= 3 && a <= 14) maybe(cCaries, 0.22);
  if (a <= 17) maybe(cChd, altitude > 3500 ? 0.012 : 0.006);
  if (a >= 15) maybe(cTb, 0.004);
  if (c.pastoral) maybe(cEchino, a >= 15 ? 0.015 : 0.003);
  if (p.sex == 'F' && a >= 20 && a <= 60) maybe(cGyn, 0.08);
  if (p.sex == 'F' && a >= 18 && a <= 44) maybe(cPregnant, 0.05);
  if (a >= 30) maybe(cLumbar, 0.06);
  if (a >= 55) maybe(cStroke, a >= 70 ? 0.04 : 0.015);
  if (a >= 10 && a <= 18) maybe(cScoliosis, 0.03);
  if (a <= 14 || (p.sex == 'F' && a <= 49)) maybe(cAnemia, 0.06);
  if (a >= 7 && a <= 18) maybe(cMyopia, 0.15);
  p.conds = k;
  if (k & cHtn) {
    p.bp_offset = static_cast<int>(std::lround(clamp(rng_.normal(27, 10), 12, 65)));
    p.treated = rng_.chance(0.4);
  }
  if ((k & cDm) && rng_.chance(0.4)) p.treated = true;
}

std::string Generator::id_number(const CountyDef& c, Eth eth, const std::string& birth, char sex) {
  std::string region = c.code;
  if (c.old_code && birth < "2018-01-01") region = c.old_code;
  if (eth == kHan && rng_.chance(0.5)) region = rng_.pick(kHanBirthplaces);
  const std::string ymd = birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2);
  for (int attempt = 0; attempt < 50; ++attempt) {
    // Sequence numbers: odd for men, even for women.
    int seq = 2 * rng_.range(0, 499) + (sex == 'M' ? 1 : 0);
    if (seq == 0) seq = 2;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03d", seq);
    const std::string first17 = region + ymd + buf;
    if (!id_numbers_.insert(std::stoull(first17)).second) continue;
    return first17 + id_check_digit(first17);
  }
  return {};
}

Household& Generator::open_household(Writer& w, int village, const Person& first) {
  Household& h = open_[village];
  if (h.slots > 0) return h;
  // Retire the last household of this village where home visits may find it.
  if (!h.id.empty() && !h.notable.empty()) {
    auto& pool = households_[village];
    if (pool.size() < 40) pool.push_back(std::move(h));
    else pool[rng_.index(pool.size())] = std::move(h);
  }
  h = Household{};
  h.eth = first.eth;
  h.slots = 1 + static_cast<int>(rng_.weighted(std::array{30.0, 30.0, 20.0, 12.0, 8.0}));
  // The first patient heads the household if an adult; else a parent does.
  Person head;
  head.eth = first.eth;
  if (first.age >= 20) {
    head.sex = first.sex;
    head.age = first.age;
    head.name = first.name;
  } else {
    head.sex = rng_.chance(first.eth == kTibetan ? 0.65 : 0.85) ? 'M' : 'F';
    head.age = first.age + rng_.range(20, 40);
    name_person(head, nullptr);
  }
  h.head_sex = head.sex;
  h.head_age = head.age;
  if ((head.eth == kUyghur || head.eth == kTajik) && head.sex == 'M') {
    // The head's own given name, to name the children after.
    const std::string given = head.name.substr(0, head.name.find("·"));
    if (head.eth == kTajik) {
      for (size_t i = 0; i < std::size(kTajikMale); ++i)
        if (given == kTajikMale[i].han) h.head_given = static_cast<int>(i);
    } else {
      for (size_t i = 0; i < std::size(kUyghurMale); ++i)
        if (given == kUyghurMale[i].han) h.head_given = static_cast<int>(i);
    }
  }
  if (head.eth == kHan || head.eth == kHui) {
    // The longest surname the head's name starts with (欧阳 before 欧).
    auto match = [&](const char* s) {
      if (head.name.rfind(s, 0) == 0 && (!h.surname || std::string_view(s).size() > std::string_view(h.surname).size()))
        h.surname = s;
    };
    for (const char* s : kHanSurnames) match(s);
    for (const char* s : kHuiSurnames) match(s);
  }
  const Village& v = villages_[village];
  const bool tibet = in_tibet(*counties_[townships_[v.township].county].def);
  std::string address = v.name + std::to_string(rng_.range(1, v.groups)) + "组";
  if (!tibet || rng_.chance(0.3)) address += std::to_string(rng_.range(1, 120)) + "号";
  json f = {{"village_code", v.code}, {"address", address}, {"head_name", head.name}};
  if (rng_.chance(0.55)) f["phone"] = mobile();
  const double r = rng_.uniform();
  if (r < 0.15) f["notes"] = "脱贫户（建档立卡）";
  else if (r < 0.25) f["notes"] = "低保户";
  else if (r < 0.27) f["notes"] = "五保户，独居";
  else if (tibet && r < 0.35) f["notes"] = "夏季转场放牧，冬季在家";
  h.id = counted(kHousehold, create_household(w, f));
  return h;
}

Person Generator::register_patient(Writer& w, int village, int age, char sex, uint32_t force,
                                   const std::string& date, bool bedbound, bool need_household) {
  const Village& v = villages_[village];
  const County& county = counties_[townships_[v.township].county];
  const CountyDef& c = *county.def;
  Person p;
  p.village = village;
  p.age = age;
  p.sex = sex;
  // Families share their ethnicity: most patients join the household being
  // registered in their village.
  Household* h = nullptr;
  const bool in_household = need_household || rng_.chance(0.9);
  if (in_household && open_[village].slots > 0) {
    h = &open_[village];
    p.eth = h->eth;
  } else {
    p.eth = pick_eth(c);
  }
  name_person(p, h);
  if (in_household && !h) {
    h = &open_household(w, village, p);
    // A child opening the household is named after the head made for it.
    if (p.age < 20) name_person(p, h);
  }
  if (h) {
    p.household_id = h->id;
    --h->slots;
  }
  assign_conditions(p, county, v.altitude);
  p.conds |= force;
  if (bedbound && age >= 55) p.conds |= cStroke;
  if (p.conds & cPregnant) p.conds &= ~(cGyn);

  // 身份证 numbers for about 60 %, more often for working-age adults.
  const double p_id = age < 16 ? 0.55 : age < 65 ? 0.70 : 0.45;
  const bool has_id = rng_.chance(p_id);
  json f = {{"name", p.name}, {"sex", std::string(1, p.sex)}, {"ethnicity", kEthCode[p.eth]},
            {"village_code", v.code}, {"consent", rng_.chance(0.96)}};
  if (!p.native.empty() && rng_.chance(0.35)) f["name_native"] = p.native;
  std::string idn;
  if (has_id || rng_.chance(0.08)) {
    // An exact birth date: `age` years and up to 364 days before the visit.
    p.birth_date = add_days(birth_date_from_age(age, date), -rng_.range(0, 364));
    if (has_id) idn = id_number(c, p.eth, p.birth_date, p.sex);
    f["birth_date"] = p.birth_date;
  } else {
    p.birth_date = birth_date_from_age(age, date);
    f["birth_date"] = p.birth_date;
    f["birth_estimated"] = true;
  }
  if (!idn.empty()) f["id_number"] = idn;
  const double p_phone = age < 18 ? 0.35 : age < 65 ? 0.6 : 0.2;  // children: a guardian's phone
  if (rng_.chance(p_phone)) f["phone"] = mobile();
  if (!p.household_id.empty()) f["household_id"] = p.household_id;
  if (p.conds & cStroke) f["notes"] = "长期卧床，行动不便";
  else if (age >= 60 && p.eth != kHan && rng_.chance(0.3))
    f["notes"] = p.eth == kTibetan ? "不懂汉语，需藏语翻译" : "不懂汉语，需维吾尔语翻译";
  p.id = counted(kPatient, yz::register_patient(w, f));
  // Whom a later home visit to this household would see.
  if (h && ((p.conds & (cStroke | cCopd | kChronic)) || age >= 70) && h->notable.size() < 3) h->notable.push_back(p);
  return p;
}

void Generator::remember(const Person& p) {
  if (!((p.conds & (kChronic | cCopd | cKbd | cStroke | cCataract)) || p.age >= 65)) return;
  auto& pool = seen_[villages_[p.village].township];
  if (pool.size() < 600) pool.push_back(p);
  else pool[rng_.index(pool.size())] = p;
}

// ===========================================================================
// Encounters

void Generator::add_vitals(EncounterPlan& e, const Person& p, const Visit& v, bool returning) {
  const int a = p.age;
  const bool tibet = p.eth == kTibetan;
  const bool child = a < 15;
  auto add = [&](const char* kind, const char* unit, double value) { e.obs.push_back({kind, unit, value}); };
  const bool want_bp = a >= 15 ? rng_.chance(returning ? 1.0 : 0.92) : a >= 7 && rng_.chance(0.4);
  if (want_bp || (p.conds & cHtn)) {
    double sbp = child ? rng_.normal(90 + 1.5 * a, 7)
                       : rng_.normal(106 + 0.4 * (a - 18) + (p.sex == 'M' ? 4 : 0) + (v.altitude > 3000 ? 3 : 0), 9);
    if (p.conds & cHtn) sbp += (p.treated || returning ? 0.5 : 1.0) * p.bp_offset;
    sbp = std::round(clamp(sbp, 78, 230));
    double dbp = child ? rng_.normal(0.55 * sbp + 5, 5) : rng_.normal(0.45 * sbp + 18, 5.5);
    if (p.conds & cHtn) dbp += 4;
    dbp = std::round(clamp(dbp, 40, std::min(135.0, sbp - 20)));
    e.sbp = sbp;
    e.dbp = dbp;
    e.has_bp = true;
    add("sbp", "mmHg", sbp);
    add("dbp", "mmHg", dbp);
  }
  if (rng_.chance(0.8)) {
    double pulse = a <= 2 ? rng_.normal(118, 12) : a <= 6 ? rng_.normal(98, 10) : a <= 14 ? rng_.normal(86, 9)
                                                                                          : rng_.normal(76, 9);
    if (v.altitude > 3500) pulse += 5;
    if (p.conds & (cHapc | cCopd)) pulse += 6;
    add("pulse", "bpm", std::round(clamp(pulse, 48, 170)));
  }
  if (rng_.chance(v.altitude > 3000 ? 0.85 : 0.6) || (p.conds & (cChd | cCopd | cHapc))) {
    // SpO2 falls with altitude; Tibetans are better adapted than newcomers.
    double spo2 = 98.5 - 0.0030 * std::max(0, v.altitude - 1500) + (tibet ? 1.0 : 0.0) -
                  (p.eth == kHan && v.altitude > 3000 ? 1.0 : 0.0);
    if (p.conds & cCopd) spo2 -= 4;
    if (p.conds & cHapc) spo2 -= 3;
    if (p.conds & cChd) spo2 -= 2;
    if (a >= 70) spo2 -= 1;
    spo2 = std::round(clamp(rng_.normal(spo2, 1.4), 72, 100));
    e.spo2 = spo2;
    add("spo2", "%", spo2);
  }
  if ((a >= 35 && rng_.chance(returning ? 0.6 : 0.55)) || (p.conds & cDm)) {
    const int hour = static_cast<int>(((v.t + 8 * kHour) % kDay) / kHour);
    e.fasting = hour < 11 && rng_.chance(0.6);
    const bool dm = p.conds & cDm;
    const double scale = p.treated || returning ? 0.8 : 1.0;
    double g = e.fasting ? (dm ? clamp(rng_.normal(9.2 * scale, 2.2), 6.2, 22) : clamp(rng_.normal(5.1, 0.55), 3.6, 6.9))
                         : (dm ? clamp(rng_.normal(12.8 * scale, 3.3), 7.0, 28) : clamp(rng_.normal(6.4, 1.1), 3.9, 11.0));
    g = round_to(g, 1);
    e.glucose = g;
    e.has_glucose = true;
    add(e.fasting ? "glucose_fasting" : "glucose_random", "mmol/L", g);
  }
  if (!returning && ((p.conds & cUrti) || (child && rng_.chance(0.6)) || rng_.chance(0.12))) {
    const double t = (p.conds & cUrti) && rng_.chance(0.5) ? clamp(rng_.normal(38.2, 0.5), 37.4, 40.2)
                                                            : clamp(rng_.normal(36.5, 0.25), 35.8, 37.2);
    add("temperature", "°C", round_to(t, 1));
  }
  if (!returning && (child ? rng_.chance(0.7) : rng_.chance((p.conds & cDm) ? 0.6 : 0.3))) {
    double h;
    if (a == 0) h = rng_.normal(66, 5);
    else if (a <= 12) h = rng_.normal(77 + 6.2 * a, 4);
    else if (a <= 17) h = rng_.normal(151 + (p.sex == 'M' ? 4.5 : 2.0) * (a - 12), 5);
    else {
      const double base = p.eth == kTibetan ? 167 : p.eth == kUyghur ? 170 : p.eth == kTajik ? 171 : 169;
      h = rng_.normal(base - (p.sex == 'F' ? 11 : 0) - (a >= 65 ? 3 : 0), 6);
    }
    h = round_to(clamp(h, 45, 200), 1);
    double bmi = a < 18 ? rng_.normal(16.2, 1.5) : rng_.normal(p.eth == kUyghur ? 25.0 : a >= 65 ? 22.5 : 24.0, 3.2);
    if (p.conds & cDm) bmi += 2;
    const double wt = round_to(clamp(bmi * (h / 100) * (h / 100), 2.5, 150), 1);
    add("height", "cm", h);
    add("weight", "kg", wt);
    if (a >= 18 && (p.conds & kChronic) && rng_.chance(0.4))
      add("waist", "cm", round_to(clamp(45 + 0.55 * wt + rng_.normal(0, 4), 55, 150), 1));
  }
  if ((p.conds & (cHapc | cAnemia)) || ((p.conds & cPregnant) && rng_.chance(0.8)) || rng_.chance(0.03)) {
    double hb = p.sex == 'M' ? rng_.normal(155, 12) : rng_.normal(130, 11);
    if (v.altitude > 3500) hb += p.sex == 'M' ? 12 : 10;
    if (p.conds & cPregnant) hb = rng_.normal(118, 12);
    if (p.conds & cAnemia) hb = rng_.normal(95, 10);
    if (p.conds & cHapc) hb = rng_.normal(p.sex == 'M' ? 228 : 205, 10);
    hb = std::round(clamp(hb, 60, 255));
    e.hb = hb;
    add("hemoglobin", "g/L", hb);
  }
  if ((p.conds & cDm) && rng_.chance(0.3)) add("hba1c", "%", round_to(clamp(rng_.normal(8.2, 1.3), 6.5, 14), 1));
  if ((p.conds & cCopd) ? rng_.chance(0.7) : rng_.chance(0.04))
    add("respiration", "/min", std::round(clamp(rng_.normal((p.conds & cCopd) ? 23 : 18, 2.5), 12, 36)));
}

EncounterPlan Generator::plan_encounter(const Person& p, const Visit& v, bool returning) {
  EncounterPlan e;
  const Team& team = teams_[v.day->team];
  std::vector<const CondDef*> present;
  uint32_t conds = p.conds;
  if (!returning && rng_.chance(p.age < 15 ? 0.2 : 0.07)) conds |= cUrti;
  for (const auto& c : kConds)
    if (conds & c.bit) present.push_back(&c);
  // Order: what brought them first (the campaign's concern on a screening day).
  for (size_t i = present.size(); i > 1; --i) std::swap(present[i - 1], present[rng_.index(i)]);
  if (returning) {
    std::stable_partition(present.begin(), present.end(), [](const CondDef* c) { return (c->bit & kChronic) != 0; });
  }
  const CondDef* main = present.empty() ? &kHealthy : present.front();
  static constexpr CondDef kHealthyAtHome{0, "入户健康体检，无明显不适", "Z00.0", "一般医学检查", "保持健康生活方式，定期体检",
                                          "内科", {iNone, iNone, iNone}};
  if (v.at_home && main == &kHealthy) main = &kHealthyAtHome;
  auto offered = [&](std::string_view s) { return std::find(v.stations.begin(), v.stations.end(), s) != v.stations.end(); };
  if (v.at_home) {
    e.station = "入户";
  } else if (v.day->kind == dScreening && v.day->program >= 0 && offered(program(static_cast<Prog>(v.day->program))->station) &&
             rng_.chance(0.7)) {
    e.station = program(static_cast<Prog>(v.day->program))->station;
  } else if (p.age < 15 && offered("儿科") && main->station != std::string_view("眼科") &&
             main->station != std::string_view("口腔")) {
    e.station = "儿科";
  } else if (p.eth == kTibetan && p.age >= 30 && offered("藏医") && rng_.chance(0.12)) {
    e.station = "藏医";
  } else if (offered(main->station)) {
    e.station = main->station;
  } else {
    e.station = "内科";
  }
  // The clinician: a staff member of that specialty, else any clinician.
  for (int m : v.staff) {
    const Member& mm = team.members[m];
    if (mm.role == rClinician && (mm.specialty == e.station || e.clinician < 0)) {
      e.clinician = m;
      if (mm.specialty == e.station) break;
    }
  }
  if (e.clinician < 0 && !v.staff.empty()) e.clinician = v.staff.front();

  if (returning) {
    e.complaint = std::string(v.at_home ? "入户随访：" : "复诊：") + main->dx + (main->bit & cHtn ? "，复查血压、取药" : main->bit & cDm ? "，复查血糖、取药" : "，复查");
  } else {
    e.complaint = main->complaint;
  }
  for (size_t i = 0; i < present.size() && i < 3; ++i) e.dx.push_back(present[i]);
  if (e.dx.empty()) e.dx.push_back(main);
  e.advice = main->advice;
  if (e.dx.size() > 1 && rng_.chance(0.5)) e.advice += std::string("；") + e.dx[1]->advice;
  if (v.at_home && (p.conds & cStroke)) e.advice += "；家属协助翻身、被动活动肢体";
  const CountyDef& c = *counties_[v.county].def;
  if (conds & cPregnant) e.education = "孕期保健与住院分娩宣教";
  else if (p.age < 15) e.education = rng_.chance(0.5) ? "儿童口腔卫生及营养宣教" : "儿童常见病预防宣教";
  else if (c.pastoral && rng_.chance(0.4)) e.education = "包虫病防治知识宣传";
  else if ((conds & cTb) || rng_.chance(0.05)) e.education = "结核病防治知识宣传";
  else if (c.kbd_endemic && rng_.chance(0.3)) e.education = "大骨节病防治（换粮、补硒）宣传";
  else e.education = rng_.pick(kEducation);

  add_vitals(e, p, v, returning);

  // Medicines for what was diagnosed; devices for those who need them.
  for (const CondDef* d : e.dx) {
    const double prob = returning ? 0.9 : d->bit & kChronic ? 0.8 : 0.6;
    if (d->meds[0] == iNone || !rng_.chance(prob)) continue;
    int n_meds = 0;
    for (Item it : d->meds) n_meds += it != iNone;
    Item it = d->meds[rng_.index(n_meds)];
    if (d->bit == cUrti && p.age < 12) it = iChildCold;
    const ItemDef& def = kItems[it];
    e.gives.push_back({it, rng_.range(def.qmin, def.qmax)});
    if ((d->bit & kChronic) && rng_.chance(0.25) && n_meds > 1) {
      const Item second = d->meds[(static_cast<size_t>(std::find(d->meds.begin(), d->meds.end(), it) - d->meds.begin()) + 1) % n_meds];
      e.gives.push_back({second, rng_.range(kItems[second].qmin, kItems[second].qmax)});
    }
  }
  if (e.station == "藏医") e.gives.push_back({rng_.chance(0.5) ? iPearlPill : iAgarwoodPill, 1});
  if ((p.conds & cHtn) && p.age >= 60 && rng_.chance(v.at_home ? 0.25 : 0.06)) e.gives.push_back({iBpMeter, 1});
  if ((p.conds & cDm) && rng_.chance(0.05)) {
    e.gives.push_back({iGlucometer, 1});
    e.gives.push_back({iTestStrips, 1});
  }
  if (e.station == "眼科" && p.age >= 50 && rng_.chance(0.3)) e.gives.push_back({iReadingGlasses, 1});
  if ((p.conds & cKbd) && rng_.chance(0.3)) e.gives.push_back({iKneePads, 1});
  if (v.at_home && (p.conds & cStroke) && rng_.chance(0.15)) e.gives.push_back({iWalker, 1});
  if (p.age >= 3 && p.age <= 12 && (p.conds & cCaries) && rng_.chance(0.5)) e.gives.push_back({iToothbrushKit, 1});
  if (p.age <= 2 && rng_.chance(0.3)) e.gives.push_back({iVitaminAD, 1});
  return e;
}

std::string Generator::write_encounter(Writer& w, Person& p, const Visit& v, const EncounterPlan& e, DayStats& st,
                                       bool returning) {
  const Team& team = teams_[v.day->team];
  const std::string at = datetime_of_ms(v.t);
  json dx = json::array();
  for (const CondDef* d : e.dx) dx.push_back({{"code", d->icd}, {"name", d->dx}});
  json f = {{"patient_id", p.id},     {"clinic_day_id", v.clinic_day_id}, {"station", e.station},
            {"seen_at", at},          {"complaint", e.complaint},         {"diagnoses", std::move(dx)},
            {"advice", e.advice},     {"health_education", e.education}};
  if (!v.home_visit_id.empty()) f["home_visit_id"] = v.home_visit_id;
  if (e.clinician >= 0) f["clinician_id"] = team.members[e.clinician].id;
  EncounterInput in;
  in.fields = std::move(f);
  for (const Obs& o : e.obs) in.observations.push_back({{"kind", o.kind}, {"value", o.value}, {"unit", o.unit}});
  for (const Give& g : e.gives) {
    const StockItem& def = stock_item(g.item);
    in.dispenses.push_back({{"item", def.name}, {"item_kind", def.kind}, {"quantity", g.qty}, {"unit", def.unit},
                            {"unit_value", def.unit_value}});
    st.value += g.qty * def.unit_value;
  }
  const std::string eid = encounter(w, in).encounter_id;
  ++st.encounters;
  if (!returning) screen(w, p, v, e, eid, st);
  if ((p.conds & kChronic) && !p.chain && !returning) {
    // Chronic patients enter quarterly follow-up (if a screening has not
    // already started it).
    ChronicInfo ci{p.id, p.conds, e.has_bp ? e.sbp : 150, e.has_bp ? e.dbp : 92, e.has_glucose ? e.glucose : 8.0,
                   counties_[v.county].def->pastoral};
    chronic_follow_up(w, ci, rng_.range(80, 95), "");
    p.chain = true;
  }
  return eid;
}

// ===========================================================================
// Screenings, referrals and follow-ups: the closed loop.

bool Generator::eligible(Prog prog, const Person& p) const {
  if (eligibility_problem(*program(prog), Subject{p.age, std::string(1, p.sex)})) return false;
  if (prog == pPregnancy) return p.conds & cPregnant;
  return true;
}

std::string Generator::facility(Prog prog, const Visit& v) {
  const CountyDef& c = *counties_[v.county].def;
  const bool tibet = in_tibet(c);
  const std::string county = c.name;
  const std::string prefecture = kPrefectures[c.prefecture].hospital;
  const std::string region = tibet ? "西藏自治区人民医院" : "新疆维吾尔自治区人民医院";
  switch (prog) {
    case pChd:
      if (rng_.chance(0.3)) return "首都医科大学附属北京安贞医院";
      return tibet ? (rng_.chance(0.6) ? region : std::string("四川大学华西医院")) : std::string("新疆医科大学第一附属医院");
    case pTb: return county + "疾病预防控制中心";
    case pTwoCancers: return rng_.chance(0.6) ? county + "妇幼保健院" : prefecture;
    case pPregnancy: return rng_.chance(0.5) ? county + "人民医院" : prefecture;
    case pHtn:
    case pDm: return county + "人民医院";
    case pKbd: return tibet && rng_.chance(0.5) ? region : prefecture;
    default: return rng_.chance(0.8) ? prefecture : region;
  }
}

// The answers a screening records, drawn from what the generator knows about
// the patient; the program engine decides the result, grade, referral and
// follow-up (record_screening), exactly as for a screening entered in the app.
ScreenOutcome Generator::judge(Prog prog, const Person& p, const Visit& v, const EncounterPlan& e) {
  ScreenOutcome o;
  json& a = o.answers;
  auto pct = [&](double x) { return rng_.chance(x); };
  switch (prog) {
    case pGi: {
      // Serum pepsinogen I/II and gastrin-17 as the lab reports them; a low
      // PG ratio is commoner with atrophic gastritis.
      const bool hp = pct(p.eth == kTibetan ? 0.55 : 0.45);
      const bool pgr_low = pct((p.conds & cGastritis) ? 0.25 : 0.08);
      const size_t g17 = rng_.weighted(std::array{70.0, 20.0, 10.0});
      const double pg2 = round_to(clamp(rng_.normal(pgr_low ? 14 : 9, 3), 2, 40), 1);
      const double pg1 = round_to(pg2 * (pgr_low ? rng_.range(15, 37) / 10.0 : rng_.range(45, 120) / 10.0), 1);
      a = {{"hp", hp ? "positive" : "negative"}, {"family_history", pct(0.08)}};
      if (pct(0.01)) break;  // no blood sample: incomplete
      a["pg1"] = pg1;
      a["pg2"] = pg2;
      a["g17"] = g17 == 0 ? rng_.range(3, 14) / 10.0 : g17 == 1 ? rng_.range(20, 110) / 10.0 : rng_.range(120, 250) / 10.0;
      if (pct((p.conds & cGastritis) ? 0.03 : 0.005)) a["alarm"] = {rng_.chance(0.5) ? "melena" : "weight_loss"};
      break;
    }
    case pChd: {
      const bool chd = p.conds & cChd;
      const bool murmur = chd ? pct(0.9) : pct(0.02);
      const bool echo = v.day->kind == dScreening || pct(0.2);
      a = {{"murmur", murmur}, {"cyanosis", chd && pct(0.2)}, {"echo_done", echo && (murmur || chd)},
           {"altitude_m", v.altitude}};
      a["spo2"] = e.spo2 > 0 ? std::lround(e.spo2)
                             : std::lround(clamp(rng_.normal(v.altitude >= 3000 ? 91 : 97, 2), 80, 100));
      if (echo && (murmur || chd)) {
        static constexpr const char* kFindings[] = {"asd", "vsd", "pda", "asd", "vsd", "tof"};
        a["echo"] = chd ? (pct(0.85) ? rng_.pick(kFindings) : "normal") : "normal";
      }
      break;
    }
    case pHtn:
      a = {{"known", (p.conds & cHtn) && p.treated}};
      if (a["known"].get<bool>()) a["on_treatment"] = true;
      if (e.has_bp) {
        a["sbp"] = e.sbp;
        a["dbp"] = e.dbp;
      }
      if (e.has_bp && e.sbp >= 180 && pct(0.1)) a["symptoms"] = {"headache"};
      break;
    case pDm:
      a = {{"fasting", e.fasting}, {"known", (p.conds & cDm) && p.treated}, {"symptoms", (p.conds & cDm) && pct(0.4)}};
      if (a["known"].get<bool>()) a["on_treatment"] = true;
      if (e.has_glucose) a["glucose"] = e.glucose;
      break;
    case pTb: {
      const bool tb = p.conds & cTb;
      a = {{"cough_2w", tb ? pct(0.9) : pct(0.02)}, {"hemoptysis", tb && pct(0.2)},
           {"fever_night_sweats", tb && pct(0.6)}, {"weight_loss", tb && pct(0.5)}, {"contact", pct(tb ? 0.3 : 0.02)}};
      if (tb && pct(0.3)) a["xray"] = "abnormal";
      break;
    }
    case pTwoCancers: {
      const double r = rng_.uniform();
      a = {{"hpv", r < 0.03 ? "hpv16_18" : r < 0.12 ? "other_hr" : "negative"}};
      if (a["hpv"] == "other_hr") a["tct"] = pct(0.8) ? "nilm" : pct(0.6) ? "asc_us" : pct(0.7) ? "lsil" : "hsil";
      const double b = rng_.uniform();
      a["breast_us"] = b < 0.01 ? "4" : b < 0.04 ? "3" : b < 0.4 ? "2" : "1";
      a["breast_exam"] = b < 0.01 && pct(0.5) ? "lump" : "normal";
      break;
    }
    case pScoliosis: {
      const double atr =
          round_to(clamp((p.conds & cScoliosis) ? rng_.normal(8.5, 2.5) : rng_.normal(2.0, 1.5), 0, 20), 1);
      a = {{"forward_bend", atr >= 5 ? "positive" : "negative"}};
      if (atr >= 5) a["atr_deg"] = atr;
      if (atr >= 7 && pct(0.6)) {
        a["asymmetry"] = {"shoulders"};
        a["atr_deg"] = atr;
      }
      break;
    }
    case pKbd: {
      const bool kbd = p.conds & cKbd;
      a = {{"endemic_residence", true}, {"joint_enlargement", kbd && p.age >= 15}, {"limited_motion", kbd && pct(0.7)}};
      if (p.age <= 15) a["xray_hand"] = kbd ? "metaphysis" : "normal";
      if (kbd && p.age >= 15) {
        const size_t grade = rng_.weighted(std::array{50.0, 35.0, 15.0});
        if (grade >= 1) a["short_fingers"] = true;
        if (grade == 2) a["short_limbs"] = a["short_stature"] = true;
      }
      break;
    }
    case pCataract: {
      const bool cat = p.conds & cCataract;
      // Decimal visual acuity, as read from the standard chart.
      static constexpr double kChart[] = {0.02, 0.05, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0};
      const int worse_i = cat ? (pct(0.6) ? rng_.range(0, 5) : rng_.range(6, 9)) : rng_.range(8, 12);
      const int better_i = std::min(12, worse_i + rng_.range(0, 3));
      a = {{"va_left", kChart[worse_i]}, {"va_right", kChart[better_i]},
           {"lens_opacity", !cat ? "none" : kChart[better_i] < 0.3 ? "marked" : "mild"}};
      break;
    }
    case pPregnancy: {
      // 五色: the colour drawn first, then a risk factor that gives it.
      const size_t colour = rng_.weighted(std::array{55.0, 28.0, 11.0, 4.0, 2.0});
      static constexpr const char* kYellow[] = {"scarred_uterus", "miscarriages", "bmi_high", "gdm", "twins"};
      static constexpr const char* kOrange[] = {"severe_preeclampsia", "placenta_previa", "heart_disease_mild",
                                                "adverse_history", "scarred_uterus_short"};
      static constexpr const char* kRed[] = {"heart_failure", "eclampsia", "placenta_accreta"};
      static constexpr const char* kPurple[] = {"hbsag", "syphilis"};
      const int parity = rng_.range(0, 3);
      a = {{"gestational_weeks", rng_.range(8, 38)}, {"gravidity", parity + rng_.range(1, 2)}, {"parity", parity},
           {"sbp", e.has_bp ? std::min(e.sbp, 139.0) : std::round(rng_.normal(112, 8))},
           {"dbp", e.has_bp ? std::min(e.dbp, 89.0) : std::round(rng_.normal(72, 6))}};
      // The program's form takes 20–220 g/L (the vital itself up to 260: a
      // pregnant woman with high-altitude polycythaemia can measure above).
      if (e.hb > 0) a["hb"] = std::min(std::max(e.hb, colour == 0 ? 110.0 : 60.0), 220.0);
      if (colour == 1) a["yellow"] = {rng_.pick(kYellow)};
      if (colour == 2) a["orange"] = {rng_.pick(kOrange)};
      if (colour == 3) a["red"] = {rng_.pick(kRed)};
      if (colour == 4) a["purple"] = {rng_.pick(kPurple)};
      break;
    }
    default: break;
  }
  return o;
}

std::string Generator::referral_outcome(Prog prog) {
  auto pick = [&](std::initializer_list<const char*> l, std::initializer_list<double> wts) {
    std::vector<double> w(wts);
    return std::string(l.begin()[rng_.weighted(w)]);
  };
  switch (prog) {
    case pGi:
      return pick({"胃镜：慢性萎缩性胃炎，Hp阳性，已行根除治疗", "胃镜+病理：肠上皮化生，1年后复查胃镜",
                   "胃镜+病理：早期胃癌，已行内镜黏膜下剥离术（ESD）", "胃镜：未见明显异常"},
                  {60, 25, 8, 7});
    case pChd:
      return pick({"已行房间隔缺损介入封堵术，术后恢复良好", "已行室间隔缺损修补术，术后恢复良好",
                   "心脏彩超：小型缺损，暂随访观察", "心脏彩超：未见明显异常"},
                  {40, 25, 25, 10});
    case pHtn: return pick({"县医院调整降压方案，血压控制可", "排除继发性高血压，继续药物治疗"}, {70, 30});
    case pDm: return pick({"确诊2型糖尿病，已起始胰岛素治疗", "确诊2型糖尿病，口服药物治疗"}, {40, 60});
    case pTb:
      return pick({"痰涂片阴性，胸片未见活动性病灶，排除肺结核", "确诊肺结核，已纳入规范抗结核治疗"}, {75, 25});
    case pTwoCancers:
      return pick({"阴道镜活检：CIN1，定期随访", "阴道镜活检：CIN2，已行LEEP术", "乳腺穿刺：纤维腺瘤，已手术切除",
                   "进一步检查未见异常"},
                  {40, 20, 15, 25});
    case pScoliosis:
      return pick({"全脊柱X线：Cobb角15°，支具治疗", "Cobb角<10°，姿势性侧弯，随访观察", "Cobb角42°，已行脊柱矫形手术"},
                  {45, 45, 10});
    case pKbd: return pick({"已行膝关节置换术，恢复良好", "关节镜清理术后，康复训练中"}, {50, 50});
    case pCataract:
      return pick({"已行白内障超声乳化联合人工晶体植入术，术后视力0.8", "已行白内障手术，术后视力0.5"}, {60, 40});
    case pPregnancy: return pick({"已在县医院住院分娩，母婴平安", "已转三级医院剖宫产分娩，母婴平安"}, {65, 35});
    default: return "已就诊";
  }
}

std::string Generator::lost_reason(bool pastoral) {
  if (pastoral && rng_.chance(0.5)) return "转场放牧，联系不上";
  static constexpr const char* kReasons[] = {"电话无法接通", "外出务工，联系不上", "迁居外地", "本人拒绝进一步检查"};
  return rng_.pick(kReasons);
}

void Generator::progress_referral(const std::string& id, Prog prog, int64_t t0, bool pastoral) {
  // advised -> contacted -> arrived -> outcome, or lost along the way.
  if (rng_.chance(0.1)) {
    schedule(t0 + rng_.range(30, 60) * kDay + 3 * kHour, [this, id, pastoral](Writer& w) {
      referral_to(w, id, "lost", lost_reason(pastoral));
    });
    return;
  }
  const int64_t contacted = t0 + rng_.range(2, 10) * kDay + 2 * kHour;
  const bool arrives = rng_.chance(0.85);
  const int64_t arrived = contacted + rng_.range(7, 35) * kDay;
  const int64_t outcome = arrived + rng_.range(3, 30) * kDay;
  const std::string text = referral_outcome(prog);
  schedule(contacted, [this, id, arrives, arrived, outcome, text, pastoral](Writer& w) {
    referral_to(w, id, "contacted");
    if (arrives) {
      schedule(arrived, [this, id](Writer& w2) { referral_to(w2, id, "arrived"); });
      schedule(outcome, [this, id, text](Writer& w2) { referral_to(w2, id, "outcome", text); });
    } else {
      schedule(arrived + 30 * kDay, [this, id, pastoral](Writer& w2) {
        referral_to(w2, id, "lost", lost_reason(pastoral));
      });
    }
  });
}

void Generator::progress_follow_up(const std::string& id, const std::string& due, const std::string& referral_id,
                                   Prog prog, bool pastoral) {
  const int64_t due_ms = ms_of_date(due) + 11 * kHour;
  const double r = rng_.uniform();
  if (r < 0.72) {
    const int64_t done = std::max(now_ + kDay, due_ms + rng_.range(-5, 10) * kDay);
    std::string result = referral_id.empty() ? "已随访，情况稳定" : referral_outcome(prog);
    if (prog == pDm || prog == pHtn) result = "已复查，纳入慢病规范管理";
    schedule(done, [this, id, result](Writer& w2) { follow_up_done(w2, id, result); });
  } else if (r < 0.9) {
    const bool then_lost = rng_.chance(0.35);
    const int64_t lost_at = due_ms + rng_.range(45, 120) * kDay;
    schedule(due_ms + 7 * kDay, [this, id, then_lost, lost_at, pastoral](Writer& w2) {
      follow_up_overdue(w2, id);
      if (then_lost)
        schedule(lost_at, [this, id, pastoral](Writer& w3) { follow_up_lost(w3, id, lost_reason(pastoral)); });
    });
  } else {
    schedule(due_ms + rng_.range(14, 60) * kDay,
             [this, id, pastoral](Writer& w2) { follow_up_lost(w2, id, lost_reason(pastoral)); });
  }
}

void Generator::chronic_follow_up(Writer& w, const ChronicInfo& c, int days, const std::string& screening_id) {
  const std::string due = date_of_ms(now_ + days * kDay);
  const bool htn = c.conds & cHtn, dm = c.conds & cDm;
  const std::string reason = htn && dm ? "高血压、糖尿病患者季度随访" : htn ? "高血压患者季度随访" : "糖尿病患者季度随访";
  json f = {{"patient_id", c.patient_id}, {"due_date", due}, {"reason", reason}};
  if (!screening_id.empty()) f["screening_id"] = screening_id;
  progress_chronic(counted(kFollowUp, create_follow_up(w, f)), due, c);
}

void Generator::progress_chronic(const std::string& id, const std::string& due, const ChronicInfo& c) {
  const int64_t due_ms = ms_of_date(due) + 10 * kHour;
  const double r = rng_.uniform();
  // Done (a village doctor measures and records), late, or lost.
  const bool done = r < 0.75, late = r >= 0.75 && r < 0.9;
  auto complete = [this, id, c](Writer& w2) {
    // Treatment brings values down over the year.
    ChronicInfo next = c;
    std::string result;
    if (c.conds & cHtn) {
      next.sbp = std::round(clamp(rng_.normal(c.sbp - 8, 8), 105, 200));
      next.dbp = std::round(clamp(rng_.normal(c.dbp - 3, 5), 60, std::min(125.0, next.sbp - 25)));
      create(w2, kObservation, {{"patient_id", c.patient_id}, {"kind", "sbp"}, {"value", next.sbp}, {"unit", "mmHg"},
                                {"taken_at", datetime_of_ms(now_)}});
      create(w2, kObservation, {{"patient_id", c.patient_id}, {"kind", "dbp"}, {"value", next.dbp}, {"unit", "mmHg"},
                                {"taken_at", datetime_of_ms(now_)}});
      result = "血压" + fmt("%.0f", next.sbp) + "/" + fmt("%.0f", next.dbp) + " mmHg，" +
               (next.sbp < 140 && next.dbp < 90 ? "控制达标，继续原方案" : "控制欠佳，调整用药");
    }
    if (c.conds & cDm) {
      next.glucose = round_to(clamp(rng_.normal(std::max(6.0, c.glucose - 0.8), 1.2), 4.5, 20), 1);
      create(w2, kObservation, {{"patient_id", c.patient_id}, {"kind", "glucose_fasting"}, {"value", next.glucose},
                                {"unit", "mmol/L"}, {"taken_at", datetime_of_ms(now_)}});
      if (!result.empty()) result += "；";
      result += "空腹血糖" + fmt("%.1f", next.glucose) + " mmol/L，" + (next.glucose < 7.0 ? "控制达标" : "控制欠佳，加强饮食管理");
    }
    // The next quarter's follow-up: the one the program's chronic rule made,
    // or, for a patient found at a visit rather than a screening, one made
    // here.
    const std::string made = follow_up_done(w2, id, result);
    if (made.empty()) chronic_follow_up(w2, next, rng_.range(85, 95), "");
    else progress_chronic(made, store_.get("follow_up", made)->value("due_date", ""), next);
  };
  if (done) {
    schedule(std::max(now_ + kDay, due_ms + rng_.range(-7, 10) * kDay), complete);
  } else if (late) {
    const int64_t late_done = due_ms + rng_.range(20, 50) * kDay;
    schedule(due_ms + 7 * kDay, [this, id, late_done, complete](Writer& w2) {
      follow_up_overdue(w2, id);
      if (rng_.chance(0.6)) schedule(late_done, complete);
    });
  } else {
    const bool pastoral = c.pastoral;
    schedule(due_ms + 7 * kDay, [this, id](Writer& w2) { follow_up_overdue(w2, id); });
    schedule(due_ms + rng_.range(60, 120) * kDay,
             [this, id, pastoral](Writer& w2) { follow_up_lost(w2, id, lost_reason(pastoral)); });
  }
}

void Generator::screen(Writer& w, Person& p, const Visit& v, const EncounterPlan& e, const std::string& encounter_id,
                       DayStats& st) {
  const DayPlan& d = *v.day;
  const CountyDef& c = *counties_[v.county].def;
  std::vector<Prog> progs;
  auto want = [&](Prog prog, double prob) {
    if (eligible(prog, p) && rng_.chance(prob)) progs.push_back(prog);
  };
  if (d.kind == dScreening && d.program >= 0) {
    const Prog prog = static_cast<Prog>(d.program);
    want(prog, 0.97);
    if (prog == pHtn) want(pDm, e.has_glucose ? 0.97 : 0);
  }
  if (!v.at_home && d.kind != dScreening) {
    // Opportunistic screening on clinic days.
    want(pHtn, e.has_bp ? 0.6 : 0);
    want(pDm, e.has_glucose ? 0.6 : 0);
    want(pTb, (p.conds & cTb) ? 0.8 : 0.08);
    want(pCataract, e.station == "眼科" || (p.conds & cCataract) ? 0.5 : 0.05);
    want(pChd, e.station == "儿科" ? 0.4 : 0.05);
    want(pPregnancy, 1.0);
    want(pTwoCancers, e.station == "妇科" ? 0.5 : 0.03);
    want(pGi, e.station == "消化" ? 0.6 : 0.03);
    want(pScoliosis, 0.15);
    if (c.kbd_endemic) want(pKbd, e.station == "骨科" || (p.conds & cKbd) ? 0.6 : 0.05);
  }
  std::sort(progs.begin(), progs.end());
  progs.erase(std::unique(progs.begin(), progs.end()), progs.end());
  const std::string at = datetime_of_ms(v.t);
  for (Prog prog : progs) {
    ScreenOutcome o = judge(prog, p, v, e);
    ScreeningInput in;
    in.patient_id = p.id;
    in.program_id = kProgs[prog].id;
    in.program_version = 1;
    in.answers = std::move(o.answers);
    in.clinic_day_id = v.clinic_day_id;
    in.encounter_id = encounter_id;
    in.screened_at = at;
    // The team names the hospital it refers to (the program gives a level).
    const Evaluation ev = evaluate(*program(prog), Subject{p.age, std::string(1, p.sex)}, in.answers);
    if (ev.referral) in.referral_to = facility(prog, v);
    const RecordedScreening r = record_screening(store_, w, in);
    counts_[kScreening]++;
    txn_records_++;
    ++st.screened;
    if (ev.result == "positive") ++st.positive;
    if (!r.referral_id.empty()) {
      counts_[kReferral]++;
      txn_records_++;
      ++st.referred;
      progress_referral(r.referral_id, prog, now_, c.pastoral);
    }
    if (r.follow_up_id.empty()) continue;
    counts_[kFollowUp]++;
    txn_records_++;
    const std::string due = date_of_ms(now_ + ev.follow_up->days * kDay);
    if ((prog == pHtn && (p.conds & cHtn)) || (prog == pDm && (p.conds & cDm))) {
      // A chronic patient: the screening's follow-up starts the quarterly chain.
      if (!p.chain) {
        ChronicInfo ci{p.id, p.conds, e.has_bp ? e.sbp : 150, e.has_bp ? e.dbp : 92, e.has_glucose ? e.glucose : 8.0,
                       c.pastoral};
        progress_chronic(r.follow_up_id, due, ci);
        p.chain = true;
        continue;
      }
    }
    progress_follow_up(r.follow_up_id, due, r.referral_id, prog, c.pastoral);
  }
}

// ===========================================================================
// Days

void Generator::run_home_visits(Writer& w, Visit& day_visit, int count, int new_quota, DayStats& st) {
  Visit v = day_visit;
  v.at_home = true;
  const DayPlan& d = *v.day;
  const Team& team = teams_[d.team];
  const int village = d.village >= 0 ? d.village : townships_[d.township].villages.front();
  auto& pool = households_[village];
  std::vector<bool> visited(pool.size(), false);
  int new_left = new_quota;
  for (int k = 0; k < count || new_left > 0; ++k) {
    // An earlier household with someone to see (returning: no new screening),
    // or a new one: bed-bound and elderly people who never came to a clinic day.
    std::vector<Person> people;
    std::string household_id;
    bool returning = false;
    visited.resize(pool.size(), false);  // registering may retire a household into the pool
    size_t pi = pool.size();
    if (!pool.empty() && (new_left == 0 || rng_.chance(0.5))) {
      pi = rng_.index(pool.size());
      if (visited[pi] && new_left == 0) break;
      if (visited[pi]) pi = pool.size();
    }
    if (pi < pool.size()) {
      visited[pi] = true;
      returning = true;
      household_id = pool[pi].id;
      for (Person p : pool[pi].notable) {
        p.age = age_on(p.birth_date, date_of_ms(v.t));
        people.push_back(std::move(p));
      }
    } else if (new_left > 0) {
      const int n = std::min(new_left, rng_.chance(0.3) ? 2 : 1);
      for (int j = 0; j < n; ++j) {
        // Both people of one visit belong to its household.
        Household& open = open_[village];
        if (j > 0 && open.id == household_id && open.slots == 0) open.slots = 1;
        const int age = rng_.chance(0.7) ? rng_.range(65, 92) : sample_age();
        const char sex = rng_.chance(0.55) ? 'F' : 'M';
        const bool bedbound = j == 0 && rng_.chance(0.35);
        Person p = register_patient(w, village, age, sex, 0, date_of_ms(v.t), bedbound, true);
        ++st.new_patients;
        --new_left;
        if (household_id.empty()) household_id = p.household_id;
        people.push_back(std::move(p));
      }
    } else {
      break;
    }
    // Plan every patient's care first: the visit record lists the services.
    std::vector<EncounterPlan> plans;
    for (const Person& p : people) plans.push_back(plan_encounter(p, v, returning));
    std::vector<std::string> services = {"测血压"};
    bool meds = false, device = false, glucose = false;
    for (const auto& e : plans) {
      for (const Give& g : e.gives) (stock_item(g.item).kind == "medicine" ? meds : device) = true;
      glucose |= e.has_glucose;
    }
    if (glucose) services.push_back("测血糖");
    if (meds) services.push_back("送药");
    if (device) services.push_back("送医疗器械");
    if (rng_.chance(0.7)) services.push_back("健康宣教");
    bool bedbound = false;
    for (const Person& p : people) bedbound |= (p.conds & cStroke) != 0;
    if (bedbound) services.push_back("康复指导");
    if (rng_.chance(0.2)) services.push_back("家庭医生签约");
    if (rng_.chance(0.1)) services.push_back("心电图检查");
    if (team.tibet && rng_.chance(0.15)) services.push_back("藏医诊疗");
    json members = json::array();
    int nurses = 0;
    for (int m : v.staff) {
      if (members.size() >= 3) break;
      if (team.members[m].role == rNurse && nurses++ > 0) continue;
      members.push_back(team.members[m].id);
    }
    json pids = json::array();
    for (const Person& p : people) pids.push_back(p.id);
    json f = {{"household_id", household_id}, {"clinic_day_id", v.clinic_day_id}, {"visit_date", date_of_ms(v.t)},
              {"patients", pids},             {"members", members},              {"services", services}};
    if (bedbound) f["notes"] = rng_.chance(0.5) ? "患者长期卧床，家属照护" : "行动不便，子女外出务工，老人独居";
    else if (rng_.chance(0.2)) f["notes"] = "入户随访，家中卫生条件一般";
    f.erase("household_id");
    HomeVisitInput hv;
    hv.household_id = household_id;
    hv.fields = std::move(f);
    v.home_visit_id = counted(kHomeVisit, record_home_visit(w, hv).home_visit_id);
    ++st.home_visits;
    const int64_t start = v.t;
    for (size_t j = 0; j < people.size(); ++j) {
      v.t = start + static_cast<int64_t>(j) * 10 * kMinute;
      set_time(v.t);
      write_encounter(w, people[j], v, plans[j], st, returning);
      if (!returning) remember(people[j]);
    }
    // A first-aid kit for the household, sometimes.
    if (rng_.chance(0.1)) {
      const StockItem& kit = stock_item(iFirstAidKit);
      create(w, kDispense, {{"clinic_day_id", v.clinic_day_id}, {"home_visit_id", v.home_visit_id},
                            {"patient_id", people.front().id}, {"item", kit.name}, {"item_kind", kit.kind},
                            {"quantity", 1}, {"unit", kit.unit}, {"unit_value", kit.unit_value},
                            {"given_at", datetime_of_ms(now_)}});
      st.value += kit.unit_value;
    }
    v.home_visit_id.clear();
    v.t = start + rng_.range(20, 40) * kMinute;
    set_time(v.t);
  }
  day_visit.t = v.t;
}

void Generator::run_day(Writer& w, const DayPlan& d) {
  const Team& team = teams_[d.team];
  const Township& tw = townships_[d.township];
  const int64_t midnight = ms_of_date(d.date);
  flush(w, midnight + 8 * kHour, false);
  set_time(midnight + 8 * kHour + 30 * kMinute + rng_.range(0, 20) * kMinute);

  Visit v;
  v.day = &d;
  v.county = tw.county;
  v.altitude = d.village >= 0 ? villages_[d.village].altitude : tw.altitude;
  v.at_home = d.kind == dHomeVisits;
  const CountyDef& c = *counties_[tw.county].def;

  // Stations and staff.
  std::vector<int> clinicians, nurses, others;
  for (int m = 0; m < static_cast<int>(team.members.size()); ++m) {
    const Member& mm = team.members[m];
    if (mm.role == rClinician) clinicians.push_back(m);
    else if (mm.role == rNurse) nurses.push_back(m);
    else if (mm.role == rCoordinator || mm.county == tw.county) others.push_back(m);
  }
  auto take = [&](std::vector<int>& from, size_t n) {
    for (size_t i = 0; i < n && !from.empty(); ++i) {
      const size_t k = rng_.index(from.size());
      v.staff.push_back(from[k]);
      from.erase(from.begin() + k);
    }
  };
  switch (d.kind) {
    case dYizhen:
      take(clinicians, clinicians.size());
      take(nurses, 2);
      take(others, 2);
      break;
    case dScreening: {
      // The program's specialist first, then a few more.
      const std::string_view st = program(static_cast<Prog>(d.program))->station;
      for (size_t i = 0; i < clinicians.size(); ++i)
        if (team.members[clinicians[i]].specialty == st) {
          v.staff.push_back(clinicians[i]);
          clinicians.erase(clinicians.begin() + i);
          break;
        }
      take(clinicians, rng_.range(2, 5));
      take(nurses, 2);
      take(others, 1);
      break;
    }
    case dCircuit:
      take(clinicians, rng_.range(2, 4));
      take(nurses, 1);
      take(others, 1);
      break;
    case dHomeVisits:
      take(clinicians, rng_.range(1, 2));
      take(nurses, 1);
      take(others, 1);
      break;
  }
  if (v.staff.size() > 15) v.staff.resize(15);
  if (d.kind == dYizhen) v.stations.push_back("登记");
  for (int m : v.staff) {
    const Member& mm = team.members[m];
    if (mm.role == rClinician && std::find(v.stations.begin(), v.stations.end(), mm.specialty) == v.stations.end())
      v.stations.push_back(mm.specialty);
  }
  if (d.kind == dYizhen) v.stations.push_back("药房");
  if (d.kind == dHomeVisits) v.stations = {"入户"};

  std::string campaign;
  switch (d.kind) {
    case dYizhen: campaign = team.tibet ? rng_.pick(kTibetYizhenCampaigns) : rng_.pick(kXinjiangYizhenCampaigns); break;
    case dCircuit: campaign = std::string(c.name) + "巡回医疗"; break;
    case dScreening: campaign = d.date.substr(0, 4) + "年" + c.name + kProgs[d.program].campaign; break;
    case dHomeVisits: campaign = "入户诊疗送药"; break;
  }
  json staff = json::array();
  for (int m : v.staff) staff.push_back(team.members[m].id);
  const std::string place = d.village >= 0 ? villages_[d.village].code : tw.code;
  v.clinic_day_id = open_clinic_day(w, {{"date", d.date}, {"place_code", place}, {"team_id", team.id},
                                        {"kind", clinic_day_kinds().at(d.kind).id}, {"campaign", campaign},
                                        {"stations", v.stations}, {"staff", staff}});
  ++counts_[kClinicDay];
  ++txn_records_;

  DayStats st;
  v.t = midnight + 10 * kHour;
  if (d.kind == dHomeVisits) {
    run_home_visits(w, v, rng_.range(3, 8), d.quota, st);
  } else {
    // Patients who come back (chronic, elderly) among the new ones.
    auto& pool = seen_[d.township];
    int back = 0;
    if (d.kind != dScreening && !pool.empty())
      back = std::min(static_cast<int>(pool.size() / 3), static_cast<int>(std::lround(d.quota * 0.12)));
    std::vector<size_t> back_idx;
    for (int i = 0; i < back; ++i) {
      const size_t k = rng_.index(pool.size());
      if (std::find(back_idx.begin(), back_idx.end(), k) == back_idx.end()) back_idx.push_back(k);
    }
    const int total = d.quota + static_cast<int>(back_idx.size());
    const int64_t slot = std::max<int64_t>(kMinute, (8 * kHour + 30 * kMinute) / std::max(1, total));
    int new_left = d.quota;
    size_t back_next = 0;
    const ProgDef* prog = d.program >= 0 ? &kProgs[d.program] : nullptr;
    const auto& vils = tw.villages;
    for (int k = 0; k < total; ++k) {
      v.t = midnight + 10 * kHour + k * slot + rng_.range(0, static_cast<int>(slot / kMinute / 2)) * kMinute;
      set_time(v.t);
      const bool is_new = back_next >= back_idx.size() ||
                          (new_left > 0 && rng_.index(static_cast<size_t>(total - k)) < static_cast<size_t>(new_left));
      if (is_new) {
        const int village = d.village >= 0 && rng_.chance(0.85) ? d.village : rng_.pick(vils);
        int age;
        char sex = rng_.chance(0.53) ? 'F' : 'M';  // women come a little more often
        uint32_t force = 0;
        if (prog && rng_.chance(0.85)) {
          age = sample_age(prog->target_min, prog->target_max);
          if (const auto& only = program(static_cast<Prog>(d.program))->sex; !only.empty()) sex = only[0];
          if (d.program == pPregnancy) force = cPregnant;
        } else {
          age = sample_age();
        }
        Person p = register_patient(w, village, age, sex, force, d.date, false, false);
        --new_left;
        ++st.new_patients;
        const EncounterPlan e = plan_encounter(p, v, false);
        write_encounter(w, p, v, e, st, false);
        remember(p);
      } else {
        Person& p = pool[back_idx[back_next++]];
        p.age = age_on(p.birth_date, d.date);
        const EncounterPlan e = plan_encounter(p, v, true);
        write_encounter(w, p, v, e, st, true);
      }
    }
    if (d.kind == dCircuit && rng_.chance(0.5)) {
      // A circuit day ends with a few home visits in the village.
      v.t = midnight + 17 * kHour;
      set_time(v.t);
      run_home_visits(w, v, rng_.range(1, 3), 0, st);
    }
    if (d.kind != dScreening && rng_.chance(0.4)) {
      // First-aid kits for the village doctors.
      const int n = rng_.range(1, 3);
      const StockItem& kit = stock_item(iFirstAidKit);
      create(w, kDispense, {{"clinic_day_id", v.clinic_day_id}, {"item", kit.name},
                            {"item_kind", kit.kind}, {"quantity", n},
                            {"unit", kit.unit}, {"unit_value", kit.unit_value},
                            {"given_at", datetime_of_ms(now_)}});
      st.value += n * kit.unit_value;
    }
  }

  // Close the day with its summary.
  set_time(std::max(now_ + 5 * kMinute, midnight + 19 * kHour + rng_.range(0, 40) * kMinute));
  char notes[512];
  std::snprintf(notes, sizeof notes, "共接诊%d人次（新建档%d人），入户%d户，筛查%d人次、阳性%d人，转诊%d人，发放药品器械价值%.1f元。",
                st.encounters, st.new_patients, st.home_visits, st.screened, st.positive, st.referred, st.value);
  const int month = std::stoi(d.date.substr(5, 2));
  std::string remark = (month <= 2 || month == 12) && team.tibet && rng_.chance(0.4) ? rng_.pick(kWinterRemarks)
                                                                                      : rng_.pick(kDayRemarks);
  close_clinic_day(store_, w, v.clinic_day_id, std::string(notes) + remark, datetime_of_ms(now_));
  ++txn_records_;
}

DemoCounts Generator::run() {
  // Demo data goes into a database without records: the same seed would
  // repeat its ids, and places and teams would be there twice.
  for (int k = 0; k < kKindCount; ++k)
    if (store_.db().execAndGet(std::string("SELECT EXISTS (SELECT 1 FROM ") + kKindName[k] + ")").getInt())
      throw std::invalid_argument(std::string("demo: the database already holds records (") + kKindName[k] +
                                  "); use a new one");
  // A bigger page cache for this connection (ours alone, closed when done):
  // the search-key index takes random inserts all over the file.
  store_.db().exec("PRAGMA cache_size = -131072");
  store_.transact([&](Writer& w) {
    txn_records_ = 0;
    build_places(w);
    build_teams(w);
  });
  plan_days();
  size_t next = 0;
  while (next < days_.size()) {
    store_.transact([&](Writer& w) {
      txn_records_ = 0;
      do run_day(w, days_[next++]);
      while (next < days_.size() && txn_records_ < kBatch);
    });
  }
  // What happens after the last clinic day, up to the reference date.
  while (!pending_.empty() && pending_.begin()->first < end_ms_) {
    store_.transact([&](Writer& w) {
      txn_records_ = 0;
      flush(w, end_ms_ - 1, true);
    });
  }
  DemoCounts out;
  for (int k = 0; k < kKindCount; ++k) out.created[kKindName[k]] = counts_[k];
  return out;
}

}  // namespace

std::map<std::string, double> demo_program_weights() {
  std::map<std::string, double> out;
  for (const ProgDef& p : kProgs) out[p.id] = p.campaign_weight;
  return out;
}

void check_demo_programs() {
  std::string missing, unknown;
  const auto demo = demo_program_weights();
  for (const ProgramPtr& p : builtin_programs())
    if (!demo.contains(p->id)) missing += " " + p->id;
  for (const auto& [id, weight] : demo)
    if (!builtin_program(id)) unknown += " " + id;
  if (!missing.empty()) throw std::logic_error("demo: no campaign for the built-in program(s)" + missing);
  if (!unknown.empty()) throw std::logic_error("demo: campaign for program(s) not built in:" + unknown);
}

DemoCounts generate_demo(const std::string& db_path, const DemoOptions& options) {
  if (options.patients < 1) throw std::invalid_argument("demo: patients must be at least 1");
  check_demo_programs();
  // The store's clock: days before the first clinic day, so that the device
  // id and setup records predate the data.
  ManualClock clock(ms_of_date("2025-05-18") + 9 * kHour);
  IdSource ids(options.seed);
  StoreOptions so;
  so.clock = &clock;
  so.ids = &ids;
  so.actor = "demo";
  so.audit = false;
  Store store = open_store(db_path, so);
  Generator g(store, clock, options);
  return g.run();
}

}  // namespace yz
