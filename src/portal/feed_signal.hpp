// Wakes long-polling feed requests when a new event is committed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace candela::portal {

class FeedSignal {
 public:
  // Called after the transaction that appended event `sequence` has committed.
  void published(long long sequence);
  // Blocks until an event above `after` has been published or `timeout` passed; true if one was.
  // Only a hint: the caller reads the feed from the database either way.
  bool wait_beyond(long long after, std::chrono::milliseconds timeout);
  // Wakes every waiter (portal shutdown); later waits return at once.
  void shut_down();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  long long latest_ = 0;
  bool shut_down_ = false;
};

}  // namespace candela::portal
