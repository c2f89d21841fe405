// Patient search by name, pinyin, initials, 身份证 number and phone
// (core/search.h, core/pinyin.h).

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "core/domain/pinyin.h"
#include "core/domain/search.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::make_id;
using yz_test::make_id_with_x;

namespace {

const int64_t k2030 = ms_of_date("2030-01-15") + 9 * 3600 * 1000;

struct Fixture {
  ManualClock clock{k2030};
  IdSource ids{42};
  Store store = open_store(":memory:", StoreOptions{&clock, &ids});

  std::string add(const std::string& name, json extra = json::object()) {
    json f = {{"name", name}, {"sex", "M"}, {"birth_date", "1980-01-01"}};
    if (extra.contains("id_number")) f = {{"name", name}};  // sex and birth date come from the number
    f.update(extra);
    return store.create("patient", f);
  }
  std::vector<PatientHit> find(const std::string& q, int limit = 20) { return search_patients(store.db(), q, limit); }
  std::vector<std::string> names(const std::string& q, int limit = 20) {
    std::vector<std::string> out;
    for (const auto& h : find(q, limit)) out.push_back(h.name);
    return out;
  }
  bool finds(const std::string& q, const std::string& name) {
    auto n = names(q);
    return std::find(n.begin(), n.end(), name) != n.end();
  }
};

}  // namespace

TEST_CASE("pinyin: syllables of names, with surname readings") {
  CHECK(name_syllables("张小明") == std::vector<std::string>{"zhang", "xiao", "ming"});
  CHECK(name_syllables("曾小明") == std::vector<std::string>{"zeng", "xiao", "ming"});
  CHECK(name_syllables("卓玛") == std::vector<std::string>{"zhuo", "ma"});
  CHECK(name_syllables("扎西顿珠") == std::vector<std::string>{"zha", "xi", "dun", "zhu"});
  CHECK(name_syllables("热依汗古丽") == std::vector<std::string>{"re", "yi", "han", "gu", "li"});
  // Separator dots of transliterated names and spaces are dropped.
  CHECK(name_syllables("买买提·艾力") == std::vector<std::string>{"mai", "mai", "ti", "ai", "li"});
  CHECK(name_chars("买买提·艾力").size() == 5);
  CHECK(name_chars(" 张 三 ") == std::vector<std::string>{"张", "三"});
  // Latin letters are kept, lower-cased, one per entry.
  CHECK(name_chars("Tom") == std::vector<std::string>{"t", "o", "m"});
  CHECK(name_syllables("").empty());
}

TEST_CASE("pinyin: threads reading names at once get the readings one thread gets") {
  // One syllable cache serves every thread (the server's HTTP workers make
  // search keys at once): each thread starts on characters no one has read.
  const std::vector<std::string> names = {"曾国藩", "单田芳", "欧阳修", "尉迟恭", "万俟卨", "扎西顿珠", "买买提·艾力",
                                          "热依汗古丽", "次仁央宗", "阿卜杜拉", "都达尔", "卜算子", "诸葛亮", "长孙无忌"};
  std::vector<std::vector<std::vector<std::string>>> got(8);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < names.size(); ++i) got[t].push_back(name_syllables(names[(i + t * 3) % names.size()]));
    });
  for (auto& th : threads) th.join();
  for (size_t t = 0; t < got.size(); ++t)
    for (size_t i = 0; i < names.size(); ++i) CHECK(got[t][i] == name_syllables(names[(i + t * 3) % names.size()]));
  CHECK(name_syllables("曾国藩").front() == "zeng");
}

