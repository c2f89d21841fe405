// Writes the protocol-2 seeds of the check_batch and check_receipt corpora
// (tools/fuzz/corpus), signed and sealed with the fixed keys of
// fuzz_keys.h: a signed batch, the same batch sealed as a USB batch file,
// and a signed receipt. Run it again after a change to the batch or
// receipt format:  build-asan/tools/fuzz/fuzz_make_seeds tools/fuzz/corpus
#include <cstdio>
#include <fstream>
#include <string>

#include "sync/protocol/batch.h"
#include "tools/fuzz/fuzz_keys.h"

namespace {
void write(const std::string& path, const nlohmann::json& j) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << j.dump() << "\n";
  std::printf("%s\n", path.c_str());
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds CORPUS_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  using yz::sync::BatchHeader;
  BatchHeader h;
  h.batch_id = "01a2089d-0000-7000-8000-000000000003";
  h.device_id = "01a2089d-0000-7000-8000-000000000002";
  h.seq = 1;
  h.schema = 9;
  const nlohmann::json changes = nlohmann::json::array(
      {{{"entity", "patient"},
        {"id", "01a2089d-0000-7000-8000-000000000001"},
        {"hlc", "1795000000000.00000.01a2089d-0000-7000-8000-000000000002"},
        {"deleted", false},
        {"fields", {{"name", "卓玛"}, {"sex", "F"}, {"village_code", "540102001001"}}}}});
  const nlohmann::json batch = yz::sync::seal_batch(changes, h, 1795000000000, yz::fuzz::kDeviceSecret);
  write(dir + "/check_batch/batch_v2.json", batch);
  write(dir + "/check_batch/sealed_v2.json", yz::sync::seal_batch_file(batch, yz::fuzz::kServerBoxPublic));
  nlohmann::json receipt = {{"format", yz::sync::kReceiptFormat},
                            {"version", yz::sync::kFormatVersion},
                            {"batch_id", h.batch_id},
                            {"received_ms", 1795000000000},
                            {"applied", 1},
                            {"quarantined", nlohmann::json::array()}};
  yz::sync::sign_receipt(receipt, yz::fuzz::kServerSignSecret);
  write(dir + "/check_receipt/receipt_v2.json", receipt);
  return 0;
}
