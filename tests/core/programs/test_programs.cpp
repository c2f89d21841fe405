// Screening programs as data: the ten built-ins load, and each one's rules
// give the expected result, grade, referral and follow-up for a table of
// inputs (thresholds from the Chinese guidelines each program names); the
// expression language; definition checks; version handling.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <optional>

#include "core/programs/programs.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::first_error;

namespace {

struct Case {
  int age;
  const char* sex;
  const char* answers;  // JSON
  const char* result;
  const char* grade;    // "" when none
  int follow_days;      // 0: none
  const char* urgency;  // "": no referral
};

void check_table(const char* program_id, std::initializer_list<Case> cases) {
  ProgramPtr p = builtin_program(program_id);
  REQUIRE(p);
  int row = 0;
  for (const Case& c : cases) {
    ++row;
    CAPTURE(program_id);
    CAPTURE(row);
    CAPTURE(c.answers);
    const Evaluation ev = evaluate(*p, Subject{c.age, c.sex}, json::parse(c.answers));
    CHECK(ev.result == c.result);
    CHECK(ev.grade == c.grade);
    if (c.follow_days) {
      REQUIRE(ev.follow_up);
      CHECK(ev.follow_up->days == c.follow_days);
      CHECK_FALSE(ev.follow_up->reason.zh.empty());
    } else {
      CHECK_FALSE(ev.follow_up);
    }
    if (*c.urgency) {
      REQUIRE(ev.referral);
      CHECK(ev.referral->urgency == c.urgency);
      CHECK_FALSE(ev.referral->to.zh.empty());
      CHECK(ev.referral->reason.zh.find('{') == std::string::npos);  // placeholders filled
    } else {
      CHECK_FALSE(ev.referral);
    }
    // The closed loop: every positive or suspected result plans a follow-up.
    if (ev.result == "positive" || ev.result == "suspected") CHECK(ev.follow_up);
  }
}

}  // namespace

TEST_CASE("programs: the ten built-ins of DESIGN.md section 4 load with their fixed ids") {
  const std::vector<std::string> ids{"gi-early-cancer",        "congenital-heart", "hypertension", "diabetes",
                                     "tuberculosis",           "cervical-breast-cancer", "scoliosis",
                                     "kashin-beck",            "cataract",         "high-risk-pregnancy"};
  auto all = builtin_programs();
  REQUIRE(all.size() == ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    CHECK(all[i]->id == ids[i]);
    CHECK(all[i]->version == 1);
    CHECK(all[i]->builtin);
    CHECK_FALSE(all[i]->name.zh.empty());
    CHECK_FALSE(all[i]->name.en.empty());
    CHECK_FALSE(all[i]->basis.empty());
    // Every grade an outcome names exists, and every label has both languages.
    for (const auto& o : all[i]->outcomes)
      if (!o.grade.empty()) CHECK(all[i]->grade(o.grade));
    for (const auto& f : all[i]->fields) CHECK_FALSE(f.label.en.empty());
  }
  CHECK(builtin_program("gi-early-cancer")->age_min == 40);
  CHECK(builtin_program("gi-early-cancer")->age_max == 69);
  CHECK(builtin_program("cervical-breast-cancer")->sex == "F");
  CHECK(builtin_program("high-risk-pregnancy")->grades.size() == 5);  // 五色
}

