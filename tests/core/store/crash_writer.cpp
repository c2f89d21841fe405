// Child process of test_crash.cpp: saves an encounter with vitals for a new
// patient in a loop, one transaction each, and prints the patient id on its
// own line after each commit returns. Whatever it printed was acknowledged.
// With a passphrase it does the same on an encrypted database.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"

int main(int argc, char** argv) {
  // crash_writer DB [PASSPHRASE]: with a passphrase, DB is encrypted.
  if (argc != 2 && argc != 3) return 2;
  if (argc == 3) yz::register_database_key(argv[1], yz::unlock_key_file(argv[1], argv[2]));
  yz::Store store = yz::open_store(argv[1]);
  for (int i = 0;; ++i) {
    std::string pid;
    store.transact([&](yz::Writer& w) {
      pid = w.create("patient", {{"name", "次仁央金"}, {"sex", "F"}, {"age", 30 + i % 50}, {"village_code", "540102001001"}});
      const std::string e = w.create("encounter", {{"patient_id", pid}, {"station", "内科"}, {"complaint", "头晕"}});
      w.create("observation", {{"patient_id", pid}, {"encounter_id", e}, {"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}});
      w.create("observation", {{"patient_id", pid}, {"encounter_id", e}, {"kind", "dbp"}, {"value", 95}, {"unit", "mmHg"}});
      w.create("observation", {{"patient_id", pid}, {"encounter_id", e}, {"kind", "spo2"}, {"value", 88}, {"unit", "%"}});
    });
    const std::string line = pid + "\n";
    // write(2) straight to the pipe: no stdio buffer to lose at SIGKILL.
    if (write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 3;
  }
}
