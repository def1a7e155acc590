// Append-only response body filled by one origin fetch while any number of clients stream it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace candela::cache {

// One writer (the filler) appends; many readers, each at its own offset, read concurrently
// while the body is still arriving (collapsed forwarding).
//
// Memory: with a known size (Content-Length) the body is exactly one allocation of that size
// (bodies above kMaxSingleBlockBytes excepted, so a lying Content-Length cannot reserve
// gigabytes up front). Otherwise blocks of 4 KiB, 8 KiB, ... up to 64 KiB are appended, so a
// small chunked body stays small. Blocks never move: a span returned by readable() stays valid
// for the life of the buffer.
//
// Publication: append() copies into the blocks, then release-stores size(); readers
// acquire-load size() and only touch bytes below it. Once the buffer is complete (or failed)
// readers take no lock at all; while it fills, a reader locks briefly only to find the block
// holding its offset.
//
// Wake-up protocol (no lost wake-ups):
//   1. A reader drains readable(offset) until it returns an empty span.
//   2. It calls subscribe(offset, cb). If that returns false, there is already something to act
//      on (size() > offset, or complete(), or failed()): go back to step 1 without waiting.
//   3. If it returns true, cb will run exactly once, on the filler's thread, outside any lock,
//      after the next append, finish() or fail(). cb should only post work to the reader's own
//      event loop, which then goes back to step 1.
// subscribe() checks the state under the same mutex that the filler takes after publishing, so a
// callback is either registered before the publication (and invoked by it) or refused.
// A callback keeps what it captures alive until it runs, at the latest when the fill ends.
class BodyBuffer {
 public:
  static constexpr std::size_t kFirstBlockBytes = 4 * 1024;
  static constexpr std::size_t kMaxBlockBytes = 64 * 1024;
  static constexpr std::uint64_t kMaxSingleBlockBytes = 64ull * 1024 * 1024;

  explicit BodyBuffer(std::optional<std::uint64_t> expected_size);
  ~BodyBuffer();
  BodyBuffer(const BodyBuffer&) = delete;
  BodyBuffer& operator=(const BodyBuffer&) = delete;

  // --- writer (one thread at a time) ---

  // Copies n bytes to the end. False, and nothing is written, if the buffer is already
  // finished or failed, or if it would grow beyond the expected size.
  bool append(const char* data, std::size_t n);
  // Marks the body complete. With an expected size that was not reached the body is truncated:
  // the buffer is marked failed instead and false is returned. No-op (false) once terminal.
  bool finish();
  // The fill broke: readers see failed() and stop. No-op once terminal.
  void fail();

  // --- readers (any thread) ---

  // The longest contiguous run of published bytes starting at offset; shorter than what is
  // available when the run crosses a block boundary; empty when nothing is there yet.
  std::span<const char> readable(std::uint64_t offset) const;
  std::uint64_t size() const noexcept { return size_.load(std::memory_order_acquire); }
  bool complete() const noexcept { return state_.load(std::memory_order_acquire) == kComplete; }
  bool failed() const noexcept { return state_.load(std::memory_order_acquire) == kFailed; }
  std::optional<std::uint64_t> expected_size() const noexcept { return expected_size_; }

  // See the wake-up protocol above. Returns false, without registering, when
  // size() > offset || complete() || failed().
  bool subscribe(std::uint64_t offset, std::function<void()> on_progress);

  // Bytes allocated for the body (what the cache should charge for it).
  std::uint64_t memory_bytes() const noexcept { return allocated_.load(std::memory_order_relaxed); }

 private:
  enum State : std::uint8_t { kFilling, kComplete, kFailed };

  struct BlockSpan {
    std::size_t index;
    std::uint64_t start;
    std::uint64_t bytes;
  };
  // Block geometry of the growing layout; a pure function of the offset.
  static BlockSpan block_for(std::uint64_t offset) noexcept;
  static std::uint64_t block_bytes(std::size_t index) noexcept;

  void set_terminal(State state);
  void notify();

  const std::optional<std::uint64_t> expected_size_;
  // True when the body lives in the one block allocated by the constructor (null when the
  // expected size is 0).
  const bool single_block_;
  const std::unique_ptr<char[]> single_;

  // Growing layout. The vector only changes under mutex_ and only while filling, which is why
  // readers of a terminal buffer may index it without the lock.
  std::vector<std::unique_ptr<char[]>> blocks_;

  std::atomic<std::uint64_t> size_{0};
  std::atomic<State> state_{kFilling};
  std::atomic<std::uint64_t> allocated_{0};

  mutable std::mutex mutex_;
  std::vector<std::function<void()>> waiters_;  // guarded by mutex_
};

}  // namespace candela::cache
