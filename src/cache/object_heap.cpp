// A TLSF heap over mmap'd regions for cache objects.
#include "cache/object_heap.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <new>

namespace candela::cache {

// A block's header. Only `size` belongs to the block while it is used; `prev_phys` lives in
// the last word of the previous block (valid while that one is free) and the free-list links in
// the block's own payload (valid while it is free). So a used block costs 8 bytes.
struct ObjectHeap::Block {
  Block* prev_phys;
  std::size_t size;  // payload bytes (a multiple of 8) | kFree | kPrevFree
  Block* next_free;
  Block* prev_free;
};

// At the start of each region (regions are kRegionBytes long and aligned to that, so a block
// finds its region by masking its address).
struct ObjectHeap::Region {
  Region* next;
  Region* prev;
  std::size_t bytes;
  char* high_water;  // end of the highest payload handed out
};

namespace {

constexpr std::size_t kFree = 1;
constexpr std::size_t kPrevFree = 2;
constexpr std::size_t kFlags = 7;
constexpr std::size_t kHeader = sizeof(std::size_t);  // what a used block costs
constexpr std::size_t kPayloadOffset = 2 * sizeof(void*);
constexpr std::size_t kMinPayload = 3 * sizeof(void*);  // room for the free-list links
constexpr std::size_t kRegionHeader = 64;
// The first block's header and the end sentinel's size word take this much of a region.
constexpr std::size_t kRegionOverhead = kRegionHeader + 2 * kHeader;
// An empty region's block must be found for any request up to kMaxBytes, even after find_free
// rounds the request up to its list's boundary (by less than 1/32).
static_assert(ObjectHeap::kMaxBytes + ObjectHeap::kMaxBytes / 32 <=
              ObjectHeap::kRegionBytes - kRegionOverhead);
constexpr std::size_t kSmallLimit = 256;
// How many blocks of a request's own list are looked at for the best fit (a constant bound).
constexpr int kExactListScan = 32;

int log2_floor(std::size_t x) noexcept {
  return 63 - __builtin_clzll(x);
}

std::size_t align_up(std::size_t n, std::size_t to) noexcept {
  return (n + to - 1) / to * to;
}

}  // namespace

ObjectHeap& ObjectHeap::instance() {
  // Never destroyed: objects may be released during static destruction.
  static auto* heap = new ObjectHeap;
  return *heap;
}

ObjectHeap::ObjectHeap() = default;

ObjectHeap::~ObjectHeap() {
  while (regions_ != nullptr) {
    Region* next = regions_->next;
    ::munmap(regions_, regions_->bytes);
    regions_ = next;
  }
}

namespace {

std::size_t payload_size(std::size_t size_word) noexcept {
  return size_word & ~kFlags;
}

// (first level, second level) of a free list; sizes below kSmallLimit map linearly.
void mapping(std::size_t size, int& fl, int& sl) noexcept {
  if (size < kSmallLimit) {
    fl = 0;
    sl = static_cast<int>(size / (kSmallLimit / 32));
    return;
  }
  const int f = log2_floor(size);
  sl = static_cast<int>(size >> (f - 5)) ^ 32;
  fl = f - 7;
}

}  // namespace

void ObjectHeap::insert_free(Block* block) noexcept {
  int fl = 0;
  int sl = 0;
  mapping(payload_size(block->size), fl, sl);
  Block* head = free_lists_[fl][sl];
  block->next_free = head;
  block->prev_free = nullptr;
  if (head != nullptr) head->prev_free = block;
  free_lists_[fl][sl] = block;
  first_level_map_ |= std::uint64_t{1} << fl;
  second_level_map_[fl] |= std::uint32_t{1} << sl;
}

void ObjectHeap::remove_free(Block* block) noexcept {
  int fl = 0;
  int sl = 0;
  mapping(payload_size(block->size), fl, sl);
  if (block->next_free != nullptr) block->next_free->prev_free = block->prev_free;
  if (block->prev_free != nullptr) {
    block->prev_free->next_free = block->next_free;
  } else {
    free_lists_[fl][sl] = block->next_free;
    if (block->next_free == nullptr) {
      second_level_map_[fl] &= ~(std::uint32_t{1} << sl);
      if (second_level_map_[fl] == 0) first_level_map_ &= ~(std::uint64_t{1} << fl);
    }
  }
}

// A free block of at least `size` payload bytes. First the best fit among the first blocks of
// the size's own list (which also holds blocks a little smaller than `size`): cached objects
// often have nearly the same size, and the hole an evicted one leaves is then the natural place
// for the next. Then the size rounded up to the next list boundary, where any block of the list
// found fits (TLSF's good fit in constant time).
ObjectHeap::Block* ObjectHeap::find_free(std::size_t size) noexcept {
  int fl = 0;
  int sl = 0;
  mapping(size, fl, sl);
  if (fl < kFirstLevels) {
    Block* best = nullptr;
    int looked = 0;
    for (Block* b = free_lists_[fl][sl]; b != nullptr && looked < kExactListScan;
         b = b->next_free, ++looked) {
      const std::size_t available = payload_size(b->size);
      if (available >= size && (best == nullptr || available < payload_size(best->size))) {
        best = b;
        if (available == size) break;
      }
    }
    if (best != nullptr) return best;
  }
  if (size >= kSmallLimit) size += (std::size_t{1} << (log2_floor(size) - 5)) - 1;
  mapping(size, fl, sl);
  if (fl >= kFirstLevels) return nullptr;
  std::uint32_t sl_map = second_level_map_[fl] & (~std::uint32_t{0} << sl);
  if (sl_map == 0) {
    if (fl + 1 >= kFirstLevels) return nullptr;
    const std::uint64_t fl_map = first_level_map_ & (~std::uint64_t{0} << (fl + 1));
    if (fl_map == 0) return nullptr;
    fl = __builtin_ctzll(fl_map);
    sl_map = second_level_map_[fl];
  }
  return free_lists_[fl][__builtin_ctz(sl_map)];
}

void ObjectHeap::add_region() {
  constexpr std::size_t bytes = kRegionBytes;
  // Over-map by one region to cut an aligned one out of it.
  void* raw = ::mmap(nullptr, bytes + kRegionBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto* start = static_cast<char*>(raw);
  auto* base =
      reinterpret_cast<char*>(align_up(reinterpret_cast<std::uintptr_t>(start), kRegionBytes));
  if (base > start) ::munmap(start, static_cast<std::size_t>(base - start));
  char* end = start + bytes + kRegionBytes;
  if (end > base + bytes) ::munmap(base + bytes, static_cast<std::size_t>(end - (base + bytes)));

  auto* region = reinterpret_cast<Region*>(base);
  region->next = regions_;
  region->prev = nullptr;
  region->bytes = bytes;
  if (regions_ != nullptr) regions_->prev = region;
  regions_ = region;

  auto* first = reinterpret_cast<Block*>(base + kRegionHeader - kHeader);
  first->size = (bytes - kRegionOverhead) | kFree;
  region->high_water = base + kRegionHeader + kHeader;
  // The sentinel: a used block of size 0 whose size word ends the region.
  auto* sentinel = reinterpret_cast<Block*>(base + bytes - kPayloadOffset);
  sentinel->prev_phys = first;
  sentinel->size = kPrevFree;
  insert_free(first);
  free_bytes_ += bytes - kRegionOverhead + kHeader;
  stats_.region_bytes += bytes;
  ++stats_.regions;
}

void ObjectHeap::release_region(Region* region, Block* block) noexcept {
  (region->prev ? region->prev->next : regions_) = region->next;
  if (region->next != nullptr) region->next->prev = region->prev;
  free_bytes_ -= payload_size(block->size) + kHeader;
  stats_.region_bytes -= region->bytes;
  --stats_.regions;
  ::munmap(region, region->bytes);
}

void* ObjectHeap::allocate(std::size_t bytes) {
  const std::size_t size = std::max(align_up(bytes, kAlignment), kMinPayload);
  std::lock_guard lock(mutex_);
  if (size > kMaxBytes) throw std::bad_alloc();
  Block* block = find_free(size);
  if (block == nullptr) {
    add_region();
    block = find_free(size);
    if (block == nullptr) throw std::bad_alloc();
  }
  remove_free(block);
  char* payload = reinterpret_cast<char*>(block) + kPayloadOffset;
  const std::size_t available = payload_size(block->size);
  const auto next_of = [](Block* b) {
    return reinterpret_cast<Block*>(reinterpret_cast<char*>(b) + kPayloadOffset +
                                    payload_size(b->size) - kHeader);
  };
  if (available >= size + sizeof(Block)) {
    // Split: the rest stays free, right after the block handed out.
    auto* rest = reinterpret_cast<Block*>(payload + size - kHeader);
    rest->size = (available - size - kHeader) | kFree;
    next_of(rest)->prev_phys = rest;
    block->size = size | (block->size & kPrevFree);
    insert_free(rest);
  } else {
    block->size &= ~kFree;
    next_of(block)->size &= ~kPrevFree;
  }
  const std::size_t footprint = payload_size(block->size) + kHeader;
  free_bytes_ -= footprint;
  stats_.used_bytes += footprint;
  auto* region = reinterpret_cast<Region*>(reinterpret_cast<std::uintptr_t>(block) &
                                           ~(std::uintptr_t{kRegionBytes} - 1));
  region->high_water = std::max(region->high_water, payload + payload_size(block->size));
  return payload;
}

void ObjectHeap::deallocate(void* p) noexcept {
  if (p == nullptr) return;
  std::lock_guard lock(mutex_);
  auto* block = reinterpret_cast<Block*>(static_cast<char*>(p) - kPayloadOffset);
  const auto next_of = [](Block* b) {
    return reinterpret_cast<Block*>(reinterpret_cast<char*>(b) + kPayloadOffset +
                                    payload_size(b->size) - kHeader);
  };
  const std::size_t footprint = payload_size(block->size) + kHeader;
  stats_.used_bytes -= footprint;
  free_bytes_ += footprint;
  block->size |= kFree;
  Block* next = next_of(block);
  if (block->size & kPrevFree) {
    Block* prev = block->prev_phys;
    remove_free(prev);
    prev->size = (payload_size(prev->size) + footprint) | (prev->size & kFlags);
    block = prev;
  }
  if (next->size & kFree) {
    remove_free(next);
    block->size =
        (payload_size(block->size) + payload_size(next->size) + kHeader) | (block->size & kFlags);
    next = next_of(block);
  }
  next->prev_phys = block;
  next->size |= kPrevFree;

  auto* region = reinterpret_cast<Region*>(reinterpret_cast<std::uintptr_t>(block) &
                                           ~(std::uintptr_t{kRegionBytes} - 1));
  const bool whole_region =
      reinterpret_cast<char*>(block) == reinterpret_cast<char*>(region) + kRegionHeader - kHeader &&
      payload_size(next->size) == 0;
  // An empty region goes back to the system unless the heap would be left with little free
  // space, which would make the next fill map a region again.
  if (whole_region && free_bytes_ - (payload_size(block->size) + kHeader) >= kRegionBytes / 2) {
    release_region(region, block);
    return;
  }
  insert_free(block);
}

ObjectHeap::Stats ObjectHeap::stats() const {
  std::lock_guard lock(mutex_);
  Stats s = stats_;
  s.touched_bytes = 0;
  for (const Region* r = regions_; r != nullptr; r = r->next)
    s.touched_bytes += static_cast<std::uint64_t>(r->high_water - reinterpret_cast<const char*>(r));
  return s;
}

}  // namespace candela::cache
