// Support configuration and MTTR (docs/support.md): severities, centres and the duty schedule,
// the centre on duty, escalation levels, and the MTTR report as JSON or CSV. Reads of severities,
// centres and on-duty are for any signed-in user; escalation levels for provider staff; every
// change for provider_admin (checked before the body is read, and again by the domain).
#include <soci/soci.h>

#include <charconv>

#include "control/escalation_levels.hpp"
#include "control/mttr_report.hpp"
#include "control/principal_audit.hpp"
#include "control/severity_matrix.hpp"
#include "control/support_access.hpp"
#include "control/support_centres.hpp"
#include "control/support_config.hpp"
#include "control/usage_time.hpp"
#include "portal/etag.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/routes.hpp"
#include "portal/support_json.hpp"

namespace candela::portal {
namespace {

using control::Principal;

Response problem(const Problem& p, const Request& request) {
  return p.to_response(request.request_id);
}

// The tagged JSON of a configuration document: ETag from its content.
Response tagged_json(const nlohmann::json& tagged, nlohmann::json body) {
  Response response = json_response(200, body);
  response.set_header("ETag", ETag::from_content(tagged.dump()).header_value());
  response.set_header("Cache-Control", "no-cache");
  return response;
}

std::optional<Problem> require_admin(const Principal& principal, std::string_view what) {
  auto allowed = control::require_provider_admin(principal, what);
  if (allowed.ok()) return std::nullopt;
  return forbidden(allowed.error());
}

std::string body_reason(const nlohmann::json& body) {
  const auto found = body.find("reason");
  return found != body.end() && found->is_string() ? found->get<std::string>() : "";
}

// Runs `change` in a transaction after checking If-Match against the tag of `current(session)`
// (optional: without If-Match the change applies). A stale tag answers 412 with the current tag
// and changes nothing.
template <typename Current, typename Change>
Response conditional_change(ApiContext& context, const Request& request, Current current,
                            Change change) {
  std::optional<Problem> refused;
  using R = decltype(change(std::declval<soci::session&>()));
  auto outcome = context.db.with_transaction([&](soci::session& session) -> R {
    refused.reset();
    auto document = current(session);
    if (!document.ok()) return Error{document.failure()};
    if (auto p = evaluate_if_match(request, ETag::from_content(document->dump()),
                                   IfMatchRule::kOptional)) {
      refused = *p;
      return Error{"precondition failed", ErrorKind::kPrecondition};
    }
    return change(session);
  });
  if (refused) return problem(*refused, request);
  if (!outcome.ok()) return error_response(outcome.failure(), request);
  return json_response(200, *outcome);
}

// ---- severities -------------------------------------------------------------------------------

Result<nlohmann::json> severities_document(soci::session& session) {
  auto matrix = control::severity_matrix(session);
  if (!matrix.ok()) return Error{matrix.failure()};
  nlohmann::json body = {{"severities", nlohmann::json::array()}};
  for (const auto& level : *matrix)
    body["severities"].push_back(severity_level_json(level));
  return body;
}

Response get_severities(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  auto body = context.db.with_session(severities_document);
  if (!body.ok()) return error_response(body.failure(), request);
  return tagged_json(*body, *body);
}

Response put_severity(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  if (auto p = require_admin(*principal, "change the severities matrix"))
    return problem(*p, request);
  const std::string& text = request.param("n");
  if (text.size() != 1 || text[0] < '1' || text[0] > '4')
    return problem(not_found("there is no severity " + text + " (1 to 4)"), request);
  const int severity = text[0] - '0';
  auto document = parse_json_body(request);
  if (!document) return problem(document.problem(), request);
  JsonReader reader(*document);
  auto level = read_severity_level(reader, severity);
  if (!level) return problem(*reader.problem(), request);
  return conditional_change(
      context, request, severities_document, [&](soci::session& session) -> Result<nlohmann::json> {
        auto changed = control::update_severity_level(session, context.clock, *principal, *level,
                                                      body_reason(*document));
        if (!changed.ok()) return Error{changed.failure()};
        return severity_level_json(*changed);
      });
}

// ---- centres and schedule -----------------------------------------------------------------------

// {"centres","schedule"}: the editable part, whose content is the ETag.
Result<nlohmann::json> centres_document(soci::session& session) {
  auto centres = control::support_centres(session);
  if (!centres.ok()) return Error{centres.failure()};
  auto schedule = control::support_schedule(session);
  if (!schedule.ok()) return Error{schedule.failure()};
  nlohmann::json body = {{"centres", nlohmann::json::array()},
                         {"schedule", nlohmann::json::array()}};
  for (const auto& c : *centres)
    body["centres"].push_back(support_centre_json(c));
  for (const auto& e : *schedule)
    body["schedule"].push_back(schedule_entry_json(e));
  return body;
}

// The editable document plus "on_duty_now" (the centre on duty for any language).
Result<nlohmann::json> centres_with_duty(soci::session& session, SysTime now) {
  auto body = centres_document(session);
  if (!body.ok()) return body;
  auto duty = control::on_duty_centre(session, now, "");
  if (!duty.ok()) return Error{duty.failure()};
  (*body)["on_duty_now"] = support_centre_json(duty->centre);
  return body;
}

Response get_centres(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  nlohmann::json tagged;
  auto body = context.db.with_session([&](soci::session& session) -> Result<nlohmann::json> {
    auto document = centres_document(session);
    if (!document.ok()) return document;
    tagged = *document;
    return centres_with_duty(session, context.clock.now());
  });
  if (!body.ok()) return error_response(body.failure(), request);
  return tagged_json(tagged, *body);
}

Response put_schedule(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  if (auto p = require_admin(*principal, "change the support schedule"))
    return problem(*p, request);
  auto document = parse_json_body(request);
  if (!document) return problem(document.problem(), request);
  JsonReader reader(*document);
  auto schedule = read_schedule(reader);
  if (!schedule) return problem(*reader.problem(), request);
  return conditional_change(
      context, request, centres_document, [&](soci::session& session) -> Result<nlohmann::json> {
        auto stored = control::replace_support_schedule(session, context.clock, *principal,
                                                        *schedule, body_reason(*document));
        if (!stored.ok()) return Error{stored.failure()};
        return centres_with_duty(session, context.clock.now());
      });
}

Response put_centre(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  if (auto p = require_admin(*principal, "change support centres")) return problem(*p, request);
  auto document = parse_json_body(request);
  if (!document) return problem(document.problem(), request);
  JsonReader reader(*document);
  auto centre = read_support_centre(reader, request.param("code"));
  if (!centre) return problem(*reader.problem(), request);
  return conditional_change(
      context, request, centres_document, [&](soci::session& session) -> Result<nlohmann::json> {
        auto stored = control::update_support_centre(session, context.clock, *principal, *centre,
                                                     body_reason(*document));
        if (!stored.ok()) return Error{stored.failure()};
        return support_centre_json(*stored);
      });
}

Response get_on_duty(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  std::vector<FieldError> errors;
  SysTime at = context.clock.now();
  if (auto text = request.query_param("at")) {
    if (auto ms = control::parse_utc_ms(*text, false)) {
      at = control::from_epoch_ms(*ms);
    } else {
      errors.push_back({"/query/at", "must be an RFC 3339 UTC time such as 2026-11-25T14:00:00Z"});
    }
  }
  const std::string language = request.query_param("language").value_or("");
  if (!language.empty() && !control::is_iso639_1(control::primary_language(language)))
    errors.push_back({"/query/language", "must be an ISO 639-1 language code such as en or es"});
  if (!errors.empty())
    return problem(bad_request("the on-duty query is malformed", std::move(errors)), request);
  auto duty = context.db.with_session(
      [&](soci::session& session) { return control::on_duty_centre(session, at, language); });
  if (!duty.ok()) return error_response(duty.failure(), request);
  return json_response(200, {{"centre", support_centre_json(duty->centre)},
                             {"language_matched", duty->language_matched},
                             {"at", utc_timestamp(at)}});
}

// ---- escalation levels ------------------------------------------------------------------------

Result<nlohmann::json> levels_document(soci::session& session) {
  auto levels = control::escalation_levels(session);
  if (!levels.ok()) return Error{levels.failure()};
  nlohmann::json body = {{"levels", nlohmann::json::array()}};
  for (const auto& level : *levels)
    body["levels"].push_back(escalation_level_json(level));
  return body;
}

Response get_escalation_levels(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  auto allowed = control::require_provider_staff(*principal, "see the escalation levels");
  if (!allowed.ok()) return error_response(allowed.failure(), request);
  auto body = context.db.with_session(levels_document);
  if (!body.ok()) return error_response(body.failure(), request);
  return tagged_json(*body, *body);
}

Response put_escalation_levels(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  if (auto p = require_admin(*principal, "change the escalation levels"))
    return problem(*p, request);
  auto document = parse_json_body(request);
  if (!document) return problem(document.problem(), request);
  JsonReader reader(*document);
  auto levels = read_escalation_levels(reader);
  if (!levels) return problem(*reader.problem(), request);
  return conditional_change(
      context, request, levels_document, [&](soci::session& session) -> Result<nlohmann::json> {
        auto stored = control::replace_escalation_levels(session, context.clock, *principal,
                                                         *levels, body_reason(*document));
        if (!stored.ok()) return Error{stored.failure()};
        nlohmann::json body = {{"levels", nlohmann::json::array()}};
        for (const auto& level : *stored)
          body["levels"].push_back(escalation_level_json(level));
        return body;
      });
}

// ---- MTTR ---------------------------------------------------------------------------------------

// from/to default to the current UTC month; every bad parameter located at "/query/<name>".
ApiResult<control::MttrQuery> read_mttr_query(const Request& request, SysTime now) {
  std::vector<FieldError> errors;
  const control::YearMonth current = control::year_month_of(control::to_epoch_ms(now));
  control::MttrQuery query{current, current, std::nullopt, std::nullopt};
  for (const char* name : {"from", "to"}) {
    const auto text = request.query_param(name);
    if (!text) continue;
    auto month = control::parse_year_month(*text);
    if (!month) {
      errors.push_back({std::string("/query/") + name, "must be a month YYYY-MM, e.g. 2026-11"});
      continue;
    }
    (std::string_view(name) == "from" ? query.from : query.to) = *month;
  }
  if (request.query_param("from") && !request.query_param("to") && errors.empty())
    query.to = std::max(query.from, current);
  if (request.query_param("to") && !request.query_param("from") && errors.empty())
    query.from = query.to;
  if (errors.empty()) {
    const int months = control::months_between(query.from, query.to);
    if (months < 1) errors.push_back({"/query/to", "must not be before from"});
    if (months > control::kMaxMttrMonths)
      errors.push_back({"/query/to", "a report covers at most 36 months"});
  }
  if (auto customer = request.query_param("customer")) {
    if (customer->empty() || customer->size() > 32) {
      errors.push_back({"/query/customer", "must be a customer number such as C0412345"});
    } else {
      query.customer_number = *customer;
    }
  }
  if (auto severity = request.query_param("severity")) {
    if (severity->size() == 1 && (*severity)[0] >= '1' && (*severity)[0] <= '4') {
      query.severity = (*severity)[0] - '0';
    } else {
      errors.push_back({"/query/severity", "must be 1, 2, 3 or 4"});
    }
  }
  const auto format = request.query_param("format");
  if (format && *format != "json" && *format != "csv")
    errors.push_back({"/query/format", "must be json or csv"});
  if (!errors.empty()) return bad_request("the MTTR query is malformed", std::move(errors));
  return query;
}

bool wants_csv(const Request& request) {
  if (auto format = request.query_param("format")) return *format == "csv";
  return request.header("Accept").value_or("").find("text/csv") != std::string::npos;
}

Response get_mttr(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return problem(principal.problem(), request);
  auto query = read_mttr_query(request, context.clock.now());
  if (!query) return problem(query.problem(), request);
  auto report = context.db.with_transaction(
      [&](soci::session& session) { return control::mttr_report(session, *principal, *query); });
  if (!report.ok()) return error_response(report.failure(), request);
  if (!wants_csv(request)) return json_response(200, mttr_report_json(*report));
  Response response =
      Response::with_body(200, "text/csv; charset=utf-8; header=present", mttr_report_csv(*report));
  response.set_header("Content-Disposition", "attachment; filename=\"mttr-" +
                                                 control::format_year_month(query->from) + "-" +
                                                 control::format_year_month(query->to) + ".csv\"");
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace

void register_support_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/support/severities",
             [&context](const Request& r) { return get_severities(context, r); });
  router.add("PUT", "/api/v1/support/severities/{n}",
             [&context](const Request& r) { return put_severity(context, r); });
  router.add("GET", "/api/v1/support/centres",
             [&context](const Request& r) { return get_centres(context, r); });
  router.add("PUT", "/api/v1/support/centres/{code}",
             [&context](const Request& r) { return put_centre(context, r); });
  router.add("PUT", "/api/v1/support/schedule",
             [&context](const Request& r) { return put_schedule(context, r); });
  router.add("GET", "/api/v1/support/on-duty",
             [&context](const Request& r) { return get_on_duty(context, r); });
  router.add("GET", "/api/v1/support/escalation-levels",
             [&context](const Request& r) { return get_escalation_levels(context, r); });
  router.add("PUT", "/api/v1/support/escalation-levels",
             [&context](const Request& r) { return put_escalation_levels(context, r); });
  router.add("GET", "/api/v1/support/mttr",
             [&context](const Request& r) { return get_mttr(context, r); });
}

}  // namespace candela::portal
