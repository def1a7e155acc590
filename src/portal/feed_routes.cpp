// The endpoints edges call with their node token: registration, the long-polled feed and
// acknowledgements (docs/control-feed.md).
#include <soci/soci.h>

#include <algorithm>
#include <charconv>

#include "control/edge_health.hpp"
#include "control/edge_registry.hpp"
#include "control/feed.hpp"
#include "control/invalidations.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/node_auth.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

using control::EdgeRegistry;

constexpr int kEventsPerAnswer = 100;
// While a poll waits, the store is read again this often even without a signal: events appended
// by another portal sharing the PostgreSQL database are then seen within this time.
constexpr std::chrono::milliseconds kStoreRecheck{1000};

// A non-negative integer query parameter; nullopt with `error` set when malformed.
std::optional<long long> query_count(const Request& request, std::string_view name,
                                     long long fallback, std::string& error) {
  auto text = request.query_param(name);
  if (!text) return fallback;
  long long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || value < 0) {
    error += std::string(error.empty() ? "" : "; ") + "query parameter " + std::string(name) +
             " must be a whole number, 0 or more";
    return std::nullopt;
  }
  return value;
}

Response register_edge(ApiContext& context, const Request& request) {
  auto edge = authenticate_edge_named(context, request);
  if (!edge) return edge.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("",
                        {"address", "cache_group", "role", "network", "admin_address", "capacity"});
  control::Registration registration;
  registration.address = reader.string("/address").value_or("");
  registration.cache_group = reader.string("/cache_group", false);
  if (auto role = reader.string("/role", false)) {
    registration.role = control::parse_edge_role(*role);
    if (!registration.role) reader.add_error("/role", "must be \"edge\" or \"shield\"");
  }
  if (auto network = reader.string("/network", false)) {
    registration.network = control::parse_edge_network(*network);
    if (!registration.network) {
      reader.add_error("/network", "must be \"production\" or \"staging\"");
    }
  }
  // null, like absent, keeps the stored admin address.
  if (document->is_object() && document->contains("admin_address") &&
      !(*document)["admin_address"].is_null()) {
    registration.admin_address = reader.string("/admin_address");
  }
  // null, like absent, keeps the stored capacity.
  const bool has_capacity =
      document->is_object() && document->contains("capacity") && !(*document)["capacity"].is_null();
  if (has_capacity && reader.object("/capacity")) {
    reader.reject_unknown("/capacity", {"requests_per_second", "bytes_per_second"});
    auto rps = reader.integer("/capacity/requests_per_second", true, 0, EdgeRegistry::kMaxCapacity);
    auto bps = reader.integer("/capacity/bytes_per_second", true, 0, EdgeRegistry::kMaxCapacity);
    if (rps && bps) registration.capacity = control::EdgeCapacity{*rps, *bps};
  }
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  std::optional<control::MonitorHealth> health;
  auto registered =
      context.db.with_transaction([&](soci::session& session) -> Result<control::Edge> {
        auto result = EdgeRegistry(session, context.clock, context.random)
                          .register_edge(edge.value(), registration);
        if (!result.ok()) return result;
        auto fresh = control::fresh_monitor_health(session, context.clock.now());
        if (!fresh.ok()) return Error{fresh.failure()};
        if (auto found = fresh->find(result->edge_id); found != fresh->end())
          health = found->second;
        return result;
      });
  if (!registered.ok()) return error_response(registered.failure(), request);
  nlohmann::json body = edge_json(registered.value(), health);
  auto latest = context.db.with_session(
      [&](soci::session& session) { return control::Feed(session, context.clock).latest(); });
  if (!latest.ok()) return error_response(latest.failure(), request);
  body["feed_latest"] = latest.value();
  return json_response(200, body);
}

