// S3-FIFO's ghost queue: hashes of keys recently evicted from the small queue, in few bytes each.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace candela::cache {

// Remembers key hashes in FIFO order, bounded by the total charge of the objects they stood for.
//
// Memory per remembered key: 4 bytes in the FIFO (the charge, to know when the oldest leaves)
// plus one 8-byte slot of a table kept between 3/8 and 3/4 full, about 15 to 25 bytes in all
// (a deque node plus a hash-map node was about 64).
//
// The table is a set of 8-slot buckets (one cache line); each key has two candidate buckets and
// goes to the emptier one. A slot holds a 32-bit fingerprint of the hash and the 32-bit sequence
// number of its FIFO entry. A slot whose entry has left the FIFO is stale and free for reuse, so
// nothing is ever erased from the table when the FIFO advances. When all sixteen candidate slots
// are live (about one key in 10,000 at the highest load) the oldest is overwritten: the ghost
// may forget a key early and, up to fingerprint collisions (about one in 2^30 per probe), never
// invents one.
class Ghost {
 public:
  void set_capacity(std::uint64_t bytes) noexcept { capacity_ = bytes; }

  // Remembers `hash`, standing for an object of `charge` bytes.
  void add(std::uint64_t hash, std::uint64_t charge);
  // True, and forgets it, if `hash` is remembered.
  bool take(std::uint64_t hash) noexcept;

  std::uint64_t entries() const noexcept { return pushed_ - popped_; }
  std::uint64_t bytes() const noexcept { return bytes_; }
  // Heap bytes held (for the memory accounting tests).
  std::uint64_t memory_bytes() const noexcept;

 private:
  static constexpr std::size_t kBucketSlots = 8;

  bool live(std::uint64_t slot) const noexcept;
  std::uint64_t* bucket_for(std::uint32_t fingerprint, int choice) noexcept;
  std::uint64_t* find(std::uint32_t fingerprint) noexcept;
  void place(std::uint32_t fingerprint, std::uint32_t sequence) noexcept;
  void grow();

  std::deque<std::uint32_t> charges_;  // FIFO, oldest first; entry i has sequence popped_ + i
  std::vector<std::uint64_t> slots_;   // (fingerprint << 32 | sequence), 0 = empty
  std::uint64_t bytes_ = 0;
  std::uint64_t capacity_ = 0;
  std::uint64_t pushed_ = 0;
  std::uint64_t popped_ = 0;
};

}  // namespace candela::cache
