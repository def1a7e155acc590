#include "portal/feed_signal.hpp"

#include <algorithm>

namespace candela::portal {

void FeedSignal::published(long long sequence) {
  {
    std::lock_guard lock(mutex_);
    latest_ = std::max(latest_, sequence);
  }
  changed_.notify_all();
}

bool FeedSignal::wait_beyond(long long after, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return shut_down_ || latest_ > after; });
  return latest_ > after;
}

void FeedSignal::shut_down() {
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
  }
  changed_.notify_all();
}

}  // namespace candela::portal
