// Prometheus metrics: sharded storage, registration rules and the text exposition format.
#include "common/metrics.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <variant>

namespace candela::metrics {

namespace detail {

std::size_t shard_count() noexcept {
  static const std::size_t count = [] {
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    return std::bit_ceil(std::min<std::size_t>(cores, 64));
  }();
  return count;
}

std::size_t assign_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed) & (shard_count() - 1);
}

}  // namespace detail

// ---- Counter ----

Counter::Counter() : cells_(std::make_unique<Cell[]>(detail::shard_count())) {}

std::uint64_t Counter::value() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < detail::shard_count(); ++i) {
    total += cells_[i].value.load(std::memory_order_relaxed);
  }
  return total;
}

// ---- Histogram ----

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      // sum + one count per bound + the +Inf count
      lines_per_shard_((bounds_.size() + 2 + kSlotsPerLine - 1) / kSlotsPerLine),
      // make_unique<T[]> value-initialises, so every slot starts at zero.
      lines_(std::make_unique<Line[]>(lines_per_shard_ * detail::shard_count())) {}

std::atomic<std::uint64_t>& Histogram::slot(std::size_t shard, std::size_t index) const noexcept {
  return lines_[shard * lines_per_shard_ + index / kSlotsPerLine].slot[index % kSlotsPerLine];
}

void Histogram::observe(double v) noexcept {
  std::size_t bucket = bounds_.size();  // +Inf, also where NaN goes
  if (!std::isnan(v)) {
    bucket = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                      bounds_.begin());
  }
  const std::size_t shard = detail::this_thread_shard();
  slot(shard, 1 + bucket).fetch_add(1, std::memory_order_relaxed);
  // The shard is normally written by this thread alone, so the exchange succeeds first time.
  auto& sum = slot(shard, 0);
  std::uint64_t old_bits = sum.load(std::memory_order_relaxed);
  while (!sum.compare_exchange_weak(
      old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + v),
      std::memory_order_relaxed)) {
  }
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  snap.cumulative.assign(bounds_.size() + 1, 0);
  for (std::size_t shard = 0; shard < detail::shard_count(); ++shard) {
    snap.sum += std::bit_cast<double>(slot(shard, 0).load(std::memory_order_relaxed));
    for (std::size_t b = 0; b <= bounds_.size(); ++b) {
      snap.cumulative[b] += slot(shard, 1 + b).load(std::memory_order_relaxed);
    }
  }
  for (std::size_t b = 1; b < snap.cumulative.size(); ++b) {
    snap.cumulative[b] += snap.cumulative[b - 1];
  }
  snap.count = snap.cumulative.back();
  return snap;
}

std::vector<double> latency_buckets_seconds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// ---- Family ----

template <typename Metric>
Family<Metric>::Family(std::vector<std::string> label_names, std::vector<double> bounds)
    : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

template <typename Metric>
Metric& Family<Metric>::with(std::initializer_list<std::string_view> values) {
  std::vector<std::string> copy;
  copy.reserve(values.size());
  for (auto v : values)
    copy.emplace_back(v);
  return child(std::move(copy));
}

template <typename Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& values) {
  return child(values);
}

template <typename Metric>
Metric& Family<Metric>::child(std::vector<std::string> values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric family expects " + std::to_string(label_names_.size()) +
                                " label values, got " + std::to_string(values.size()));
  }
  std::lock_guard lock(mu_);
  auto it = children_.find(values);
  if (it == children_.end()) {
    std::unique_ptr<Metric> metric;
    if constexpr (std::is_same_v<Metric, Histogram>) {
      metric = std::make_unique<Histogram>(bounds_);
    } else {
      metric = std::make_unique<Metric>();
    }
    it = children_.emplace(std::move(values), std::move(metric)).first;
  }
  return *it->second;
}