TEST_CASE("programs: hypertension grades blood pressure as the 2018 Chinese guideline") {
  check_table("hypertension",
              {
                  {50, "M", R"({"sbp": 118, "dbp": 76})", "negative", "normal", 0, ""},
                  {50, "M", R"({"sbp": 128, "dbp": 82})", "negative", "high_normal", 0, ""},
                  {50, "M", R"({"sbp": 139, "dbp": 89})", "negative", "high_normal", 0, ""},
                  {50, "M", R"({"sbp": 140, "dbp": 85})", "positive", "grade1", 28, ""},
                  {50, "M", R"({"sbp": 135, "dbp": 90})", "positive", "grade1", 28, ""},
                  {50, "M", R"({"sbp": 150, "dbp": 102})", "positive", "grade2", 14, ""},
                  {50, "M", R"({"sbp": 160, "dbp": 80})", "positive", "grade2", 14, ""},
                  {50, "M", R"({"sbp": 182, "dbp": 95})", "positive", "grade3", 14, "urgent"},
                  {50, "M", R"({"sbp": 150, "dbp": 110})", "positive", "grade3", 14, "urgent"},
                  {50, "M", R"({"sbp": 185, "dbp": 115, "symptoms": ["chest_pain"]})", "positive", "grade3", 7,
                   "emergency"},
                  {50, "M", R"({"sbp": 130, "dbp": 80, "known": true, "on_treatment": true})", "positive",
                   "controlled", 90, ""},
                  // on_treatment is only asked when known: alone it is dropped.
                  {50, "M", R"({"sbp": 130, "dbp": 80, "on_treatment": true})", "negative", "high_normal", 0, ""},
                  {50, "M", R"({"sbp": "146", "dbp": "92"})", "positive", "grade1", 28, ""},  // typed as text
                  {50, "M", R"({"sbp": 140})", "incomplete", "", 0, ""},
              });
  const Evaluation ev = evaluate(*builtin_program("hypertension"), {50, "M"}, json::parse(R"({"sbp": 182, "dbp": 95})"));
  CHECK(ev.referral->reason.zh == "3级高血压（182/95 mmHg）");
  const Evaluation inc = evaluate(*builtin_program("hypertension"), {50, "M"}, json::parse(R"({"sbp": 140})"));
  CHECK(inc.missing == std::vector<std::string>{"dbp"});
  CHECK(inc.next_step.zh == "补充：舒张压");
}

TEST_CASE("programs: diabetes judges fasting and random glucose") {
  check_table("diabetes",
              {
                  {50, "F", R"({"fasting": true, "glucose": 5.2})", "negative", "normal", 0, ""},
                  {50, "F", R"({"fasting": true, "glucose": 6.1})", "suspected", "prediabetes", 90, ""},
                  {50, "F", R"({"fasting": false, "glucose": 9.0})", "suspected", "prediabetes", 90, ""},
                  {50, "F", R"({"fasting": false, "glucose": 7.7})", "negative", "normal", 0, ""},
                  {50, "F", R"({"fasting": true, "glucose": 7.0})", "positive", "diabetes", 30, ""},
                  {50, "F", R"({"fasting": false, "glucose": 11.1})", "positive", "diabetes", 30, ""},
                  {50, "F", R"({"fasting": false, "glucose": 10.9})", "suspected", "prediabetes", 90, ""},
                  {50, "F", R"({"fasting": true, "glucose": 18.2})", "positive", "severe", 14, "urgent"},
                  {50, "F", R"({"fasting": true, "glucose": 5.8, "known": true, "on_treatment": true})", "positive",
                   "controlled", 90, ""},
                  {50, "F", R"({"glucose": 6.0})", "incomplete", "", 0, ""},
              });
}

TEST_CASE("programs: GI early cancer computes the 0-23 gastric cancer risk score") {
  ProgramPtr p = builtin_program("gi-early-cancer");
  // 55-year-old man: age 5 + sex 4; Hp+ 1; PGR 2.5 < 3.89: 3; G-17 15 > 11.5: 5 = 18.
  const Evaluation high = evaluate(*p, {55, "M"}, json::parse(R"({"hp": "positive", "pg1": 50, "pg2": 20, "g17": 15})"));
  CHECK(high.derived["score"] == 18);
  CHECK(high.derived["pgr"] == 2.5);
  CHECK(high.referral->reason.zh == "胃癌筛查高危（评分18分），需胃镜检查");
  CHECK(high.referral->appointment_days == 30);
  check_table("gi-early-cancer",
              {
                  {55, "M", R"({"hp": "positive", "pg1": 50, "pg2": 20, "g17": 15})", "positive", "high", 30, "routine"},
                  // 9 + 0 + 0 (PGR 8) + 3 (G-17 5) = 12: medium, endoscopy within 2 years.
                  {55, "M", R"({"hp": "negative", "pg1": 80, "pg2": 10, "g17": 5})", "negative", "medium", 0, ""},
                  {65, "F", R"({"hp": "positive", "pg1": 30, "pg2": 10, "g17": 12})", "negative", "medium", 0, ""},
                  {65, "M", R"({"hp": "positive", "pg1": 30, "pg2": 10, "g17": 12})", "positive", "high", 30, "routine"},
                  {45, "F", R"({"hp": "positive", "pg1": 80, "pg2": 10, "g17": 1.0})", "negative", "low", 0, ""},
                  {45, "F", R"({"hp": "negative", "pg1": 80, "pg2": 10, "g17": 1.0})", "negative", "low", 0, ""},
                  {45, "F", R"({"alarm": ["melena"], "hp": "negative", "pg1": 80, "pg2": 10, "g17": 1.0})",
                   "positive", "alarm", 30, "urgent"},
                  {45, "F", R"({"hp": "negative"})", "incomplete", "", 0, ""},
              });
  CHECK(evaluate(*p, {45, "F"}, json::parse(R"({"hp": "positive", "pg1": 80, "pg2": 10, "g17": 1})")).next_step.zh ==
        "根除幽门螺杆菌治疗，3年后复筛");
  // Outside 40-69: refused, naming the age.
  const FieldError e = first_error([&] { evaluate(*p, {35, "M"}, json::object()); });
  CHECK(e.field == "age");
  CHECK(e.code == "not_eligible_age");
  CHECK(first_error([&] { evaluate(*p, {70, "M"}, json::object()); }).field == "age");
}

