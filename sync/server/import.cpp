#include "sync/server/import.h"

#include <algorithm>
#include <filesystem>

#include "core/base/clock.h"
#include "core/base/files.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/folder_files.h"

namespace yz::sync {

namespace fs = std::filesystem;

BatchImport import_batch_files(CentralStore& store, const std::string& dir, const std::string& receipts_dir,
                               const JsonLimits& limits) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("cannot read " + dir + ": no such folder");
  fs::create_directories(receipts_dir, ec);
  if (!fs::is_directory(receipts_dir, ec))
    throw std::runtime_error("cannot write to " + receipts_dir + ": cannot make the folder");
  BatchImport out;
  // A batch whose receipt was made before this import began was applied
  // before: apply_batch returned its stored receipt and changed nothing.
  const int64_t started = SystemClock().now_ms();
  for (const auto& f : folder_files(dir, ".batch.json")) {
    const std::string name = printable_name(f.filename().string());
    try {
      // The envelope: base64 of the batch plus a few hundred bytes. Parsed
      // with the batch's limits, so a plain batch of protocol 1 is told to
      // update rather than "too deep".
      const size_t max_file = limits.max_bytes / 3 * 4 + 4096;
      const json envelope =
          parse_limited(read_folder_file(f, max_file), JsonLimits{max_file, limits.max_depth, limits.max_records});
      const BatchHeader outside = check_batch_file(envelope);
      const std::string text = open_batch_file(envelope, store.server_keys().box);
      const json batch = parse_limited(text, limits);
      const BatchHeader inside = check_batch(batch, std::nullopt, text);  // format and digest, before the device
      if (inside.batch_id != outside.batch_id || inside.device_id != outside.device_id)
        throw BatchError("bad_format", "the sealed batch is not the one its envelope names");
      auto device = store.device_by_id(inside.device_id);
      if (!device) throw BatchError("wrong_device", "the batch names a device that is not enrolled");
      if (device->revoked) throw BatchError("revoked", "the batch comes from a revoked device");
      if (device->public_key.empty())
        throw BatchError("update_required",
                         "the device has no signing key registered; it registers one when it next syncs over the "
                         "network (or enroll it again)");
      check_batch_signature(batch, device->public_key);  // the digest is checked just above
      const json receipt = store.apply_batch(batch, *device, "file");
      write_file_durably((fs::path(receipts_dir) / receipt_file_name(batch["batch_id"])).string(), receipt.dump(2));
      if (receipt.value("received_ms", int64_t{0}) < started) {
        ++out.known;
      } else {
        ++out.applied;
        out.quarantined += static_cast<int64_t>(receipt["quarantined"].size());
      }
    } catch (const std::exception& e) {
      out.refused.push_back(name + ": " + e.what());
    }
  }
  return out;
}

}  // namespace yz::sync
