#pragma once
// Screening programs as data (DESIGN.md §4, format in docs/programs.md): a
// program is a JSON document naming its fields, eligibility, skip logic,
// derived values, risk grades and the outcome rules that decide the result
// and the referral and follow-up each result triggers. This header declares
// the types and the three modules that work on them: definition.cpp parses
// and checks definitions, evaluation.cpp evaluates answers against them (with
// the expression evaluator of evaluator.h), registry.cpp keeps the registry
// of programs a device knows: the ten built-ins compiled into the binary
// (core/programs/builtin/*.json) plus versions installed later (published by the
// server, received through sync) in the `program` table.
//
// Versions: a screening stores program id and version; a definition, once
// known under an id and version, never changes (install_program refuses a
// different body), so an old screening is always read with the rules it was
// made under.
//
// Threads: parsed programs are immutable and shared (ProgramPtr); the
// registry functions take any connection (install_program needs the writer).
// Errors: ValidationError for a bad definition or bad answers (nothing
// written), SQLite::Exception for I/O.

#include <SQLiteCpp/Database.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"
#include "core/programs/evaluator.h"
#include "core/store/sql_reader.h"

namespace yz {

using json = nlohmann::json;

// A text in both UI languages ({"zh": …, "en": …}; en falls back to zh).
struct LocalText {
  std::string zh, en;
  const std::string& in(Lang lang) const { return lang == Lang::en && !en.empty() ? en : zh; }
};

enum class AnswerType { number, integer, boolean, option, multi, text, date };

struct ProgramOption {
  std::string value;
  LocalText label;
};

struct ProgramField {
  std::string id;
  AnswerType type = AnswerType::text;
  LocalText label;
  std::string unit;                  // shown after the value ("mmHg")
  std::optional<double> min, max;    // number / integer: accepted range
  int decimals = -1;                 // number: decimals to show (-1: as entered)
  bool required = false;             // missing while visible -> "incomplete"
  std::vector<ProgramOption> options;  // option / multi
  json show_if;                      // skip logic: shown when truthy (null: always)
  std::string vital;                 // observation kind(s) the app may prefill from ("sbp")
  int max_len = 200;                 // text

  const ProgramOption* option(std::string_view value) const;
};

struct DerivedValue {
  std::string id;
  LocalText label;
  int decimals = -1;
  json expr;
};

struct Grade {
  std::string code;
  LocalText label;
  std::string colour;  // "#rrggbb" for the UI, optional
};

struct ReferralRule {
  LocalText to, reason;      // reason may hold {var} placeholders
  std::string urgency = "routine";  // routine | urgent | emergency
  int appointment_days = 0;  // > 0: appointment this many days after the screening
};

struct FollowUpRule {
  int days = 0;  // due this many days after the screening
  LocalText reason;
};

struct Outcome {
  std::string id;
  json when;  // null: always (the last outcome must be unconditional)
  std::string result;  // negative | positive | suspected
  std::string grade;   // a code of Program::grades, or empty
  LocalText next_step;
  std::optional<ReferralRule> referral;
  std::optional<FollowUpRule> follow_up;
};

// Chronic patients: a follow-up of a screening whose result is in `results`
// is followed, once done, by the next one `every_days` later.
struct ChronicRule {
  std::vector<std::string> results;
  int every_days = 90;
  LocalText reason;
};

struct Program {
  std::string id;
  int version = 0;
  LocalText name, description, eligibility_text;
  std::string basis, station;
  int age_min = 0, age_max = 120;  // eligibility, whole years, inclusive
  std::string sex;                 // "M", "F" or empty (both)
  json eligible_when;              // further condition over age, sex and answers (null: none)
  std::vector<ProgramField> fields;
  std::vector<DerivedValue> derived;
  std::vector<Grade> grades;
  std::vector<Outcome> outcomes;
  std::optional<ChronicRule> chronic;
  json definition;  // the definition as given (canonical: keys sorted)
  bool builtin = false;