template <typename Metric>
void Family<Metric>::for_each(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& fn) const {
  std::lock_guard lock(mu_);
  for (const auto& [values, metric] : children_)
    fn(values, *metric);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- Registry ----

namespace {

// Series computed at scrape time; the map keeps label values in a stable order.
struct CallbackFamily {
  bool is_counter = false;
  std::vector<std::string> label_names;
  std::map<std::vector<std::string>, std::function<double()>> series;
};

struct Entry {
  std::string name;
  std::string help;
  std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
               std::unique_ptr<Family<Histogram>>, CallbackFamily>
      family;
};

bool is_name_start(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
}

bool is_valid_name(std::string_view name, bool allow_colon) {
  if (name.empty() || !is_name_start(name[0], allow_colon)) return false;
  return std::all_of(name.begin() + 1, name.end(), [&](char c) {
    return is_name_start(c, allow_colon) || (c >= '0' && c <= '9');
  });
}

void check_metric_name(std::string_view name) {
  if (!is_valid_name(name, true)) {
    throw std::invalid_argument("invalid metric name '" + std::string(name) + "'");
  }
}

void check_label_names(std::string_view metric, const std::vector<std::string>& names,
                       bool is_histogram) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& n = names[i];
    if (!is_valid_name(n, false) || n.starts_with("__") || (is_histogram && n == "le")) {
      throw std::invalid_argument("invalid label name '" + n + "' for metric '" +
                                  std::string(metric) + "'");
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), n) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument("duplicate label name '" + n + "' for metric '" +
                                  std::string(metric) + "'");
    }
  }
}

void check_bounds(std::string_view metric, const std::vector<double>& bounds) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      throw std::invalid_argument("histogram '" + std::string(metric) +
                                  "' needs finite, strictly increasing bucket bounds");
    }
  }
}

[[noreturn]] void throw_conflict(std::string_view name) {
  throw std::invalid_argument("metric '" + std::string(name) +
                              "' is already registered with a different type, labels or buckets");
}

// ---- text format ----

void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, end);
  }
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

void append_escaped(std::string& out, std::string_view s, bool escape_quote) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        out += escape_quote ? "\\\"" : "\"";
        break;
      default:
        out += c;
    }
  }
}

// `{a="x",b="y"}`, with an optional extra label (histogram `le`) last; nothing if no labels.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_header(std::string& out, const std::string& name, const std::string& help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void render_entry(std::string& out, const Entry& e, const std::unique_ptr<Family<Counter>>& f) {
  bool header = false;
  f->for_each([&](const std::vector<std::string>& values, const Counter& c) {
    if (!header) {
      append_header(out, e.name, e.help, "counter");
      header = true;
    }
    out += e.name;
    append_labels(out, f->label_names(), values);
    out += ' ';
    append_uint(out, c.value());
    out += '\n';
  });
}

void render_entry(std::string& out, const Entry& e, const std::unique_ptr<Family<Gauge>>& f) {
  bool header = false;
  f->for_each([&](const std::vector<std::string>& values, const Gauge& g) {
    if (!header) {
      append_header(out, e.name, e.help, "gauge");
      header = true;
    }
    out += e.name;
    append_labels(out, f->label_names(), values);
    out += ' ';
    append_double(out, g.value());
    out += '\n';
  });
}

void render_entry(std::string& out, const Entry& e, const std::unique_ptr<Family<Histogram>>& f) {
  // Bound texts are the same for every child; format them once.
  std::vector<std::string> les;
  for (double b : f->bounds()) {
    les.emplace_back();
    append_double(les.back(), b);
  }
  les.emplace_back("+Inf");
  bool header = false;
  f->for_each([&](const std::vector<std::string>& values, const Histogram& h) {
    if (!header) {
      append_header(out, e.name, e.help, "histogram");
      header = true;
    }
    const auto snap = h.snapshot();
    for (std::size_t b = 0; b < les.size(); ++b) {
      out += e.name;
      out += "_bucket";
      append_labels(out, f->label_names(), values, "le", les[b]);
      out += ' ';
      append_uint(out, snap.cumulative[b]);
      out += '\n';
    }
    out += e.name;
    out += "_sum";
    append_labels(out, f->label_names(), values);
    out += ' ';
    append_double(out, snap.sum);
    out += '\n';
    out += e.name;
    out += "_count";
    append_labels(out, f->label_names(), values);
    out += ' ';
    append_uint(out, snap.count);
    out += '\n';
  });
}

