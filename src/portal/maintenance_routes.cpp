// Maintenance windows: the calendar list, scheduling, reschedule/cancel/complete, the .ics
// download, and the job that sends reminders and moves windows through their times.
#include <soci/soci.h>

#include <charconv>
#include <cstdio>

#include "control/maintenance_windows.hpp"
#include "control/usage_time.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

using control::MaintenanceWindows;

control::MaintenanceSettings maintenance_settings(const ApiContext& context) {
  control::MaintenanceSettings settings;
  settings.reminder_before = context.settings.maintenance_reminder;
  settings.public_url = context.settings.public_url;
  settings.organizer_email = context.settings.mail_from;
  return settings;
}

MaintenanceWindows windows(soci::session& session, const ApiContext& context) {
  return MaintenanceWindows(session, context.clock, maintenance_settings(context));
}

nlohmann::json window_json(const control::MaintenanceWindow& window, bool staff) {
  nlohmann::json services = nlohmann::json::array();
  for (const auto& service : window.affected) {
    services.push_back({{"scid", service.scid},
                        {"customer_number", service.customer_number},
                        {"customer_name", service.customer_name}});
  }
  nlohmann::json body = {
      {"reference", window.reference},
      {"kind", control::maintenance_kind_name(window.kind)},
      {"impact", control::maintenance_impact_name(window.impact)},
      {"state", control::maintenance_state_name(window.state)},
      {"title", window.title},
      {"description", window.description},
      {"starts_at", utc_timestamp(window.starts_at)},
      {"ends_at", utc_timestamp(window.ends_at)},
      {"sequence", window.sequence},
      {"cache_groups", window.cache_groups},
      {"edges", window.edges},
      {"affected_services", services},
      {"started_at", utc_timestamp_or_null(window.started_at)},
      {"completed_at", utc_timestamp_or_null(window.completed_at)},
      {"cancelled_at", utc_timestamp_or_null(window.cancelled_at)},
      {"cancel_reason", window.cancelled_at ? nlohmann::json(window.cancel_reason) : nullptr},
      {"created_at", utc_timestamp(window.created_at)},
      {"updated_at", utc_timestamp(window.updated_at)},
      {"calendar_url", "/api/v1/maintenance/" + window.reference + "/calendar.ics"},
  };
  if (staff) {
    body["affected"] = {{"services", window.affected.size()},
                        {"customers", window.affected_customers}};
    body["reminder_due_at"] = utc_timestamp_or_null(window.reminder_due_at);
  }
  return body;
}

// The notices sent; customers see what went out and when, staff also to how many.
nlohmann::json notices_json(const control::MaintenanceWindow& window, bool staff) {
  nlohmann::json notices = nlohmann::json::array();
  for (const auto& notice : window.notices) {
    nlohmann::json item = {{"template", notice.template_id},
                           {"sequence", notice.sequence},
                           {"at", utc_timestamp(notice.sent_at)}};
    if (staff) {
      item["recipients"] = notice.recipients;
      item["portal_rows"] = notice.portal_rows;
      item["emails_queued"] = notice.emails_queued;
    }
    notices.push_back(std::move(item));
  }
  return notices;
}

Response window_response(int status, const control::MaintenanceWindow& window, bool staff) {
  nlohmann::json body = window_json(window, staff);
  body["notices"] = notices_json(window, staff);
  return json_response(status, body);
}

// A UTC instant field: "2026-12-05T02:00:00Z".
std::optional<SysTime> read_time(JsonReader& reader, const std::string& pointer, bool required) {
  auto text = reader.string(pointer, required, 64);
  if (!text) return std::nullopt;
  auto ms = control::parse_utc_ms(*text, false);
  if (!ms) {
    reader.add_error(pointer, "must be a UTC time such as \"2026-12-05T02:00:00Z\"");
    return std::nullopt;
  }
  return control::from_epoch_ms(*ms);
}

std::vector<std::string> read_names(JsonReader& reader, const std::string& pointer) {
  std::vector<std::string> names;
  const auto* list = reader.array(pointer, false);
  if (!list) return names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (!(*list)[i].is_string()) {
      reader.add_error(pointer + "/" + std::to_string(i),
                       std::string("must be a string, not ") + (*list)[i].type_name());
      continue;
    }
    names.push_back((*list)[i].get<std::string>());
  }
  return names;
}