TEST_CASE("search: keys of a patient") {
  auto keys = patient_keys("扎西顿珠", "", "54010219680312011X", "13912345678");
  auto has = [&](const std::string& k, KeyKind kind) {
    return std::any_of(keys.begin(), keys.end(), [&](const SearchKey& s) { return s.key == k && s.kind == kind; });
  };
  CHECK(has("扎西顿珠", KeyKind::name));
  CHECK(has("zhaxidunzhu", KeyKind::pinyin));
  CHECK(has("zxdz", KeyKind::initials));
  CHECK(has("西顿珠", KeyKind::name_suffix));
  CHECK(has("顿珠", KeyKind::name_suffix));
  CHECK(has("dunzhu", KeyKind::pinyin_suffix));
  CHECK(has("dz", KeyKind::initials_suffix));
  CHECK(has("54010219680312011x", KeyKind::id_number));  // lower-case like queries
  CHECK(has("13912345678", KeyKind::phone));
  CHECK_FALSE(has("珠", KeyKind::name_suffix));  // one-character suffixes are not indexed
  CHECK(normalize_query(" Zhang Xiao·Ming ") == "zhangxiaoming");
  CHECK(normalize_query("   ").empty());
}

TEST_CASE("search: 张小明 by full pinyin, parts, initials and spacing") {
  Fixture fx;
  fx.add("张小明");
  fx.add("李四");
  for (const char* q : {"张小明", "张", "张小", "小明", "zhangxiaoming", "zhang", "zhangx", "xiaoming", "xiao", "zxm",
                        "ZXM", "zx", "xm", "zhang xiao ming", "ZhangXiaoMing", " zhangxiaoming "}) {
    CAPTURE(q);
    CHECK(fx.names(q) == std::vector<std::string>{"张小明"});
  }
  for (const char* q : {"zhangxiaominga", "wang", "zxmm", "小明明", "x m z"}) {
    CAPTURE(q);
    CHECK(fx.names(q).empty());
  }
  CHECK(fx.names("").empty());
  CHECK(fx.names("   ").empty());
  CHECK(fx.names("张小明", 0).empty());
}

TEST_CASE("search: surname readings (曾 is zeng, not ceng)") {
  Fixture fx;
  fx.add("曾小明");
  CHECK(fx.finds("zengxiaoming", "曾小明"));
  CHECK(fx.finds("zeng", "曾小明"));
  CHECK(fx.finds("zxm", "曾小明"));
  CHECK_FALSE(fx.finds("cengxiaoming", "曾小明"));
}

TEST_CASE("search: Tibetan and Uyghur names written in 汉字") {
  Fixture fx;
  fx.add("卓玛", {{"sex", "F"}});
  fx.add("热依汗古丽", {{"sex", "F"}});
  fx.add("扎西顿珠");
  fx.add("阿卜杜拉·买买提");
  for (const char* q : {"zhuoma", "zm", "卓玛", "zhuo", "ZhuoMa"}) CHECK_MESSAGE(fx.finds(q, "卓玛"), std::string(q));
  // re-yi-han-gu-li: the initials are "ryhgl".
  for (const char* q : {"reyihanguli", "ryhgl", "RYHGL", "古丽", "guli", "gl", "热依汗", "reyi"})
    CHECK_MESSAGE(fx.finds(q, "热依汗古丽"), std::string(q));
  for (const char* q : {"顿珠", "dunzhu", "dz", "扎西", "zhaxi", "zxdz", "西顿珠"}) CHECK_MESSAGE(fx.finds(q, "扎西顿珠"), std::string(q));
  for (const char* q : {"阿卜杜拉买买提", "买买提", "maimaiti", "阿卜杜拉·买买提", "abdlmmt"})
    CHECK_MESSAGE(fx.finds(q, "阿卜杜拉·买买提"), std::string(q));
  CHECK(fx.names("顿珠") == std::vector<std::string>{"扎西顿珠"});
}

TEST_CASE("search: readings of transliterated names that ICU reads otherwise") {
  Fixture fx;
  fx.add("阿不都热依木");
  fx.add("阿卜杜拉");
  fx.add("单增");
  // ICU reads 都 dou, 卜 bo, a leading 单 shan; names read du, bu, dan.
  for (const char* q : {"abudureyimu", "abudoureyimu", "reyimu", "abdryM"})
    CHECK_MESSAGE(fx.finds(q, "阿不都热依木"), std::string(q));
  for (const char* q : {"abudula", "abodula"}) CHECK_MESSAGE(fx.finds(q, "阿卜杜拉"), std::string(q));
  for (const char* q : {"danzeng", "shanzeng", "dz"}) CHECK_MESSAGE(fx.finds(q, "单增"), std::string(q));
}

