#pragma once
// Results coming back to the UI thread: workers post closures, the UI thread
// runs them once per frame (DESIGN.md §3). Posting wakes the event loop.
//
// Threads: post() from any thread; drain() on the UI thread only.

#include <deque>
#include <functional>
#include <mutex>

namespace yz::app {

class UiQueue {
 public:
  // `wake` is called after each post (e.g. push an SDL user event); may be empty.
  explicit UiQueue(std::function<void()> wake = {}) : wake_(std::move(wake)) {}
  void post(std::function<void()> fn);
  // Run everything queued so far, in order; returns how many ran.
  int drain();
  bool empty() const;

 private:
  std::function<void()> wake_;
  mutable std::mutex mu_;
  std::deque<std::function<void()>> q_;
};

}  // namespace yz::app
