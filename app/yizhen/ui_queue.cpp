#include "app/yizhen/ui_queue.h"

namespace yz::app {

void UiQueue::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    q_.push_back(std::move(fn));
  }
  if (wake_) wake_();
}

int UiQueue::drain() {
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(q_);
  }
  for (auto& fn : batch) fn();
  return static_cast<int>(batch.size());
}

bool UiQueue::empty() const {
  std::lock_guard lock(mu_);
  return q_.empty();
}

}  // namespace yz::app
