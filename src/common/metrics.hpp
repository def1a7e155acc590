// Prometheus metrics: per-thread sharded counters and histograms, rendered in text format 0.0.4.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candela::metrics {

// HTTP Content-Type of Registry::render()'s output.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label name/value pairs of one callback series, e.g. {{"tier", "ram"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

namespace detail {

// 64 bytes covers x86-64 and most ARM cores; std::hardware_destructive_interference_size
// is avoided because GCC warns that its value may differ between translation units.
inline constexpr std::size_t kCacheLine = 64;

// Number of update shards per metric: a power of two near the core count.
std::size_t shard_count() noexcept;
std::size_t assign_shard() noexcept;

// The calling thread's shard. Threads are assigned round robin on first use; when there are
// more threads than shards two threads share one, which stays exact because cells are atomic.
inline std::size_t this_thread_shard() noexcept {
  thread_local const std::size_t shard = assign_shard();
  return shard;
}

}  // namespace detail

// A monotonically increasing integer. inc() is one relaxed atomic add on a cache line that
// (almost always) only the calling thread writes; value() sums the shards at scrape time.
class Counter {
 public:
  Counter();
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void inc(std::uint64_t n = 1) noexcept {
    cells_[detail::this_thread_shard()].value.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t value() const noexcept;

 private:
  struct alignas(detail::kCacheLine) Cell {
    std::atomic<std::uint64_t> value{0};
  };
  std::unique_ptr<Cell[]> cells_;
};

// A value that goes up and down. One atomic (set() cannot be sharded), so it suits values
// changed per connection or per event; for per-request rates on every core use Counters, and
// for values owned elsewhere (cache bytes) use Registry::callback_gauge.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void sub(double d) noexcept { value_.fetch_sub(d, std::memory_order_relaxed); }
  void inc() noexcept { add(1.0); }
  void dec() noexcept { sub(1.0); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  alignas(detail::kCacheLine) std::atomic<double> value_{0.0};
};

// Observations counted into fixed buckets. A value equal to a bound counts in that bound's
// bucket (Prometheus `le` semantics); NaN counts only in +Inf. observe() touches one shard.
class Histogram {
 public:
  // `bounds` must be finite and strictly increasing (checked by Registry).
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void observe(double v) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    std::uint64_t count = 0;
    double sum = 0.0;
  };
  // Shards are read one after the other, so under concurrent updates count and sum may each
  // include an observation the other does not yet; each number alone is exact.
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const noexcept { return bounds_; }

 private:
  // Per shard: slot 0 holds the sum (double bits), slots 1..n+1 the per-bucket counts.
  struct alignas(detail::kCacheLine) Line {
    std::atomic<std::uint64_t> slot[detail::kCacheLine / sizeof(std::uint64_t)];
  };
  static constexpr std::size_t kSlotsPerLine = detail::kCacheLine / sizeof(std::uint64_t);
  std::atomic<std::uint64_t>& slot(std::size_t shard, std::size_t index) const noexcept;

  std::vector<double> bounds_;
  std::size_t lines_per_shard_;
  std::unique_ptr<Line[]> lines_;
};

// Latency buckets in seconds, 0.5 ms to 10 s.
std::vector<double> latency_buckets_seconds();

// All children of one metric name, one per combination of label values. with() locks the
// family's mutex, so look a child up once (e.g. when a property is configured) and keep the
// reference: it stays valid for the registry's lifetime and its updates take no lock.
template <typename Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::vector<double> bounds);
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  // Throws std::invalid_argument if the number of values differs from the label names.
  Metric& with(std::initializer_list<std::string_view> values);
  Metric& with(const std::vector<std::string>& values);

  const std::vector<std::string>& label_names() const noexcept { return label_names_; }
  const std::vector<double>& bounds() const noexcept { return bounds_; }

  // Calls fn(label_values, metric) for each child in label-value order, under the mutex.
  void for_each(
      const std::function<void(const std::vector<std::string>&, const Metric&)>& fn) const;

 private:
  Metric& child(std::vector<std::string> values);

  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

// Owns every family and renders them in registration order. Registration throws
// std::invalid_argument on an invalid name, or on a name already registered with another type,
// other label names or other bounds; registering the same definition again returns the
// existing family, so configuration reloads can re-register freely.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counter_family(std::string_view name, std::string_view help,
                                  std::vector<std::string> label_names);
  Family<Gauge>& gauge_family(std::string_view name, std::string_view help,
                              std::vector<std::string> label_names);
  Family<Histogram>& histogram_family(std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> bounds);

  // Unlabelled shorthands.
  Counter& counter(std::string_view name, std::string_view help);
  Gauge& gauge(std::string_view name, std::string_view help);
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds);

  // A series whose value `fn` computes at scrape time (cache bytes, dropped log lines). Calls
  // with the same name add series to one family (label names must match); the same labels
  // replace the function. `fn` runs under the registry's lock: it must be thread-safe, quick,
  // and must not call back into this registry. It must stay callable until removed.
  void callback_gauge(std::string_view name, std::string_view help, Labels labels,
                      std::function<double()> fn);
  void callback_counter(std::string_view name, std::string_view help, Labels labels,
                        std::function<double()> fn);
  // Removes a callback family (e.g. before the object its functions read is destroyed).
  void remove_callbacks(std::string_view name);

  // The whole registry in the Prometheus text exposition format 0.0.4.
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace candela::metrics
