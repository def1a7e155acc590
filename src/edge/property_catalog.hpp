// What an edge serves: the properties of its configuration file plus, per SCID, the properties
// the control plane deployed — which replace the file's properties of that SCID — and which
// services are suspended. Every change is validated whole and published as a new PropertyTable,
// or refused with nothing changed.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "edge/edge_config.hpp"
#include "edge/last_good_state.hpp"
#include "edge/property_table.hpp"
#include "edge/service_states.hpp"

namespace candela::edge {

class PropertyCatalog {
 public:
  // Receives every new table, in order (called under the catalog's lock).
  using Publisher = std::function<void(std::shared_ptr<const PropertyTable>)>;

  explicit PropertyCatalog(std::vector<std::shared_ptr<const Property>> local);

  void set_publisher(Publisher publisher);
  std::shared_ptr<const PropertyTable> table() const;

  // The configuration file was re-read (SIGHUP). Refused if a property clashes (same id or
  // alias) with a deployed one. Returns the number of properties now served.
  Result<std::size_t> replace_local(std::vector<std::shared_ptr<const Property>> local);

  // Replaces the SCID's deployed properties with `service.properties` (edge format). The
  // properties are checked with the configuration file's rules (errors name their JSON pointer
  // in the deployment, e.g. "/properties/0/origin/port") and must not clash with the others.
  Result<std::size_t> deploy(const std::string& scid, const DeployedService& service);

  // The deployed services, as last-good.json keeps them.
  std::map<std::string, DeployedService> deployed() const;

  // A "service_state" event: suspended → the SCID's properties (deployed or from the file)
  // answer the suspension response; active or pending → served again; disconnected → its
  // deployed properties are dropped, as if never deployed (refused, with nothing changed, if the
  // file's properties of that SCID would then clash with another deployment). Returns what
  // changed, for the acknowledgement.
  Result<std::string> apply_service_state(const ServiceStateChange& change);
  // The states kept in last-good.json, put back at start before the edge listens.
  void restore_service_states(ServiceStates states);
  ServiceStates service_states() const;

 private:
  struct Deployed {
    DeployedService service;
    std::vector<std::shared_ptr<const Property>> properties;
  };

  // The properties served with `local` and `deployed`, or every clash between them.
  static Result<std::vector<std::shared_ptr<const Property>>> merge(
      const std::vector<std::shared_ptr<const Property>>& local,
      const std::map<std::string, Deployed>& deployed);
  void publish_locked(std::vector<std::shared_ptr<const Property>> properties);

  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<const Property>> local_;
  std::map<std::string, Deployed> deployed_;
  ServiceStates states_;
  std::shared_ptr<const PropertyTable> table_;
  Publisher publisher_;
};

}  // namespace candela::edge
