// The CDN-wide rule that an alias (Host name) belongs to at most one property of one SCID.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "control/configuration_document.hpp"

namespace candela::control {

struct AliasOwner {
  std::string scid;
  std::string property_id;

  bool operator==(const AliasOwner&) const = default;
};

// Aliases claimed across the CDN, keyed by normalized host (lower case, no trailing dot). The
// store fills it from the latest version of every SCID; this class holds the rule, not the I/O.
class AliasRegistry {
 public:
  AliasRegistry() = default;
  explicit AliasRegistry(std::map<std::string, AliasOwner> claims) : claims_(std::move(claims)) {}

  // Errors, located in `document`, for each alias already held by another SCID. Aliases of the
  // document's own SCID never conflict: a new version may move them between its properties.
  ValidationErrors check(const ConfigurationDocument& document) const;

  // Makes `document` the SCID's claim: drops what its previous version held, records the rest.
  // Call only after check() found nothing.
  void claim(const ConfigurationDocument& document);

  void release(std::string_view scid);
  std::optional<AliasOwner> owner_of(std::string_view alias) const;
  const std::map<std::string, AliasOwner>& claims() const { return claims_; }

 private:
  std::map<std::string, AliasOwner> claims_;
};

}  // namespace candela::control
