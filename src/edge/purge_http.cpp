// POST /purge on the admin listener: JSON to PurgeRequest, the outcome to JSON.
#include "edge/purge_http.hpp"

#include <nlohmann/json.hpp>

#include "edge/purge.hpp"

namespace candela::edge {

namespace {

using nlohmann::json;

const char* title_of(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    default:
      return "Error";
  }
}

// The request, or what is wrong with it.
Result<PurgeRequest> parse_request(std::string_view body) {
  const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error{
        "the body must be a JSON object: {\"property_id\": ..., \"kind\": "
        "\"url|pattern|tag\", \"mode\": \"hard|soft\", \"values\": [...]}"};
  }
  for (const auto& [name, value] : doc.items()) {
    if (name != "property_id" && name != "kind" && name != "mode" && name != "values") {
      return Error{"unknown member \"" + name.substr(0, 100) +
                   "\"; expected property_id, kind, mode and values"};
    }
  }
  const auto string_member = [&](const char* name) -> Result<std::string> {
    const auto it = doc.find(name);
    if (it == doc.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return Error{std::string("\"") + name + "\" is required and must be a non-empty string"};
    }
    return it->get<std::string>();
  };
  PurgeRequest request;
  auto property_id = string_member("property_id");
  if (!property_id) return property_id.failure();
  request.property_id = std::move(property_id).value();

  auto kind = string_member("kind");
  if (!kind) return kind.failure();
  if (kind.value() == "url") {
    request.kind = PurgeRequest::Kind::kUrl;
  } else if (kind.value() == "pattern") {
    request.kind = PurgeRequest::Kind::kPattern;
  } else if (kind.value() == "tag") {
    request.kind = PurgeRequest::Kind::kTag;
  } else {
    return Error{"\"kind\" must be \"url\", \"pattern\" or \"tag\""};
  }

  auto mode = string_member("mode");
  if (!mode) return mode.failure();
  if (mode.value() == "hard") {
    request.mode = PurgeMode::kHard;
  } else if (mode.value() == "soft") {
    request.mode = PurgeMode::kSoft;
  } else {
    return Error{"\"mode\" must be \"hard\" or \"soft\""};
  }

  const auto values = doc.find("values");
  if (values == doc.end() || !values->is_array()) {
    return Error{"\"values\" is required and must be an array of strings"};
  }
  for (std::size_t i = 0; i < values->size(); ++i) {
    const json& v = (*values)[i];
    if (!v.is_string()) return Error{"values[" + std::to_string(i) + "] must be a string"};
    request.values.push_back(v.get<std::string>());
  }
  return request;
}

}  // namespace

AdminReply problem(int status, std::string_view detail) {
  const json doc = {{"type", "about:blank"},
                    {"title", title_of(status)},
                    {"status", status},
                    {"detail", std::string(detail)}};
  // Details may quote (cut) input: replace what is not UTF-8 rather than throw.
  return {status, "application/problem+json",
          doc.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"};
}

AdminReply handle_purge(EdgeRuntime& runtime, const PropertyTable& properties,
                        std::string_view body) {
  auto request = parse_request(body);
  if (!request) return problem(400, request.error());
  auto result = apply_purge(runtime, properties, request.value());
  if (!result) {
    return problem(result.error_kind() == ErrorKind::kNotFound ? 404 : 400, result.error());
  }
  return {200, "application/json", json{{"objects", result->objects}}.dump() + "\n"};
}

}  // namespace candela::edge
