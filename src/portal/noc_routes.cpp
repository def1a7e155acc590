// NOC endpoints (docs/noc.md): alarms from monitors (Bearer token) or NOC staff, monitor
// credentials, events and the dashboard. Customers are refused everywhere (403).
#include <soci/soci.h>

#include <charconv>

#include "control/noc_alarms.hpp"
#include "control/noc_dashboard.hpp"
#include "control/noc_events.hpp"
#include "control/noc_monitors.hpp"
#include "control/usage_time.hpp"
#include "http/headers.hpp"
#include "http/text.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/noc_json.hpp"
#include "portal/node_auth.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

constexpr const char* kMonitorChallenge = "Bearer realm=\"candela-noc\"";

// Who raises an alarm: a monitor with "Authorization: Bearer <token>", or else the usual session
// or API key of a user (whose role the domain checks).
ApiResult<control::AlarmSource> alarm_source(ApiContext& context, const Request& request) {
  control::AlarmSource source;
  if (const auto token = bearer_token(request)) {
    auto monitor = context.db.with_transaction([&](soci::session& session) {
      return control::NocMonitors(session, context.clock, context.random).authenticate(*token);
    });
    if (!monitor.ok()) {
      if (monitor.error_kind() == ErrorKind::kUnauthorized) {
        return unauthorized(monitor.error(), kMonitorChallenge);
      }
      return problem_from_error(monitor.failure());
    }
    source.monitor_id = monitor->monitor_id;
    return source;
  }
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem();
  source.principal = std::move(principal).value();
  return source;
}

// The alarm body: every type error and unknown member located, then the domain's rules.
ApiResult<control::Alarm> read_alarm(const Request& request) {
  auto document = parse_json_body(request);
  if (!document) return document.problem();
  JsonReader reader(*document);
  if (!document->is_object()) {
    reader.add_error("", "must be a JSON object");
    return *reader.problem();
  }
  reader.reject_unknown(
      "", {"kind", "edge_id", "scid", "property", "state", "observed_at", "summary", "details"});
  control::Alarm alarm;
  if (auto kind = reader.string("/kind")) {
    if (auto parsed = control::parse_noc_event_kind(*kind)) {
      alarm.kind = *parsed;
    } else {
      reader.add_error("/kind", "must be \"edge_down\", \"error_rate\" or \"origin_unreachable\"");
    }
  }
  alarm.edge_id = reader.string("/edge_id", false, 200);
  alarm.scid = reader.string("/scid", false, 200);
  alarm.property = reader.string("/property", false, 1000);
  if (auto state = reader.string("/state")) {
    if (*state == "firing") {
      alarm.state = control::AlarmState::kFiring;
    } else if (*state == "cleared") {
      alarm.state = control::AlarmState::kCleared;
    } else {
      reader.add_error("/state", "must be \"firing\" or \"cleared\"");
    }
  }
  if (auto observed = reader.string("/observed_at")) {
    if (auto ms = control::parse_utc_ms(*observed, false)) {
      alarm.observed_at = control::from_epoch_ms(*ms);
    } else {
      reader.add_error("/observed_at",
                       "must be an RFC 3339 UTC time such as \"2026-11-25T14:00:00Z\"");
    }
  }
  alarm.summary = reader.string("/summary", true, 100000).value_or("");
  if (document->contains("details")) {
    if (const nlohmann::json* details = reader.object("/details", false)) {
      alarm.details = details->dump();
    }
  }
  if (auto problem = reader.problem()) return *problem;
  return alarm;
}

Response raise_alarm(ApiContext& context, const Request& request) {
  auto source = alarm_source(context, request);
  if (!source) return source.problem().to_response(request.request_id);
  // A user without a NOC role is refused before the body is looked at.
  if (source->principal) {
    if (auto allowed = control::may_raise_alarms(*source->principal); !allowed.ok()) {
      return error_response(allowed.failure(), request);
    }
  }
  auto alarm = read_alarm(request);
  if (!alarm) return alarm.problem().to_response(request.request_id);
  auto outcome = context.db.with_transaction([&](soci::session& session) {
    return control::NocAlarms(session, context.clock).handle(*source, *alarm);
  });
  if (!outcome.ok()) return error_response(outcome.failure(), request);
  const int status = outcome->action == control::AlarmAction::kOpened ? 201 : 200;
  Response response = json_response(status, noc_alarm_outcome_json(*outcome));
  if (outcome->event) {
    response.set_header("Location",
                        "/api/v1/noc/events/" + percent_encode(outcome->event->event.reference));
  }
  return response;
}

