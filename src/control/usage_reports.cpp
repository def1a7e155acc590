// Reports read the rollup table matching the granularity; p95 reads 5-minute samples (minute
// rows for one property, the service-level samples otherwise), so no report scans minute rows
// of more than one property.
#include "control/usage_reports.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <map>

#include "control/access_groups.hpp"
#include "control/authorization.hpp"
#include "control/database.hpp"
#include "control/store_guard.hpp"
#include "control/usage_store.hpp"
#include "control/usage_time.hpp"

namespace candela::control {
namespace {

struct GranularityRule {
  UsageGranularity granularity;
  std::string_view name;
  long long length;
  long long max_range;
  const char* table;
  const char* column;
};

constexpr GranularityRule kRules[] = {
    {UsageGranularity::kMinute, "minute", kMinuteMs, 2 * kDayMs, "usage_minute", "minute"},
    {UsageGranularity::kHour, "hour", kHourMs, 93 * kDayMs, "usage_hour", "bucket"},
    {UsageGranularity::kDay, "day", kDayMs, 400 * kDayMs, "usage_day", "bucket"},
};

const GranularityRule& rule_of(UsageGranularity granularity) {
  for (const auto& rule : kRules) {
    if (rule.granularity == granularity) return rule;
  }
  return kRules[1];
}

std::string range_text(long long ms) {
  return ms % kDayMs == 0 ? std::to_string(ms / kDayMs) + " days"
                          : std::to_string(ms / kHourMs) + " hours";
}

// The period rules, every broken one located.
Status validate_period(const UsageQuery& query) {
  const GranularityRule& rule = rule_of(query.granularity);
  Error error{"the usage query is malformed"};
  // p95 samples are whole 5-minute bins, so even minute reports start and end on one.
  const long long alignment = std::max(rule.length, kFiveMinutesMs);
  const std::string unit = rule.length == kMinuteMs ? "5 minutes" : std::string(rule.name);
  if (query.from % alignment != 0) {
    error.fields.emplace_back(
        "/query/from",
        "must be on a whole " + unit + " (UTC) for granularity=" + std::string(rule.name));
  }
  if (query.to % alignment != 0) {
    error.fields.emplace_back("/query/to", "must be on a whole " + unit +
                                               " (UTC) for granularity=" + std::string(rule.name));
  }
  if (query.from >= query.to) {
    error.fields.emplace_back("/query/to", "must be after from");
  } else if (query.to - query.from > rule.max_range) {
    error.fields.emplace_back("/query/to", "the period may span at most " +
                                               range_text(rule.max_range) +
                                               " for granularity=" + std::string(rule.name));
  }
  if (query.scope.kind == UsageScope::Kind::kProperty &&
      !valid_usage_property(query.scope.property)) {
    error.fields.emplace_back("/query/property",
                              "must be 1 to 200 characters of A-Z a-z 0-9 . _ -");
  }
  if (!error.fields.empty()) return error;
  return ok_status();
}

// The SQL condition selecting the scope's rows; binds are attached by `bind`.
struct ScopeFilter {
  std::string condition;
  std::string scid;
  std::string property;
  bool empty = false;  // a group without services

