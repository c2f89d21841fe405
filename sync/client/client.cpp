#include "sync/client/client.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "core/replication/changes.h"
#include "core/base/clock.h"
#include "core/store/entities.h"
#include "core/base/hlc.h"
#include "core/base/messages.h"
#include "core/replication/outbox.h"
#include "core/programs/programs.h"
#include "core/store/schema.h"
#include "core/base/uuid.h"
#include "core/care/team.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/limits.h"

namespace yz::sync {

namespace {

struct Credentials {
  std::string token, sign_secret, server_sign_key, device_id;
};

Credentials credentials(const WriterExec& exec) {
  Credentials c;
  exec([&](Store& s) {
    c.token = s.setting(kTokenKey).value_or("");
    c.sign_secret = s.setting(kSignSecretKey).value_or("");
    c.server_sign_key = s.setting(kServerSignKey).value_or("");
    c.device_id = s.device_id();
  });
  if (c.token.empty()) throw SyncError(SyncError::Kind::not_enrolled, "this device is not enrolled with a server");
  if (c.sign_secret.empty() || c.server_sign_key.empty())
    throw SyncError(SyncError::Kind::not_enrolled,
                    "this device was enrolled by an older yizhen and has no signing key yet: sync once over the "
                    "network (it registers one), or enroll it again");
  return c;
}

// The server's public keys from an enrollment or key registration answer.
struct ServerPublicKeys {
  std::string sign, box;
};
ServerPublicKeys server_public_keys(const json& a) {
  ServerPublicKeys k{a.value("server_sign_key", ""), a.value("server_box_key", "")};
  if (!is_signing_public_key(k.sign) || k.box.empty())
    throw SyncError(SyncError::Kind::server,
                    "the server sent no public keys: it speaks an older sync protocol; update yizhen-server");
  return k;
}

// Batches sealed under an earlier key (or protocol 1) go out under `secret`.
void resign_undelivered(Store& s, const std::string& secret) {
  for (const auto& b : undelivered_batches(s.db(), 1 << 30)) {
    json batch = json::parse(b.body);
    resign_batch(batch, secret);
    replace_batch_body(s.db(), b.batch_id, batch.dump());
  }
}

// The problem detail's words, or the status line.
std::string problem_text(const HttpResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("detail") && j["detail"].is_string())
    return "HTTP " + std::to_string(r.status) + ": " + j["detail"].get<std::string>();
  return "HTTP " + std::to_string(r.status);
}

[[noreturn]] void fail(const HttpResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  const std::string code = j.is_object() ? j.value("code", "") : "";
  if (r.status == 401) throw SyncError(SyncError::Kind::unauthorized, problem_text(r));
  if (r.status == 403 && code == "revoked") throw SyncError(SyncError::Kind::revoked, problem_text(r));
  if (r.status >= 500) throw SyncError(SyncError::Kind::server, problem_text(r));
  throw SyncError(SyncError::Kind::refused, problem_text(r));
}

HttpResponse call(const std::function<HttpResponse()>& fn) {
  try {
    return fn();
  } catch (const TransportError& e) {
    throw SyncError(SyncError::Kind::offline, e.what());
  }
}

json parse_answer(const HttpResponse& r) {
  try {
    return parse_limited(r.body, JsonLimits{64u << 20, 32, 100000});
  } catch (const LimitError& e) {
    throw SyncError(SyncError::Kind::server, std::string("the server's answer is unreadable: ") + e.what());
  }
}

}  // namespace

WriterExec direct_exec(Store& store) {
  // push() runs jobs from two threads; the store takes one at a time.
  auto mu = std::make_shared<std::mutex>();
  return [&store, mu](const std::function<void(Store&)>& job) {
    std::lock_guard lock(*mu);
    job(store);
  };
}

std::string error_words(const SyncError& e, Lang lang) {
  switch (e.kind()) {
    case SyncError::Kind::offline: return std::string(word("sync_error", "offline", lang));
    case SyncError::Kind::not_enrolled: return std::string(word("sync_error", "not_enrolled", lang));
    case SyncError::Kind::unauthorized: return std::string(word("sync_error", "unauthorized", lang));
    case SyncError::Kind::revoked: return std::string(word("sync_error", "revoked", lang));
    case SyncError::Kind::refused: return format_message(word("sync_error", "refused", lang), {e.what()});
    case SyncError::Kind::server: return format_message(word("sync_error", "server", lang), {e.what()});
  }
  return e.what();
}

