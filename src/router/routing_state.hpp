// The current routing snapshot, shared by every serving thread: the poller publishes a new
// table, readers pick it up with one relaxed-cost version check per request and no lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "router/routing_table.hpp"

namespace candela::router {

class RoutingState {
 public:
  void publish(std::shared_ptr<const RoutingTable> table) {
    table_.store(std::move(table));
    version_.fetch_add(1, std::memory_order_release);
  }
  // The latest table, or nullptr before the first monitor answer.
  std::shared_ptr<const RoutingTable> current() const { return table_.load(); }
  std::uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::shared_ptr<const RoutingTable>> table_;
  std::atomic<std::uint64_t> version_{0};
};

// One thread's reference to the current table. Re-reads the shared pointer only when the
// version moved, so the hot path touches no shared reference count.
class RoutingView {
 public:
  explicit RoutingView(const RoutingState& state) : state_(state) {}

  const RoutingTable* get() {
    const std::uint64_t v = state_.version();
    if (v != seen_) {
      table_ = state_.current();
      seen_ = v;
    }
    return table_.get();
  }

 private:
  const RoutingState& state_;
  std::uint64_t seen_ = 0;
  std::shared_ptr<const RoutingTable> table_;
};

}  // namespace candela::router
