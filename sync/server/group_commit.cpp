#include "sync/server/group_commit.h"

#include <vector>

namespace yz::sync {

nlohmann::json GroupCommit::submit(PreparedBatch& batch, const std::string& source) {
  Waiting me;
  me.job.batch = &batch;
  me.job.source = &source;
  std::unique_lock lock(mu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (writing_) {
      changed_.wait(lock);
      continue;
    }
    // This caller writes the next group: the oldest batches waiting, which
    // include its own unless more than max_group_ came before it (then it
    // writes theirs and goes round again).
    writing_ = true;
    std::vector<Waiting*> group;
    while (!queue_.empty() && group.size() < max_group_) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    std::vector<Job*> jobs;
    jobs.reserve(group.size());
    for (Waiting* w : group) jobs.push_back(&w->job);
    try {
      run_(jobs);
    } catch (...) {
      for (Job* j : jobs)
        if (!j->answered()) j->error = std::current_exception();
    }
    for (Job* j : jobs)
      if (!j->answered()) j->error = std::make_exception_ptr(std::logic_error("group commit: a batch left unanswered"));
    lock.lock();
    for (Waiting* w : group) w->done = true;
    writing_ = false;
    changed_.notify_all();
  }
  lock.unlock();
  if (me.job.error) std::rethrow_exception(me.job.error);
  return std::move(me.job.receipt);
}

size_t GroupCommit::waiting() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace yz::sync