std::string enroll_error_words(const SyncError& e, Lang lang) {
  switch (e.kind()) {
    case SyncError::Kind::offline: return std::string(word("enroll_error", "offline", lang));
    case SyncError::Kind::server: return format_message(word("enroll_error", "server", lang), {e.what()});
    default: return error_words(e, lang);
  }
}

EnrollResult enroll(const WriterExec& exec, Transport& transport, const std::string& server_url,
                    const std::string& code, const std::string& device_name) {
  std::string device_id;
  exec([&](Store& s) { device_id = s.device_id(); });
  const KeyPair keys = make_signing_keys();
  const json req = {{"code", code}, {"device_id", device_id}, {"name", device_name}, {"public_key", keys.public_key}};
  const HttpResponse r = call([&] { return transport.post("/v1/enroll", req.dump(), ""); });
  if (r.status != 201) fail(r);
  const json a = parse_answer(r);
  EnrollResult out;
  out.device_id = device_id;
  out.team_id = a.value("team_id", "");
  out.team_name = a.value("team_name", "");
  out.server_id = a.value("server_id", "");
  const std::string token = a.value("token", "");
  if (token.size() < 22) throw SyncError(SyncError::Kind::server, "the server sent no usable token");
  const ServerPublicKeys server_keys = server_public_keys(a);
  // Over TLS the address is kept with the full fingerprint of the
  // certificate the enrollment saw: every later connection is pinned to it.
  const std::string seen = transport.peer_certificate_sha256();
  const std::string kept_url = seen.empty() ? server_url : pinned_url(server_url, seen);
  out.server_url = kept_url;
  exec([&](Store& s) {
    s.transact_synced([&](SQLite::Database&) {
      s.set_setting(kServerKey, kept_url);
      s.set_setting(kTokenKey, token);
      s.set_setting(kSignSecretKey, keys.secret_key);
      s.set_setting(kServerSignKey, server_keys.sign);
      s.set_setting(kServerBoxKey, server_keys.box);
      // Another server, or another team of this one (a laptop handed to a
      // new team): the cursor was over what the old scope let through, and
      // the new team's records before it (its team, staff, its area's
      // patients) would never come. Pull from the start.
      const bool other_team = s.setting("sync.team_id").value_or("") != out.team_id;
      s.set_setting("sync.team_id", out.team_id);
      if (s.setting(kServerIdKey).value_or("") != out.server_id || other_team) {
        s.set_setting(kServerIdKey, out.server_id);
        s.set_setting(kCursorKey, "0");
      }
      resign_undelivered(s, keys.secret_key);
    });
    // A team set up offline gives way to the server's (core/care/team.h).
    attach_to_server_team(s, out.team_id);
  });
  return out;
}

void ensure_device_keys(const WriterExec& exec, Transport& transport) {
  std::string token, secret, server_sign;
  exec([&](Store& s) {
    token = s.setting(kTokenKey).value_or("");
    secret = s.setting(kSignSecretKey).value_or("");
    server_sign = s.setting(kServerSignKey).value_or("");
  });
  if (token.empty()) throw SyncError(SyncError::Kind::not_enrolled, "this device is not enrolled with a server");
  if (!secret.empty() && !server_sign.empty()) return;
  // The key pair is kept before it is sent: if the answer is lost, the
  // same key is registered again (the server takes the same key twice).
  if (secret.empty()) {
    secret = make_signing_keys().secret_key;
    exec([&](Store& s) { s.set_setting(kSignSecretKey, secret); });
  }
  const json req = {{"public_key", signing_public_key(secret)}};
  const HttpResponse r = call([&] { return transport.post("/v1/device-key", req.dump(), token); });
  if (r.status != 200) fail(r);
  const ServerPublicKeys keys = server_public_keys(parse_answer(r));
  exec([&](Store& s) {
    s.transact_synced([&](SQLite::Database&) {
      s.set_setting(kServerSignKey, keys.sign);
      s.set_setting(kServerBoxKey, keys.box);
      resign_undelivered(s, secret);
    });
  });
}

