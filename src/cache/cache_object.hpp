// One cached response — its key, stored head, freshness and body — in one allocation.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>

#include "cache/freshness.hpp"
#include "cache/object_ref.hpp"
#include "common/clock.hpp"
#include "http/headers.hpp"

namespace candela::cache {

class ExternalBody;
class RamStore;
struct FillState;
struct StoreLinks;

enum class ObjectKind : std::uint8_t {
  kResponse,     // a stored response
  kVaryIndex,    // under a primary key: names the fields its variants vary on; no head, no body
  kUncacheable,  // hit-for-pass: "not storable", remembered until uncacheable_until()
};

// What an object is made of; the strings are copied into the object.
struct ObjectSpec {
  ObjectKind kind = ObjectKind::kResponse;
  std::string_view key;  // the store key: a primary key, or a variant key with Vary
  int status = 200;
  // The stored end-to-end fields exactly as written to the wire: "Name: value\r\n" lines.
  std::string_view header_block;
  // Varied field names, packed by pack_varied_fields (vary.hpp); at most kMaxVaryBytes.
  std::string_view vary;
  FreshnessInfo freshness;
  // The body length when the origin announced one; the body may then be stored inline.
  std::optional<std::uint64_t> declared_length;
  SysTime uncacheable_until{};  // kUncacheable only
};

// Layout (64-bit): a fixed part of sizeof(CacheObject) = 112 bytes, followed in the same
// allocation (from the ObjectHeap, which keeps stored objects apart from short-lived
// allocations) by the key, the packed Vary names, the header block and — for a response whose
// length is known and at most kMaxInlineBodyBytes — the body:
//
//   [ store links | body state | freshness | sizes, refcount, flags ][ key ][ vary ][ head ][ body
//   ]
//
// The fixed part holds everything the store and the hit path need: the store's hash-chain link,
// its S3-FIFO queue links, frequency and charge (so the store allocates nothing per object), an
// intrusive reference count (no shared_ptr control block), freshness as 32/64-bit integers,
// and the body's published size and state. Larger bodies and bodies of unknown length live in
// an ExternalBody. What only a filling object needs — the lock that guards its waiters and
// growing block table, the waiters of collapsed forwarding, the end-of-fill hook — is a
// FillState allocated with the object and freed as soon as the body is complete or failed; the
// lock is one of a fixed set of striped mutexes, so it costs no per-object memory.
//
// Thread-safety: identity, head and freshness are immutable (except mark_stale(), atomic), so
// any number of threads read a shared object without locks. The body is append-only: one filler
// thread writes while readers stream it (see append() and subscribe()). Readers that hold a
// reference keep streaming an object that the store has meanwhile evicted or replaced.
class CacheObject {
 public:
  // Bodies up to this size, with a known length, live inside the object. Larger ones are kept
  // apart so that a 304 can share them with the refreshed object instead of copying them.
  static constexpr std::uint64_t kMaxInlineBodyBytes = 64 * 1024;
  // Upper bound of ObjectSpec::vary: longer Vary lists are not stored (cache_fill.cpp).
  static constexpr std::size_t kMaxVaryBytes = 4096;

  // A new object. A response starts filling: its body arrives with append() and ends with
  // finish() or fail(). Index and marker objects are complete at once.
  static ObjectRef create(const ObjectSpec& spec);
  // A complete response with `source`'s key, status and body but another head and freshness
  // (after a 304, RFC 9111 §4.3.4). The body is shared when external, copied when inline.
  // `source` must be complete.
  static ObjectRef refreshed(const CacheObject& source, std::string_view header_block,
                             const FreshnessInfo& freshness);
  // A copy of a complete response whose external body is small enough to live inline: the same
  // object in one allocation (bodies of unknown length are filled into growing blocks first).
  // Null when `source` is not such an object.
  static ObjectRef compacted(const CacheObject& source);

  CacheObject(const CacheObject&) = delete;
  CacheObject& operator=(const CacheObject&) = delete;

  // --- identity and head (immutable) ---
  std::string_view key() const noexcept { return {data(), key_size_}; }
  std::string_view property_id() const noexcept;
  ObjectKind kind() const noexcept { return kind_; }
  bool is_vary_index() const noexcept { return kind_ == ObjectKind::kVaryIndex; }
  bool is_uncacheable() const noexcept { return kind_ == ObjectKind::kUncacheable; }
  int status() const noexcept { return status_; }
  // The packed varied field names; non-empty for a Vary index and for every variant.
  std::string_view vary() const noexcept { return {data() + key_size_, vary_size_}; }
  std::string_view header_block() const noexcept {
    return {data() + key_size_ + vary_size_, head_size_};
  }
  // The stored fields as a list; not for the hit path (parses the block).
  http::HeaderView fields() const;
  // Validators, found in the header block (empty when absent).
  std::string_view etag() const;
  std::string_view last_modified() const;
  // The head carries Surrogate-Key or Cache-Tag tags (surrogate_keys.hpp).
  bool has_tags() const noexcept { return (flags_ & kHasTags) != 0; }

  // --- freshness ---
  FreshnessInfo freshness() const noexcept;
  SysTime uncacheable_until() const noexcept;
  // Soft purge: from `now` on the object is stale (its freshness lifetime ends now), so the
  // next request revalidates it; stale-while-revalidate / stale-if-error windows still apply.
  void mark_stale(SysTime now) noexcept;

