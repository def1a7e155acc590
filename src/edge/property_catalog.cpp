// PropertyCatalog: merges file and deployed properties and refuses clashes before publishing.
#include "edge/property_catalog.hpp"

#include <nlohmann/json.hpp>
#include <set>

namespace candela::edge {
namespace {

// "invalid edge configuration:\n  /a: x\n  /b: y" → "/a: x; /b: y".
std::string one_line(const std::string& message) {
  constexpr std::string_view kPrefix = "invalid edge configuration:";
  std::string text = message.starts_with(kPrefix) ? message.substr(kPrefix.size()) : message;
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos) out += (out.empty() ? "" : "; ") + line.substr(first);
    start = end + 1;
  }
  return out;
}

}  // namespace

PropertyCatalog::PropertyCatalog(std::vector<std::shared_ptr<const Property>> local)
    : local_(std::move(local)), table_(std::make_shared<const PropertyTable>(local_)) {}

void PropertyCatalog::set_publisher(Publisher publisher) {
  std::lock_guard lock(mutex_);
  publisher_ = std::move(publisher);
}

std::shared_ptr<const PropertyTable> PropertyCatalog::table() const {
  std::lock_guard lock(mutex_);
  return table_;
}

Result<std::vector<std::shared_ptr<const Property>>> PropertyCatalog::merge(
    const std::vector<std::shared_ptr<const Property>>& local,
    const std::map<std::string, Deployed>& deployed) {
  struct Source {
    std::shared_ptr<const Property> property;
    std::string from;
  };
  std::vector<Source> sources;
  for (const auto& p : local) {
    // A deployment replaces every property the file held for its SCID.
    if (!p->service_id.empty() && deployed.count(p->service_id)) continue;
    sources.push_back({p, "the configuration file"});
  }
  for (const auto& [scid, d] : deployed) {
    for (const auto& p : d.properties)
      sources.push_back({p, "the deployment of " + scid});
  }
  std::map<std::string, std::string> ids;
  std::map<std::string, std::string> aliases;
  std::string clashes;
  auto clash = [&](const std::string& text) { clashes += (clashes.empty() ? "" : "; ") + text; };
  std::vector<std::shared_ptr<const Property>> merged;
  for (const auto& s : sources) {
    if (auto [it, fresh] = ids.emplace(s.property->id, s.from); !fresh) {
      clash("property id \"" + s.property->id + "\" is used by " + it->second + " and " + s.from);
    }
    for (const auto& alias : s.property->aliases) {
      if (auto [it, fresh] = aliases.emplace(alias, s.from + " (property " + s.property->id + ")");
          !fresh) {
        clash("alias \"" + alias + "\" is claimed by " + it->second + " and " + s.from +
              " (property " + s.property->id + ")");
      }
    }
    merged.push_back(s.property);
  }
  if (!clashes.empty()) return Error{clashes};
  return merged;
}

void PropertyCatalog::publish_locked(std::vector<std::shared_ptr<const Property>> properties) {
  table_ = std::make_shared<const PropertyTable>(properties, states_.suspended());
  if (publisher_) publisher_(table_);
}

Result<std::size_t> PropertyCatalog::replace_local(
    std::vector<std::shared_ptr<const Property>> local) {
  std::lock_guard lock(mutex_);
  auto merged = merge(local, deployed_);
  if (!merged.ok())
    return Error{"the configuration file clashes with deployed properties: " + merged.error()};
  local_ = std::move(local);
  const std::size_t count = merged->size();
  publish_locked(std::move(merged).value());
  return count;
}

Result<std::size_t> PropertyCatalog::deploy(const std::string& scid,
                                            const DeployedService& service) {
  if (!service.properties.is_array()) return Error{"/properties: must be an array"};
  // Each property belongs to the deployed SCID; say so when the payload leaves it out.
  nlohmann::json properties = service.properties;
  std::string wrong;
  for (std::size_t i = 0; i < properties.size(); ++i) {
    auto& p = properties[i];
    if (!p.is_object()) continue;  // the checks below report it
    if (!p.contains("service_id")) p["service_id"] = scid;
    if (!p["service_id"].is_string() || p["service_id"].get<std::string>() != scid) {
      wrong += (wrong.empty() ? "" : "; ") + std::string("/properties/") + std::to_string(i) +
               "/service_id: must be " + scid;
    }
  }
  if (!wrong.empty()) return Error{wrong};
  auto parsed = parse_edge_config(nlohmann::json{{"properties", properties}}.dump());
  if (!parsed.ok()) return Error{one_line(parsed.error())};

  std::lock_guard lock(mutex_);
  auto next = deployed_;
  next[scid] = Deployed{DeployedService{service.deployment_id, service.version, properties},
                        std::move(parsed->properties)};
  auto merged = merge(local_, next);
  if (!merged.ok()) return Error{merged.error()};
  deployed_ = std::move(next);
  const std::size_t count = merged->size();
  publish_locked(std::move(merged).value());
  return count;
}

Result<std::string> PropertyCatalog::apply_service_state(const ServiceStateChange& change) {
  std::lock_guard lock(mutex_);
  auto states = states_;
  const bool state_changed = states.apply(change);
  auto next = deployed_;
  const bool dropped = change.state == "disconnected" && next.erase(change.scid) != 0;
  if (!state_changed && !dropped) {
    return change.scid + " " + change.state + "; nothing to change on this edge";
  }
  auto merged = merge(local_, next);
  if (!merged.ok()) {
    return Error{"dropping the deployment of " + change.scid +
                 " would clash with the configuration file: " + merged.error()};
  }
  states_ = std::move(states);
  deployed_ = std::move(next);
  const std::size_t count = merged->size();
  publish_locked(std::move(merged).value());
  std::string detail = change.scid + " " + change.state;
  if (dropped) detail += "; its deployed properties are dropped";
  if (change.state == "suspended") detail += "; its requests answer 403 (suspended)";
  if (state_changed && (change.state == "active" || change.state == "pending")) {
    detail += "; served again";
  }
  return detail + "; " + std::to_string(count) + " properties in total";
}

void PropertyCatalog::restore_service_states(ServiceStates states) {
  std::lock_guard lock(mutex_);
  states_ = std::move(states);
  // The served properties stay as they are; only the suspended set changes.
  auto properties = table_->properties();
  publish_locked(std::move(properties));
}

ServiceStates PropertyCatalog::service_states() const {
  std::lock_guard lock(mutex_);
  return states_;
}

std::map<std::string, DeployedService> PropertyCatalog::deployed() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, DeployedService> out;
  for (const auto& [scid, d] : deployed_)
    out.emplace(scid, d.service);
  return out;
}

}  // namespace candela::edge
