// Which stored objects carry a tag, per property: purge by tag in O(objects with that tag).
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cache/object_ref.hpp"

namespace candela::cache {

// Maintained by RamStore as tagged objects enter and leave it (insert, replacement, eviction,
// erase), always under the lock of the store shard that holds the object, so an object is
// listed exactly while it is stored. Tags are read from the object's stored head
// (surrogate_keys.hpp); untagged objects cost nothing here.
//
// Memory: per (object, tag) pair one hash-set node (about 32 bytes) plus a bucket slot; per
// distinct tag a map node with the tag's name. This is on top of the per-object budget, and
// only for objects that carry tags.
class TagIndex {
 public:
  void add(const CacheObject& object);
  void remove(const CacheObject& object);

  // References to the stored objects of the property (its key prefix, cache_key.hpp) that carry
  // `tag`. Taken under the index lock, so each was stored when listed.
  std::vector<ObjectRef> objects(std::string_view property_prefix, std::string_view tag) const;

  std::size_t tags() const;  // distinct (property, tag) pairs, for tests

 private:
  static constexpr std::size_t kShards = 16;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::unordered_set<const CacheObject*>, Hash, std::equal_to<>>
        objects;
  };
  // "<property prefix><tag>": the prefix is length-delimited, so the pair is unambiguous.
  static void entry_name(std::string_view property_prefix, std::string_view tag, std::string& out);
  Shard& shard_for(std::string_view name) const noexcept;

  mutable std::array<Shard, kShards> shards_;
};

}  // namespace candela::cache