TEST_CASE("search: name in native script") {
  Fixture fx;
  fx.add("扎西", {{"name_native", "བཀྲ་ཤིས"}});
  fx.add("艾力", {{"name_native", "ئەلى"}});
  CHECK(fx.names("བཀྲ་ཤིས") == std::vector<std::string>{"扎西"});
  CHECK(fx.names("བཀྲ") == std::vector<std::string>{"扎西"});
  CHECK(fx.names("ئەلى") == std::vector<std::string>{"艾力"});
}

TEST_CASE("search: a later word of the native-script name finds the patient, after whole-name matches") {
  Fixture fx;
  fx.add("扎西卓玛", {{"name_native", "བཀྲ་ཤིས་སྒྲོལ་མ"}});
  fx.add("卓玛", {{"name_native", "སྒྲོལ་མ"}});
  fx.add("热依汗古丽·阿不都拉", {{"name_native", "رەيھانگۈل ئابدۇللا"}});
  fx.add("阿不都拉", {{"name_native", "ئابدۇللا"}});
  // The whole name first (a whole key), then the name where it is a later word.
  CHECK(fx.names("སྒྲོལ་མ") == std::vector<std::string>{"卓玛", "扎西卓玛"});
  CHECK(fx.names("སྒྲོལ") == std::vector<std::string>{"卓玛", "扎西卓玛"});
  CHECK(fx.names("ཤིས་སྒྲོལ") == std::vector<std::string>{"扎西卓玛"});
  CHECK(fx.names("ئابدۇللا") == std::vector<std::string>{"阿不都拉", "热依汗古丽·阿不都拉"});
  CHECK(fx.names("رەيھان") == std::vector<std::string>{"热依汗古丽·阿不都拉"});
  // Within a word is not a word start: no match.
  CHECK(fx.names("ۈل").empty());
  CHECK(fx.names("ྲོལ").empty());
}

TEST_CASE("search: 身份证 number and phone prefixes") {
  Fixture fx;
  // A number with check digit X, to search with a lower-case x.
  const std::string withx = make_id_with_x("540102", "19680312");
  const std::string other = make_id("650102", "19920229", "046");
  fx.add("扎西顿珠", {{"id_number", withx}, {"phone", "139-0891-1234"}});
  fx.add("古丽", {{"id_number", other}, {"phone", "0991-12345678"}});

  CHECK(fx.names(withx) == std::vector<std::string>{"扎西顿珠"});
  std::string lower = withx;
  lower[17] = 'x';
  CHECK(fx.names(lower) == std::vector<std::string>{"扎西顿珠"});
  CHECK(fx.names(withx.substr(0, 6)) == std::vector<std::string>{"扎西顿珠"});
  CHECK(fx.names(withx.substr(0, 14)) == std::vector<std::string>{"扎西顿珠"});
  CHECK(fx.names("6501") == std::vector<std::string>{"古丽"});
  CHECK(fx.names("13908911234") == std::vector<std::string>{"扎西顿珠"});
  CHECK(fx.names("1390891") == std::vector<std::string>{"扎西顿珠"});
  CHECK(fx.names("139 0891") == std::vector<std::string>{"扎西顿珠"});  // spaces removed from the query
  CHECK(fx.names("0991") == std::vector<std::string>{"古丽"});
  CHECK(fx.names("1399").empty());
  auto hits = fx.find("1390891");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].phone == "13908911234");
  CHECK(hits[0].id_number == withx);
  CHECK(hits[0].sex == ((withx[16] - '0') % 2 == 1 ? "M" : "F"));
  CHECK(hits[0].birth_date == "1968-03-12");
}

