#pragma once
// Batches on a USB stick (DESIGN.md §5, §6): the device writes its
// undelivered batches into a folder, the server imports them and writes
// receipt files, and the device imports those to mark its batches delivered.
// Batch files are sealed to the server's box key (batch.h seal_batch_file):
// a lost stick shows only ids. Receipts are checked with the server's
// signing key, so a stray or forged file marks nothing delivered.

#include <string>
#include <vector>

#include "sync/client/client.h"
#include "sync/protocol/batch.h"

namespace yz::sync {

struct ExportResult {
  int files = 0;
  int64_t changes = 0;
  std::vector<std::string> paths;
};
// Seal pending changes, then write every undelivered batch into `dir`
// durably (core/files.h), sealed to the server, read back and verified. Throws SyncError
// (not_enrolled) or std::runtime_error naming the file.
ExportResult export_batches(const WriterExec& exec, const std::string& dir);
ExportResult export_batches(Store& store, const std::string& dir);

struct ReceiptImport {
  int delivered = 0;                 // batches newly marked delivered
  int already = 0;                   // receipts for batches delivered before
  int64_t quarantined = 0;           // records the server set aside
  std::vector<std::string> refused;  // "file: reason" for each file not taken
};
// The largest receipt file read (a receipt is a few KiB; its quarantine
// list is bounded by the server).
inline constexpr size_t kReceiptFileMaxBytes = 16u << 20;
// Import every "*.receipt.json" regular file in `dir` (no symbolic links,
// FIFOs or devices; none over kReceiptFileMaxBytes). File names in
// `refused` are escaped (folder_files.h printable_name).
ReceiptImport import_receipts(const WriterExec& exec, const std::string& dir);

}  // namespace yz::sync
