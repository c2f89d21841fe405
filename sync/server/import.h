#pragma once
// `yizhen-server admin import-batches DIR --receipts-to DIR`: batch files
// brought on a USB stick (batch.h seal_batch_file envelopes) are opened with
// the server's box key and checked (limits, format, digest, the sending
// device's signature) and applied exactly as if pushed over HTTP; a receipt file is
// written for each, durably. A file that fails any check changes nothing
// and is reported; the others are still imported. Only regular files
// directly in `dir` are read (no symbolic links, FIFOs or devices), each up
// to the size limit; names in `refused` are escaped (folder_files.h).

#include <string>
#include <vector>

#include "sync/protocol/limits.h"
#include "sync/server/central_store.h"

namespace yz::sync {

// `receipts_dir` is made when missing (a fresh stick has no receipts
// folder yet). A receipt is written for every batch applied, now or before.
struct BatchImport {
  int applied = 0;  // batches applied by this import
  int known = 0;    // batches the server had applied before (their receipts written again)
  int64_t quarantined = 0;  // records set aside from the batches applied now
  std::vector<std::string> refused;  // "file: reason"
};

BatchImport import_batch_files(CentralStore& store, const std::string& dir, const std::string& receipts_dir,
                               const JsonLimits& limits = {});

}  // namespace yz::sync