int seal_pending(const WriterExec& exec, const BatchLimits& limits,
                 const std::function<bool(SavedBatch&&)>& after_each) {
  const Credentials cred = credentials(exec);
  IdSource ids;
  int made = 0;
  for (;;) {
    // What is pending, read under the store; the batch's text (JSON, digest,
    // signature: a fifth of the time a seal held the store) made outside it,
    // while the store records a receipt or takes a save.
    PendingChanges p;
    BatchHeader h;
    int64_t now = 0;
    exec([&](Store& s) {
      p = collect_pending(s.db(), limits.max_changes, limits.max_bytes);
      h.seq = std::stoll(s.setting(kBatchSeqKey).value_or("0")) + 1;
      now = s.now_ms();
    });
    if (p.outbox_seqs.empty()) break;
    h.batch_id = ids.next(now);
    h.device_id = cred.device_id;
    h.schema = current_schema_version();
    SavedBatch kept{h.batch_id, h.seq, seal_batch_text(p.changes, h, now, cred.sign_secret),
                    static_cast<int64_t>(p.changes.size())};
    bool taken = false;
    exec([&](Store& s) {
      s.transact_synced([&](SQLite::Database& db) {
        // Every seal takes the next number: if it moved meanwhile, another
        // sealer (a USB export) took these rows; read them again.
        if (std::stoll(s.setting(kBatchSeqKey).value_or("0")) + 1 != kept.seq) return;
        save_batch(db, kept, p.outbox_seqs, s.now_ms());
        s.set_setting(kBatchSeqKey, std::to_string(kept.seq));
        taken = true;
      });
    });
    if (!taken) continue;
    ++made;
    // Committed: `kept` is what the store holds.
    if (after_each && !after_each(std::move(kept))) break;
  }
  return made;
}

PushResult push(const WriterExec& exec, Transport& transport, const Progress& progress, const BatchLimits& limits) {
  ensure_device_keys(exec, transport);
  const Credentials cred = credentials(exec);
  PushResult out;
  int64_t total = 0, done = 0;
  exec([&](Store& s) { total = pending_changes(s.db()); });
  // New saves may arrive while we push: seal and send again until nothing is
  // left, but give up after a few rounds rather than chase a busy desk.
  for (int round = 0; round < 5; ++round) {
    // Seal on another thread while the batches already sealed go out, so the
    // server applies one batch while the next is being sealed.
    std::mutex mu;
    std::condition_variable cv;
    bool sealed_all = false, stop = false;
    // Batches this round's sealer kept, handed over as the store holds them,
    // so that the next one goes out without waiting for the store (behind
    // the sealing of the one after and a receipt's recording, that wait was a
    // third of a push; BENCHMARKS.md, full sync, tenth pass). A few at most:
    // the others are read back from the store.
    constexpr size_t kHandedMax = 4;
    std::deque<SavedBatch> handed;
    std::exception_ptr seal_error;
    std::thread sealer([&] {
      try {
        seal_pending(exec, limits, [&](SavedBatch&& kept) {
          {
            std::lock_guard lock(mu);
            if (stop) return false;
            if (handed.size() < kHandedMax) handed.push_back(std::move(kept));
          }
          cv.notify_one();
          return true;
        });
      } catch (...) {
        seal_error = std::current_exception();
      }
      std::lock_guard lock(mu);
      sealed_all = true;
      cv.notify_one();
    });
    struct Join {
      std::thread& t;
      std::mutex& mu;
      bool& stop;
      ~Join() {
        {
          std::lock_guard lock(mu);
          stop = true;
        }
        t.join();
      }
    } join{sealer, mu, stop};

    // A receipt is recorded while the next batch goes out (at most one
    // behind, in order), once that batch has been read. A batch sent again
    // before its receipt was recorded (the laptop stopped in between) gets
    // the same receipt: the server applies a batch once.
    std::future<void> recording;
    auto recorded = [&] {
      if (recording.valid()) recording.get();
    };
    std::optional<std::pair<std::string, json>> to_record;  // batch id, receipt
    auto record = [&] {
      if (!to_record) return;
      recorded();
      recording = std::async(std::launch::async, [&exec, r = std::move(*to_record)] {
        const std::string& id = r.first;  // not a structured binding: clang 14 cannot capture those
        const json& receipt = r.second;
        exec([&](Store& s) {
          s.transact_synced([&](SQLite::Database& db) {
            mark_delivered(db, id, receipt, s.now_ms());
            if (receipt.contains("received_ms") && receipt["received_ms"].is_number_integer())
              s.set_setting(kServerTimeKey, std::to_string(receipt["received_ms"].get<int64_t>()));
          });
        });
      });
      to_record.reset();
    };
    int64_t last_sent = 0;  // the seq of the batch sent last in this round
    int sent = 0;
    for (;;) {
      bool finished = false;
      std::vector<SavedBatch> next;
      {
        std::lock_guard lock(mu);
        finished = sealed_all;
        // The batch after the one sent last, if the sealer handed it over
        // (seqs follow one another); anything else, and the first of the
        // round (older undelivered batches go first), from the store.
        while (!handed.empty() && handed.front().seq <= last_sent) handed.pop_front();
        if (last_sent > 0 && !handed.empty() && handed.front().seq == last_sent + 1) {
          next.push_back(std::move(handed.front()));
          handed.pop_front();
        }
      }
      if (next.empty()) exec([&](Store& s) { next = undelivered_batches(s.db(), 1, last_sent); });
      record();
      if (next.empty()) {
        if (recording.valid()) {
          recorded();
          continue;
        }
        if (finished) break;
        std::unique_lock lock(mu);
        cv.wait_for(lock, std::chrono::milliseconds(20));
        continue;
      }
      const SavedBatch& b = next.front();
      const HttpResponse r = call([&] { return transport.post("/v1/batches", b.body, cred.token); });
      if (r.status != 200) fail(r);
      const json receipt = parse_answer(r);
      try {
        check_receipt(receipt, cred.server_sign_key);
      } catch (const BatchError& e) {
        throw SyncError(SyncError::Kind::server, e.what());
      }
      if (receipt.value("batch_id", "") != b.batch_id)
        throw SyncError(SyncError::Kind::server, "the receipt is for another batch");
      last_sent = b.seq;
      to_record.emplace(b.batch_id, receipt);
      ++sent;
      ++out.batches;
      out.changes += b.changes;
      out.quarantined += static_cast<int64_t>(receipt.value("quarantined", json::array()).size());
      done += b.changes;
      if (progress) progress(done, std::max(total, done));
    }
    record();
    recorded();
    if (seal_error) std::rethrow_exception(seal_error);
    if (sent == 0) break;
  }
  return out;
}

