#pragma once
// The `patient search` subcommand's arguments, the same in yizhenctl (a
// laptop's patients) and yizhen-server admin (every team's, on the central
// store).

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <utility>

namespace yz::cli_common {

struct PatientSearchArgs {
  std::string query;
  int limit = 20;
};

// Adds `search QUERY [--limit N]` under `patient`; the caller sets its
// callback, which reads the returned arguments.
inline std::pair<CLI::App*, std::shared_ptr<PatientSearchArgs>> add_patient_search(CLI::App& patient) {
  auto args = std::make_shared<PatientSearchArgs>();
  auto* search = patient.add_subcommand("search", "Find patients by name, pinyin, initials, ID number or phone");
  search->add_option("QUERY", args->query, "What to look for")->required();
  search->add_option("--limit", args->limit, "At most this many results")->check(CLI::Range(1, 1000));
  return {search, args};
}

}  // namespace yz::cli_common