  void bind(soci::statement& st) const {
    if (!scid.empty()) st.exchange(soci::use(scid));
    if (!property.empty()) st.exchange(soci::use(property));
  }
};

Result<long long> service_group(soci::session& session, const std::string& scid) {
  long long group = 0;
  session << "SELECT access_group_id FROM services WHERE scid = :s", soci::use(scid),
      soci::into(group);
  if (!session.got_data()) {
    return Error{"no service " + scid, ErrorKind::kNotFound};
  }
  return group;
}

// Authorises the principal on the scope and returns the condition selecting its rows.
Result<ScopeFilter> scope_filter(soci::session& session, const Clock& clock,
                                 const Principal& principal, const UsageScope& scope) {
  ScopeFilter filter;
  if (scope.kind == UsageScope::Kind::kGroup) {
    if (auto allowed = authorize(session, principal, scope.group_id, Action::kRead);
        !allowed.ok()) {
      return allowed.failure();
    }
    int exists = 0;
    session << "SELECT COUNT(*) FROM access_groups WHERE id = :g", soci::use(scope.group_id),
        soci::into(exists);
    if (exists == 0) {
      return Error{"no access group " + std::to_string(scope.group_id), ErrorKind::kNotFound};
    }
    auto below = AccessGroups(session, clock).descendants(scope.group_id);
    if (!below.ok()) return below.failure();
    std::string ids = std::to_string(scope.group_id);
    for (long long id : *below)
      ids += ", " + std::to_string(id);
    filter.condition = "scid IN (SELECT scid FROM services WHERE access_group_id IN (" + ids + "))";
    return filter;
  }
  if (!valid_usage_scid(scope.scid)) {
    return Error{"no service " + scope.scid, ErrorKind::kNotFound};
  }
  auto group = service_group(session, scope.scid);
  if (!group.ok()) return group.failure();
  if (auto allowed = authorize(session, principal, *group, Action::kRead); !allowed.ok()) {
    return allowed.failure();
  }
  filter.scid = scope.scid;
  filter.condition = "scid = :s";
  if (scope.kind == UsageScope::Kind::kProperty) {
    filter.property = scope.property;
    filter.condition += " AND property = :p";
  }
  return filter;
}

std::vector<UsageBucket> read_series(soci::session& session, const ScopeFilter& filter,
                                     const UsageQuery& query) {
  const GranularityRule& rule = rule_of(query.granularity);
  const long long count = (query.to - query.from) / rule.length;
  std::vector<UsageBucket> series(static_cast<std::size_t>(count));
  for (long long i = 0; i < count; ++i) {
    series[static_cast<std::size_t>(i)].start = query.from + i * rule.length;
  }
  const std::string column = rule.column;
  UsageBucket row;
  soci::statement st(session);
  st.exchange(soci::into(row.start));
  for (auto& value : row.counters.values)
    st.exchange(soci::into(value));
  filter.bind(st);
  st.exchange(soci::use(query.from));
  st.exchange(soci::use(query.to));
  st.alloc();
  // Service and group reports by hour or day read the per-service rollups: one row per service
  // and bucket instead of one per property.
  std::string table = rule.table;
  if (filter.property.empty() && rule.granularity != UsageGranularity::kMinute) {
    table =
        rule.granularity == UsageGranularity::kHour ? "usage_service_hour" : "usage_service_day";
  }
  st.prepare("SELECT " + column + ", " + usage_column_list("SUM(", ")") + " FROM " + table +
             " WHERE " + filter.condition + " AND " + column + " >= :f AND " + column +
             " < :t GROUP BY " + column);
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    const long long index = (row.start - query.from) / rule.length;
    if (index >= 0 && index < count)
      series[static_cast<std::size_t>(index)].counters = row.counters;
  }
  return series;
}

// Bytes per 5-minute bin of [from, to), zeros included.
std::vector<long long> read_bins(soci::session& session, const ScopeFilter& filter,
                                 const UsageScope& scope, long long from, long long to) {
  const long long count = (to - from) / kFiveMinutesMs;
  std::vector<long long> bins(static_cast<std::size_t>(std::max(0LL, count)), 0);
  long long at = 0;
  long long bytes = 0;
  soci::statement st(session);
  st.exchange(soci::into(at));
  st.exchange(soci::into(bytes));
  filter.bind(st);
  st.exchange(soci::use(from));
  st.exchange(soci::use(to));
  st.alloc();
  if (scope.kind == UsageScope::Kind::kProperty) {
    st.prepare("SELECT minute, SUM(bytes) FROM usage_minute WHERE " + filter.condition +
               " AND minute >= :f AND minute < :t GROUP BY minute");
  } else {
    st.prepare("SELECT bin, SUM(bytes) FROM usage_five_minute WHERE " + filter.condition +
               " AND bin >= :f AND bin < :t GROUP BY bin");
  }
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    const long long index = (at - from) / kFiveMinutesMs;
    if (index >= 0 && index < count) bins[static_cast<std::size_t>(index)] += bytes;
  }
  return bins;
}

std::optional<long long> fleet_complete_until(soci::session& session) {
  long long until = 0;
  soci::indicator ind = soci::i_null;
  session << "SELECT MIN(p.complete_until) FROM usage_edge_progress p"
             " JOIN edges e ON e.edge_id = p.edge_id WHERE e.active = 1",
      soci::into(until, ind);
  if (ind != soci::i_ok) return std::nullopt;
  return until;
}

UsageCounters totals_of(const std::vector<UsageBucket>& series) {
  UsageCounters totals;
  for (const auto& bucket : series) {
    for (std::size_t i = 0; i < kAdditiveUsageFields; ++i)
      totals[i] += bucket.counters[i];
    totals[kPeakRps] = std::max(totals[kPeakRps], bucket.counters[kPeakRps]);
  }
  return totals;
}

}  // namespace

std::string_view usage_granularity_name(UsageGranularity granularity) {
  return rule_of(granularity).name;
}

std::optional<UsageGranularity> parse_usage_granularity(std::string_view name) {
  for (const auto& rule : kRules) {
    if (rule.name == name) return rule.granularity;
  }
  return std::nullopt;
}

long long usage_bucket_length(UsageGranularity granularity) {
  return rule_of(granularity).length;
}