TEST_CASE("programs: congenital heart disease uses auscultation, altitude-adjusted SpO2 and echo") {
  check_table("congenital-heart",
              {
                  {5, "M", R"({"murmur": false, "spo2": 97})", "negative", "normal", 0, ""},
                  {5, "M", R"({"murmur": true, "spo2": 97})", "suspected", "suspected", 45, "routine"},
                  // 88 % is normal at 4,500 m, not at 500 m.
                  {5, "M", R"({"murmur": false, "spo2": 88, "altitude_m": 4500})", "negative", "normal", 0, ""},
                  {5, "M", R"({"murmur": false, "spo2": 88, "altitude_m": 500})", "suspected", "suspected", 45,
                   "routine"},
                  {5, "M", R"({"murmur": false, "spo2": 82, "altitude_m": 4500})", "suspected", "suspected", 45,
                   "routine"},
                  {5, "M", R"({"murmur": true, "spo2": 96, "echo_done": true, "echo": "vsd"})", "positive",
                   "needs_treatment", 60, "routine"},
                  {5, "M", R"({"murmur": true, "spo2": 80, "echo_done": true, "echo": "tof"})", "positive", "complex",
                   30, "urgent"},
                  {5, "M", R"({"murmur": true, "spo2": 98, "echo_done": true, "echo": "normal"})", "negative",
                   "functional", 0, ""},
                  {5, "M", R"({"murmur": true, "spo2": 98, "echo_done": true})", "incomplete", "", 0, ""},
                  // The echo answer without echo_done is hidden and dropped.
                  {5, "M", R"({"murmur": true, "spo2": 98, "echo": "vsd"})", "suspected", "suspected", 45, "routine"},
              });
  const Evaluation ev =
      evaluate(*builtin_program("congenital-heart"), {5, "M"}, json::parse(R"({"murmur": true, "spo2": 98, "echo": "vsd"})"));
  CHECK_FALSE(ev.answers.contains("echo"));
  CHECK(evaluate(*builtin_program("congenital-heart"), {5, "M"},
                 json::parse(R"({"murmur": true, "spo2": 96, "echo_done": true, "echo": "asd"})"))
            .referral->reason.zh == "先心病筛查阳性（房间隔缺损），需手术评估");
  CHECK(first_error([&] { evaluate(*builtin_program("congenital-heart"), {18, "M"}, json::object()); }).field == "age");
}

TEST_CASE("programs: tuberculosis finds presumptive cases by symptoms, contacts and tests") {
  check_table("tuberculosis",
              {
                  {40, "M", R"({"cough_2w": false, "hemoptysis": false})", "negative", "none", 0, ""},
                  {40, "M", R"({"cough_2w": true, "hemoptysis": false})", "suspected", "presumptive", 14, "routine"},
                  {40, "M", R"({"cough_2w": false, "hemoptysis": true})", "suspected", "presumptive", 14, "routine"},
                  {40, "M", R"({"cough_2w": false, "hemoptysis": false, "contact": true, "fever_night_sweats": true})",
                   "suspected", "presumptive", 14, "routine"},
                  {40, "M", R"({"cough_2w": false, "hemoptysis": false, "contact": true})", "negative", "none", 0, ""},
                  {40, "M", R"({"cough_2w": false, "hemoptysis": false, "xray": "abnormal"})", "suspected",
                   "presumptive", 14, "routine"},
                  {40, "M", R"({"cough_2w": true, "hemoptysis": false, "sputum": "positive"})", "positive",
                   "bacteriological", 14, "urgent"},
                  {40, "M", R"({"cough_2w": true})", "incomplete", "", 0, ""},
              });
}

