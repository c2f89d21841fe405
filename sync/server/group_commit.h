#pragma once
// Group commit for the central store's writer (docs/scale-out.md §2).
//
// When several devices push at once, each HTTP thread has a prepared batch
// (central_rules.h prepare_batch) and waits for the one writer. Committing
// each batch on its own makes every batch pay a durable commit and write
// again every index page the batch before it wrote. GroupCommit lets the
// batches that wait go together: the first waiting caller becomes the
// group's writer, takes every batch queued so far (up to `max_group`, in
// the order they came), runs them through `run` once, and hands each caller
// its own result. A caller that arrives while a group is being written
// waits for the next group; one alone runs at once (no delay is added to
// collect a group).
//
// `run` must give every job in the group a receipt or an error; an
// exception escaping it becomes the error of every job it left without
// one. Nothing is answered before `run` returns, so a store that commits
// the group in one transaction acknowledges no batch before it is durable.
// Batches of one device keep their order: a device sends its next batch
// only after the receipt of the one before, and the queue is first come,
// first served.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <stdexcept>
#include <mutex>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

namespace yz::sync {

struct PreparedBatch;  // central_rules.h

// At most this many batches in one group: a bound on how long the first of
// them waits for the last.
inline constexpr size_t kGroupCommitMax = 8;

class GroupCommit {
 public:
  struct Job {
    PreparedBatch* batch = nullptr;
    const std::string* source = nullptr;
    nlohmann::json receipt;  // set by run ...
    std::exception_ptr error;  // ... or this
    bool answered() const { return error || !receipt.is_null(); }
  };
  using Run = std::function<void(std::span<Job* const> group)>;

  GroupCommit(size_t max_group, Run run) : max_group_(max_group < 1 ? 1 : max_group), run_(std::move(run)) {}

  // Queues the batch and returns its receipt once its group has run, or
  // rethrows its error.
  nlohmann::json submit(PreparedBatch& batch, const std::string& source);

  // Batches waiting for a group now (not counting one being written).
  size_t waiting();

 private:
  struct Waiting {
    Job job;
    bool done = false;
  };
  size_t max_group_;
  Run run_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Waiting*> queue_;
  bool writing_ = false;  // a group is being run
};

}  // namespace yz::sync
