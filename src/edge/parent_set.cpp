// Parent sets: rendezvous ranking over parent ids, failed marks, and the atomic swap.
#include "edge/parent_set.hpp"

#include <algorithm>

#include "common/rendezvous_hash.hpp"

namespace candela::edge {

namespace {

std::int64_t to_ms(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::atomic<std::uint64_t> g_next_version{1};

}  // namespace

std::string describe_parents(const std::vector<ParentConfig>& parents) {
  if (parents.empty()) return "none (fills go to origins)";
  std::string out;
  for (const auto& p : parents)
    out += (out.empty() ? "" : ", ") + p.id + " (" + p.address + ")";
  return out;
}

ParentSet::ParentSet(const std::vector<ParentConfig>& parents, ParentPolicy policy)
    : policy_(policy) {
  parents_.reserve(parents.size());
  for (const auto& config : parents) {
    auto parent = std::make_unique<Parent>();
    if (!split_host_port(config.address, parent->host, parent->port)) continue;
    parent->id = config.id;
    parent->address = config.address;
    id_hashes_.push_back(stable_hash(parent->id));
    parents_.push_back(std::move(parent));
  }
}

std::vector<std::size_t> ParentSet::rank(std::string_view cache_key) const {
  return rendezvous_order(stable_hash(cache_key), id_hashes_);
}

std::size_t ParentSet::pick(std::string_view cache_key,
                            std::chrono::steady_clock::time_point now) const {
  return rendezvous_pick(stable_hash(cache_key), id_hashes_,
                         [&](std::size_t i) { return usable(i, now); });
}

bool ParentSet::usable(std::size_t i, std::chrono::steady_clock::time_point now) const {
  return parents_[i]->failed_until_ms.load(std::memory_order_relaxed) <= to_ms(now);
}

bool ParentSet::mark_failed(std::size_t i, std::chrono::steady_clock::time_point now) const {
  const std::int64_t until = to_ms(now + policy_.retry_after);
  const std::int64_t before =
      parents_[i]->failed_until_ms.exchange(until, std::memory_order_relaxed);
  return before <= to_ms(now);
}

bool ParentSet::same_as(const std::vector<ParentConfig>& other, const ParentPolicy& policy) const {
  if (other.size() != parents_.size() || policy.max_hops != policy_.max_hops ||
      policy.retry_after != policy_.retry_after ||
      policy.connect_timeout != policy_.connect_timeout) {
    return false;
  }
  return std::all_of(other.begin(), other.end(), [&](const ParentConfig& c) {
    return std::any_of(parents_.begin(), parents_.end(),
                       [&](const auto& p) { return p->id == c.id && p->address == c.address; });
  });
}

std::vector<ParentConfig> ParentSet::configs() const {
  std::vector<ParentConfig> out;
  for (const auto& p : parents_)
    out.push_back({p->id, p->address});
  return out;
}

ParentDirectory::ParentDirectory()
    : set_(std::make_shared<const ParentSet>(std::vector<ParentConfig>{})),
      version_(g_next_version.fetch_add(1)) {}

bool ParentDirectory::replace(const std::vector<ParentConfig>& parents,
                              const ParentPolicy& policy) {
  std::lock_guard lock(mutex_);
  if (set_->same_as(parents, policy)) return false;
  auto fresh = std::make_shared<ParentSet>(parents, policy);
  for (std::size_t i = 0; i < fresh->size(); ++i) {
    for (std::size_t j = 0; j < set_->size(); ++j) {
      if (set_->at(j).id == fresh->at(i).id && set_->at(j).address == fresh->at(i).address) {
        fresh->at(i).failed_until_ms.store(set_->at(j).failed_until_ms.load());
      }
    }
  }
  set_ = std::move(fresh);
  version_.store(g_next_version.fetch_add(1), std::memory_order_release);
  return true;
}

std::shared_ptr<const ParentSet> ParentDirectory::current() const {
  struct Cached {
    std::uint64_t version = 0;
    std::shared_ptr<const ParentSet> set;
  };
  // A few directories per thread at most (one per edge runtime; tests run several).
  thread_local std::vector<std::pair<const ParentDirectory*, Cached>> cache;
  const std::uint64_t version = version_.load(std::memory_order_acquire);
  for (auto& [owner, cached] : cache) {
    if (owner != this) continue;
    if (cached.version != version) {
      std::lock_guard lock(mutex_);
      cached.set = set_;
      cached.version = version_.load(std::memory_order_relaxed);
    }
    return cached.set;
  }
  std::lock_guard lock(mutex_);
  cache.emplace_back(this, Cached{version_.load(std::memory_order_relaxed), set_});
  return cache.back().second.set;
}

}  // namespace candela::edge
