#include "app/yizhen-server/admin_duplicates.h"

#include <memory>

#include "app/yizhen-server/admin_common.h"
#include "sync/server/central_store.h"

using yz::server_admin::guarded;
using yz::server_admin::open_central;
using yz::server_admin::print;
using yz::sync::CentralError;

void add_duplicates_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code) {
  auto area = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(1000);
  auto* dups = admin.add_subcommand("duplicates", "Patients registered twice: candidate pairs with a score and the reason");
  dups->add_option("--area", *area, "Only pairs with a patient in this place code (prefix)");
  dups->add_option("--limit", *limit, "At most this many pairs")->check(CLI::Range(1, 100000));
  dups->callback([&db, &as_json, &code, area, limit] {
    code = guarded([&] {
      print(as_json, open_central(db, true)->duplicates(*area, *limit));
      return 0;
    });
  });

  struct MergeArgs {
    std::string keep, duplicate, reason, undo;
  };
  auto m = std::make_shared<MergeArgs>();
  auto* merge = admin.add_subcommand("merge", "Merge DUPLICATE_ID into KEEP_ID (--reason), or undo a merge (--undo)");
  merge->add_option("KEEP_ID", m->keep, "The patient kept");
  merge->add_option("DUPLICATE_ID", m->duplicate, "The patient merged into it (stays as a tombstone)");
  merge->add_option("--reason", m->reason, "Why the two are one person (kept in the audit)");
  merge->add_option("--undo", m->undo, "Undo the merge MERGE_ID (see admin merges)");
  merge->callback([&db, &as_json, &code, m] {
    code = guarded([&] {
      if (!m->undo.empty()) {
        if (!m->keep.empty() || !m->duplicate.empty())
          throw CentralError(400, "bad_args", "merge --undo MERGE_ID takes no patient ids");
        print(as_json, open_central(db, true)->undo_merge(m->undo, m->reason, yz::sync::AuditBy{}));
        return 0;
      }
      if (m->keep.empty() || m->duplicate.empty())
        throw CentralError(400, "bad_args", "merge needs KEEP_ID and DUPLICATE_ID (or --undo MERGE_ID)");
      if (m->reason.find_first_not_of(" \t\r\n") == std::string::npos)
        throw CentralError(400, "reason_required", "--reason: say why the two records are one person (kept in the audit)");
      print(as_json, open_central(db, true)->merge_patients(m->keep, m->duplicate, m->reason, yz::sync::AuditBy{}));
      return 0;
    });
  });

  auto* list = admin.add_subcommand("merges", "Merges made, newest first (with their MERGE_ID for --undo)");
  list->callback([&db, &as_json, &code] {
    code = guarded([&] {
      print(as_json, open_central(db, true)->merges(1000));
      return 0;
    });
  });
}
