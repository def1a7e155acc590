// Maps the customer document onto the edge's property format; unimplemented policy rides along.
#include "control/edge_translation.hpp"

namespace candela::control {

std::string edge_property_id(const std::string& scid, const std::string& property_id) {
  return scid + "." + property_id;
}

nlohmann::json to_edge_properties(const ConfigurationDocument& document) {
  // The canonical form is the one source of truth for field names and defaults.
  const auto canonical = nlohmann::json::parse(to_json(document));
  auto out = nlohmann::json::array();
  for (std::size_t i = 0; i < document.properties.size(); ++i) {
    const auto& p = document.properties[i];
    const auto& doc_property = canonical["properties"][i];
    nlohmann::json aliases = nlohmann::json::array({p.primary_alias});
    for (const auto& alias : p.aliases)
      aliases.push_back(alias);
    nlohmann::json origin = {
        {"host", p.origin.host},
        {"port", p.origin.port},
        {"protocol", p.origin.protocol},
        {"web_root", p.origin.web_root},
        {"host_header", p.origin.host_header},
        {"connect_timeout_ms", p.origin.connect_timeout_ms},
        {"response_timeout_ms", p.origin.response_timeout_ms},
        {"read_timeout_ms", p.origin.read_timeout_ms},
    };
    nlohmann::json rules = {
        {"property_id", p.id},
        {"cache_key", doc_property["cache_key"]},
        {"match_rules", doc_property["match_rules"]},
    };
    if (p.origin.protocol == "https") {
      rules["origin_tls"] = {{"verify_tls", p.origin.verify_tls}, {"sni", p.origin.sni}};
    }
    if (doc_property.contains("tls")) rules["tls"] = doc_property["tls"];
    out.push_back({
        {"id", edge_property_id(document.scid, p.id)},
        {"service_id", document.scid},
        {"aliases", std::move(aliases)},
        {"origin", std::move(origin)},
        {"rules", std::move(rules)},
        {"shield", p.shield},
    });
  }
  return out;
}

}  // namespace candela::control