Response create_monitor(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  // Refuse customers before looking at the body, so nothing about the body leaks to them.
  if (auto allowed = control::may_manage_monitors(*principal); !allowed.ok()) {
    return error_response(allowed.failure(), request);
  }
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"monitor_id", "description"});
  const std::string monitor_id = reader.string("/monitor_id", true, 1000).value_or("");
  const std::string description = reader.string("/description", false, 10000).value_or("");
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto created = context.db.with_transaction([&](soci::session& session) {
    return control::NocMonitors(session, context.clock, context.random)
        .create(*principal, monitor_id, description);
  });
  if (!created.ok()) return error_response(created.failure(), request);
  nlohmann::json body = noc_monitor_json(created->monitor);
  body["token"] = created->token;
  Response response = json_response(201, body);
  response.set_header("Location", "/api/v1/noc/monitors/" + percent_encode(monitor_id));
  // The token is a secret: no cache may keep this answer.
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response list_monitors(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  if (auto allowed = control::may_raise_alarms(*principal); !allowed.ok()) {
    return error_response(allowed.failure(), request);
  }
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  auto monitors = context.db.with_session([&](soci::session& session) {
    return control::NocMonitors(session, context.clock, context.random)
        .list(*principal, page->after_key, static_cast<int>(page->limit));
  });
  if (!monitors.ok()) return error_response(monitors.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& monitor : monitors->monitors)
    body["items"].push_back(noc_monitor_json(monitor));
  return page_response(request, *page, monitors->next_after, std::move(body));
}

Response revoke_monitor(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto revoked = context.db.with_transaction([&](soci::session& session) {
    return control::NocMonitors(session, context.clock, context.random)
        .revoke(*principal, request.param("monitor_id"));
  });
  if (!revoked.ok()) return error_response(revoked.failure(), request);
  return json_response(200, noc_monitor_json(*revoked));
}

Response dashboard(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto built = context.db.with_session([&](soci::session& session) {
    return control::noc_dashboard(session, context.clock, context.random, *principal);
  });
  if (!built.ok()) return error_response(built.failure(), request);
  Response response = json_response(200, noc_dashboard_json(*built));
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response list_events(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  if (auto allowed = control::may_read_noc(*principal); !allowed.ok()) {
    return error_response(allowed.failure(), request);
  }
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  control::NocEventFilter filter;
  std::string problems;
  if (auto state = request.query_param("state")) {
    filter.state = control::parse_noc_event_state(*state);
    if (!filter.state) problems += "query parameter state must be \"open\" or \"resolved\"";
  }
  if (auto kind = request.query_param("kind")) {
    filter.kind = control::parse_noc_event_kind(*kind);
    if (!filter.kind) {
      problems += std::string(problems.empty() ? "" : "; ") +
                  "query parameter kind must be \"edge_down\", \"error_rate\" or"
                  " \"origin_unreachable\"";
    }
  }
  std::optional<long long> before;
  if (page->after_key) {
    long long id = 0;
    const std::string& key = *page->after_key;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (key.empty() || ec != std::errc() || end != key.data() + key.size() || id < 1) {
      problems +=
          std::string(problems.empty() ? "" : "; ") + "the cursor was not issued by this API";
    }
    before = id;
  }
  if (!problems.empty()) return bad_request(problems).to_response(request.request_id);
  auto events = context.db.with_session([&](soci::session& session) {
    return control::NocEvents(session).list(*principal, filter, before,
                                            static_cast<int>(page->limit));
  });
  if (!events.ok()) return error_response(events.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& event : events->events)
    body["items"].push_back(noc_event_json(event));
  return page_response(request, *page, events->next_before, std::move(body));
}

Response get_event(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto detail = context.db.with_session([&](soci::session& session) {
    return control::NocEvents(session).get(*principal, request.param("reference"));
  });
  if (!detail.ok()) return error_response(detail.failure(), request);
  return json_response(200, noc_event_detail_json(*detail));
}

}  // namespace

void register_noc_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/noc/alarms",
             [&context](const Request& request) { return raise_alarm(context, request); });
  router.add("GET", "/api/v1/noc/monitors",
             [&context](const Request& request) { return list_monitors(context, request); });
  router.add("POST", "/api/v1/noc/monitors",
             [&context](const Request& request) { return create_monitor(context, request); });
  router.add("DELETE", "/api/v1/noc/monitors/{monitor_id}",
             [&context](const Request& request) { return revoke_monitor(context, request); });
  router.add("GET", "/api/v1/noc/dashboard",
             [&context](const Request& request) { return dashboard(context, request); });
  router.add("GET", "/api/v1/noc/events",
             [&context](const Request& request) { return list_events(context, request); });
  router.add("GET", "/api/v1/noc/events/{reference}",
             [&context](const Request& request) { return get_event(context, request); });
}

}  // namespace candela::portal
