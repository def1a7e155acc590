// What a cache object needs only while its body is filling; freed when the fill ends.
#pragma once

#include <functional>
#include <vector>

namespace candela::cache {

class CacheObject;

// Guarded by the object's fill lock (CacheObject::fill_lock()).
struct FillState {
  std::vector<std::function<void()>> waiters;  // subscribe() callbacks, run once each
  std::function<void(CacheObject&)> on_end;    // on_fill_end() hook
};

}  // namespace candela::cache