void render_entry(std::string& out, const Entry& e, const CallbackFamily& f) {
  if (f.series.empty()) return;
  append_header(out, e.name, e.help, f.is_counter ? "counter" : "gauge");
  for (const auto& [values, fn] : f.series) {
    out += e.name;
    append_labels(out, f.label_names, values);
    out += ' ';
    append_double(out, fn());
    out += '\n';
  }
}

}  // namespace

struct Registry::Impl {
  mutable std::mutex mu;
  std::vector<Entry> entries;  // registration order is render order

  Entry* find(std::string_view name) {
    for (auto& e : entries) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }

  template <typename Metric>
  Family<Metric>& family(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names, std::vector<double> bounds) {
    constexpr bool is_histogram = std::is_same_v<Metric, Histogram>;
    check_metric_name(name);
    check_label_names(name, label_names, is_histogram);
    if (is_histogram) check_bounds(name, bounds);
    std::lock_guard lock(mu);
    if (Entry* e = find(name)) {
      auto* existing = std::get_if<std::unique_ptr<Family<Metric>>>(&e->family);
      if (existing == nullptr || (*existing)->label_names() != label_names ||
          (*existing)->bounds() != bounds) {
        throw_conflict(name);
      }
      return **existing;
    }
    auto f = std::make_unique<Family<Metric>>(std::move(label_names), std::move(bounds));
    auto& ref = *f;
    entries.push_back(Entry{std::string(name), std::string(help), std::move(f)});
    return ref;
  }

  void callback(std::string_view name, std::string_view help, Labels labels,
                std::function<double()> fn, bool is_counter) {
    check_metric_name(name);
    std::vector<std::string> names;
    std::vector<std::string> values;
    for (auto& [n, v] : labels) {
      names.push_back(std::move(n));
      values.push_back(std::move(v));
    }
    check_label_names(name, names, false);
    std::lock_guard lock(mu);
    Entry* e = find(name);
    if (e == nullptr) {
      entries.push_back(
          Entry{std::string(name), std::string(help), CallbackFamily{is_counter, names, {}}});
      e = &entries.back();
    }
    auto* cb = std::get_if<CallbackFamily>(&e->family);
    if (cb == nullptr || cb->is_counter != is_counter || cb->label_names != names) {
      throw_conflict(name);
    }
    cb->series[std::move(values)] = std::move(fn);
  }
};

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;

Family<Counter>& Registry::counter_family(std::string_view name, std::string_view help,
                                          std::vector<std::string> label_names) {
  return impl_->family<Counter>(name, help, std::move(label_names), {});
}

Family<Gauge>& Registry::gauge_family(std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names) {
  return impl_->family<Gauge>(name, help, std::move(label_names), {});
}

Family<Histogram>& Registry::histogram_family(std::string_view name, std::string_view help,
                                              std::vector<std::string> label_names,
                                              std::vector<double> bounds) {
  return impl_->family<Histogram>(name, help, std::move(label_names), std::move(bounds));
}

Counter& Registry::counter(std::string_view name, std::string_view help) {
  return counter_family(name, help, {}).with({});
}

Gauge& Registry::gauge(std::string_view name, std::string_view help) {
  return gauge_family(name, help, {}).with({});
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> bounds) {
  return histogram_family(name, help, {}, std::move(bounds)).with({});
}

void Registry::callback_gauge(std::string_view name, std::string_view help, Labels labels,
                              std::function<double()> fn) {
  impl_->callback(name, help, std::move(labels), std::move(fn), false);
}

void Registry::callback_counter(std::string_view name, std::string_view help, Labels labels,
                                std::function<double()> fn) {
  impl_->callback(name, help, std::move(labels), std::move(fn), true);
}

void Registry::remove_callbacks(std::string_view name) {
  std::lock_guard lock(impl_->mu);
  std::erase_if(impl_->entries, [&](const Entry& e) {
    return e.name == name && std::holds_alternative<CallbackFamily>(e.family);
  });
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(impl_->mu);
  for (const auto& e : impl_->entries) {
    std::visit([&](const auto& family) { render_entry(out, e, family); }, e.family);
  }
  return out;
}

}  // namespace candela::metrics