TEST_CASE("programs: cervical and breast cancer follow the HPV, cytology and BI-RADS triage") {
  check_table("cervical-breast-cancer",
              {
                  {45, "F", R"({"hpv": "negative", "breast_us": "1"})", "negative", "normal", 0, ""},
                  {45, "F", R"({"hpv": "hpv16_18", "breast_us": "2"})", "positive", "cervix", 30, "routine"},
                  {45, "F", R"({"hpv": "other_hr", "tct": "nilm", "breast_us": "2"})", "negative", "hpv_recheck", 365,
                   ""},
                  {45, "F", R"({"hpv": "other_hr", "tct": "asc_us", "breast_us": "1"})", "positive", "cervix", 30,
                   "routine"},
                  {45, "F", R"({"hpv": "other_hr", "breast_us": "1"})", "incomplete", "", 0, ""},
                  // Cytology is only asked after other high-risk types: dropped here.
                  {45, "F", R"({"hpv": "negative", "tct": "hsil", "breast_us": "1"})", "negative", "normal", 0, ""},
                  {45, "F", R"({"hpv": "negative", "breast_us": "4"})", "positive", "breast", 30, "urgent"},
                  {45, "F", R"({"hpv": "hpv16_18", "breast_us": "5"})", "positive", "both", 30, "urgent"},
                  {45, "F", R"({"hpv": "negative", "breast_us": "3"})", "suspected", "breast_recheck", 180, ""},
                  {45, "F", R"({"hpv": "negative", "breast_us": 0})", "suspected", "breast_recheck", 180, ""},
              });
  const FieldError e = first_error([&] { evaluate(*builtin_program("cervical-breast-cancer"), {45, "M"}, json::object()); });
  CHECK(e.field == "sex");
}

TEST_CASE("programs: scoliosis uses the forward bend test, ATR and the Cobb angle") {
  check_table("scoliosis",
              {
                  {12, "F", R"({"forward_bend": "negative"})", "negative", "normal", 0, ""},
                  {12, "F", R"({"forward_bend": "positive", "atr_deg": 4})", "negative", "postural", 0, ""},
                  {12, "F", R"({"forward_bend": "positive", "atr_deg": 5.5})", "suspected", "atr5", 180, "routine"},
                  {12, "F", R"({"forward_bend": "positive", "atr_deg": 8})", "positive", "atr7", 90, "routine"},
                  {12, "F", R"({"forward_bend": "positive"})", "incomplete", "", 0, ""},
                  {12, "F", R"({"forward_bend": "negative", "asymmetry": ["shoulders"], "atr_deg": 7})", "positive",
                   "atr7", 90, "routine"},
                  {12, "F", R"({"forward_bend": "positive", "atr_deg": 8, "cobb_deg": 8})", "negative", "postural", 0,
                   ""},
                  {12, "F", R"({"forward_bend": "positive", "atr_deg": 8, "cobb_deg": 12})", "positive", "mild", 180,
                   ""},
                  {12, "F", R"({"forward_bend": "positive", "atr_deg": 9, "cobb_deg": 25})", "positive", "moderate", 90,
                   "routine"},
                  {12, "F", R"({"forward_bend": "positive", "atr_deg": 15, "cobb_deg": 45})", "positive", "severe", 90,
                   "routine"},
              });
}