  const ProgramField* field(std::string_view id) const;
  const Grade* grade(std::string_view code) const;
  // The grade's label, or the code itself when unknown.
  std::string grade_label(std::string_view code, Lang lang) const;
  // An answer or derived value as a person reads it ("阳性", "142 mmHg").
  std::string display(std::string_view var, const json& value, Lang lang) const;
};
using ProgramPtr = std::shared_ptr<const Program>;

// Parse and check a definition: every field, option, grade, outcome and
// expression (known operators, variables defined before use, templates).
// Throws ValidationError (field "program", code "bad_program", args: the
// path in the document and the problem).
ProgramPtr parse_program(const json& definition);

// The ten built-in programs of DESIGN.md §4, version 1, in a fixed order.
std::span<const ProgramPtr> builtin_programs();
// Built-in by id, or nullptr.
ProgramPtr builtin_program(std::string_view id);

// ---- registry ------------------------------------------------------------
// Install a program version (e.g. received from the server). Validates with
// parse_program. Idempotent: the same id, version and body again returns
// false and writes nothing; a different body under a known id and version
// (installed or built in) throws ValidationError (field "program", code
// "program_changed"). Returns true when a new row was written. Needs the
// writer connection; runs in the caller's transaction if one is open.
bool install_program(SQLite::Database& db, const json& definition);
// install_program's rule for a registry kept elsewhere (the PostgreSQL
// central store): `definition` parsed and checked, or nullptr when that id,
// version and body are known already (built in, or `stored` returns that
// body for the id and version). Throws as install_program.
ProgramPtr new_program_version(const json& definition,
                               const std::function<std::optional<std::string>(const std::string& id, int version)>& stored);
// Every version known to this device of program `id` (built-in and
// installed), or nullptr when the id or version is unknown.
ProgramPtr find_program(SQLite::Database& db, std::string_view id, int version);
// The highest version of `id`, or nullptr.
ProgramPtr latest_program(SQLite::Database& db, std::string_view id);
// The same two over any engine (core/store/sql_reader.h).
ProgramPtr find_program(SqlReader& r, std::string_view id, int version);
ProgramPtr latest_program(SqlReader& r, std::string_view id);
// The highest version of every known program: built-ins in their order,
// then installed programs by id.
std::vector<ProgramPtr> latest_programs(SQLite::Database& db);
std::vector<ProgramPtr> latest_programs(SqlReader& r);

// ---- evaluation ----------------------------------------------------------
// Who is screened: age in whole years on the screening date, sex "M"/"F".
struct Subject {
  int age = 0;
  std::string sex;
};

struct Evaluation {
  std::string result;  // negative | positive | suspected | incomplete
  std::string grade;   // grade code, empty when incomplete
  std::string outcome_id;
  LocalText next_step;
  json answers = json::object();  // normalised answers; hidden fields dropped
  json derived = json::object();  // derived values by id (null when not computable)
  std::vector<std::string> missing;  // required, visible, unanswered field ids
  struct Referral {
    LocalText to, reason;  // placeholders filled
    std::string urgency;
    int appointment_days = 0;
  };
  std::optional<Referral> referral;
  struct FollowUp {
    int days = 0;
    LocalText reason;
  };
  std::optional<FollowUp> follow_up;
};

// The reason `subject` may not be screened under `program` (age or sex), or
// nullopt when eligible so far (eligible_when is checked with the answers).
std::optional<FieldError> eligibility_problem(const Program& program, const Subject& subject);

// Evaluate answers ({field id: value}; keys starting with "_" are ignored).
// Throws ValidationError for an ineligible subject, an unknown field, a value
// of the wrong type, outside its range or not among its options. Missing
// required answers are not an error: the result is "incomplete" and no
// referral or follow-up is planned.
Evaluation evaluate(const Program& program, const Subject& subject, const json& answers);

// Whether `field` is shown given the answers so far (its show_if).
bool field_visible(const Program& program, const ProgramField& field, const Subject& subject, const json& answers);


// A number as programs show it: `decimals` places, or %g when negative.
std::string format_number(double value, int decimals);

}  // namespace yz
