#include "sync/server/import.h"

#include <algorithm>
#include <filesystem>

#include "core/base/files.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/folder_files.h"

namespace yz::sync {

namespace fs = std::filesystem;

BatchImport import_batch_files(CentralStore& store, const std::string& dir, const std::string& receipts_dir,
                               const JsonLimits& limits) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("cannot read " + dir + ": no such folder");
  if (!fs::is_directory(receipts_dir, ec))
    throw std::runtime_error("cannot write to " + receipts_dir + ": no such folder");
  BatchImport out;
  for (const auto& f : folder_files(dir, ".batch.json")) {
    const std::string name = printable_name(f.filename().string());
    try {
      const json batch = parse_limited(read_folder_file(f, limits.max_bytes), limits);
      check_batch(batch);  // format and digest, before looking the device up
      auto device = store.device_by_id(batch["device_id"].get<std::string>());
      if (!device) throw BatchError("wrong_device", "the batch names a device that is not enrolled");
      if (device->revoked) throw BatchError("revoked", "the batch comes from a revoked device");
      check_batch(batch, device->key);
      const json receipt = store.apply_batch(batch, *device, "file");
      write_file_durably((fs::path(receipts_dir) / receipt_file_name(batch["batch_id"])).string(), receipt.dump(2));
      ++out.imported;
      out.quarantined += static_cast<int64_t>(receipt["quarantined"].size());
    } catch (const std::exception& e) {
      out.refused.push_back(name + ": " + e.what());
    }
  }
  return out;
}

}  // namespace yz::sync