TEST_CASE("search: an exact match ranks before a prefix match, whole keys before suffixes") {
  Fixture fx;
  fx.add("张明华");  // "zhangming" is a prefix of zhangminghua
  fx.add("章明");    // "zhangming" exactly, but sorts after 张明华 by name
  auto hits = fx.find("zhangming");
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].name == "章明");
  CHECK(hits[0].score == 0);
  CHECK(hits[1].name == "张明华");
  CHECK(hits[1].score == 1);

  fx.add("扎西顿珠");  // 顿珠 is a suffix here
  fx.add("顿珠");      // and the whole name here; 扎 sorts before 顿
  auto d = fx.find("顿珠");
  REQUIRE(d.size() == 2);
  CHECK(d[0].name == "顿珠");
  CHECK(d[0].score == 0);
  CHECK(d[1].name == "扎西顿珠");
  CHECK(d[1].score == 2);

  fx.add("扎西顿珠次仁");  // suffix prefix match for 顿珠
  auto e = fx.find("顿珠");
  REQUIRE(e.size() == 3);
  CHECK(e[2].name == "扎西顿珠次仁");
  CHECK(e[2].score == 3);

  // Equal keys: registration order.
  fx.add("王芳");
  fx.add("汪芳");
  CHECK(fx.names("wangfang") == std::vector<std::string>{"王芳", "汪芳"});
  // Different keys of the same score: key order ("wangfang" < "wangfei").
  fx.add("王菲");
  CHECK(fx.names("wangf") == std::vector<std::string>{"王芳", "汪芳", "王菲"});
}

TEST_CASE("search: deleted patients are not returned, the limit is respected") {
  Fixture fx;
  std::vector<std::string> ids;
  for (const char* n : {"张一", "张二", "张三", "张四", "张五"}) ids.push_back(fx.add(n));
  CHECK(fx.names("zhang").size() == 5);
  CHECK(fx.names("zhang", 3).size() == 3);
  CHECK(fx.names("zhang", 1).size() == 1);
  CHECK(fx.names("zhang", 100).size() == 5);
  fx.store.remove("patient", ids[2]);
  auto n = fx.names("zhang");
  CHECK(n.size() == 4);
  CHECK(std::find(n.begin(), n.end(), "张三") == n.end());
  CHECK(fx.names("zhangsan").empty());
  CHECK(fx.names("张三").empty());
}

TEST_CASE("search: updating a patient re-indexes name, ID number and phone") {
  Fixture fx;
  const std::string id = fx.add("张小明", {{"phone", "13812345678"}});
  fx.add("李四");
  CHECK(fx.names("zhangxiaoming") == std::vector<std::string>{"张小明"});
  fx.store.update("patient", id, {{"name", "王小明"}, {"phone", "13900001111"}});
  CHECK(fx.names("zhangxiaoming").empty());
  CHECK(fx.names("zxm").empty());
  CHECK(fx.names("13812345678").empty());
  CHECK(fx.names("wangxiaoming") == std::vector<std::string>{"王小明"});
  CHECK(fx.names("wxm") == std::vector<std::string>{"王小明"});
  CHECK(fx.names("1390000") == std::vector<std::string>{"王小明"});
  const std::string idn = make_id("540102", "19800101", "011");
  fx.store.update("patient", id, {{"id_number", idn}});
  CHECK(fx.names(idn.substr(0, 10)) == std::vector<std::string>{"王小明"});
  CHECK(fx.names("lisi") == std::vector<std::string>{"李四"});  // others untouched
}

TEST_CASE("search: many patients sharing a surname stay fast and bounded") {
  Fixture fx;
  fx.store.transact([&](Writer& w) {
    for (int i = 0; i < 300; ++i)
      w.create("patient", {{"name", "张" + std::to_string(i)}, {"sex", "M"}, {"birth_date", "1980-01-01"}});
  });
  CHECK(fx.find("z", 20).size() == 20);
  CHECK(fx.find("张", 1000).size() == 300);
  CHECK(fx.find("张12", 20).size() == 1 + 10);  // 张12 and 张120..张129
}