ApiResult<control::NewMaintenanceWindow> read_new_window(const nlohmann::json& document) {
  JsonReader reader(document);
  reader.reject_unknown("", {"kind", "impact", "title", "description", "starts_at", "ends_at",
                             "cache_groups", "edges"});
  control::NewMaintenanceWindow draft;
  if (auto kind = reader.string("/kind")) {
    if (auto parsed = control::parse_maintenance_kind(*kind)) {
      draft.kind = *parsed;
    } else {
      reader.add_error("/kind", "must be \"scheduled\" or \"emergency\"");
    }
  }
  if (auto impact = reader.string("/impact")) {
    if (auto parsed = control::parse_maintenance_impact(*impact)) {
      draft.impact = *parsed;
    } else {
      reader.add_error("/impact", "must be \"service_affecting\" or \"non_service_affecting\"");
    }
  }
  draft.title = reader.string("/title", true, 1000).value_or("");
  draft.description = reader.string("/description", false, 100000).value_or("");
  // Emergency work may leave starts_at out: it starts now (the domain says what else is missing).
  draft.starts_at = read_time(reader, "/starts_at", false);
  if (auto ends = read_time(reader, "/ends_at", true)) draft.ends_at = *ends;
  draft.cache_groups = read_names(reader, "/cache_groups");
  draft.edges = read_names(reader, "/edges");
  if (auto problem = reader.problem()) return *problem;
  return draft;
}

bool is_staff(const control::Principal& principal) {
  return principal.is_provider();
}

Response list_windows(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  control::MaintenanceQuery query;
  query.limit = static_cast<int>(page->limit);
  for (const char* name : {"from", "to"}) {
    auto text = request.query_param(name);
    if (!text) continue;
    auto ms = control::parse_utc_ms(*text, true);
    if (!ms) {
      return bad_request(std::string("query parameter ") + name +
                         " must be a UTC time (2026-12-05T02:00:00Z) or a date (2026-12-05)")
          .to_response(request.request_id);
    }
    (std::string_view(name) == "from" ? query.from : query.to) = control::from_epoch_ms(*ms);
  }
  if (auto state = request.query_param("state")) {
    query.state = control::parse_maintenance_state(*state);
    if (!query.state) {
      return bad_request(
                 "query parameter state must be scheduled, in_progress, completed or "
                 "cancelled")
          .to_response(request.request_id);
    }
  }
  if (page->after_key) {
    // The cursor is "<starts_at ms>:<id>" of the previous page's last window.
    const std::string& key = *page->after_key;
    const auto colon = key.find(':');
    long long starts = 0, id = 0;
    const bool parsed =
        colon != std::string::npos &&
        std::from_chars(key.data(), key.data() + colon, starts).ptr == key.data() + colon &&
        std::from_chars(key.data() + colon + 1, key.data() + key.size(), id).ptr ==
            key.data() + key.size();
    if (!parsed) {
      return bad_request("query parameter cursor is not a cursor this API returned")
          .to_response(request.request_id);
    }
    query.after = std::pair{starts, id};
  }
  auto listed = context.db.with_session(
      [&](soci::session& session) { return windows(session, context).list(*principal, query); });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& window : listed->windows)
    body["items"].push_back(window_json(window, is_staff(*principal)));
  std::optional<std::string> last;
  if (listed->next_after) {
    last = std::to_string(listed->next_after->first) + ":" +
           std::to_string(listed->next_after->second);
  }
  return page_response(request, *page, last, std::move(body));
}

Response create_window(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  auto draft = read_new_window(*document);
  if (!draft) return draft.problem().to_response(request.request_id);
  auto created = context.db.with_transaction([&](soci::session& session) {
    return windows(session, context).schedule(*principal, *draft);
  });
  if (!created.ok()) return error_response(created.failure(), request);
  Response response = window_response(201, *created, is_staff(*principal));
  response.set_header("Location", "/api/v1/maintenance/" + created->reference);
  return response;
}

Response get_window(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto window = context.db.with_transaction([&](soci::session& session) {
    return windows(session, context).get(*principal, request.param("reference"));
  });
  if (!window.ok()) return error_response(window.failure(), request);
  return window_response(200, *window, is_staff(*principal));
}

