// The duplicate-patient rule (core/queries/duplicates.h): pairs judged by
// hand, then found in a store through the search index, tombstones and
// deleted patients left out.
#include <doctest/doctest.h>

#include "core/domain/open_store.h"
#include "core/queries/duplicates.h"
#include "core/queries/field_queries.h"
#include "core/queries/views.h"
#include "core/replication/changes.h"
#include "core/base/uuid.h"
#include "core/store/store.h"
#include "tests/core/helpers.h"

using namespace yz;

namespace {

PatientFacts woman(std::string id, std::string name, std::string birth, std::string village) {
  return {std::move(id), std::move(name), "", "F", std::move(birth), "", std::move(village)};
}

}  // namespace

TEST_CASE("duplicates: the same 身份证 is the strongest reason, two different numbers are two people") {
  const std::string idn = yz_test::make_id("653101", "19850302", "128");
  auto a = woman("a", "热依汗古丽", "1985-03-02", "653101001001");
  auto b = woman("b", "阿依古丽", "1990-01-01", "654321001001");  // another name, place and year
  a.id_number = b.id_number = idn;
  auto m = match_patients(a, b);
  REQUIRE(m);
  CHECK(m->score == 100);
  CHECK(m->reason == "same_id_number");

  b = woman("b", "热依汗古丽", "1985-03-02", "653101001001");
  b.id_number = yz_test::make_id("653101", "19850302", "246");
  CHECK_FALSE(match_patients(a, b));
  b.id_number.clear();  // one without: judged by name, sex, birth and place
  m = match_patients(a, b);
  REQUIRE(m);
  CHECK(m->reason == "same_name");
  CHECK(m->score == 95);
  CHECK_FALSE(match_patients(a, a));  // a record is no duplicate of itself
}

TEST_CASE("duplicates: transliteration variants of one name share a pinyin reading") {
  const auto a = woman("a", "热依汗古丽", "1985-03-02", "653101001001");
  const auto b = woman("b", "热依罕古丽", "1986-07-15", "653101001004");  // another village, same township
  auto m = match_patients(a, b);
  REQUIRE(m);
  CHECK(m->reason == "same_pinyin");
  CHECK(m->score == 40 + 5 + 10);
  CHECK(m->detail == "reyihanguli · F · 1985/1986 · same township 653101001");
  CHECK(match_patients(b, a)->score == m->score);  // symmetric
  CHECK(name_match("阿不都", "", "阿布都", "") == "same_pinyin");  // abudu, read as names are
  CHECK(name_match("卓玛", "", "卓嘛", "") == "same_pinyin");
  CHECK(name_match("卓玛", "", "央金", "").empty());
  CHECK(name_match("扎西", "བཀྲ་ཤིས", "扎喜", "བཀྲ་ཤིས") == "same_native_name");
}

TEST_CASE("duplicates: sex, birth year ± 1 and village or township must all agree") {
  const auto a = woman("a", "卓玛", "1970-05-01", "540102001001");
  auto b = woman("b", "卓玛", "1970-05-01", "540102001001");
  REQUIRE(match_patients(a, b));
  CHECK(match_patients(a, b)->score == 50 + 25 + 20);
  b.sex = "M";
  CHECK_FALSE(match_patients(a, b));
  b = woman("b", "卓玛", "1972-01-01", "540102001001");  // two years apart
  CHECK_FALSE(match_patients(a, b));
  b = woman("b", "卓玛", "1971-12-31", "540102001001");
  CHECK(match_patients(a, b)->score == 50 + 5 + 20);
  b = woman("b", "卓玛", "1970-01-01", "540102002001");  // another township of the county
  CHECK_FALSE(match_patients(a, b));
  b = woman("b", "卓玛", "1970-01-01", "");  // no place: nothing to confirm it
  CHECK_FALSE(match_patients(a, b));
  CHECK(birth_years_close("1970-01-01", "1969-12-31"));
  CHECK_FALSE(birth_years_close("1970-01-01", ""));
}

