#include "sync/client/batch_files.h"

#include <algorithm>
#include <filesystem>

#include "core/base/files.h"
#include "core/replication/outbox.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/folder_files.h"
#include "sync/protocol/limits.h"

namespace yz::sync {

namespace fs = std::filesystem;

ExportResult export_batches(const WriterExec& exec, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("cannot write to " + dir + ": no such folder");
  seal_pending(exec);
  std::string box_key, secret;
  exec([&](Store& s) {
    box_key = s.setting(kServerBoxKey).value_or("");
    secret = s.setting(kSignSecretKey).value_or("");
  });
  if (box_key.empty())
    throw SyncError(SyncError::Kind::not_enrolled,
                    "this device has not received the server's key for batch files: sync once over the network, or "
                    "enroll it again");
  const std::string public_key = signing_public_key(secret);  // seal_pending made sure there is one
  std::vector<SavedBatch> batches;
  exec([&](Store& s) { batches = undelivered_batches(s.db(), 1 << 30); });
  ExportResult out;
  for (const auto& b : batches) {
    const std::string path = (fs::path(dir) / batch_file_name(b.batch_id)).string();
    // Only the server opens what is on the stick: a lost stick shows ids.
    const json batch = json::parse(b.body);
    check_batch(batch, public_key, b.body);
    write_file_durably(path, seal_batch_file(batch, box_key).dump() + "\n");
    // What is on the stick must be a file the server will take.
    const BatchHeader h = check_batch_file(parse_limited(read_file(path)));
    if (h.batch_id != b.batch_id) throw std::runtime_error("cannot write " + path + ": read back another batch");
    ++out.files;
    out.changes += b.changes;
    out.paths.push_back(path);
  }
  return out;
}

ExportResult export_batches(Store& store, const std::string& dir) { return export_batches(direct_exec(store), dir); }

ReceiptImport import_receipts(const WriterExec& exec, const std::string& dir) {
  std::string token, key;
  exec([&](Store& s) {
    token = s.setting(kTokenKey).value_or("");
    key = s.setting(kServerSignKey).value_or("");
  });
  if (token.empty()) throw SyncError(SyncError::Kind::not_enrolled, "this device is not enrolled with a server");
  if (key.empty())
    throw SyncError(SyncError::Kind::not_enrolled,
                    "this device was enrolled by an older yizhen and has not received the server's key yet: sync "
                    "once over the network, or enroll it again");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("cannot read " + dir + ": no such folder");
  // Regular files only, each read up to the limit (never a 2 GB file whole,
  // never /dev/zero or a FIFO put on the stick).
  const JsonLimits limits{kReceiptFileMaxBytes, 32, 100000};
  ReceiptImport out;
  for (const auto& f : folder_files(dir, ".receipt.json")) {
    try {
      const json receipt = parse_limited(read_folder_file(f, limits.max_bytes), limits);
      check_receipt(receipt, key);
      Delivery d = Delivery::unknown_batch;
      exec([&](Store& s) {
        s.transact_synced([&](SQLite::Database& db) {
          const auto id = receipt.find("batch_id");
          d = mark_delivered(db, id != receipt.end() && id->is_string() ? id->get<std::string>() : "", receipt,
                             s.now_ms());
          if (d == Delivery::delivered && receipt.contains("received_ms") && receipt["received_ms"].is_number_integer())
            s.set_setting(kServerTimeKey, std::to_string(receipt["received_ms"].get<int64_t>()));
        });
      });
      if (d == Delivery::unknown_batch) {
        out.refused.push_back(printable_name(f.filename().string()) + ": no batch of this device has that id");
      } else if (d == Delivery::already_delivered) {
        ++out.already;
      } else {
        ++out.delivered;
        const auto q = receipt.find("quarantined");
        if (q != receipt.end() && q->is_array()) out.quarantined += static_cast<int64_t>(q->size());
      }
    } catch (const std::exception& e) {
      out.refused.push_back(printable_name(f.filename().string()) + ": " + e.what());
    }
  }
  return out;
}

}  // namespace yz::sync