namespace {

// A page of pulled changes taken in as far as it can be without the store:
// parsed, its changes in apply order, each checked (check_change) with a
// patient's search keys made. Done on the thread that fetched it, while the
// page before is applied.
struct PulledPage {
  HttpResponse response;
  std::unique_ptr<json> page;  // parsed when the answer is 200 (the changes below point into it)
  // Parents before children within a page; across pages a child may come
  // first, which the merge allows (references are not enforced).
  std::vector<const json*> changes;
  std::vector<std::optional<CheckedChange>> checked;  // per change: nullopt for a program or a refusal
  std::vector<ApplyOutcome> outcomes;                 // check_change's, per change
};

PulledPage take_page(HttpResponse r, const std::string& today) {
  PulledPage p;
  p.response = std::move(r);
  if (p.response.status != 200) return p;
  p.page = std::make_unique<json>(parse_answer(p.response));
  const json& page = *p.page;
  if (!page.is_object() || !page.contains("changes") || !page["changes"].is_array()) return p;
  // Each change's rank is found once, not at every comparison.
  auto rank = [](const json& c) {
    const auto e = c.is_object() ? c.find("entity") : c.end();
    const std::string_view name =
        e != c.end() && e->is_string() ? std::string_view(e->get_ref<const std::string&>()) : std::string_view();
    int i = 0;
    for (const auto* spec : entities()) {
      if (spec->name == name) return i;
      ++i;
    }
    return i;
  };
  std::vector<std::pair<int, const json*>> ranked;
  for (const auto& c : page["changes"]) ranked.emplace_back(rank(c), &c);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  p.changes.reserve(ranked.size());
  p.checked.resize(ranked.size());
  p.outcomes.resize(ranked.size());
  for (size_t i = 0; i < ranked.size(); ++i) {
    const json& c = *ranked[i].second;
    p.changes.push_back(&c);
    if (c.is_object() && c.value("entity", "") == "program") continue;  // installed as a program
    p.checked[i] = check_change(c, today, p.outcomes[i]);
    if (p.checked[i]) with_index_keys(*p.checked[i]);
    else p.outcomes[i].status = ApplyOutcome::Status::quarantined;
  }
  return p;
}

}  // namespace

// Changes asked for per page (the server allows up to 5000): each page is
// one write transaction on the device.
constexpr int kPullPage = 2500;

