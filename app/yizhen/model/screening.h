#pragma once
// A screening in the encounter, for any program (core/programs.h): which
// programs are offered to this patient, the answers as typed, which fields
// skip logic shows, the live result, and the input record_screening gets.
// Nothing here knows a particular program. Unit-tested without a window.
//
// Threads: UI thread. Programs are immutable snapshots (ProgramPtr) loaded
// on the DbWorker; evaluate() is pure computation on a small document.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/yizhen/model/field_errors.h"
#include "core/care/screening.h"
#include "core/programs/programs.h"

namespace yz::app {

// One program in the picker: eligible ones first (in registry order), then
// the others with the reason they do not fit.
struct ProgramChoice {
  ProgramPtr program;
  std::string problem;  // empty: eligible by age and sex
};
std::vector<ProgramChoice> offer_programs(const std::vector<ProgramPtr>& programs, const Subject& subject, Lang lang);
// Age (whole years on `today`) and sex of a patient record (patient_history's
// "patient"); age 0 when its birth date is unknown.
Subject subject_of(const json& patient, const std::string& today);

struct ScreeningForm {
  std::string program_id;  // empty: no screening
  int program_version = 0;
  ProgramPtr program;      // resolved from the snapshot; may lag program_id after a draft restore
  // Answers as typed: number, integer, text and date fields as text;
  // boolean, option and multi fields as JSON (true/false, "value", [values]).
  std::map<std::string, std::string> typed;
  json choices = json::object();

  // After update(): problems by field id (typed values the program refuses),
  // a problem with the whole screening (eligibility), and the evaluation of
  // the answers that were accepted.
  FieldErrors errors;
  Words problem;  // empty: none
  std::optional<Evaluation> evaluation;

  bool active() const { return !program_id.empty(); }
  // Start `p`, prefilling fields that name a vital from `vitals` (code ->
  // typed text; "glucose_fasting|glucose_random" takes the first typed).
  void start(ProgramPtr p, const std::map<std::string, std::string>& vitals);
  void clear();
  // After a draft restore: find program_id/version among `programs`.
  void resolve(const std::vector<ProgramPtr>& programs);

  // Answer edits (choices): set/unset a boolean or option, toggle in a multi.
  void set_boolean(const std::string& field, std::optional<bool> value);
  void set_option(const std::string& field, const std::string& value);  // the same again unsets
  void toggle_multi(const std::string& field, const std::string& value);
  std::optional<bool> boolean(const std::string& field) const;
  std::string option(const std::string& field) const;
  bool has_multi(const std::string& field, const std::string& value) const;

  // The answers object given to the engine (empty texts left out).
  json answers() const;
  // Evaluate: refused answers are left out (their problem goes to errors)
  // so the result reflects everything else. Cheap; call after each change.
  void update(const Subject& subject);
  // update() when the answers or subject changed since the last
  // refresh (the screen calls this each frame). Returns true when it ran.
  bool refresh(const Subject& subject);
  // Is the field shown (skip logic over the accepted answers)?
  bool visible(const ProgramField& field, const Subject& subject) const;

  // What record_screening writes (program version pinned to the one shown).
  ScreeningInput input(const std::string& patient_id, const std::string& clinic_day_id,
                       const std::string& encounter_id) const;

  json to_json() const;  // draft
  static ScreeningForm from_json(const json& j);

 private:
  json accepted_ = json::object();  // answers() minus refused ones, after update()
  std::string last_key_;            // what refresh() last evaluated
};

}  // namespace yz::app
