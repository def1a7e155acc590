// Body storage outside the object: one exact block, or a list of growing blocks.
#include "cache/external_body.hpp"

#include <algorithm>
#include <cstring>

namespace candela::cache {

namespace {

constexpr std::size_t kGrowingBlocks = 4;  // 4, 8, 16, 32 KiB, then kMaxBlockBytes each
static_assert((ExternalBody::kFirstBlockBytes << kGrowingBlocks) == ExternalBody::kMaxBlockBytes);
// Bytes held by the growing blocks together: 4 + 8 + 16 + 32 KiB.
constexpr std::uint64_t kGrowingBytes =
    ExternalBody::kFirstBlockBytes * ((1u << kGrowingBlocks) - 1);

bool fits_single_block(const std::optional<std::uint64_t>& expected) {
  return expected.has_value() && *expected <= ExternalBody::kMaxSingleBlockBytes;
}

}  // namespace

ExternalBody* ExternalBody::create(std::optional<std::uint64_t> expected_size) {
  return new ExternalBody(expected_size);
}

ExternalBody::ExternalBody(std::optional<std::uint64_t> expected_size)
    : single_block_(fits_single_block(expected_size)),
      single_(single_block_ && *expected_size > 0
                  ? std::make_unique_for_overwrite<char[]>(*expected_size)
                  : nullptr) {
  if (single_) {
    allocated_.store(*expected_size, std::memory_order_relaxed);
  } else if (!single_block_ && expected_size) {
    // A large known size: size the block table now so it never reallocates while filling.
    blocks_.reserve(block_for(*expected_size - 1).index + 1);
  }
}

void ExternalBody::release() noexcept {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

std::uint64_t ExternalBody::block_bytes(std::size_t index) noexcept {
  return index < kGrowingBlocks ? kFirstBlockBytes << index : kMaxBlockBytes;
}

ExternalBody::BlockSpan ExternalBody::block_for(std::uint64_t offset) noexcept {
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

void ExternalBody::write(std::uint64_t offset, const char* data, std::size_t n,
                         std::mutex& table_lock) {
  if (single_block_) {
    std::memcpy(single_.get() + offset, data, n);
    return;
  }
  std::uint64_t pos = offset;
  std::size_t left = n;
  while (left > 0) {
    const BlockSpan block = block_for(pos);
    if (block.index == blocks_.size()) {
      auto fresh = std::make_unique_for_overwrite<char[]>(block.bytes);
      {
        // Readers of a filling body index blocks_ under this lock.
        std::lock_guard lock(table_lock);
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

std::span<const char> ExternalBody::run(std::uint64_t offset, std::uint64_t available,
                                        std::mutex* table_lock) const {
  if (single_block_) {
    return {single_.get() + offset, static_cast<std::size_t>(available - offset)};
  }
  const BlockSpan block = block_for(offset);
  const char* base;
  if (table_lock == nullptr) {
    base = blocks_[block.index].get();  // the table is frozen once the body is filled
  } else {
    std::lock_guard lock(*table_lock);
    base = blocks_[block.index].get();
  }
  const std::uint64_t end = std::min(available, block.start + block.bytes);
  return {base + (offset - block.start), static_cast<std::size_t>(end - offset)};
}

}  // namespace candela::cache
