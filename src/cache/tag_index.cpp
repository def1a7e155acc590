// Tag → objects, sharded by tag; kept in step with the store by RamStore.
#include "cache/tag_index.hpp"

#include "cache/cache_key.hpp"
#include "cache/cache_object.hpp"
#include "cache/surrogate_keys.hpp"

namespace candela::cache {

void TagIndex::entry_name(std::string_view property_prefix, std::string_view tag,
                          std::string& out) {
  out.assign(property_prefix);
  out.append(tag);
}

TagIndex::Shard& TagIndex::shard_for(std::string_view name) const noexcept {
  return shards_[Hash{}(name) % kShards];
}

void TagIndex::add(const CacheObject& object) {
  const std::string_view prefix = key_property_prefix(object.key());
  std::string name;
  for_each_tag(object.header_block(), [&](std::string_view tag) {
    entry_name(prefix, tag, name);
    Shard& shard = shard_for(name);
    std::lock_guard lock(shard.mutex);
    shard.objects[name].insert(&object);
  });
}

void TagIndex::remove(const CacheObject& object) {
  const std::string_view prefix = key_property_prefix(object.key());
  std::string name;
  for_each_tag(object.header_block(), [&](std::string_view tag) {
    entry_name(prefix, tag, name);
    Shard& shard = shard_for(name);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.objects.find(name);
    if (it == shard.objects.end()) return;
    it->second.erase(&object);
    if (it->second.empty()) shard.objects.erase(it);
  });
}

std::vector<ObjectRef> TagIndex::objects(std::string_view property_prefix,
                                         std::string_view tag) const {
  std::string name;
  entry_name(property_prefix, tag, name);
  std::vector<ObjectRef> out;
  Shard& shard = shard_for(name);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.objects.find(name);
  if (it == shard.objects.end()) return out;
  out.reserve(it->second.size());
  for (const CacheObject* object : it->second) {
    // Listed means stored, and the store's reference keeps it alive while we hold the lock.
    out.emplace_back(const_cast<CacheObject*>(object));
  }
  return out;
}

std::size_t TagIndex::tags() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.objects.size();
  }
  return n;
}

}  // namespace candela::cache
