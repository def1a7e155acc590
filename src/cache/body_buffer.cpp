// Append-only response body filled by one origin fetch while any number of clients stream it.
#include "cache/body_buffer.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace candela::cache {

namespace {

constexpr std::size_t kGrowingBlocks = 4;  // 4, 8, 16, 32 KiB, then kMaxBlockBytes each
static_assert((BodyBuffer::kFirstBlockBytes << kGrowingBlocks) == BodyBuffer::kMaxBlockBytes);
// Bytes held by the growing blocks together: 4 + 8 + 16 + 32 KiB.
constexpr std::uint64_t kGrowingBytes = BodyBuffer::kFirstBlockBytes * ((1u << kGrowingBlocks) - 1);

bool fits_single_block(const std::optional<std::uint64_t>& expected) {
  return expected.has_value() && *expected <= BodyBuffer::kMaxSingleBlockBytes;
}

}  // namespace

BodyBuffer::BodyBuffer(std::optional<std::uint64_t> expected_size)
    : expected_size_(expected_size),
      single_block_(fits_single_block(expected_size)),
      single_(single_block_ && *expected_size > 0
                  ? std::make_unique_for_overwrite<char[]>(*expected_size)
                  : nullptr) {
  if (single_) {
    allocated_.store(*expected_size, std::memory_order_relaxed);
  } else if (!single_block_ && expected_size_) {
    // A large known size: size the block table now so it never reallocates while filling.
    blocks_.reserve(block_for(*expected_size_ - 1).index + 1);
  }
}

BodyBuffer::~BodyBuffer() = default;

std::uint64_t BodyBuffer::block_bytes(std::size_t index) noexcept {
  return index < kGrowingBlocks ? kFirstBlockBytes << index : kMaxBlockBytes;
}

BodyBuffer::BlockSpan BodyBuffer::block_for(std::uint64_t offset) noexcept {
  if (offset >= kGrowingBytes) {
    const std::uint64_t past = offset - kGrowingBytes;
    return {kGrowingBlocks + static_cast<std::size_t>(past / kMaxBlockBytes),
            kGrowingBytes + past / kMaxBlockBytes * kMaxBlockBytes, kMaxBlockBytes};
  }
  std::uint64_t start = 0;
  std::size_t index = 0;
  while (offset >= start + block_bytes(index)) {
    start += block_bytes(index);
    ++index;
  }
  return {index, start, block_bytes(index)};
}

bool BodyBuffer::append(const char* data, std::size_t n) {
  // Only the writer changes state_ and size_, so its own relaxed loads see its own stores.
  if (state_.load(std::memory_order_relaxed) != kFilling) return false;
  const std::uint64_t old_size = size_.load(std::memory_order_relaxed);
  if (expected_size_ && n > *expected_size_ - old_size) return false;
  if (n == 0) return true;

  if (single_block_) {
    std::memcpy(single_.get() + old_size, data, n);
  } else {
    std::uint64_t pos = old_size;
    std::size_t left = n;
    while (left > 0) {
      const BlockSpan block = block_for(pos);
      if (block.index == blocks_.size()) {
        auto fresh = std::make_unique_for_overwrite<char[]>(block.bytes);
        {
          // Readers of a filling buffer index blocks_ under this lock.
          std::lock_guard lock(mutex_);
          blocks_.push_back(std::move(fresh));
        }
        allocated_.fetch_add(block.bytes, std::memory_order_relaxed);
      }
      const std::size_t chunk =
          static_cast<std::size_t>(std::min<std::uint64_t>(left, block.start + block.bytes - pos));
      std::memcpy(blocks_[block.index].get() + (pos - block.start), data, chunk);
      data += chunk;
      pos += chunk;
      left -= chunk;
    }
  }
  // Publishes the copied bytes to every reader that acquire-loads size_.
  size_.store(old_size + n, std::memory_order_release);
  notify();
  return true;
}

bool BodyBuffer::finish() {
  if (state_.load(std::memory_order_relaxed) != kFilling) return false;
  if (expected_size_ && size_.load(std::memory_order_relaxed) != *expected_size_) {
    // Serving a truncated body as complete would poison the cache; readers must stop instead.
    set_terminal(kFailed);
    return false;
  }
  set_terminal(kComplete);
  return true;
}

void BodyBuffer::fail() {
  if (state_.load(std::memory_order_relaxed) != kFilling) return;
  set_terminal(kFailed);
}

void BodyBuffer::set_terminal(State state) {
  // Release: every block pushed and every byte copied before this is visible to a reader that
  // sees the terminal state, which is what lets such readers skip the lock.
  state_.store(state, std::memory_order_release);
  notify();
}

void BodyBuffer::notify() {
  std::vector<std::function<void()>> ready;
  {
    // Taken after publishing, so a subscriber either registered before (and is called now) or
    // locks after us and sees the new size or state (and is refused).
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) return;
    ready.swap(waiters_);
  }
  // Outside the lock: a callback may subscribe again straight away.
  for (auto& callback : ready)
    callback();
}

std::span<const char> BodyBuffer::readable(std::uint64_t offset) const {
  const std::uint64_t available = size_.load(std::memory_order_acquire);
  if (offset >= available) return {};
  if (single_block_) {
    return {single_.get() + offset, static_cast<std::size_t>(available - offset)};
  }
  const BlockSpan block = block_for(offset);
  const char* base;
  if (state_.load(std::memory_order_acquire) != kFilling) {
    base = blocks_[block.index].get();  // the table is frozen once terminal
  } else {
    std::lock_guard lock(mutex_);
    base = blocks_[block.index].get();
  }
  const std::uint64_t end = std::min(available, block.start + block.bytes);
  return {base + (offset - block.start), static_cast<std::size_t>(end - offset)};
}

bool BodyBuffer::subscribe(std::uint64_t offset, std::function<void()> on_progress) {
  std::lock_guard lock(mutex_);
  if (size_.load(std::memory_order_acquire) > offset ||
      state_.load(std::memory_order_acquire) != kFilling) {
    return false;
  }
  waiters_.push_back(std::move(on_progress));
  return true;
}

}  // namespace candela::cache
