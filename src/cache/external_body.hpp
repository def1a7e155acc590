// Body bytes kept outside their cache object: large bodies and bodies of unknown length.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace candela::cache {

// Small bodies of known length live inside their CacheObject. The others live here:
//   - a known length up to kMaxSingleBlockBytes: exactly one allocation of that size;
//   - otherwise (no Content-Length, or a larger one, so a lying Content-Length cannot reserve
//     gigabytes up front) blocks of 4 KiB, 8 KiB, ... up to 64 KiB, so a small chunked body
//     stays small. Blocks never move: a span returned by run() stays valid for the body's life.
//
// The owning object publishes how many bytes are valid (its size) and whether it is still
// filling; this class only stores bytes. While filling, the block table may grow, so readers
// look blocks up under the owner's fill lock; once filled the table is frozen and read freely.
//
// Reference counted: after a 304, the refreshed object shares the complete body of the stale
// one instead of copying it.
class ExternalBody {
 public:
  static constexpr std::size_t kFirstBlockBytes = 4 * 1024;
  static constexpr std::size_t kMaxBlockBytes = 64 * 1024;
  static constexpr std::uint64_t kMaxSingleBlockBytes = 64ull * 1024 * 1024;

  // A body with one reference (the caller's).
  static ExternalBody* create(std::optional<std::uint64_t> expected_size);
  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept;

  // Copies n bytes to `offset` (the current size: bodies are append-only), adding blocks as
  // needed; a new block is published in the table under `table_lock`.
  void write(std::uint64_t offset, const char* data, std::size_t n, std::mutex& table_lock);

  // The longest contiguous run of the first `available` bytes that starts at `offset`
  // (offset < available). `table_lock` is taken when not null, i.e. while the body fills.
  std::span<const char> run(std::uint64_t offset, std::uint64_t available,
                            std::mutex* table_lock) const;

  // Bytes allocated for the body.
  std::uint64_t allocated() const noexcept { return allocated_.load(std::memory_order_relaxed); }

 private:
  struct BlockSpan {
    std::size_t index;
    std::uint64_t start;
    std::uint64_t bytes;
  };
  // Block geometry of the growing layout; a pure function of the offset.
  static BlockSpan block_for(std::uint64_t offset) noexcept;
  static std::uint64_t block_bytes(std::size_t index) noexcept;

  explicit ExternalBody(std::optional<std::uint64_t> expected_size);

  std::atomic<std::uint32_t> refs_{1};
  const bool single_block_;
  const std::unique_ptr<char[]> single_;
  std::vector<std::unique_ptr<char[]>> blocks_;  // growing layout; see the class comment
  std::atomic<std::uint64_t> allocated_{0};
};

}  // namespace candela::cache
