// UsageMeter: per-thread shards of (property, minute) counters, merged on drain.
#include "edge/usage_meter.hpp"

#include <algorithm>
#include <atomic>
#include <string>
#include <unordered_map>

namespace candela::edge {

namespace {

using namespace std::chrono;

std::atomic<std::uint64_t> next_meter_id{1};

// Looked up with a string_view, so that counting allocates only for a new (property, minute).
struct KeyView {
  std::string_view property;
  std::int64_t minute;
};

struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(const KeyView& k) const noexcept {
    return std::hash<std::string_view>{}(k.property) ^
           (std::hash<std::int64_t>{}(k.minute) * 0x9E3779B97F4A7C15ull);
  }
  std::size_t operator()(const UsageKey& k) const noexcept {
    return (*this)(KeyView{k.property, k.minute});
  }
};

struct KeyEqual {
  using is_transparent = void;
  static KeyView view(const UsageKey& k) { return {k.property, k.minute}; }
  static KeyView view(const KeyView& k) { return k; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const noexcept {
    const KeyView x = view(a);
    const KeyView y = view(b);
    return x.minute == y.minute && x.property == y.property;
  }
};

using ShardRows = std::unordered_map<UsageKey, UsageCounts, KeyHash, KeyEqual>;

// Per-thread map from meter instance to that thread's shard. Ids are never reused, so the entry
// of a destroyed meter is never matched (and its pointer never followed).
struct CachedShard {
  std::uint64_t id;
  void* shard;
};
constexpr std::size_t kCachedShards = 8;
thread_local std::vector<CachedShard> cached_shards;

bool counted(std::string_view property_id) {
  return !property_id.empty() && property_id != "-";
}

}  // namespace

std::int64_t minute_of(SysTime t) {
  return floor<minutes>(t).time_since_epoch().count();
}

SysTime minute_start(std::int64_t minute) {
  return SysTime(duration_cast<SysTime::duration>(minutes(minute)));
}

struct UsageMeter::Shard {
  std::mutex mu;
  ShardRows rows;

  UsageCounts& row(std::string_view property, std::int64_t minute) {
    if (auto it = rows.find(KeyView{property, minute}); it != rows.end()) return it->second;
    return rows.try_emplace(UsageKey{std::string(property), minute}).first->second;
  }
};

UsageMeter::UsageMeter() : id_(next_meter_id.fetch_add(1)) {}
UsageMeter::~UsageMeter() = default;

UsageMeter::Shard& UsageMeter::shard() {
  for (const auto& c : cached_shards) {
    if (c.id == id_) return *static_cast<Shard*>(c.shard);
  }
  auto owned = std::make_unique<Shard>();
  Shard* s = owned.get();
  {
    std::lock_guard lock(shards_mu_);
    shards_.push_back(std::move(owned));
  }
  // Only tests create many meters; forgetting an old entry at worst gives a thread a 2nd shard.
  if (cached_shards.size() >= kCachedShards) cached_shards.erase(cached_shards.begin());
  cached_shards.push_back({id_, s});
  return *s;
}

void UsageMeter::record(const UsageExchange& e) {
  if (!counted(e.property_id)) return;
  const auto since_epoch = floor<seconds>(e.completed).time_since_epoch().count();
  const std::int64_t minute = minute_of(e.completed);
  const auto second = static_cast<std::size_t>(since_epoch - minute * 60);
  Shard& s = shard();
  std::lock_guard lock(s.mu);
  UsageCounts& c = s.row(e.property_id, minute);
  ++c.requests;
  c.bytes += e.bytes;
  c.body_bytes += e.body_bytes;
  ++c.outcomes[static_cast<std::size_t>(e.outcome)];
  if (e.status >= 100 && e.status < 600)
    ++c.status_classes[static_cast<std::size_t>(e.status / 100 - 1)];
  ++(e.https ? c.https : c.http);
  ++c.per_second[second];
}

void UsageMeter::record_fill(std::string_view property_id, SysTime when, std::uint64_t bytes) {
  if (!counted(property_id) || bytes == 0) return;
  Shard& s = shard();
  std::lock_guard lock(s.mu);
  s.row(property_id, minute_of(when)).fill_bytes += bytes;
}

UsageDelta UsageMeter::drain() {
  UsageDelta merged;
  ShardRows taken;
  std::lock_guard shards_lock(shards_mu_);
  for (auto& s : shards_) {
    {
      std::lock_guard lock(s->mu);
      taken.swap(s->rows);
    }
    for (auto& [key, counts] : taken)
      merged[key].add(counts);
    taken.clear();
  }
  return merged;
}

std::uint64_t UsageCounts::peak_rps() const {
  return *std::max_element(per_second.begin(), per_second.end());
}

void UsageCounts::add(const UsageCounts& o) {
  requests += o.requests;
  bytes += o.bytes;
  body_bytes += o.body_bytes;
  fill_bytes += o.fill_bytes;
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    outcomes[i] += o.outcomes[i];
  for (std::size_t i = 0; i < status_classes.size(); ++i)
    status_classes[i] += o.status_classes[i];
  http += o.http;
  https += o.https;
  for (std::size_t i = 0; i < per_second.size(); ++i)
    per_second[i] += o.per_second[i];
}

}  // namespace candela::edge
