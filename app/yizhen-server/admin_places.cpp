#include "app/yizhen-server/admin_places.h"

#include "app/yizhen-server/admin_common.h"

#include <filesystem>
#include <iostream>
#include <memory>

#include "core/base/errors.h"
#include "core/base/files.h"
#include "sync/server/central_store.h"

using yz::server_admin::guarded;
using yz::server_admin::print;

void add_places_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code) {
  auto* places = admin.add_subcommand("places", "Townships and villages: import a county's list, reconcile");
  places->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  auto* import = places->add_subcommand("import", "Import a county's 统计用区划代码 list (CSV: code,name,class)");
  import->add_option("FILE", *file, "The list as CSV")->required();
  import->callback([&db, &as_json, &code, file] {
    code = guarded([&] {
      // Read first: a missing file is refused before the store opens.
      const std::string csv = yz::read_file(*file);
      print(as_json, yz::server_admin::open_central(db, true)->import_places(csv));
      return 0;
    });
  });
  auto codes = std::make_shared<std::pair<std::string, std::string>>();
  auto* reconcile = places->add_subcommand("reconcile", "Confirm a provisional place as an official one");
  reconcile->add_option("PROVISIONAL_CODE", codes->first, "The code a device gave the place")->required();
  reconcile->add_option("OFFICIAL_CODE", codes->second, "The official code it is")->required();
  reconcile->callback([&db, &as_json, &code, codes] {
    code = guarded([&] {
      print(as_json, yz::server_admin::open_central(db, true)->reconcile_place(codes->first, codes->second));
      return 0;
    });
  });
}
