// Reference data: the ICD-10 list (real codes, Chinese names, synonyms) and
// its search by code, Chinese, pinyin, initials and synonym
// (core/domain/icd10.h, term_search.h).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/domain/icd10.h"
#include "core/domain/term_search.h"
#include "core/domain/validate.h"

using namespace yz;

namespace {
std::string first(std::string_view q) {
  auto hits = search_icd10(q, 8);
  return hits.empty() ? std::string() : std::string(hits.front()->code);
}
bool finds(std::string_view q, std::string_view code, size_t within = 8) {
  for (const auto* e : search_icd10(q, within))
    if (e->code == code) return true;
  return false;
}
}  // namespace

TEST_CASE("the ICD-10 list: at least 400 distinct valid codes, each with Chinese and English names") {
  const auto list = icd10_common();
  CHECK(list.size() >= 400);
  std::set<std::string_view> codes;
  for (const auto& e : list) {
    CAPTURE(e.code);
    CHECK(is_icd10(e.code));
    CHECK(codes.insert(e.code).second);
    CHECK_FALSE(e.zh.empty());
    CHECK_FALSE(e.en.empty());
    for (auto s : icd10_synonyms(e)) CHECK_FALSE(s.empty());
  }
  // The plateau's conditions are there.
  for (const char* code : {"B67.9", "B67.0", "B67.5", "M12.1", "T70.2", "D75.1", "A23.9", "A15.0", "A16.2", "A18.2",
                           "I10", "I11.9", "I15.9", "O13", "J44.9", "J44.1", "I09.9", "I05.0", "Q21.0", "Q21.1",
                           "Q24.9", "H25.9", "H26.9", "H16.1", "E01.0", "M85.1", "K00.3", "T58"})
    CHECK_MESSAGE(codes.count(code), code);
}

TEST_CASE("ICD-10 search: common Chinese names and their initials find the code people mean first") {
  CHECK(first("gxy") == "I10");     // 高血压, not I11.9 高血压性心脏病
  CHECK(first("高血压") == "I10");
  CHECK(first("gaoxueya") == "I10");
  CHECK(finds("gxy", "I11.9"));     // still offered
  CHECK(first("gxb") == "I25.1");   // 冠心病
  CHECK(first("冠心病") == "I25.1");
  CHECK(first("guanxinbing") == "I25.1");
  CHECK(first("糖尿病") == "E11.9");
  CHECK(first("tnb") == "E11.9");
  CHECK(first("慢阻肺") == "J44.9");
  CHECK(first("mzf") == "J44.9");
  CHECK(first("copd") == "J44.9");
  CHECK(first("包虫病") == "B67.9");
  CHECK(first("bcb") == "B67.9");
  CHECK(finds("包虫", "B67.5"));
  CHECK(first("大骨节病") == "M12.1");
  CHECK(first("dgjb") == "M12.1");
  CHECK(first("高原反应") == "T70.2");
  CHECK(first("gyfy") == "T70.2");
  CHECK(first("布病") == "A23.9");
  CHECK(first("风心病") == "I09.9");
  CHECK(first("先心病") == "Q24.9");
  CHECK(first("白内障") == "H26.9");
  CHECK(finds("白内障", "H25.9"));
  CHECK(first("雪盲") == "H16.1");
  CHECK(first("肺结核") == "A16.2");
  CHECK(finds("fjh", "A15.0"));
  CHECK(first("lv") == first("lu"));  // ü typed as v
  CHECK(first("kesou") == "R05");     // 咳 read ke (ICU alone: hai)
  CHECK(first("pangguangai") == "C67.9");  // 膀 pang
  CHECK(finds("kaxue", "R04.2"));     // 咯血
}

TEST_CASE("ICD-10 search: codes, English, any part of a name, and nothing for nonsense") {
  CHECK(first("I10") == "I10");
  CHECK(first("i10") == "I10");
  CHECK(first("I25.1") == "I25.1");
  CHECK(first("E11.") == "E11.9");  // the dot is not typed-sensitive
  CHECK(search_icd10("I2", 50).size() >= 5);
  CHECK(first("cataract") == "H26.9");  // English, part of the name
  CHECK(finds("heart failure", "I50.9"));
  CHECK(finds("心脏病", "I11.9"));       // a later part of a name
  CHECK(finds("xinzangbing", "I11.9"));
  CHECK(search_icd10("", 50).size() == 50);
  CHECK(search_icd10("", 8).front()->code == "I10");  // the list's order for an empty query
  CHECK(search_icd10("qqqqzz", 8).empty());
  CHECK(search_icd10("不存在的病", 8).empty());
}

TEST_CASE("term ranking: exact before prefix before a later part, ties in list order") {
  const std::string_view a[] = {"高血压性心脏病"}, b[] = {"原发性高血压", "高血压"}, c[] = {"肺源性心脏病"};
  const std::vector<TermKeys> keys{term_keys("I11.9", a, "Hypertensive heart disease"),
                                   term_keys("I10", b, "Essential hypertension"),
                                   term_keys("I27.9", c, "Pulmonary heart disease")};
  CHECK(rank_terms(keys, "gxy", 10) == std::vector<size_t>{1, 0});
  CHECK(rank_terms(keys, "xzb", 10) == std::vector<size_t>{0, 2});  // later parts: list order
  CHECK(rank_terms(keys, "heart", 10) == std::vector<size_t>{0, 2});
  CHECK(rank_terms(keys, "i1", 10) == std::vector<size_t>{0, 1});
  CHECK(rank_terms(keys, "", 2) == std::vector<size_t>{0, 1});
  CHECK(term_rank(keys[1], term_query("高血压")) == 0);
  CHECK(term_rank(keys[0], term_query("高血压")) == 1);
  CHECK(term_rank(keys[2], term_query("心脏")) == 3);
  CHECK(term_rank(keys[2], term_query("zzz")) == -1);
}