Response poll_feed(ApiContext& context, const Request& request) {
  auto edge = authenticate_edge(context, request);
  if (!edge) return edge.problem().to_response(request.request_id);
  std::string error;
  const auto after = query_count(request, "after", 0, error);
  const auto wait = query_count(request, "wait", 0, error);
  if (!error.empty()) return bad_request(error).to_response(request.request_id);
  // Longer waits are shortened rather than refused: the edge simply polls again.
  const std::chrono::seconds hold(
      std::min<long long>(*wait, context.settings.feed_max_wait.count()));
  auto touched = context.db.with_transaction([&](soci::session& session) {
    return EdgeRegistry(session, context.clock, context.random).touch(edge->edge_id);
  });
  if (!touched.ok()) return error_response(touched.failure(), request);

  const auto deadline = std::chrono::steady_clock::now() + hold;
  bool shutting_down = false;
  struct Page {
    std::vector<control::FeedEvent> events;
    long long latest = 0;
  };
  for (;;) {
    auto page = context.db.with_session([&](soci::session& session) -> Result<Page> {
      control::Feed feed(session, context.clock);
      auto events = feed.after(*after, kEventsPerAnswer);
      if (!events.ok()) return Error{events.failure()};
      auto latest = feed.latest();
      if (!latest.ok()) return Error{latest.failure()};
      return Page{std::move(events).value(), latest.value()};
    });
    if (!page.ok()) return error_response(page.failure(), request);
    const auto now = std::chrono::steady_clock::now();
    if (!page->events.empty() || now >= deadline || shutting_down) {
      nlohmann::json body = {{"events", nlohmann::json::array()}, {"latest", page->latest}};
      for (const auto& event : page->events) {
        body["events"].push_back({{"sequence", event.sequence},
                                  {"kind", event.kind},
                                  {"created_at", utc_timestamp(event.created_at)},
                                  {"payload", event.payload}});
      }
      Response response = json_response(200, body);
      response.set_header("Cache-Control", "no-store");
      return response;
    }
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const auto slice = std::min(remaining, kStoreRecheck);
    const bool published = context.feed_signal.wait_beyond(*after, slice);
    // wait_beyond() only returns early without an event when the portal is shutting down: answer
    // now so that stopping does not wait for every edge's poll to run out.
    if (!published && std::chrono::steady_clock::now() < now + slice) shutting_down = true;
  }
}

Response acknowledge(ApiContext& context, const Request& request) {
  auto edge = authenticate_edge_named(context, request);
  if (!edge) return edge.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"sequence", "status", "detail"});
  const auto sequence = reader.integer("/sequence", true, 1);
  std::optional<control::AckStatus> status;
  if (auto text = reader.string("/status")) {
    status = control::parse_ack_status(*text);
    if (!status) reader.add_error("/status", "must be \"applied\" or \"failed\"");
  }
  const auto detail =
      reader.string("/detail", false, EdgeRegistry::kMaxAckDetailLength).value_or("");
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);

  auto outcome =
      context.db.with_transaction([&](soci::session& session) -> Result<control::AckOutcome> {
        EdgeRegistry registry(session, context.clock, context.random);
        auto recorded = registry.acknowledge(edge->edge_id, *sequence, *status, detail);
        if (!recorded.ok()) return recorded;
        if (auto touched = registry.touch(edge->edge_id); !touched.ok()) {
          return Error{touched.failure()};
        }
        // The last active edge to apply an invalidation completes it.
        if (recorded->recorded && recorded->kind == "invalidation") {
          auto done = control::Invalidations(session, context.clock).complete_if_applied(*sequence);
          if (!done.ok()) return Error{done.failure()};
        }
        return recorded;
      });
  if (!outcome.ok()) return error_response(outcome.failure(), request);
  nlohmann::json body = ack_json(outcome->ack);
  body["recorded"] = outcome->recorded;
  return json_response(outcome->recorded ? 201 : 200, body);
}

}  // namespace

void register_feed_routes(Router& router, ApiContext& context) {
  router.add("PUT", "/api/v1/edges/{edge_id}/registration",
             [&context](const Request& request) { return register_edge(context, request); });
  router.add("GET", "/api/v1/feed",
             [&context](const Request& request) { return poll_feed(context, request); });
  router.add("POST", "/api/v1/edges/{edge_id}/acks",
             [&context](const Request& request) { return acknowledge(context, request); });
}

}  // namespace candela::portal
