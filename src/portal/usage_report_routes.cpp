// GET /api/v1/usage (JSON, or CSV with format=csv / Accept: text/csv) and GET
// /api/v1/usage/live: query parsing and rendering; control::UsageReports decides the rest.
#include <soci/soci.h>

#include <charconv>
#include <cstdio>

#include "control/usage_reports.hpp"
#include "control/usage_time.hpp"
#include "portal/feed_json.hpp"
#include "portal/usage_routes.hpp"

namespace candela::portal {
namespace {

using control::UsageScope;

std::optional<long long> parse_whole(const std::string& text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The query of GET /api/v1/usage, every bad parameter located at "/query/<name>".
Result<control::UsageQuery> read_query(const Request& request) {
  Error error{"the usage query is malformed"};
  auto add = [&](std::string name, std::string message) {
    error.fields.emplace_back("/query/" + name, std::move(message));
  };
  control::UsageQuery query;
  const auto scid = request.query_param("scid");
  const auto group = request.query_param("group_id");
  const auto property = request.query_param("property");
  if (scid && group) {
    add("group_id", "give either scid (with an optional property) or group_id, not both");
  } else if (group) {
    query.scope.kind = UsageScope::Kind::kGroup;
    const auto id = parse_whole(*group);
    if (!id || *id < 1) add("group_id", "must be a group id (a whole number, 1 or more)");
    query.scope.group_id = id.value_or(0);
    if (property) add("property", "goes with scid, not with group_id");
  } else if (scid) {
    query.scope.scid = *scid;
    if (property) {
      query.scope.kind = UsageScope::Kind::kProperty;
      query.scope.property = *property;
    }
  } else {
    add("scid", "give scid (with an optional property) or group_id");
  }
  for (const char* name : {"from", "to"}) {
    const auto text = request.query_param(name);
    std::optional<long long> ms = text ? control::parse_utc_ms(*text, true) : std::nullopt;
    if (!text) {
      add(name, "is required (RFC 3339 UTC or YYYY-MM-DD)");
    } else if (!ms) {
      add(name, "must be RFC 3339 UTC (2026-11-25T01:00:00Z) or a date (2026-11-25)");
    }
    (std::string_view(name) == "from" ? query.from : query.to) = ms.value_or(0);
  }
  const auto granularity = request.query_param("granularity").value_or("hour");
  if (auto parsed = control::parse_usage_granularity(granularity)) {
    query.granularity = *parsed;
  } else {
    add("granularity", "must be minute, hour or day");
  }
  const auto format = request.query_param("format");
  if (format && *format != "json" && *format != "csv") add("format", "must be json or csv");
  if (!error.fields.empty()) return error;
  return query;
}

bool wants_csv(const Request& request) {
  if (auto format = request.query_param("format")) return *format == "csv";
  const auto accept = request.header("Accept").value_or("");
  return accept.find("text/csv") != std::string::npos;
}

nlohmann::json ratio_json(const control::UsageCounters& counters) {
  const double ratio = control::usage_hit_ratio(counters);
  return ratio < 0 ? nlohmann::json(nullptr) : nlohmann::json(ratio);
}

nlohmann::json counters_json(const control::UsageCounters& counters) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < control::kUsageFieldCount; ++i) {
    out[std::string(control::kUsageFields[i])] = counters[i];
  }
  out["hit_ratio"] = ratio_json(counters);
  return out;
}

nlohmann::json report_json(const control::UsageReport& report) {
  const auto& scope = report.query.scope;
  nlohmann::json scope_json = {{"kind", control::usage_scope_kind_name(scope.kind)}};
  if (scope.kind == UsageScope::Kind::kGroup) {
    scope_json["group_id"] = scope.group_id;
  } else {
    scope_json["scid"] = scope.scid;
  }
  if (scope.kind == UsageScope::Kind::kProperty) scope_json["property"] = scope.property;
  nlohmann::json totals = counters_json(report.totals);
  totals["p95_bps"] = report.p95_bps;
  nlohmann::json series = nlohmann::json::array();
  for (const auto& bucket : report.series) {
    nlohmann::json item = counters_json(bucket.counters);
    item["start"] = control::format_utc_ms(bucket.start);
    series.push_back(std::move(item));
  }
  return {{"scope", scope_json},
          {"from", control::format_utc_ms(report.query.from)},
          {"to", control::format_utc_ms(report.query.to)},
          {"granularity", control::usage_granularity_name(report.query.granularity)},
          {"complete_until", report.complete_until
                                 ? nlohmann::json(control::format_utc_ms(*report.complete_until))
                                 : nlohmann::json(nullptr)},
          {"totals", totals},
          {"series", series}};
}

// "2026-11-25" for midnights, "2026-11-25T0100" otherwise (no ':' in file names).
std::string file_time(long long ms) {
  std::string text = control::format_utc_ms(ms);
  if (ms % control::kDayMs == 0) return text.substr(0, 10);
  return text.substr(0, 13) + text.substr(14, 2);
}

Response report_csv(const control::UsageReport& report) {
  std::string body = "start";
  for (auto field : control::kUsageFields)
    body += "," + std::string(field);
  body += ",hit_ratio\r\n";
  for (const auto& bucket : report.series) {
    body += control::format_utc_ms(bucket.start);
    for (long long value : bucket.counters.values)
      body += "," + std::to_string(value);
    const double ratio = control::usage_hit_ratio(bucket.counters);
    if (ratio >= 0) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, ",%.6f", ratio);
      body += buffer;
    } else {
      body += ",";
    }
    body += "\r\n";
  }
  const auto& scope = report.query.scope;
  std::string name =
      scope.kind == UsageScope::Kind::kGroup
          ? "group-" + std::to_string(scope.group_id)
          : scope.scid +
                (scope.kind == UsageScope::Kind::kProperty ? "." + scope.property : std::string());
  Response response =
      Response::with_body(200, "text/csv; charset=utf-8; header=present", std::move(body));
  response.set_header("Content-Disposition",
                      "attachment; filename=\"usage-" + name + "-" + file_time(report.query.from) +
                          "-" + file_time(report.query.to) + "-" +
                          std::string(control::usage_granularity_name(report.query.granularity)) +
                          ".csv\"");
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response get_usage(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto query = read_query(request);
  if (!query.ok()) return error_response(query.failure(), request);
  auto report = context.db.with_session([&](soci::session& session) {
    return control::UsageReports(session, context.clock).report(*principal, *query);
  });
  if (!report.ok()) return error_response(report.failure(), request);
  if (wants_csv(request)) return report_csv(*report);
  Response response = json_response(200, report_json(*report));
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response get_live(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  const auto scid = request.query_param("scid");
  const auto minutes_text = request.query_param("minutes");
  const auto minutes = minutes_text ? parse_whole(*minutes_text) : std::optional<long long>(15);
  Error error{"the live usage query is malformed"};
  if (!scid) error.fields.emplace_back("/query/scid", "is required");
  if (!minutes || *minutes < 1 || *minutes > control::UsageReports::kMaxLiveMinutes) {
    error.fields.emplace_back("/query/minutes", "must be a whole number from 1 to 60");
  }
  if (!error.fields.empty()) return error_response(error, request);
  auto live = context.db.with_session([&](soci::session& session) {
    return control::UsageReports(session, context.clock)
        .live(*principal, *scid, static_cast<int>(*minutes));
  });
  if (!live.ok()) return error_response(live.failure(), request);
  nlohmann::json properties = nlohmann::json::array();
  for (const auto& property : live->properties) {
    nlohmann::json series = nlohmann::json::array();
    for (const auto& minute : property.series) {
      series.push_back(
          {{"minute", control::format_utc_ms(minute.minute)},
           {"requests", minute.requests},
           {"rps", static_cast<double>(minute.requests) / 60.0},
           {"hit_ratio", minute.requests > 0 ? nlohmann::json(static_cast<double>(minute.hits) /
                                                              static_cast<double>(minute.requests))
                                             : nlohmann::json(nullptr)},
           {"errors", minute.errors},
           {"status_5xx", minute.status_5xx},
           {"bytes", minute.bytes}});
    }
    properties.push_back({{"property", property.property}, {"series", series}});
  }
  Response response =
      json_response(200, {{"generated_at", control::format_utc_ms(live->generated_at)},
                          {"minutes", live->minutes},
                          {"properties", properties}});
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace

void register_usage_report_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/usage",
             [&context](const Request& request) { return get_usage(context, request); });
  router.add("GET", "/api/v1/usage/live",
             [&context](const Request& request) { return get_live(context, request); });
}

}  // namespace candela::portal
