#pragma once
// The device's side of the protocol (docs/sync-protocol.md): enroll, seal
// pending changes into batches, push them, pull changes after the cursor.
// Used by yizhenctl directly and by SyncEngine in the background.
//
// Database work goes through a WriterExec, so these functions run on any
// thread while the writer connection stays on its own (DESIGN.md §3);
// network calls run on the calling thread. Every step is safe to cut off at
// any point and repeat: batches are sealed once and resent unchanged, and the
// pull cursor advances in the same transaction as the changes it covers.
// Errors: SyncError (below); core errors from the store pass through.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "core/base/errors.h"
#include "core/replication/outbox.h"
#include "core/store/store.h"
#include "sync/client/transport.h"

namespace yz::sync {

// Runs `job` on the writer thread and returns when it has run; rethrows
// what the job throws.
using WriterExec = std::function<void(const std::function<void(Store&)>& job)>;
// A WriterExec for a store no other thread uses meanwhile (the CLI, tests);
// it runs one job at a time, from whichever thread calls it.
WriterExec direct_exec(Store& store);

class SyncError : public std::runtime_error {
 public:
  enum class Kind {
    offline,       // no answer from the server
    not_enrolled,  // this device has no token yet
    unauthorized,  // the server does not know the token
    revoked,       // the server refused this device
    refused,       // the server refused a request (its problem detail says why)
    server,        // the server failed (5xx) or answered nonsense
  };
  SyncError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// A SyncError in plain words for a nurse, in `lang`.
std::string error_words(const SyncError& e, Lang lang);
// The same for a failed enrollment, which nothing retries by itself: it
// never promises a sync that will not happen.
std::string enroll_error_words(const SyncError& e, Lang lang);

// Settings keys this file keeps in the device's settings table.
inline constexpr const char* kServerKey = "sync.server";
inline constexpr const char* kTokenKey = "sync.token";
inline constexpr const char* kCursorKey = "sync.cursor";
inline constexpr const char* kServerIdKey = "sync.server_id";
inline constexpr const char* kBatchSeqKey = "sync.batch_seq";
inline constexpr const char* kLastSuccessKey = "sync.last_success_ms";
inline constexpr const char* kServerTimeKey = "sync.server_time_ms";
// The device's Ed25519 secret key (crypto.h, base64), made at enrollment: it
// signs batches. It lives in the settings table, so it is encrypted at rest
// with the rest of an encrypted device database (docs/security.md).
inline constexpr const char* kSignSecretKey = "sync.sign_secret";
// The server's public keys, received at enrollment: receipts are checked
// with the signing key, batch files are sealed to the box key.
inline constexpr const char* kServerSignKey = "sync.server_sign_key";
inline constexpr const char* kServerBoxKey = "sync.server_box_key";

struct EnrollResult {
  std::string device_id, team_id, team_name, server_id;
  std::string server_url;  // as kept: over TLS with "#sha256=" and the certificate's full fingerprint
};
// Make the device's signing key pair and trade a one-time code for a device
// token and the server's public keys; stores them with the server URL.
// Undelivered batches are signed again with the new key.
EnrollResult enroll(const WriterExec& exec, Transport& transport, const std::string& server_url,
                    const std::string& code, const std::string& device_name);

struct BatchLimits {
  size_t max_changes = 2000;
  size_t max_bytes = 4u << 20;
};

// A device enrolled under protocol 1 (a token, no key pair) makes its key
// pair, registers the public key with the server (authenticated by its
// token; POST /v1/device-key) and keeps the server's public keys; its
// undelivered batches are signed again. Nothing to do for a device that has
// its keys. push() and pull() call it first.
void ensure_device_keys(const WriterExec& exec, Transport& transport);

// Seal every pending outbox row into batches; returns how many were made.
// Throws SyncError (not_enrolled) for a device enrolled under protocol 1
// that has not registered a key yet (ensure_device_keys).
// `after_each`, if given, runs after each batch is committed, with the batch
// as the store keeps it; returning false stops.
int seal_pending(const WriterExec& exec, const BatchLimits& limits = {},
                 const std::function<bool(SavedBatch&&)>& after_each = {});

using Progress = std::function<void(int64_t done, int64_t total)>;

struct PushResult {
  int batches = 0;
  int64_t changes = 0, quarantined = 0;
};
// Seal (on a second thread) and send every undelivered batch until none is
// left; a batch goes out as soon as it is sealed.
PushResult push(const WriterExec& exec, Transport& transport, const Progress& progress = {},
                const BatchLimits& limits = {});

struct PullResult {
  int64_t changes = 0, conflicts = 0, quarantined = 0;
  int64_t programs = 0;  // screening program versions received
  bool reset = false;  // the server did not know our cursor: full resync
};
// Fetch and apply changes after the cursor until the server has no more.
PullResult pull(const WriterExec& exec, Transport& transport, const Progress& progress = {});

}  // namespace yz::sync