std::string_view usage_scope_kind_name(UsageScope::Kind kind) {
  switch (kind) {
    case UsageScope::Kind::kService:
      return "service";
    case UsageScope::Kind::kProperty:
      return "property";
    case UsageScope::Kind::kGroup:
      return "group";
  }
  return "service";
}

long long p95_bits_per_second(std::vector<long long> bytes_per_bin) {
  if (bytes_per_bin.empty()) return 0;
  // Only the one order statistic is needed: a partial selection, not a full sort (the billing
  // run asks for a month of 8,640 bins per p95 item).
  const std::size_t discarded = bytes_per_bin.size() * 5 / 100;
  const auto kept =
      bytes_per_bin.begin() + static_cast<std::ptrdiff_t>(bytes_per_bin.size() - 1 - discarded);
  std::nth_element(bytes_per_bin.begin(), kept, bytes_per_bin.end());
  return *kept * 8 / 300;
}

Result<UsageReport> UsageReports::report(const Principal& principal, const UsageQuery& query) {
  return guarded("reading usage", [&]() -> Result<UsageReport> {
    auto filter = scope_filter(session_, clock_, principal, query.scope);
    if (!filter.ok()) return filter.failure();
    // Checked after authorisation, so a bad period never tells whether a scope exists.
    if (auto valid = validate_period(query); !valid.ok()) return valid.failure();
    UsageReport report;
    report.query = query;
    report.series = read_series(session_, *filter, query);
    report.totals = totals_of(report.series);
    report.p95_bps =
        p95_bits_per_second(read_bins(session_, *filter, query.scope, query.from, query.to));
    report.complete_until = fleet_complete_until(session_);
    return report;
  });
}

Result<UsageLive> UsageReports::live(const Principal& principal, const std::string& scid,
                                     int minutes) {
  if (minutes < 1 || minutes > kMaxLiveMinutes) {
    return Error{
        "minutes must be 1 to 60", ErrorKind::kInvalid, {{"/query/minutes", "must be 1 to 60"}}};
  }
  return guarded("reading live usage", [&]() -> Result<UsageLive> {
    auto filter = scope_filter(session_, clock_, principal,
                               UsageScope{UsageScope::Kind::kService, scid, "", 0});
    if (!filter.ok()) return filter.failure();
    UsageLive live;
    live.generated_at = to_epoch_ms(clock_.now());
    live.minutes = minutes;
    const long long current = bucket_start(live.generated_at, kMinuteMs);
    const long long first = current - (minutes - 1) * kMinuteMs;
    std::map<std::string, std::vector<UsageLiveMinute>> by_property;
    std::string property;
    UsageLiveMinute row;
    soci::statement st =
        (session_.prepare << "SELECT property, minute, SUM(requests), SUM(hits) + SUM(stale) +"
                             " SUM(revalidated), SUM(errors), SUM(status_5xx), SUM(bytes)"
                             " FROM usage_minute WHERE scid = :s AND minute >= :f"
                             " AND minute <= :c GROUP BY property, minute",
         soci::use(scid), soci::use(first), soci::use(current), soci::into(property),
         soci::into(row.minute), soci::into(row.requests), soci::into(row.hits),
         soci::into(row.errors), soci::into(row.status_5xx), soci::into(row.bytes));
    st.execute();
    while (st.fetch()) {
      auto& series = by_property[property];
      if (series.empty()) {
        series.resize(static_cast<std::size_t>(minutes));
        for (int i = 0; i < minutes; ++i)
          series[static_cast<std::size_t>(i)].minute = first + i * kMinuteMs;
      }
      series[static_cast<std::size_t>((row.minute - first) / kMinuteMs)] = row;
    }
    for (auto& [name, series] : by_property) {
      live.properties.push_back(UsageLiveProperty{name, std::move(series)});
    }
    return live;
  });
}

Result<UsageSummary> UsageReports::service_summary(const std::string& scid, long long from,
                                                   long long to) {
  if (from % kDayMs != 0 || to % kDayMs != 0 || from >= to) {
    return Error{"a billing period is whole UTC days with from before to"};
  }
  return guarded("summarising usage", [&]() -> Result<UsageSummary> {
    if (auto group = service_group(session_, scid); !group.ok()) return group.failure();
    ScopeFilter filter;
    filter.scid = scid;
    filter.condition = "scid = :s";
    UsageQuery query{UsageScope{UsageScope::Kind::kService, scid, "", 0}, from, to,
                     UsageGranularity::kDay};
    UsageSummary summary;
    summary.totals = totals_of(read_series(session_, filter, query));
    summary.p95_bps = p95_bits_per_second(read_bins(session_, filter, query.scope, from, to));
    summary.complete_until = fleet_complete_until(session_);
    return summary;
  });
}

}  // namespace candela::control