TEST_CASE("programs: Kashin-Beck disease grades I to III in endemic areas only") {
  check_table("kashin-beck",
              {
                  {40, "M", R"({"endemic_residence": true, "joint_enlargement": false})", "negative", "none", 0, ""},
                  {40, "M", R"({"endemic_residence": true, "joint_enlargement": true})", "positive", "grade1", 180, ""},
                  {40, "M", R"({"endemic_residence": true, "joint_enlargement": true, "short_fingers": true})",
                   "positive", "grade2", 90, "routine"},
                  {40, "M",
                   R"({"endemic_residence": true, "joint_enlargement": true, "short_limbs": true, "short_stature": true})",
                   "positive", "grade3", 90, "routine"},
                  {40, "M", R"({"endemic_residence": true, "joint_enlargement": false, "limited_motion": true})",
                   "suspected", "suspected", 90, ""},
                  {10, "F", R"({"endemic_residence": true, "joint_enlargement": false, "xray_hand": "metaphysis"})",
                   "positive", "preclinical", 180, ""},
                  // Hand X-ray is a children's test: dropped for adults.
                  {40, "F", R"({"endemic_residence": true, "joint_enlargement": false, "xray_hand": "metaphysis"})",
                   "negative", "none", 0, ""},
              });
  const FieldError e = first_error([&] {
    evaluate(*builtin_program("kashin-beck"), {40, "M"},
             json::parse(R"({"endemic_residence": false, "joint_enlargement": true})"));
  });
  CHECK(e.field == "answers");
  CHECK(e.code == "not_eligible");
}

TEST_CASE("programs: cataract refers when the better eye sees less than 0.3 with lens opacity") {
  check_table("cataract",
              {
                  {70, "F", R"({"va_right": 0.8, "va_left": 0.6, "lens_opacity": "none"})", "negative", "normal", 0, ""},
                  {70, "F", R"({"va_right": 0.2, "va_left": 0.1, "lens_opacity": "marked"})", "positive", "low_vision",
                   60, "routine"},
                  {70, "F", R"({"va_right": 0.02, "va_left": 0.04, "lens_opacity": "marked"})", "positive", "blind",
                   30, "routine"},
                  {70, "F", R"({"va_right": 0.5, "va_left": 0.2, "lens_opacity": "mild"})", "negative", "mild", 0, ""},
                  {70, "F", R"({"va_right": 0.1, "va_left": 0.2, "lens_opacity": "none"})", "suspected", "other_eye",
                   90, "routine"},
              });
  CHECK(first_error([&] {
          evaluate(*builtin_program("cataract"), {70, "F"}, json::parse(R"({"va_right": 3, "va_left": 0.5})"));
        }).code == "out_of_range");
}

TEST_CASE("programs: high-risk pregnancy grades the five colours") {
  check_table("high-risk-pregnancy",
              {
                  {28, "F", R"({"gestational_weeks": 20, "sbp": 110, "dbp": 70})", "negative", "green", 0, ""},
                  {36, "F", R"({"gestational_weeks": 20, "sbp": 110, "dbp": 70})", "positive", "yellow", 28, ""},
                  {28, "F", R"({"gestational_weeks": 20, "sbp": 110, "dbp": 70, "hb": 100})", "positive", "yellow", 28,
                   ""},
                  {28, "F", R"({"gestational_weeks": 20, "sbp": 110, "dbp": 70, "height_cm": 144})", "positive",
                   "yellow", 28, ""},
                  {28, "F", R"({"gestational_weeks": 20, "sbp": 145, "dbp": 92})", "positive", "yellow", 28, ""},
                  {28, "F", R"({"gestational_weeks": 20, "sbp": 110, "dbp": 70, "hb": 55})", "positive", "orange", 14,
                   "routine"},
                  {41, "F", R"({"gestational_weeks": 20, "sbp": 110, "dbp": 70})", "positive", "orange", 14, "routine"},
                  {28, "F", R"({"gestational_weeks": 20, "sbp": 165, "dbp": 100})", "positive", "orange", 14, "routine"},
                  {28, "F", R"({"gestational_weeks": 30, "sbp": 110, "dbp": 70, "orange": ["placenta_previa"]})",
                   "positive", "orange", 14, "routine"},
                  {28, "F", R"({"gestational_weeks": 30, "sbp": 110, "dbp": 70, "red": ["eclampsia"]})", "positive",
                   "red", 7, "urgent"},
                  {28, "F", R"({"gestational_weeks": 12, "sbp": 110, "dbp": 70, "purple": ["hbsag"]})", "positive",
                   "purple", 14, "routine"},
                  {28, "F", R"({"gestational_weeks": 12, "sbp": 110, "dbp": 70, "purple": ["hbsag"], "red": ["heart_failure"]})",
                   "positive", "red", 7, "urgent"},
                  {28, "F", R"({"sbp": 110, "dbp": 70})", "incomplete", "", 0, ""},
              });
  CHECK(first_error([&] { evaluate(*builtin_program("high-risk-pregnancy"), {28, "M"}, json::object()); }).field ==
        "sex");
  const Evaluation ev = evaluate(*builtin_program("high-risk-pregnancy"), {28, "F"},
                                 json::parse(R"({"gestational_weeks": 12, "sbp": 110, "dbp": 70, "purple": ["syphilis"]})"));
  CHECK(ev.referral->reason.zh == "妊娠风险紫色（传染性疾病）：梅毒");
}

