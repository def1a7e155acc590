// The ghost FIFO of S3-FIFO: fingerprints in a bucketed table, charges in a FIFO.
#include "cache/ghost.hpp"

#include <algorithm>
#include <limits>

namespace candela::cache {

namespace {

constexpr std::size_t kInitialSlots = 64;

std::uint32_t fingerprint(std::uint64_t hash) noexcept {
  // Never 0, so that an empty slot (0) never matches.
  return static_cast<std::uint32_t>(hash >> 32) | 1u;
}

}  // namespace

// Both candidate buckets come from the fingerprint (above its constant low bit), so the table
// can be rebuilt at twice the size from the slots alone.
std::uint64_t* Ghost::bucket_for(std::uint32_t fp, int choice) noexcept {
  const std::size_t buckets = slots_.size() / kBucketSlots;
  std::uint32_t h = fp >> 1;
  if (choice == 1) {
    h *= 0x9e3779b1u;  // a second, independent-looking index
    h ^= h >> 15;
  }
  return &slots_[(h & (buckets - 1)) * kBucketSlots];
}

bool Ghost::live(std::uint64_t slot) const noexcept {
  if (slot == 0) return false;
  // Sequence numbers are kept modulo 2^32; the FIFO never holds 2^32 entries.
  const auto sequence = static_cast<std::uint32_t>(slot);
  return static_cast<std::uint32_t>(sequence - static_cast<std::uint32_t>(popped_)) <
         static_cast<std::uint32_t>(pushed_ - popped_);
}

std::uint64_t* Ghost::find(std::uint32_t fp) noexcept {
  for (int choice = 0; choice < 2; ++choice) {
    std::uint64_t* bucket = bucket_for(fp, choice);
    for (std::size_t i = 0; i < kBucketSlots; ++i) {
      if (bucket[i] >> 32 == fp && live(bucket[i])) return &bucket[i];
    }
  }
  return nullptr;
}

// Two-choice placement: the key goes to the emptier of its two buckets, which keeps buckets
// from overflowing at the table's load (at most 3/4).
void Ghost::place(std::uint32_t fp, std::uint32_t sequence) noexcept {
  std::uint64_t* target = find(fp);  // the same key again: refresh its sequence
  if (target == nullptr) {
    std::uint64_t* free_slot[2] = {nullptr, nullptr};
    std::size_t used[2] = {0, 0};
    std::uint64_t* oldest = nullptr;
    const auto position = [this](std::uint64_t slot) {
      return static_cast<std::uint32_t>(static_cast<std::uint32_t>(slot) -
                                        static_cast<std::uint32_t>(popped_));
    };
    for (int choice = 0; choice < 2; ++choice) {
      std::uint64_t* bucket = bucket_for(fp, choice);
      for (std::size_t i = 0; i < kBucketSlots; ++i) {
        if (!live(bucket[i])) {
          if (free_slot[choice] == nullptr) free_slot[choice] = &bucket[i];
          continue;
        }
        ++used[choice];
        if (oldest == nullptr || position(bucket[i]) < position(*oldest)) oldest = &bucket[i];
      }
    }
    const int emptier = used[1] < used[0] ? 1 : 0;
    // Both buckets full: the oldest of their entries is forgotten.
    target = free_slot[emptier] ? free_slot[emptier] : oldest;
  }
  *target = std::uint64_t{fp} << 32 | sequence;
}

void Ghost::grow() {
  std::vector<std::uint64_t> old = std::move(slots_);
  slots_.assign(std::max(kInitialSlots, old.size() * 2), 0);
  for (const std::uint64_t slot : old) {
    if (live(slot)) place(static_cast<std::uint32_t>(slot >> 32), static_cast<std::uint32_t>(slot));
  }
}

void Ghost::add(std::uint64_t hash, std::uint64_t charge) {
  if (charge > capacity_) return;
  if (slots_.empty() || entries() + 1 > slots_.size() * 3 / 4) grow();
  const auto sequence = static_cast<std::uint32_t>(pushed_++);
  charges_.push_back(static_cast<std::uint32_t>(
      std::min<std::uint64_t>(charge, std::numeric_limits<std::uint32_t>::max())));
  bytes_ += charges_.back();
  place(fingerprint(hash), sequence);
  while (bytes_ > capacity_) {
    bytes_ -= charges_.front();
    charges_.pop_front();
    ++popped_;
  }
}

bool Ghost::take(std::uint64_t hash) noexcept {
  if (slots_.empty()) return false;
  std::uint64_t* slot = find(fingerprint(hash));
  if (slot == nullptr) return false;
  *slot = 0;
  return true;
}

std::uint64_t Ghost::memory_bytes() const noexcept {
  return slots_.capacity() * sizeof(std::uint64_t) + charges_.size() * sizeof(std::uint32_t);
}

}  // namespace candela::cache