  // --- body, for readers (any thread) ---
  // The length announced by the origin; without one the length is known only once complete.
  std::optional<std::uint64_t> expected_size() const noexcept;
  std::optional<std::uint64_t> length() const noexcept;
  // Bytes published so far.
  std::uint64_t size() const noexcept { return size_.load(std::memory_order_acquire); }
  bool complete() const noexcept { return state_.load(std::memory_order_acquire) == kComplete; }
  bool failed() const noexcept { return state_.load(std::memory_order_acquire) == kFailed; }
  // The longest contiguous run of published bytes starting at offset; shorter than what is
  // available when the run crosses a block boundary; empty when nothing is there yet.
  std::span<const char> readable(std::uint64_t offset) const;
  // Wake-up protocol for readers streaming a filling body (no lost wake-ups):
  //   1. drain readable(offset) until it returns an empty span;
  //   2. subscribe(offset, cb). False means there is already something to act on (size() >
  //      offset, or complete(), or failed()): go back to step 1 without waiting;
  //   3. true: cb runs exactly once, on the filler's thread, outside any lock, after the next
  //      append(), finish() or fail(). It should only post work to the reader's own loop.
  // subscribe() checks the state under the lock the filler takes after publishing, so a callback
  // is either registered before a publication (and invoked by it) or refused. A callback keeps
  // what it captures alive until it runs, at the latest when the fill ends.
  bool subscribe(std::uint64_t offset, std::function<void()> on_progress) const;

  // --- body, for the one filler thread ---
  // Copies n bytes to the end. False, and nothing is written, once the body is finished or
  // failed, or if it would grow beyond the declared length.
  bool append(const char* data, std::size_t n);
  // Marks the body complete. A declared length that was not reached means a truncated body:
  // the object fails instead and false is returned. No-op (false) once terminal.
  bool finish();
  // The fill broke: readers see failed() and stop. No-op once terminal.
  void fail();
  // Runs `hook` on the filler's thread once the body is complete or failed, after the waiters
  // were woken (the store re-accounts or drops the object there). At once if already terminal.
  void on_fill_end(std::function<void(CacheObject&)> hook);

  // --- memory ---
  // Bytes allocated for the body (inline or external).
  std::uint64_t body_memory_bytes() const noexcept;
  // What the object costs the cache's byte budget: key, Vary names, head and body bytes plus
  // the fixed per-object metadata (RamStore::metadata_bytes_per_object()).
  std::uint64_t charge() const noexcept;

  // --- reference counting (see Ref) ---
  void add_ref() const noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() const noexcept;

 private:
  friend struct StoreLinks;

  enum State : std::uint8_t { kFilling, kComplete, kFailed };
  enum Flag : std::uint8_t {
    kNoCache = 1,
    kNoStale = 2,
    kHeuristic = 4,
    kImmutable = 8,
    kTargeted = 16,
    kHasTags = 32,
    kInObjectHeap = 64,  // allocated from ObjectHeap, else from operator new
  };
  static constexpr std::uint64_t kUnknownLength = ~0ull;

  explicit CacheObject(const ObjectSpec& spec);
  ~CacheObject();
  // The object with room for `inline_capacity` body bytes after the head; no body storage or
  // fill state yet.
  static ObjectRef allocate(const ObjectSpec& spec, std::uint64_t inline_capacity);
  static ObjectRef complete_copy(const CacheObject& source, std::string_view header_block,
                                 const FreshnessInfo& freshness, bool share_body);

  const char* data() const noexcept { return reinterpret_cast<const char*>(this) + sizeof(*this); }
  char* data() noexcept { return reinterpret_cast<char*>(this) + sizeof(*this); }
  char* inline_body() noexcept { return data() + key_size_ + vary_size_ + head_size_; }
  const char* inline_body() const noexcept { return data() + key_size_ + vary_size_ + head_size_; }
  // The striped mutex that guards fill_ (and a filling external body's block table).
  std::mutex& fill_lock() const noexcept;
  void set_terminal(State state);
  void notify() const;

  // --- the store's bookkeeping, guarded by the lock of the store shard holding the key ---
  CacheObject* chain_ = nullptr;  // next object in the same hash bucket
  CacheObject* newer_ = nullptr;  // S3-FIFO queue neighbours
  CacheObject* older_ = nullptr;
  std::uint64_t charge_ = 0;  // what the store accounted for this object

  // --- body ---
  std::atomic<std::uint64_t> size_{0};
  std::uint64_t expected_ = kUnknownLength;
  ExternalBody* external_ = nullptr;  // null: the body (if any) is inline
  FillState* fill_ = nullptr;         // guarded by fill_lock(); null once terminal

  // --- freshness, whole seconds (see FreshnessInfo); values beyond 2^32 - 1 are clamped,
  // which changes nothing since ages are clamped to 2^31 ---
  std::int64_t time_ = 0;  // response_time, or uncacheable-until for a marker
  std::uint32_t initial_age_ = 0;
  std::uint32_t stale_while_revalidate_ = 0;
  std::uint32_t stale_if_error_ = 0;
  std::atomic<std::uint32_t> lifetime_{0};  // lowered by mark_stale()

  std::uint32_t key_size_ = 0;
  std::uint32_t head_size_ = 0;
  mutable std::atomic<std::uint32_t> refs_{1};
  std::uint32_t hash_ = 0;  // the store's hash of the primary key (low bits)
  std::uint16_t status_ = 0;
  std::uint16_t vary_size_ = 0;
  ObjectKind kind_ = ObjectKind::kResponse;
  std::atomic<State> state_{kFilling};
  std::uint8_t flags_ = 0;
  std::uint8_t store_bits_ = 0;  // frequency, queue and membership; guarded like chain_
};

}  // namespace candela::cache
