// A cache object's body: one filler appends while any number of readers stream it.
//
// Publication: append() copies the bytes, then release-stores size_; readers acquire-load size_
// and only touch bytes below it. Once the body is complete (or failed) readers take no lock at
// all; while it fills, a reader of a growing external body locks briefly to find its block.
#include <array>
#include <cstring>
#include <utility>

#include "cache/cache_object.hpp"
#include "cache/external_body.hpp"
#include "cache/fill_state.hpp"

namespace candela::cache {

namespace {

// Fill locks are shared by objects in stripes: a lock is held for a few instructions, and only
// while some object fills, so 64 of them serve any number of concurrent fills without a mutex
// in every cached object.
struct alignas(64) Stripe {
  std::mutex mutex;
};
constexpr std::size_t kStripes = 64;
std::array<Stripe, kStripes> g_stripes;

}  // namespace

std::mutex& CacheObject::fill_lock() const noexcept {
  // Objects are at least 16-byte aligned; the low bits carry no information.
  const auto address = reinterpret_cast<std::uintptr_t>(this);
  return g_stripes[(address >> 4 ^ address >> 10) % kStripes].mutex;
}

std::span<const char> CacheObject::readable(std::uint64_t offset) const {
  const std::uint64_t available = size_.load(std::memory_order_acquire);
  if (offset >= available) return {};
  if (!external_) {
    return {inline_body() + offset, static_cast<std::size_t>(available - offset)};
  }
  const bool filling = state_.load(std::memory_order_acquire) == kFilling;
  return external_->run(offset, available, filling ? &fill_lock() : nullptr);
}

bool CacheObject::subscribe(std::uint64_t offset, std::function<void()> on_progress) const {
  std::lock_guard lock(fill_lock());
  if (size_.load(std::memory_order_acquire) > offset ||
      state_.load(std::memory_order_acquire) != kFilling) {
    return false;
  }
  // Filling implies fill_ is set: set_terminal() clears it under this lock after the state.
  fill_->waiters.push_back(std::move(on_progress));
  return true;
}

bool CacheObject::append(const char* data, std::size_t n) {
  // Only the filler changes state_ and size_, so its own relaxed loads see its own stores.
  if (state_.load(std::memory_order_relaxed) != kFilling) return false;
  const std::uint64_t old_size = size_.load(std::memory_order_relaxed);
  if (expected_ != kUnknownLength && n > expected_ - old_size) return false;
  if (n == 0) return true;
  if (external_) {
    external_->write(old_size, data, n, fill_lock());
  } else {
    std::memcpy(inline_body() + old_size, data, n);
  }
  // Publishes the copied bytes to every reader that acquire-loads size_.
  size_.store(old_size + n, std::memory_order_release);
  notify();
  return true;
}

bool CacheObject::finish() {
  if (state_.load(std::memory_order_relaxed) != kFilling) return false;
  if (expected_ != kUnknownLength && size_.load(std::memory_order_relaxed) != expected_) {
    // Serving a truncated body as complete would poison the cache; readers must stop instead.
    set_terminal(kFailed);
    return false;
  }
  set_terminal(kComplete);
  return true;
}

void CacheObject::fail() {
  if (state_.load(std::memory_order_relaxed) != kFilling) return;
  set_terminal(kFailed);
}

void CacheObject::on_fill_end(std::function<void(CacheObject&)> hook) {
  {
    std::lock_guard lock(fill_lock());
    if (fill_ != nullptr) {
      fill_->on_end = std::move(hook);
      return;
    }
  }
  hook(*this);
}

void CacheObject::set_terminal(State state) {
  // Release: every block added and every byte copied before this is visible to a reader that
  // sees the terminal state, which is what lets such readers skip the lock.
  state_.store(state, std::memory_order_release);
  FillState* fill;
  {
    // After this, subscribe() sees the terminal state and never touches fill_ again.
    std::lock_guard lock(fill_lock());
    fill = std::exchange(fill_, nullptr);
  }
  if (fill == nullptr) return;
  // Outside the lock: a callback may call subscribe() straight away (and is refused).
  for (auto& callback : fill->waiters)
    callback();
  if (fill->on_end) fill->on_end(*this);
  delete fill;
}

void CacheObject::notify() const {
  std::vector<std::function<void()>> ready;
  {
    // Taken after publishing, so a subscriber either registered before (and is called now) or
    // locks after us and sees the new size or state (and is refused).
    std::lock_guard lock(fill_lock());
    if (fill_ == nullptr || fill_->waiters.empty()) return;
    ready.swap(fill_->waiters);
  }
  for (auto& callback : ready)
    callback();
}

}  // namespace candela::cache