TEST_CASE("programs: answers are checked against the definition") {
  ProgramPtr p = builtin_program("hypertension");
  auto errs = yz_test::validation_errors([&] {
    evaluate(*p, {50, "M"}, json::parse(R"({"sbp": "abc", "dbp": 400, "colour": 1, "known": "maybe"})"));
  });
  CHECK(yz_test::has_error(errs, "answers.sbp", "bad_number"));
  CHECK(yz_test::has_error(errs, "answers.dbp", "out_of_range"));
  CHECK(yz_test::has_error(errs, "answers.colour", "unknown_field"));
  CHECK(yz_test::has_error(errs, "answers.known", "not_boolean"));
  CHECK(first_error([&] { evaluate(*builtin_program("gi-early-cancer"), {50, "M"}, json::parse(R"({"hp": "maybe"})")); })
            .code == "bad_option");
  CHECK(first_error([&] {
          evaluate(*builtin_program("high-risk-pregnancy"), {30, "F"}, json::parse(R"({"gestational_weeks": 20.5})"));
        }).code == "not_integer");
  // Keys starting with "_" (stored derived values) are ignored on re-evaluation.
  CHECK(evaluate(*p, {50, "M"}, json::parse(R"({"sbp": 150, "dbp": 95, "_derived": {}})")).result == "positive");
}

TEST_CASE("programs: the expression language") {
  const json vars = {{"a", 5}, {"b", 2.5}, {"s", "x"}, {"list", {"p", "q"}}, {"t", true}};
  auto ev = [&](const char* e) { return eval_expression(json::parse(e), vars); };
  CHECK(ev(R"({"+": [{"var": "a"}, {"var": "b"}]})") == 7.5);
  CHECK(ev(R"({"/": [{"var": "a"}, 0]})").is_null());
  CHECK(ev(R"({"+": [{"var": "a"}, {"var": "missing"}]})").is_null());
  CHECK(ev(R"({">=": [{"var": "missing"}, 0]})") == false);  // unanswered never meets a threshold
  CHECK(ev(R"({"<": [1, {"var": "a"}, 10]})") == true);
  CHECK(ev(R"({"<=": [1, {"var": "a"}, 4]})") == false);
  CHECK(ev(R"({"==": [{"var": "a"}, 5.0]})") == true);
  CHECK(ev(R"({"!=": [{"var": "missing"}, false]})") == true);
  CHECK(ev(R"({"in": [{"var": "s"}, ["x", "y"]]})") == true);
  CHECK(ev(R"({"in": [{"var": "missing"}, ["x"]]})") == false);
  CHECK(ev(R"({"count": [{"var": "list"}]})") == 2);
  CHECK(ev(R"({"count": [{"var": "missing"}]})") == 0);
  CHECK(ev(R"({"if": [false, 1, {"var": "t"}, 2, 3]})") == 2);
  CHECK(ev(R"({"if": [false, 1, 3]})") == 3);
  CHECK(ev(R"({"and": [{"var": "t"}, {"!": {"var": "missing"}}]})") == true);
  CHECK(ev(R"({"or": [false, 0, ""]})") == false);
  CHECK(ev(R"({"max": [1, {"var": "a"}, 3]})") == 5.0);
  CHECK(ev(R"({"var": ["missing", 9]})") == 9);
}