PullResult pull(const WriterExec& exec, Transport& transport, const Progress& progress) {
  ensure_device_keys(exec, transport);
  const Credentials cred = credentials(exec);
  PullResult out;
  auto fetch = [&](const std::string& after, const std::string& today) {
    return take_page(call([&] { return transport.get("/v1/changes?after=" + after + "&limit=" + std::to_string(kPullPage), cred.token); }),
                     today);
  };
  // The next page is fetched and taken in (take_page) while this one is applied.
  std::future<PulledPage> ahead;
  std::string ahead_cursor;
  for (;;) {
    std::string cursor, server_id, today;
    exec([&](Store& s) {
      cursor = s.setting(kCursorKey).value_or("0");
      server_id = s.setting(kServerIdKey).value_or("");
      today = s.today();
    });
    PulledPage taken;
    if (ahead.valid() && ahead_cursor == cursor) {
      taken = ahead.get();
    } else {
      if (ahead.valid()) ahead.wait();  // one request at a time on the transport
      ahead = {};
      taken = fetch(cursor, today);
    }
    if (taken.response.status != 200) fail(taken.response);
    const json& page = *taken.page;
    if (!page.is_object() || !page.contains("changes") || !page["changes"].is_array() ||
        !page.contains("cursor") || !page["cursor"].is_number_integer())
      throw SyncError(SyncError::Kind::server, "the server's answer has no changes or cursor");
    const std::string page_server = page.value("server_id", "");
    if (!server_id.empty() && !page_server.empty() && page_server != server_id && cursor != "0") {
      // Another server (or a rebuilt one): our cursor means nothing there.
      exec([&](Store& s) {
        s.set_setting(kCursorKey, "0");
        s.set_setting(kServerIdKey, page_server);
      });
      out.reset = true;
      continue;
    }
    if (page.value("reset", false)) out.reset = true;
    if (page.value("more", false)) {
      ahead_cursor = std::to_string(page["cursor"].get<int64_t>());
      ahead = std::async(std::launch::async, fetch, ahead_cursor, today);
    }
    const std::vector<const json*>& changes = taken.changes;
    exec([&](Store& s) {
      s.transact_synced([&](SQLite::Database& db) {
        ChangeApplier applier(db, s.today(), s.now_ms());
        for (size_t i = 0; i < changes.size(); ++i) {
          const json* c = changes[i];
          if (c->is_object() && c->value("entity", "") == "program") {
            // A screening program version the server published.
            try {
              install_program(db, c->value("definition", json()));
            } catch (const ValidationError& e) {
              record_quarantine(db, "pull:" + cursor, page_server, "program", c->value("id", ""),
                                errors_json(e.errors()), *c, s.now_ms());
              ++out.quarantined;
            }
            ++out.programs;
            continue;
          }
          ApplyOutcome o = taken.checked[i] ? applier.apply(*taken.checked[i], std::move(taken.outcomes[i]))
                                            : std::move(taken.outcomes[i]);
          if (o.status == ApplyOutcome::Status::quarantined) {
            applier.release();
            record_quarantine(db, "pull:" + cursor, page_server, o.entity, o.id, errors_json(o.errors), *c, s.now_ms());
            ++out.quarantined;
            continue;
          }
          out.conflicts += static_cast<int64_t>(o.conflicts.size());
          if (auto h = Hlc::parse(o.max_hlc)) s.observe(*h);
        }
        applier.release();
        // A coordinator retried or discarded changes of ours the server had
        // set aside (docs/sync-protocol.md §10.1): our rows close with it.
        if (auto q = page.find("quarantine"); q != page.end() && q->is_array())
          for (const auto& d : *q) {
            auto text = [&](const char* key) {
              auto it = d.is_object() ? d.find(key) : d.end();
              return d.is_object() && it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            const std::string outcome = text("outcome");
            if (outcome != "retried" && outcome != "discarded") continue;
            close_quarantine(db, text("batch_id"), text("entity"), text("id"), outcome, text("reason"), s.now_ms());
          }
        s.set_setting(kCursorKey, std::to_string(page["cursor"].get<int64_t>()));
        if (!page_server.empty()) s.set_setting(kServerIdKey, page_server);
        if (page.contains("time_ms") && page["time_ms"].is_number_integer())
          s.set_setting(kServerTimeKey, std::to_string(page["time_ms"].get<int64_t>()));
      });
    });
    out.changes += static_cast<int64_t>(changes.size());
    if (progress) progress(out.changes, out.changes + (page.value("more", false) ? 1 : 0));
    if (!page.value("more", false)) break;
  }
  return out;
}

}  // namespace yz::sync
