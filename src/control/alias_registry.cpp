// Checks and records CDN-wide alias ownership; host names compare case-insensitively.
#include "control/alias_registry.hpp"

namespace candela::control {

ValidationErrors AliasRegistry::check(const ConfigurationDocument& document) const {
  ValidationErrors errors;
  auto check_one = [&](const std::string& pointer, const std::string& alias) {
    const auto owner = owner_of(alias);
    if (owner && owner->scid != document.scid) {
      errors.push_back({pointer, "\"" + alias + "\" already belongs to property \"" +
                                     owner->property_id + "\" of service " + owner->scid +
                                     "; an alias can belong to one property only (remove it "
                                     "there first, or ask support if it is not yours)"});
    }
  };
  for (std::size_t i = 0; i < document.properties.size(); ++i) {
    const auto& p = document.properties[i];
    const std::string base = "/properties/" + std::to_string(i);
    check_one(base + "/primary_alias", p.primary_alias);
    for (std::size_t a = 0; a < p.aliases.size(); ++a)
      check_one(base + "/aliases/" + std::to_string(a), p.aliases[a]);
  }
  return errors;
}

void AliasRegistry::claim(const ConfigurationDocument& document) {
  release(document.scid);
  for (const auto& p : document.properties) {
    claims_[normalize_host(p.primary_alias)] = {document.scid, p.id};
    for (const auto& alias : p.aliases)
      claims_[normalize_host(alias)] = {document.scid, p.id};
  }
}

void AliasRegistry::release(std::string_view scid) {
  std::erase_if(claims_, [&](const auto& entry) { return entry.second.scid == scid; });
}

std::optional<AliasOwner> AliasRegistry::owner_of(std::string_view alias) const {
  auto it = claims_.find(normalize_host(alias));
  if (it == claims_.end()) return std::nullopt;
  return it->second;
}

}  // namespace candela::control