namespace {
json minimal(int version = 1, int threshold = 140) {
  return json{{"id", "bp-test"},
              {"version", version},
              {"name", {{"zh", "血压测试"}, {"en", "BP test"}}},
              {"fields", {{{"id", "sbp"}, {"type", "number"}, {"label", "收缩压"}, {"required", true}}}},
              {"outcomes",
               {{{"id", "high"},
                 {"when", {{">=", {{{"var", "sbp"}}, threshold}}}},
                 {"result", "positive"},
                 {"follow_up", {{"days", 30}, {"reason", "复测"}}}},
                {{"id", "ok"}, {"result", "negative"}}}}};
}
}  // namespace

TEST_CASE("programs: definitions are checked with the path of the problem") {
  CHECK_NOTHROW(parse_program(minimal()));
  auto problem = [](json d) {
    const FieldError e = first_error([&] { parse_program(d); });
    CHECK(e.field == "program");
    CHECK(e.code == "bad_program");
    return e.args.at(0);
  };
  json d = minimal();
  d["fields"][0]["type"] = "colour";
  CHECK(problem(d) == "$.fields[0].type");
  d = minimal();
  d["outcomes"][0]["when"] = {{"var", "dbp"}};
  CHECK(problem(d) == "$.outcomes[0].when");
  d = minimal();
  d["outcomes"][0]["when"] = {{"xor", {1, 2}}};
  CHECK(problem(d) == "$.outcomes[0].when");
  d = minimal();
  d["outcomes"][1]["when"] = true;  // no catch-all last
  CHECK(problem(d) == "$.outcomes[1].when");
  d = minimal();
  d["outcomes"][0].erase("follow_up");  // a positive result without follow-up breaks the loop
  CHECK(problem(d) == "$.outcomes[0].follow_up");
  d = minimal();
  d["outcomes"][0]["grade"] = "nope";
  CHECK(problem(d) == "$.outcomes[0].grade");
  d = minimal();
  d["id"] = "Bad Id";
  CHECK(problem(d) == "$.id");
  d = minimal();
  d["outcomes"][0]["follow_up"]["reason"] = "复测 {dbp}";
  CHECK(problem(d) == "$.outcomes[0].follow_up.reason");
  d = minimal();
  d["fields"].push_back(d["fields"][0]);
  CHECK(problem(d) == "$.fields[1].id");
}

TEST_CASE("programs: versions are installed once, never changed, and old ones stay readable") {
  Store store = open_store(":memory:");
  SQLite::Database& db = store.db();
  CHECK(latest_program(db, "bp-test") == nullptr);
  CHECK(install_program(db, minimal(1, 140)));
  CHECK_FALSE(install_program(db, minimal(1, 140)));  // idempotent
  CHECK(yz_test::count_rows(db, "program") == 1);
  // The same id and version with another body is refused, and nothing changes.
  const FieldError e = first_error([&] { install_program(db, minimal(1, 150)); });
  CHECK(e.code == "program_changed");
  CHECK(yz_test::count_rows(db, "program") == 1);
  CHECK(install_program(db, minimal(2, 150)));
  CHECK(latest_program(db, "bp-test")->version == 2);
  // v1 keeps its own rule: 145 is positive under v1, negative under v2.
  const json a = {{"sbp", 145}};
  CHECK(evaluate(*find_program(db, "bp-test", 1), {50, "M"}, a).result == "positive");
  CHECK(evaluate(*find_program(db, "bp-test", 2), {50, "M"}, a).result == "negative");
  CHECK(find_program(db, "bp-test", 3) == nullptr);
  // Listed with the built-ins, at its latest version.
  auto all = latest_programs(db);
  CHECK(all.size() == 11);
  CHECK(all.back()->id == "bp-test");
  CHECK(all.back()->version == 2);
  // A built-in's id and version cannot be given another body; a new version of
  // it can be installed and becomes the latest.
  json hbp = builtin_program("hypertension")->definition;
  CHECK_FALSE(install_program(db, hbp));
  hbp["name"]["zh"] = "改过的高血压筛查";
  CHECK(first_error([&] { install_program(db, hbp); }).code == "program_changed");
  hbp["version"] = 2;
  CHECK(install_program(db, hbp));
  CHECK(latest_program(db, "hypertension")->version == 2);
  CHECK(find_program(db, "hypertension", 1)->builtin);
  // A bad definition is refused before anything is written.
  json bad = minimal(3);
  bad["fields"] = json::array();
  CHECK(first_error([&] { install_program(db, bad); }).code == "bad_program");
  CHECK(yz_test::count_rows(db, "program") == 3);
}
