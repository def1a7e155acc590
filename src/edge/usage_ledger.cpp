// UsageLedger: cumulative totals, change tracking, release of final minutes, and the JSON forms.
#include "edge/usage_ledger.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/ids.hpp"

namespace candela::edge {

namespace {

using nlohmann::json;

// Wire names of the cache outcomes (CacheOutcome order); "none" is kept only in open-minutes.
constexpr std::array<const char*, kCacheOutcomes> kOutcomeFields = {
    "hits", "misses", "stale", "revalidated", "passes", "errors", "none"};
constexpr std::array<const char*, 5> kStatusFields = {"status_1xx", "status_2xx", "status_3xx",
                                                      "status_4xx", "status_5xx"};

void put_counts(json& out, const UsageCounts& c, bool with_internal) {
  out["requests"] = c.requests;
  out["bytes"] = c.bytes;
  out["body_bytes"] = c.body_bytes;
  out["fill_bytes"] = c.fill_bytes;
  for (std::size_t i = 0; i < kOutcomeFields.size(); ++i) {
    if (static_cast<CacheOutcome>(i) == CacheOutcome::kNone && !with_internal) continue;
    out[kOutcomeFields[i]] = c.outcomes[i];
  }
  for (std::size_t i = 0; i < kStatusFields.size(); ++i)
    out[kStatusFields[i]] = c.status_classes[i];
  out["http"] = c.http;
  out["https"] = c.https;
  out["peak_rps"] = c.peak_rps();
  if (with_internal) out["per_second"] = c.per_second;
}

Result<std::uint64_t> counter(const json& row, const char* name, const std::string& where) {
  if (!row.contains(name) || !row[name].is_number_unsigned()) {
    return Error{where + "/" + name + " must be a non-negative integer"};
  }
  return row[name].get<std::uint64_t>();
}

Result<UsageRow> row_from_json(const json& row, const std::string& where) {
  if (!row.is_object()) return Error{where + " must be an object"};
  UsageRow out;
  if (!row.contains("property") || !row["property"].is_string() ||
      !reportable_property(row["property"].get<std::string>())) {
    return Error{where + "/property must be \"<SCID>.<name>\""};
  }
  out.key.property = row["property"].get<std::string>();
  auto minute = row.contains("minute") && row["minute"].is_string()
                    ? parse_minute_text(row["minute"].get<std::string>())
                    : std::nullopt;
  if (!minute) return Error{where + "/minute must be a whole minute in RFC 3339 UTC"};
  out.key.minute = *minute;
  UsageCounts& c = out.totals;
  std::uint64_t* plain[] = {&c.requests, &c.bytes, &c.body_bytes, &c.fill_bytes, &c.http, &c.https};
  const char* plain_names[] = {"requests", "bytes", "body_bytes", "fill_bytes", "http", "https"};
  for (std::size_t i = 0; i < std::size(plain); ++i) {
    auto v = counter(row, plain_names[i], where);
    if (!v.ok()) return Error{v.error()};
    *plain[i] = *v;
  }
  for (std::size_t i = 0; i < kOutcomeFields.size(); ++i) {
    auto v = counter(row, kOutcomeFields[i], where);
    if (!v.ok()) return Error{v.error()};
    c.outcomes[i] = *v;
  }
  for (std::size_t i = 0; i < kStatusFields.size(); ++i) {
    auto v = counter(row, kStatusFields[i], where);
    if (!v.ok()) return Error{v.error()};
    c.status_classes[i] = *v;
  }
  if (!row.contains("per_second") || !row["per_second"].is_array() ||
      row["per_second"].size() != c.per_second.size()) {
    return Error{where + "/per_second must be an array of 60 counts"};
  }
  for (std::size_t i = 0; i < c.per_second.size(); ++i) {
    const json& v = row["per_second"][i];
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > UINT32_MAX) {
      return Error{where + "/per_second/" + std::to_string(i) + " must be a count"};
    }
    c.per_second[i] = v.get<std::uint32_t>();
  }
  return out;
}

void append_digits(std::string& out, long long v, int width) {
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out += digits;
}

bool read_number(std::string_view text, std::size_t at, std::size_t width, int& out) {
  if (at + width > text.size()) return false;
  for (std::size_t i = at; i < at + width; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  std::from_chars(text.data() + at, text.data() + at + width, out);
  return true;
}

}  // namespace

bool reportable_property(std::string_view id) {
  // The portal's rule for usage rows: a row it would call malformed must not hold up a batch.
  constexpr std::size_t kMaxName = 200;
  const auto dot = id.find('.');
  if (dot != kScidLength) return false;
  const std::string_view scid = id.substr(0, dot);
  const std::string_view name = id.substr(dot + 1);
  const auto scid_char = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  const auto name_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  return std::all_of(scid.begin(), scid.end(), scid_char) && !name.empty() &&
         name.size() <= kMaxName && std::all_of(name.begin(), name.end(), name_char);
}

std::string minute_text(std::int64_t minute) {
  using namespace std::chrono;
  const sys_time<minutes> t{minutes(minute)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  std::string out;
  append_digits(out, static_cast<int>(ymd.year()), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_digits(out, hms.hours().count(), 2);
  out += ':';
  append_digits(out, hms.minutes().count(), 2);
  out += ":00Z";
  return out;
}

std::optional<std::int64_t> parse_minute_text(std::string_view text) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:00Z
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.substr(17) != "00Z") {
    return std::nullopt;
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (!read_number(text, 0, 4, y) || !read_number(text, 5, 2, mo) || !read_number(text, 8, 2, d) ||
      !read_number(text, 11, 2, h) || !read_number(text, 14, 2, mi) || h > 23 || mi > 59) {
    return std::nullopt;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  const auto t = sys_days(ymd) + hours(h) + minutes(mi);
  return duration_cast<minutes>(t.time_since_epoch()).count();
}

json usage_row_json(const UsageRow& row, long long revision) {
  json out = {{"property", row.key.property},
              {"minute", minute_text(row.key.minute)},
              {"revision", revision}};
  put_counts(out, row.totals, false);
  return out;
}

json usage_batch_json(long long batch, std::int64_t complete_until_minute,
                      const std::vector<UsageRow>& rows) {
  json list = json::array();
  for (const auto& row : rows)
    list.push_back(usage_row_json(row, batch));
  return {{"batch", batch},
          {"complete_until", minute_text(complete_until_minute)},
          {"rows", std::move(list)}};
}

void UsageLedger::add(const UsageDelta& delta) {
  for (const auto& [key, counts] : delta) {
    if (!reportable_property(key.property)) continue;
    if (key.minute < released_before_) {
      late_dropped_ += counts.requests;
      continue;
    }
    Held& held = rows_[key];
    held.totals.add(counts);
    held.changed = true;
  }
}

std::vector<UsageRow> UsageLedger::changed_rows() const {
  std::vector<UsageRow> out;
  for (const auto& [key, held] : rows_) {
    if (held.changed) out.push_back({key, held.totals});
  }
  return out;
}

void UsageLedger::commit(std::int64_t final_before) {
  for (auto it = rows_.begin(); it != rows_.end();) {
    it->second.changed = false;
    it = it->first.minute < final_before ? rows_.erase(it) : std::next(it);
  }
  released_before_ = std::max(released_before_, final_before);
}

json UsageLedger::open_minutes() const {
  json rows = json::array();
  for (const auto& [key, held] : rows_) {
    json row = {{"property", key.property}, {"minute", minute_text(key.minute)}};
    put_counts(row, held.totals, true);
    rows.push_back(std::move(row));
  }
  return {{"rows", std::move(rows)}};
}

Result<std::size_t> UsageLedger::load_open_minutes(const json& document) {
  if (!document.is_object() || !document.contains("rows") || !document["rows"].is_array()) {
    return Error{"expected {\"rows\": [...]}"};
  }
  std::vector<UsageRow> loaded;
  for (std::size_t i = 0; i < document["rows"].size(); ++i) {
    auto row = row_from_json(document["rows"][i], "/rows/" + std::to_string(i));
    if (!row.ok()) return Error{row.error()};
    loaded.push_back(std::move(row).value());
  }
  for (auto& row : loaded) {
    Held& held = rows_[row.key];
    held.totals.add(row.totals);
    held.changed = true;
  }
  return loaded.size();
}

}  // namespace candela::edge
