// Collapsed forwarding: at most one origin fill per cache key at a time, however many clients
// (on however many event loops) ask for it meanwhile.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cache/cache_object.hpp"

namespace candela::edge {

// The shared state of one fill, watched by the requests that wait for it.
class PendingFill {
 public:
  enum class Outcome : std::uint8_t {
    kWaiting,  // no response head yet
    kObject,   // a response arrived; waiters may serve `object` (streaming if still filling)
    kPass,     // the response may not be shared: each waiter must fetch for itself
    kFailed,   // the origin failed; `status` says how (502/504)
  };

  // Registers a one-shot callback for the outcome. If the outcome is already known, returns
  // false without registering: the caller reads outcome() directly.
  bool wait(std::function<void()> on_outcome);
  // `origin_ms`: time to the origin's response head (or failure), for the leader's log.
  void resolve(Outcome outcome, cache::ConstObjectRef object, int status, double origin_ms);

  // The fill ended without an outcome (its loop stopped): waiters are dropped without being
  // called, which also frees what their callbacks hold.
  void abandon();

  Outcome outcome() const;
  cache::ConstObjectRef object() const;
  int status() const;
  double origin_ms() const;

 private:
  mutable std::mutex mutex_;
  Outcome outcome_ = Outcome::kWaiting;
  cache::ConstObjectRef object_;
  int status_ = 0;
  double origin_ms_ = -1;
  std::vector<std::function<void()>> waiters_;
};

class FillRegistry {
 public:
  // The pending fill for `key`; `created` is true when the caller must start the fill.
  std::shared_ptr<PendingFill> join_or_create(std::string_view key, bool& created);
  // Forgets `fill` (only if it is still the one registered under `key`).
  void remove(std::string_view key, const PendingFill* fill);
  bool contains(std::string_view key);

 private:
  static constexpr std::size_t kShards = 16;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<PendingFill>, Hash, std::equal_to<>> fills;
  };
  Shard& shard_for(std::string_view key) { return shards_[Hash{}(key) % kShards]; }
  std::array<Shard, kShards> shards_;
};

}  // namespace candela::edge
