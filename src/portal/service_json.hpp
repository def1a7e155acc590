// JSON representations and request helpers shared by the service, configuration and deployment
// handlers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "control/configuration_store.hpp"
#include "control/deployments.hpp"
#include "control/services.hpp"
#include "portal/message.hpp"
#include "portal/problem.hpp"

namespace candela::portal {

nlohmann::json service_json(const control::Service& service);
// A configuration version's metadata, and its document when `with_document`.
nlohmann::json configuration_version_json(const control::ConfigurationVersion& version,
                                          bool with_document);
nlohmann::json deployment_json(const control::Deployment& deployment);
nlohmann::json optional_deployment_json(const std::optional<control::Deployment>& deployment);

// The problem for a domain error. Located errors (validation, alias conflicts) keep their
// pointers, prefixed with `pointer_prefix` when they point into a nested document (e.g.
// "/document"); unlike problem_from_error this keeps them on 409 conflicts too, so a client can
// show each conflicting alias where it is.
Problem service_problem(const Error& error, std::string_view pointer_prefix = "");
Response service_error(const Error& error, const Request& request,
                       std::string_view pointer_prefix = "");

// The request body as a JSON object (400 for anything else; 415/413 as parse_json_body).
ApiResult<nlohmann::json> object_body_of(const Request& request);

// A positive integer in a path or query parameter; nullopt if it is not one.
std::optional<long long> positive_integer(std::string_view text);

// A 200/201 JSON response.
Response json_body_response(int status, const nlohmann::json& body);

}  // namespace candela::portal