Response patch_window(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"starts_at", "ends_at", "title", "description"});
  control::MaintenanceChange change;
  change.starts_at = read_time(reader, "/starts_at", false);
  change.ends_at = read_time(reader, "/ends_at", false);
  change.title = reader.string("/title", false, 1000);
  change.description = reader.string("/description", false, 100000);
  if (reader.ok() && !document->is_object()) reader.add_error("", "must be a JSON object");
  if (reader.ok() && document->empty()) {
    reader.add_error("", "name at least one of starts_at, ends_at, title, description");
  }
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto changed = context.db.with_transaction([&](soci::session& session) {
    return windows(session, context).reschedule(*principal, request.param("reference"), change);
  });
  if (!changed.ok()) return error_response(changed.failure(), request);
  return window_response(200, *changed, is_staff(*principal));
}

Response cancel_window(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"reason"});
  const std::string reason = reader.string("/reason", true, 100000).value_or("");
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto cancelled = context.db.with_transaction([&](soci::session& session) {
    return windows(session, context).cancel(*principal, request.param("reference"), reason);
  });
  if (!cancelled.ok()) return error_response(cancelled.failure(), request);
  return window_response(200, *cancelled, is_staff(*principal));
}

Response complete_window(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto completed = context.db.with_transaction([&](soci::session& session) {
    return windows(session, context).complete(*principal, request.param("reference"));
  });
  if (!completed.ok()) return error_response(completed.failure(), request);
  return window_response(200, *completed, is_staff(*principal));
}

Response window_calendar(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  const std::string& reference = request.param("reference");
  auto calendar = context.db.with_transaction([&](soci::session& session) {
    return windows(session, context).calendar(*principal, reference);
  });
  if (!calendar.ok()) return error_response(calendar.failure(), request);
  const bool cancel = calendar->find("\r\nMETHOD:CANCEL\r\n") != std::string::npos;
  Response response = Response::with_body(
      200, std::string("text/calendar; charset=utf-8; method=") + (cancel ? "CANCEL" : "REQUEST"),
      std::move(calendar).value());
  response.set_header("Content-Disposition", "attachment; filename=\"" + reference + ".ics\"");
  response.set_header("Cache-Control", "no-cache");
  return response;
}

// One transaction per window, so one window's failure does not hold up the others, and a
// notice is stamped in the transaction that queues it (at most once, also with two portals).
void run_maintenance_job(ApiContext& context) {
  auto due = context.db.with_session(
      [&](soci::session& session) { return windows(session, context).due_windows(); });
  if (!due.ok()) {
    std::fprintf(stderr, "candela portal: maintenance notices: %s\n", due.error().c_str());
    return;
  }
  for (const long long id : *due) {
    auto advanced = context.db.with_transaction(
        [&](soci::session& session) { return windows(session, context).advance(id); });
    if (!advanced.ok()) {
      std::fprintf(stderr, "candela portal: maintenance window %lld: %s\n", id,
                   advanced.error().c_str());
    }
  }
}

}  // namespace

void register_maintenance_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/maintenance",
             [&context](const Request& request) { return list_windows(context, request); });
  router.add("POST", "/api/v1/maintenance",
             [&context](const Request& request) { return create_window(context, request); });
  router.add("GET", "/api/v1/maintenance/{reference}",
             [&context](const Request& request) { return get_window(context, request); });
  router.add("PATCH", "/api/v1/maintenance/{reference}",
             [&context](const Request& request) { return patch_window(context, request); });
  router.add("POST", "/api/v1/maintenance/{reference}/cancel",
             [&context](const Request& request) { return cancel_window(context, request); });
  router.add("POST", "/api/v1/maintenance/{reference}/complete",
             [&context](const Request& request) { return complete_window(context, request); });
  router.add("GET", "/api/v1/maintenance/{reference}/calendar.ics",
             [&context](const Request& request) { return window_calendar(context, request); });
  context.jobs.push_back(BackgroundJob{"maintenance-notices", std::chrono::seconds(15),
                                       [&context] { run_maintenance_job(context); }});
}

}  // namespace candela::portal