TEST_CASE("duplicates: pairs are found in a store through the search index, tombstones left out") {
  Store s = open_store(":memory:");
  auto add = [&](const char* name, const char* birth, const char* village, const char* idn = nullptr) {
    json p = {{"name", name}, {"sex", "F"}, {"birth_date", birth}, {"village_code", village}};
    if (idn) p["id_number"] = idn;
    return s.create("patient", p);
  };
  const std::string r1 = add("热依汗古丽", "1985-03-02", "653101001001");
  const std::string r2 = add("热依罕古丽", "1986-07-15", "653101001004");
  const std::string z1 = add("卓玛", "1970-05-01", "540102001001");
  add("卓玛", "1980-05-01", "540102001001");  // ten years younger: another woman
  add("央金", "1970-05-01", "540102001001");
  const std::string idn = yz_test::make_id("540102", "19600101", "022");
  const std::string i1 = add("次仁", "1960-01-01", "540102001001", idn.c_str());
  // The same number from another county: the ID decides (the rules refuse a
  // second record with it on one device; two devices each have one).
  // As a pulled change (sync applies it without the local rule).
  const std::string stamp = s.db().execAndGet("SELECT hlc FROM patient WHERE id = '" + i1 + "'").getString();
  s.transact_synced([&](SQLite::Database& db) {
    ChangeApplier applier(db, "2026-01-01", 0);
    const auto o = applier.apply({{"entity", "patient"}, {"id", IdSource(7).next(1)}, {"hlc", stamp},
                                  {"fields", {{"name", "次仁旺堆"}, {"sex", "F"}, {"birth_date", "1960-01-01"},
                                              {"id_number", idn}, {"village_code", "653101001001"}}}});
    REQUIRE(o.status == ApplyOutcome::Status::inserted);
    applier.release();
  });

  auto pairs = find_duplicate_pairs(s.db());
  REQUIRE(pairs.size() == 2);
  CHECK(pairs[0].match.reason == "same_id_number");
  CHECK(pairs[0].a.id == i1);
  CHECK(pairs[1].match.reason == "same_pinyin");
  CHECK(pairs[1].a.id == r1);
  CHECK(pairs[1].b.id == r2);
  CHECK(find_duplicate_pairs(s.db(), "540102").size() == 1);  // the 身份证 pair has one patient there
  CHECK(find_duplicate_pairs(s.db(), "6531").size() == 2);
  CHECK(find_duplicate_pairs(s.db(), "11").empty());
  CHECK(find_duplicate_pairs(s.db(), "", 1).size() == 1);
  (void)z1;

  // A tombstone (merged by the server) is no candidate, is not listed by
  // search, and its id opens the kept patient.
  s.db().exec("UPDATE patient SET merged_into = '" + r1 + "' WHERE id = '" + r2 + "'");
  pairs = find_duplicate_pairs(s.db());
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].match.reason == "same_id_number");
  for (const auto& h : search_patients(s.db(), "reyihanguli")) CHECK(h.id != r2);
  CHECK(search_patients(s.db(), "reyihanguli").size() == 1);
  const auto h = patient_history(s.db(), r2);
  REQUIRE(h);
  CHECK((*h)["patient"]["id"] == r1);
  CHECK((*h)["merged_from"] == r2);

  // Registration warns of the same woman under a variant of her name.
  const auto warn = possible_duplicates(s.db(), woman("", "热依罕古丽", "1985-01-01", "653101001001"));
  REQUIRE(warn.size() == 1);
  CHECK(warn[0].patient.id == r1);
  CHECK(warn[0].match.matched == std::vector<std::string>{"same_pinyin", "same_sex", "same_birth_year", "same_village"});
}

TEST_CASE("duplicates: each fact that matched is listed, and at registration only what has been typed is compared") {
  // The rule's pairs list what matched.
  auto a = woman("a", "卓玛", "1970-05-01", "540102001001");
  auto b = woman("b", "卓玛", "1970-09-01", "540102001004");
  CHECK(match_patients(a, b)->matched ==
        std::vector<std::string>{"same_name", "same_sex", "same_birth_year", "same_township"});
  a.id_number = b.id_number = yz_test::make_id("540102", "19700501", "022");
  CHECK(match_patients(a, b)->matched == std::vector<std::string>{"same_id_number"});

  // A registration with only the name typed: the same name, and nothing else
  // claimed (the warning said "姓名相近、年龄相仿、同村" whatever matched).
  const auto on_file = woman("b", "卓玛", "1970-09-01", "540102001004");
  PatientFacts typed{"", "卓玛", "", "", "", "", ""};
  auto m = match_registration(typed, on_file);
  REQUIRE(m);
  CHECK(m->matched == std::vector<std::string>{"same_name"});
  CHECK(m->score == 50);
  // Then the village: another village of her township.
  typed.village_code = "540102001001";
  CHECK(match_registration(typed, on_file)->matched == std::vector<std::string>{"same_name", "same_township"});
  // The sex and a birth date a year off.
  typed.sex = "F";
  typed.birth_date = "1971-02-01";
  CHECK(match_registration(typed, on_file)->matched ==
        std::vector<std::string>{"same_name", "same_sex", "birth_year_apart", "same_township"});
  // What is typed must agree as the rule says.
  typed.sex = "M";
  CHECK_FALSE(match_registration(typed, on_file));
  typed.sex = "F";
  typed.birth_date = "1980-01-01";
  CHECK_FALSE(match_registration(typed, on_file));
  typed.birth_date.clear();
  typed.village_code = "540102002001";  // another township
  CHECK_FALSE(match_registration(typed, on_file));
  typed.village_code.clear();
  typed.id_number = yz_test::make_id("540102", "19700901", "046");
  auto card = on_file;
  card.id_number = yz_test::make_id("540102", "19700901", "020");
  CHECK_FALSE(match_registration(typed, card));  // two numbers, two people
  card.id_number = typed.id_number;
  CHECK(match_registration(typed, card)->matched == std::vector<std::string>{"same_id_number"});
}
