#pragma once
// Realistic synthetic field data for demos, manual testing and benchmarks
// (`yizhenctl demo`): medical aid teams from big-city hospitals running clinic
// days, screening campaigns and home visits in real counties of Tibet and
// Xinjiang over the year before kDemoReferenceDate, with every record kind of
// DESIGN.md §4 — places, teams, members, devices, households, patients (with
// valid 身份证 numbers for about 60 %), encounters, vitals, dispenses,
// screenings under the built-in programs, referrals and follow-ups that close
// the loop, and home visits.
//
// Everything goes through the Store write API (validation, outbox, search
// keys), so generated data is exactly what the app would have saved.
//
// Determinism: the generator uses its own random engine and arithmetic
// (never std::*_distribution, whose output differs between standard
// libraries), a ManualClock and IdSource(seed). The same seed on a new
// database gives identical tables, ids and HLC stamps included.

#include <cstdint>
#include <map>
#include <string>

namespace yz {

struct DemoOptions {
  int patients = 200;  // new patients to register (>= 1)
  uint64_t seed = 1;
};

struct DemoCounts {
  // Records created per record kind ("patient", "encounter", … every kind of
  // DESIGN.md §4 except audit). Later edits (a clinic day closed, a referral
  // or follow-up moving on) are not counted.
  std::map<std::string, int64_t> created;
};

// The last generated clinic day is the day before this date; follow-ups due
// after it are still "due".
inline constexpr const char* kDemoReferenceDate = "2026-06-01";

// Open (creating if missing) the database at `db_path` with the generator's
// own clock and id source, audit rows off, and fill it. The database must
// hold no records yet (a new file, or one just initialised). Writes go in
// transactions of tens of thousands of records; if one fails it rolls back
// and the exception propagates (the transactions before it stay).
// Errors: std::invalid_argument (patients < 1, or the database already holds
// records), StoreError, SQLite::Exception; a ValidationError would be a bug
// of the generator.
DemoCounts generate_demo(const std::string& db_path, const DemoOptions& options);

// The programs the generator runs screening campaigns for, by id, with the
// weight that picks one for a screening day (0: screened only alongside
// another). The ids are those of the built-in programs (core/programs).
std::map<std::string, double> demo_program_weights();
// Throws std::logic_error naming any built-in program the generator has no
// entry for, or any entry that is not a built-in program; generate_demo
// calls it first, so the two lists can never silently diverge.
void check_demo_programs();

}  // namespace yz
