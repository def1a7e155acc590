// Log delivery over HTTP: edges PUT checked gzip chunks with their node token; customers list
// and download their services' logs per property and hour or day and set the retention
// (docs/log-delivery.md). The domain (control/log_chunks) does the checks and authorization.
#include <soci/soci.h>

#include <charconv>
#include <cstdio>
#include <fstream>

#include "control/log_chunks.hpp"
#include "control/services.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/node_auth.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"
#include "portal/service_json.hpp"

namespace candela::portal {
namespace {

using control::LogChunks;
using control::LogStore;

// A whole day is read into memory before it is sent (the HTTP server sends whole bodies); past
// this size the day must be fetched hour by hour.
constexpr long long kMaxDayDownloadBytes = 512LL * 1024 * 1024;

std::optional<long long> whole_number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool gzip_media_type(const std::optional<std::string>& content_type) {
  if (!content_type) return true;
  std::string type = content_type->substr(0, content_type->find(';'));
  while (!type.empty() && type.back() == ' ')
    type.pop_back();
  for (auto& c : type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/gzip" || type == "application/x-gzip" ||
         type == "application/octet-stream";
}

Response upload_chunk(ApiContext& context, const LogStore& store, const Request& request) {
  auto edge = authenticate_edge_named(context, request);
  if (!edge) return edge.problem().to_response(request.request_id);
  if (request.body.size() > context.settings.max_log_chunk_bytes) {
    return payload_too_large(context.settings.max_log_chunk_bytes).to_response(request.request_id);
  }
  if (!gzip_media_type(request.header("Content-Type"))) {
    return unsupported_media_type("send the log chunk as application/gzip")
        .to_response(request.request_id);
  }
  control::LogChunkUpload upload;
  upload.edge_id = edge->edge_id;
  upload.chunk = request.param("chunk");
  std::vector<FieldError> errors;
  auto required = [&](std::string_view name) {
    auto value = request.query_param(name);
    if (!value) errors.push_back({"/query/" + std::string(name), "is required"});
    return value.value_or("");
  };
  upload.edge_property = required("property");
  upload.hour = required("hour");
  if (auto lines = request.query_param("lines")) {
    auto count = whole_number(*lines);
    if (!count || *count < 0) {
      errors.push_back({"/query/lines", "must be a whole number, 0 or more"});
    } else {
      upload.lines = *count;
    }
  } else {
    errors.push_back({"/query/lines", "is required"});
  }
  if (!errors.empty()) {
    return bad_request("the log chunk's query parameters are incomplete", errors)
        .to_response(request.request_id);
  }
  // The content check needs no database: done before any transaction starts.
  auto checked = LogChunks::check(store, upload, request.body);
  if (!checked.ok()) return error_response(checked.failure(), request);
  auto stored = context.db.with_transaction([&](soci::session& session) {
    return LogChunks(session, context.clock, store).record(checked.value(), request.body);
  });
  if (!stored.ok()) return error_response(stored.failure(), request);
  const auto& key = stored->key;
  return json_response(stored->created ? 201 : 200,
                       {{"edge_id", key.edge_id},
                        {"property", upload.edge_property},
                        {"hour", utc_timestamp(control::from_epoch_ms(key.hour_ms))},
                        {"chunk", key.chunk},
                        {"lines", stored->lines},
                        {"bytes", stored->bytes},
                        {"sha256", stored->sha256},
                        {"created", stored->created}});
}

std::string download_path(const std::string& scid, const std::string& property, long long hour) {
  return "/api/v1/services/" + scid + "/log-files/" + property + "/" + control::log_hour_name(hour);
}

Response list_log_files(ApiContext& context, const LogStore& store, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  control::LogFileQuery query;
  query.limit = static_cast<int>(page->limit);
  std::vector<FieldError> errors;
  auto day = [&](std::string_view name) -> std::optional<long long> {
    auto text = request.query_param(name);
    if (!text) return std::nullopt;
    auto parsed = control::parse_log_day(*text);
    if (!parsed) errors.push_back({"/query/" + std::string(name), "must be a day, YYYY-MM-DD"});
    return parsed;
  };
  query.from_ms = day("from");
  query.to_ms = day("to");
  if (query.from_ms && query.to_ms && *query.from_ms >= *query.to_ms) {
    errors.push_back({"/query/to", "must be after from (to is exclusive)"});
  }
  if (auto property = request.query_param("property")) {
    if (!LogStore::valid_property(*property)) {
      errors.push_back({"/query/property", "must be a property id (1-63 of a-z, 0-9 and '-')"});
    }
    query.property = *property;
  }
  if (page->after_key) {
    // Cursor key: "<hour ms>/<property>".
    const auto slash = page->after_key->find('/');
    auto hour = slash == std::string::npos
                    ? std::nullopt
                    : whole_number(std::string_view(*page->after_key).substr(0, slash));
    if (!hour) {
      errors.push_back({"/query/cursor", "is not a cursor this API returned"});
    } else {
      query.after = std::make_pair(*hour, page->after_key->substr(slash + 1));
    }
  }
  if (!errors.empty()) {
    return bad_request("the query parameters are not valid", errors)
        .to_response(request.request_id);
  }
  const std::string scid = request.param("scid");
  auto listed = context.db.with_session([&](soci::session& session) {
    return LogChunks(session, context.clock, store).list(*principal, scid, query);
  });
  if (!listed.ok()) return service_error(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()},
                         {"retention_days", listed->retention_days}};
  for (const auto& file : listed->files) {
    body["items"].push_back({{"property", file.property},
                             {"hour", utc_timestamp(control::from_epoch_ms(file.hour_ms))},
                             {"lines", file.lines},
                             {"bytes", file.bytes},
                             {"chunks", file.chunks},
                             {"download", download_path(scid, file.property, file.hour_ms)}});
  }
  std::optional<std::string> last_key;
  if (listed->more && !listed->files.empty()) {
    const auto& last = listed->files.back();
    last_key = std::to_string(last.hour_ms) + "/" + last.property;
  }
  return page_response(request, *page, last_key, std::move(body));
}

// Appends the file's bytes to `out`; false if it vanished (expired since it was listed).
bool append_file(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  const auto before = out.size();
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
    out.append(buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) {
    out.resize(before);
    return false;
  }
  return true;
}

Response download_log_file(ApiContext& context, const LogStore& store, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  const std::string scid = request.param("scid");
  const std::string property = request.param("property");
  const std::string period_text = request.param("period");
  auto period = control::parse_log_period(period_text);
  auto listed = context.db.with_session([&](soci::session& session) {
    if (!period) {
      // Still authorize first: a stranger gets 404 whatever the period says.
      auto service = control::Services(session, context.clock).get(*principal, scid);
      if (!service.ok()) return Result<std::vector<control::LogChunkFile>>(service.failure());
      Error invalid{"the period must be a day (YYYY-MM-DD) or an hour (YYYY-MM-DDTHH)"};
      invalid.fields.emplace_back("/path/period", invalid.message);
      return Result<std::vector<control::LogChunkFile>>(invalid);
    }
    return LogChunks(session, context.clock, store).files(*principal, scid, property, *period);
  });
  if (!listed.ok()) return service_error(listed.failure(), request);
  long long total = 0;
  for (const auto& file : listed.value())
    total += file.bytes;
  if (period->end_ms - period->start_ms > control::kLogHourMs && total > kMaxDayDownloadBytes) {
    return bad_request("the day's logs are " + std::to_string(total) +
                       " bytes; download them hour by hour (YYYY-MM-DDTHH)")
        .to_response(request.request_id);
  }
  std::string body;
  body.reserve(static_cast<std::size_t>(total));
  for (const auto& file : listed.value()) {
    if (!append_file(file.path, body)) {
      std::fprintf(stderr, "candela portal: log chunk %s is listed but cannot be read\n",
                   file.path.c_str());
    }
  }
  if (body.empty()) {  // every chunk expired between the listing and the reading
    return not_found("no log lines of property " + property + " are stored for that period")
        .to_response(request.request_id);
  }
  Response response = Response::with_body(200, "application/gzip", std::move(body));
  response.set_header("Content-Disposition", "attachment; filename=\"" + scid + "." + property +
                                                 "." + period_text + ".jsonl.gz\"");
  response.set_header("Cache-Control", "private, no-store");
  return response;
}

Response set_retention(ApiContext& context, const LogStore& store, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = object_body_of(request);
  if (!body) return body.problem().to_response(request.request_id);
  JsonReader reader(*body);
  reader.reject_unknown("", {"days", "reason"});
  const auto days =
      reader.integer("/days", true, LogChunks::kMinRetentionDays, LogChunks::kMaxRetentionDays);
  const auto reason = reader.string("/reason", false, LogChunks::kMaxReasonLength).value_or("");
  const std::string scid = request.param("scid");
  if (!reader.ok()) {
    // Authorize before answering about the body, so a stranger only ever sees 404.
    auto service = context.db.with_session([&](soci::session& session) {
      return control::Services(session, context.clock)
          .get(*principal, scid, control::Action::kConfigure);
    });
    if (!service.ok()) return service_error(service.failure(), request);
    return reader.problem()->to_response(request.request_id);
  }
  auto changed = context.db.with_transaction([&](soci::session& session) {
    return LogChunks(session, context.clock, store)
        .set_retention(*principal, scid, static_cast<int>(*days), reason);
  });
  if (!changed.ok()) return service_error(changed.failure(), request);
  return json_response(200, {{"scid", scid}, {"retention_days", changed.value()}});
}

void expire_logs(ApiContext& context, const LogStore& store) {
  auto expired = LogChunks::expire(context.db, context.clock, store);
  if (!expired.ok()) {
    std::fprintf(stderr, "candela portal: log retention failed: %s\n", expired.error().c_str());
  } else if (expired.value() > 0) {
    std::fprintf(stderr, "candela portal: log retention deleted %lld chunk(s)\n", expired.value());
  }
}

}  // namespace

void register_log_routes(Router& router, ApiContext& context) {
  // One store for the portal's lifetime; the handlers only read its root.
  auto store = std::make_shared<LogStore>(context.settings.log_store);
  router.add("PUT", "/api/v1/edges/{edge_id}/log-chunks/{chunk}",
             [&context, store](const Request& r) { return upload_chunk(context, *store, r); });
  router.add("GET", "/api/v1/services/{scid}/log-files",
             [&context, store](const Request& r) { return list_log_files(context, *store, r); });
  router.add("GET", "/api/v1/services/{scid}/log-files/{property}/{period}",
             [&context, store](const Request& r) { return download_log_file(context, *store, r); });
  router.add("PUT", "/api/v1/services/{scid}/log-retention",
             [&context, store](const Request& r) { return set_retention(context, *store, r); });
  context.jobs.push_back(BackgroundJob{"log-retention", std::chrono::hours(1),
                                       [&context, store] { expire_logs(context, *store); }});
}

}  // namespace candela::portal
