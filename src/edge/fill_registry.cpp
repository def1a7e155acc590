// Pending fills and their waiters; callbacks run outside locks.
#include "edge/fill_registry.hpp"

#include "cache/cache_object.hpp"

namespace candela::edge {

bool PendingFill::wait(std::function<void()> on_outcome) {
  std::lock_guard lock(mutex_);
  if (outcome_ != Outcome::kWaiting) return false;
  waiters_.push_back(std::move(on_outcome));
  return true;
}

void PendingFill::resolve(Outcome outcome, cache::ConstObjectRef object, int status,
                          double origin_ms) {
  std::vector<std::function<void()>> waiters;
  {
    std::lock_guard lock(mutex_);
    if (outcome_ != Outcome::kWaiting) return;
    outcome_ = outcome;
    object_ = std::move(object);
    status_ = status;
    origin_ms_ = origin_ms;
    waiters.swap(waiters_);
  }
  for (auto& w : waiters)
    w();
}

void PendingFill::abandon() {
  std::vector<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (outcome_ != Outcome::kWaiting) return;
    outcome_ = Outcome::kFailed;
    status_ = 502;
    dropped.swap(waiters_);
  }
}

PendingFill::Outcome PendingFill::outcome() const {
  std::lock_guard lock(mutex_);
  return outcome_;
}

cache::ConstObjectRef PendingFill::object() const {
  std::lock_guard lock(mutex_);
  return object_;
}

double PendingFill::origin_ms() const {
  std::lock_guard lock(mutex_);
  return origin_ms_;
}

int PendingFill::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::shared_ptr<PendingFill> FillRegistry::join_or_create(std::string_view key, bool& created) {
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  auto it = s.fills.find(key);
  if (it != s.fills.end()) {
    created = false;
    return it->second;
  }
  created = true;
  auto fill = std::make_shared<PendingFill>();
  s.fills.emplace(std::string(key), fill);
  return fill;
}

void FillRegistry::remove(std::string_view key, const PendingFill* fill) {
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  auto it = s.fills.find(key);
  if (it != s.fills.end() && it->second.get() == fill) s.fills.erase(it);
}

bool FillRegistry::contains(std::string_view key) {
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  return s.fills.find(key) != s.fills.end();
}

}  // namespace candela::edge
