// Health and the OpenAPI 3.1 document, merged from the per-module fragments in docs/openapi/.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "portal/routes.hpp"

namespace candela::portal {

// Generated from docs/openapi/*.json (see src/portal/CMakeLists.txt).
std::vector<std::pair<std::string_view, std::string_view>> openapi_fragments();

namespace {

// 00-base.json holds openapi, info, servers and shared components; every other fragment adds
// `paths` and `components` members. A path or component defined twice is a build-time mistake
// that the portal refuses to start with.
nlohmann::json merged_openapi() {
  nlohmann::json document = nlohmann::json::object();
  for (const auto& [name, text] : openapi_fragments()) {
    nlohmann::json fragment;
    try {
      fragment = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("OpenAPI fragment " + std::string(name) + ": " + e.what());
    }
    for (auto& [key, value] : fragment.items()) {
      if (key != "paths" && key != "components") {
        document[key] = value;
        continue;
      }
      for (auto& [member, content] : value.items()) {
        if (key == "paths") {
          if (document["paths"].contains(member))
            throw std::runtime_error("OpenAPI path " + member + " defined twice");
          document["paths"][member] = content;
          continue;
        }
        for (auto& [item, definition] : content.items()) {
          if (document["components"][member].contains(item))
            throw std::runtime_error("OpenAPI component " + item + " defined twice");
          document["components"][member][item] = definition;
        }
      }
    }
  }
  return document;
}

}  // namespace

void register_meta_routes(Router& router, ApiContext& context) {
  auto openapi = std::make_shared<const std::string>(merged_openapi().dump(2));
  router.add("GET", "/api/v1/openapi.json", [openapi](const Request&) {
    return Response::with_body(200, "application/json", *openapi);
  });
  router.add("GET", "/api/v1/health", [&context](const Request&) {
    nlohmann::json body = {{"status", "ok"},
                           {"database", control::dialect_name(context.db.dialect())}};
    return Response::with_body(200, "application/json", body.dump());
  });
}

}  // namespace candela::portal
