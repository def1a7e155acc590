// /api/v1/services/{scid}/configurations: versions (list, new with If-Match, read with ETag),
// validate without storing, and diff two versions.
#include <soci/soci.h>

#include "control/configuration_store.hpp"
#include "control/deployments.hpp"
#include "control/services.hpp"
#include "portal/etag.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"
#include "portal/service_json.hpp"

namespace candela::portal {
namespace {

using control::ConfigurationStore;
using control::ConfigurationVersion;

constexpr std::string_view kDocumentPointer = "/document";

struct VersionBody {
  nlohmann::json document;
  std::string comment;
};

// {"document": {...}, "comment": "..."}; every problem located in the body.
ApiResult<VersionBody> read_version_body(const Request& request) {
  auto body = object_body_of(request);
  if (!body) return body.problem();
  JsonReader reader(*body);
  reader.reject_unknown("", {"document", "comment"});
  VersionBody out;
  if (const auto* document = reader.object(kDocumentPointer)) out.document = *document;
  if (auto comment = reader.string("/comment", false, ConfigurationStore::kMaxCommentLength)) {
    out.comment = *comment;
  }
  if (auto problem = reader.problem()) return *problem;
  return out;
}

// A version path parameter: a positive number, or "latest" (nullopt).
ApiResult<std::optional<int>> version_param(const std::string& text) {
  if (text == "latest") return std::optional<int>{};
  auto number = positive_integer(text);
  if (!number || *number > std::numeric_limits<int>::max()) {
    return bad_request("\"" + text +
                       "\" is not a configuration version (a number from 1, or latest)");
  }
  return std::optional<int>{static_cast<int>(*number)};
}

Response version_response(int status, const ConfigurationVersion& version) {
  Response response = json_body_response(status, configuration_version_json(version, true));
  response.set_header(
      "ETag", ETag::from_version(static_cast<std::uint64_t>(version.version)).header_value());
  return response;
}

Response list_versions(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  std::optional<int> before;
  if (page->after_key) {
    auto number = positive_integer(*page->after_key);
    if (!number || *number > std::numeric_limits<int>::max()) {
      return bad_request("query parameter cursor is not a cursor this API returned")
          .to_response(request.request_id);
    }
    before = static_cast<int>(*number);
  }
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  auto listed = context.db.with_session(
      [&](soci::session& session) -> Result<control::ConfigurationVersionPage> {
        auto versions =
            ConfigurationStore(session, context.clock)
                .list(*principal, request.param("scid"), before, static_cast<int>(page->limit));
        if (!versions.ok()) return versions;
        // Which versions the environments run, so a history view can mark them.
        auto current =
            control::Deployments(session, context.clock).current(*principal, request.param("scid"));
        if (!current.ok()) return Error{current.failure()};
        for (const auto& version : versions->versions) {
          nlohmann::json item = configuration_version_json(version, false);
          item["deployed_to"] = nlohmann::json::array();
          if (current->staging && current->staging->version == version.version) {
            item["deployed_to"].push_back("staging");
          }
          if (current->production && current->production->version == version.version) {
            item["deployed_to"].push_back("production");
          }
          body["items"].push_back(std::move(item));
        }
        return versions;
      });
  if (!listed.ok()) return service_error(listed.failure(), request);
  return page_response(request, *page, listed->next_before, std::move(body));
}

// A new version. If-Match must carry the latest version's ETag once a version exists (428
// without, 412 with a stale one); the first version may come with If-None-Match: * or neither.
Response create_version(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = read_version_body(request);
  if (!body) return body.problem().to_response(request.request_id);
  const auto none_match = request.header("If-None-Match");
  if (none_match && *none_match != "*") {
    return bad_request("If-None-Match on a new configuration version may only be *")
        .to_response(request.request_id);
  }

  std::optional<Problem> precondition;
  auto created =
      context.db.with_transaction([&](soci::session& session) -> Result<ConfigurationVersion> {
        precondition.reset();  // the transaction may run again after a conflict
        // Authorise first, so a caller who may not configure learns that, not an ETag rule.
        auto service = control::Services(session, context.clock)
                           .get(*principal, request.param("scid"), control::Action::kConfigure);
        if (!service.ok()) return Error{service.failure()};
        ConfigurationStore store(session, context.clock);
        auto latest = store.latest_version_of(service->scid);
        if (!latest.ok()) return Error{latest.failure()};
        std::optional<ETag> current;
        if (latest.value() > 0) current = ETag::from_version(static_cast<std::uint64_t>(*latest));
        if (none_match && current) {
          Problem problem = precondition_failed(
              "If-None-Match: * asks to create the first version, but version " +
              std::to_string(latest.value()) + " exists; send If-Match with its ETag");
          problem.headers.emplace_back("ETag", current->header_value());
          precondition = std::move(problem);
        } else {
          precondition = evaluate_if_match(
              request, current, current ? IfMatchRule::kRequired : IfMatchRule::kOptional);
        }
        if (precondition) return Error{"precondition failed", ErrorKind::kPrecondition};
        return store.create(*principal, service->scid, body->document, body->comment,
                            latest.value());
      });
  if (precondition) return precondition->to_response(request.request_id);
  if (!created.ok()) return service_error(created.failure(), request, kDocumentPointer);
  Response response = version_response(201, created.value());
  response.set_header("Location", "/api/v1/services/" + created->scid + "/configurations/" +
                                      std::to_string(created->version));
  return response;
}

Response get_version(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto version = version_param(request.param("version"));
  if (!version) return version.problem().to_response(request.request_id);
  auto found = context.db.with_session([&](soci::session& session) {
    return ConfigurationStore(session, context.clock)
        .get(*principal, request.param("scid"), *version);
  });
  if (!found.ok()) return service_error(found.failure(), request);
  const ETag etag = ETag::from_version(static_cast<std::uint64_t>(found->version));
  if (evaluate_if_none_match(request, etag) == ReadPrecondition::kNotModified) {
    return not_modified(etag);
  }
  return version_response(200, found.value());
}

Response validate_version(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = read_version_body(request);
  if (!body) return body.problem().to_response(request.request_id);
  auto checked = context.db.with_session([&](soci::session& session) {
    return ConfigurationStore(session, context.clock)
        .check(*principal, request.param("scid"), body->document);
  });
  if (!checked.ok()) return service_error(checked.failure(), request);
  if (checked->empty()) return json_body_response(200, {{"valid", true}});
  std::vector<FieldError> errors;
  for (const auto& error : checked.value())
    errors.push_back({std::string(kDocumentPointer) + error.pointer, error.message});
  const std::size_t n = errors.size();
  return bad_request("the configuration is invalid: " + std::to_string(n) +
                         (n == 1 ? " problem" : " problems") + " found",
                     std::move(errors))
      .to_response(request.request_id);
}

// ?against= defaults to the version before.
Response diff_versions(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto version = version_param(request.param("version"));
  if (!version) return version.problem().to_response(request.request_id);
  std::optional<std::optional<int>> against;
  if (auto text = request.query_param("against")) {
    auto parsed = version_param(*text);
    if (!parsed) return parsed.problem().to_response(request.request_id);
    against = *parsed;
  }
  auto diff = context.db.with_session(
      [&](soci::session& session) -> Result<control::ConfigurationDiffResult> {
        ConfigurationStore store(session, context.clock);
        auto latest = store.latest_version(*principal, request.param("scid"));
        if (!latest.ok()) return Error{latest.failure()};
        const int to = version->value_or(latest.value());
        if (to == 0) return Error{"the service has no configuration yet", ErrorKind::kNotFound};
        int from = 0;
        if (against) {
          from = against->value_or(latest.value());
        } else if (to <= 1) {
          return Error{"version " + std::to_string(to) +
                       " has no version before it; name the other side with ?against="};
        } else {
          from = to - 1;
        }
        return store.diff(*principal, request.param("scid"), to, from);
      });
  if (!diff.ok()) return service_error(diff.failure(), request);
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& change : diff->changes) {
    changes.push_back({{"pointer", change.pointer},
                       {"kind", control::change_kind_name(change.kind)},
                       {"old", change.old_value},
                       {"new", change.new_value}});
  }
  return json_body_response(200, {{"scid", request.param("scid")},
                                  {"from_version", diff->from_version},
                                  {"to_version", diff->to_version},
                                  {"changes", changes},
                                  {"text", diff->text}});
}

}  // namespace

void register_configuration_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/services/{scid}/configurations",
             [&context](const Request& request) { return list_versions(context, request); });
  router.add("POST", "/api/v1/services/{scid}/configurations",
             [&context](const Request& request) { return create_version(context, request); });
  router.add("POST", "/api/v1/services/{scid}/configurations/validate",
             [&context](const Request& request) { return validate_version(context, request); });
  router.add("GET", "/api/v1/services/{scid}/configurations/{version}",
             [&context](const Request& request) { return get_version(context, request); });
  router.add("GET", "/api/v1/services/{scid}/configurations/{version}/diff",
             [&context](const Request& request) { return diff_versions(context, request); });
}

}  // namespace candela::portal
