#include "app/yizhen-server/admin_conflicts.h"

#include <iostream>
#include <memory>

#include "app/yizhen-server/admin_common.h"

using yz::server_admin::cell;
using yz::server_admin::guarded;
using yz::server_admin::open_central;
using yz::server_admin::print;

void add_conflict_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code) {
  struct Args {
    int64_t id = 0;
    bool all = false;  // retry --all
    std::string value, reason, entity, record, status;
  };
  auto a = std::make_shared<Args>();

  auto* resolve = admin.add_subcommand("resolve", "Resolve a conflict: set the field to a value on every device");
  resolve->add_option("CONFLICT_ID", a->id, "The conflict_id admin conflicts shows")->required();
  resolve->add_option("--value", a->value, "The value the field takes (JSON for list fields)")->required();
  resolve->add_option("--reason", a->reason,
                      "Why (kept in the audit); required to move a status where its steps do not go");
  resolve->callback([&db, &as_json, &code, a] {
    code = guarded([&] {
      const auto r = open_central(db, true)->resolve_conflict(a->id, a->value, a->reason, yz::sync::AuditBy{});
      if (as_json) print(true, r);
      else
        std::cout << "resolved conflict " << a->id << ": " << cell(r["entity"]) << " " << cell(r["id"]) << " "
                  << cell(r["field"]) << " = " << cell(r["value"]) << "\n";
      return 0;
    });
  });

  auto* correct = admin.add_subcommand("correct-status",
                                       "Correct a referral's or follow-up's status, backwards too, with a reason");
  correct->add_option("ENTITY", a->entity, "referral or follow_up")->required();
  correct->add_option("ID", a->record, "The record's id")->required();
  correct->add_option("STATUS", a->status, "The status it takes")->required();
  correct->add_option("--reason", a->reason, "Why (kept in the audit)")->required();
  correct->callback([&db, &as_json, &code, a] {
    code = guarded([&] {
      const auto r = open_central(db, true)->correct_status(a->entity, a->record, a->status, a->reason);
      if (as_json) print(true, r);
      else
        std::cout << "status of " << a->entity << " " << a->record << " corrected from " << cell(r.value("from", nullptr))
                  << " to " << cell(r["value"]) << "\n";
      return 0;
    });
  });

  auto* retry = admin.add_subcommand("retry", "Apply a quarantined change again, after fixing what refused it");
  auto* retry_id = retry->add_option("QUARANTINE_ID", a->id, "The quarantine_id admin quarantine shows");
  retry->add_flag("--all", a->all, "Every open one, oldest first (those still refused stay)")->excludes(retry_id);
  retry->callback([&db, &as_json, &code, a, retry_id] {
    code = guarded([&] {
      if (a->all) {
        auto store = open_central(db, true);
        const auto r = store->retry_quarantined(store->open_quarantine_ids(), yz::sync::AuditBy{});
        if (as_json) print(true, r);
        else std::cout << "retried " << r["retried"] << ", still refused " << r["left"] << "\n";
        return 0;
      }
      if (retry_id->count() == 0)
        throw yz::sync::CentralError(400, "bad_request", "QUARANTINE_ID: give one (admin quarantine lists them), or --all");
      const auto r = open_central(db, true)->retry_quarantined(a->id, yz::sync::AuditBy{});
      if (as_json) print(true, r);
      else
        std::cout << "retried quarantine " << a->id << ": " << cell(r["entity"]) << " " << cell(r["id"]) << " "
                  << cell(r["status"]) << "\n";
      return 0;
    });
  });

  auto* discard = admin.add_subcommand("discard", "Drop a quarantined change, with a reason");
  discard->add_option("QUARANTINE_ID", a->id, "The quarantine_id admin quarantine shows")->required();
  discard->add_option("--reason", a->reason, "Why (the device is told, the audit keeps it)")->required();
  discard->callback([&db, &as_json, &code, a] {
    code = guarded([&] {
      const auto r = open_central(db, true)->discard_quarantined(a->id, a->reason, yz::sync::AuditBy{});
      if (as_json) print(true, r);
      else std::cout << "discarded quarantine " << a->id << ": " << cell(r["entity"]) << " " << cell(r["id"]) << "\n";
      return 0;
    });
  });
}
