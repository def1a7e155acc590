// Invalidation requests per SCID with per-edge status, the caller's notifications, and the job
// that reports invalidations still open after 12 hours.
#include <soci/soci.h>

#include <charconv>
#include <cstdio>

#include "control/edge_registry.hpp"
#include "control/invalidations.hpp"
#include "control/notifications.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

using control::Invalidations;

std::optional<long long> parse_id(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return std::nullopt;
  }
  return value;
}

// Cursors of newest-first lists carry the last id shown.
ApiResult<std::optional<long long>> before_id(const PageRequest& page) {
  if (!page.after_key) return std::optional<long long>{};
  auto id = parse_id(*page.after_key);
  if (!id) return bad_request("query parameter cursor is not a cursor this API returned");
  return std::optional<long long>{*id};
}

// Reads {kind, mode, values, property_ids?}; every problem located in the body.
ApiResult<control::InvalidationRequest> read_request(const nlohmann::json& document) {
  JsonReader reader(document);
  reader.reject_unknown("", {"kind", "mode", "values", "property_ids"});
  control::InvalidationRequest out;
  if (auto kind = reader.string("/kind")) {
    if (auto parsed = control::parse_invalidation_kind(*kind)) {
      out.kind = *parsed;
    } else {
      reader.add_error("/kind", "must be \"url\", \"pattern\" or \"tag\"");
    }
  }
  if (auto mode = reader.string("/mode", false)) {
    if (auto parsed = control::parse_invalidation_mode(*mode)) {
      out.mode = *parsed;
    } else {
      reader.add_error("/mode", "must be \"hard\" (delete) or \"soft\" (mark stale)");
    }
  }
  auto read_strings = [&](const nlohmann::json& list, const std::string& pointer,
                          std::vector<std::string>& into) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        reader.add_error(pointer + "/" + std::to_string(i),
                         std::string("must be a string, not ") + list[i].type_name());
        continue;
      }
      into.push_back(list[i].get<std::string>());
    }
  };
  if (const auto* values = reader.array("/values")) read_strings(*values, "/values", out.values);
  if (const auto* ids = reader.array("/property_ids", false)) {
    out.property_ids.emplace();
    read_strings(*ids, "/property_ids", *out.property_ids);
  }
  if (auto problem = reader.problem()) return *problem;
  return out;
}

Response request_invalidation(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  auto wanted = read_request(*document);
  if (!wanted) return wanted.problem().to_response(request.request_id);
  const std::string& scid = request.param("scid");
  auto created = context.db.with_transaction(
      [&](soci::session& session) -> Result<control::InvalidationStatus> {
        Invalidations invalidations(session, context.clock);
        auto stored = invalidations.request(*principal, scid, *wanted);
        if (!stored.ok()) return Error{stored.failure()};
        return invalidations.get(*principal, stored->id);
      });
  if (!created.ok()) return error_response(created.failure(), request);
  // Committed: wake the edges' long polls.
  context.feed_signal.published(created->invalidation.feed_sequence);
  nlohmann::json body = invalidation_json(created->invalidation);
  body["edges"] = edge_status_json(created->edges);
  body["summary"] = edge_status_summary(created->edges);
  Response response = json_response(201, body);
  response.set_header("Location",
                      "/api/v1/invalidations/" + std::to_string(created->invalidation.id));
  return response;
}

Response list_invalidations(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  auto before = before_id(*page);
  if (!before) return before.problem().to_response(request.request_id);
  auto listed = context.db.with_session([&](soci::session& session) {
    return Invalidations(session, context.clock)
        .list(*principal, request.param("scid"), *before, static_cast<int>(page->limit));
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& invalidation : listed->invalidations)
    body["items"].push_back(invalidation_json(invalidation));
  return page_response(request, *page, listed->next_before, std::move(body));
}

Response get_invalidation(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  const auto id = parse_id(request.param("id"));
  if (!id) {
    return not_found("there is no invalidation " + request.param("id"))
        .to_response(request.request_id);
  }
  // One transaction, so the invalidation row (completed_at) and the edges' acknowledgements come
  // from the same snapshot: never "all applied" beside a completion not yet seen.
  auto status = context.db.with_transaction([&](soci::session& session) {
    return Invalidations(session, context.clock).get(*principal, *id);
  });
  if (!status.ok()) return error_response(status.failure(), request);
  nlohmann::json body = invalidation_json(status->invalidation);
  body["edges"] = edge_status_json(status->edges);
  body["summary"] = edge_status_summary(status->edges);
  return json_response(200, body);
}

Response list_notifications(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  auto before = before_id(*page);
  if (!before) return before.problem().to_response(request.request_id);
  auto listed = context.db.with_session([&](soci::session& session) {
    return control::Notifications(session, context.clock)
        .list_for(*principal, *before, static_cast<int>(page->limit));
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& notification : listed->notifications)
    body["items"].push_back(notification_json(notification));
  return page_response(request, *page, listed->next_before, std::move(body));
}

void report_overdue(ApiContext& context) {
  auto reported = context.db.with_transaction([&](soci::session& session) {
    return Invalidations(session, context.clock).notify_overdue(context.settings.public_url);
  });
  if (!reported.ok()) {
    std::fprintf(stderr, "candela portal: overdue invalidation check failed: %s\n",
                 reported.error().c_str());
  } else if (reported.value() > 0) {
    std::fprintf(stderr, "candela portal: %d invalidation(s) open for 12 hours reported\n",
                 reported.value());
  }
}

}  // namespace

void register_invalidation_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/services/{scid}/invalidations",
             [&context](const Request& request) { return request_invalidation(context, request); });
  router.add("GET", "/api/v1/services/{scid}/invalidations",
             [&context](const Request& request) { return list_invalidations(context, request); });
  router.add("GET", "/api/v1/invalidations/{id}",
             [&context](const Request& request) { return get_invalidation(context, request); });
  router.add("GET", "/api/v1/notifications",
             [&context](const Request& request) { return list_notifications(context, request); });
  context.jobs.push_back(BackgroundJob{"overdue-invalidations", std::chrono::minutes(1),
                                       [&context] { report_overdue(context); }});
}

}  // namespace candela::portal
