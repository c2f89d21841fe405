#include "app/yizhen-server/admin_patients.h"

#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "app/common/patient_search_options.h"
#include "app/yizhen-server/admin_common.h"
#include "core/base/errors.h"
#include "sync/server/central_store.h"

using yz::server_admin::guarded;
using yz::server_admin::open_central;
using yz::server_admin::print;
using yz::sync::CentralError;

void add_patient_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code) {
  auto* patient = admin.add_subcommand("patient", "Patients of every team: search, show, edit (syncs to devices)");
  patient->require_subcommand(1);

  const auto searched = yz::cli_common::add_patient_search(*patient);
  CLI::App* search = searched.first;
  const auto sa = searched.second;
  search->callback([&db, &as_json, &code, sa] {
    code = guarded([&] {
      print(as_json, open_central(db, true)->search_patients(sa->query, sa->limit));
      return 0;
    });
  });

  auto show_id = std::make_shared<std::string>();
  auto* show = patient->add_subcommand("show", "A patient and their history (encounters, screenings, referrals, ...)");
  show->add_option("ID", *show_id, "Patient id")->required();
  show->callback([&db, &as_json, &code, show_id] {
    code = guarded([&] {
      print(as_json, open_central(db, true)->patient_history(*show_id));
      return 0;
    });
  });

  struct EditArgs {
    std::string id;
    std::map<std::string, std::optional<std::string>> fields;
  };
  auto ea = std::make_shared<EditArgs>();
  auto* edit = patient->add_subcommand("edit", "Correct a patient's name, phone, ID number, birth date, sex or village");
  edit->add_option("ID", ea->id, "Patient id")->required();
  for (const auto& [opt, field, what] : {std::tuple{"--name", "name", "Name in Chinese characters"},
                                         std::tuple{"--phone", "phone", "Phone number"},
                                         std::tuple{"--id-number", "id_number", "身份证 number (18 characters)"},
                                         std::tuple{"--birth", "birth_date", "Birth date YYYY-MM-DD (exact)"},
                                         std::tuple{"--sex", "sex", "M or F"},
                                         std::tuple{"--village", "village_code", "Village code (GB/T 2260, 12 digits)"}})
    edit->add_option(opt, ea->fields[field], what);
  edit->callback([&db, &as_json, &code, ea] {
    code = guarded([&] {
      yz::sync::json fields = yz::sync::json::object();
      for (const auto& [field, v] : ea->fields)
        if (v) fields[field] = *v;
      if (fields.empty())
        throw CentralError(400, "bad_args", "patient edit: give at least one field to change (--phone, --village, ...)");
      print(as_json, open_central(db, true)->edit_patient(ea->id, fields, yz::sync::AuditBy{}));
      return 0;
    });
  });
}
