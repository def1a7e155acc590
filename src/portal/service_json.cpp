// JSON for services, configuration versions and deployments; domain errors as problems.
#include "portal/service_json.hpp"

#include <charconv>

#include "portal/api_context.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"

namespace candela::portal {
namespace {

nlohmann::json author_json(const std::optional<long long>& user_id, const std::string& name,
                           const std::optional<std::string>& key_id) {
  return {{"user_id", user_id ? nlohmann::json(*user_id) : nlohmann::json(nullptr)},
          {"name", user_id ? nlohmann::json(name) : nlohmann::json(nullptr)},
          {"api_key_id", key_id ? nlohmann::json(*key_id) : nlohmann::json(nullptr)}};
}

}  // namespace

nlohmann::json service_json(const control::Service& service) {
  return {{"scid", service.scid},
          {"state", control::service_state_name(service.state)},
          {"access_group_id", service.access_group_id},
          {"access_group_name", service.access_group_name},
          {"customer_number", service.customer_number},
          {"customer_name", service.customer_name},
          {"created_at", utc_timestamp(service.created_at)},
          {"updated_at", utc_timestamp(service.updated_at)},
          {"log_retention_days", service.log_retention_days}};
}

nlohmann::json configuration_version_json(const control::ConfigurationVersion& version,
                                          bool with_document) {
  nlohmann::json out = {
      {"scid", version.scid},
      {"version", version.version},
      {"etag", "\"v" + std::to_string(version.version) + "\""},
      {"author", author_json(version.author_user_id, version.author_name, version.author_key_id)},
      {"created_at", utc_timestamp(version.created_at)},
      {"comment", version.comment}};
  if (with_document) out["document"] = nlohmann::json::parse(version.document);
  return out;
}

nlohmann::json deployment_json(const control::Deployment& deployment) {
  return {{"id", deployment.id},
          {"scid", deployment.scid},
          {"version", deployment.version},
          {"environment", control::environment_name(deployment.environment)},
          {"action", deployment.action},
          {"comment", deployment.comment},
          {"requested_by", author_json(deployment.requested_by, deployment.requested_by_name,
                                       deployment.requested_by_key)},
          {"requested_at", utc_timestamp(deployment.requested_at)},
          {"feed_sequence", deployment.feed_sequence}};
}

nlohmann::json optional_deployment_json(const std::optional<control::Deployment>& deployment) {
  return deployment ? deployment_json(*deployment) : nlohmann::json(nullptr);
}

Problem service_problem(const Error& error, std::string_view pointer_prefix) {
  Error located = error;
  for (auto& field : located.fields)
    field.first = std::string(pointer_prefix) + field.first;
  Problem problem = problem_from_error(located);
  if (located.kind == ErrorKind::kConflict) {
    for (const auto& [pointer, message] : located.fields)
      problem.errors.push_back({pointer, message});
  }
  return problem;
}

Response service_error(const Error& error, const Request& request,
                       std::string_view pointer_prefix) {
  return service_problem(error, pointer_prefix).to_response(request.request_id);
}

ApiResult<nlohmann::json> object_body_of(const Request& request) {
  auto body = parse_json_body(request);
  if (!body) return body.problem();
  if (!body->is_object()) return bad_request("the request body must be a JSON object");
  return body;
}

std::optional<long long> positive_integer(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return std::nullopt;
  }
  return value;
}

Response json_body_response(int status, const nlohmann::json& body) {
  return Response::with_body(status, "application/json",
                             body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace candela::portal
