// <state-dir>/last-good.json: the deployed properties per SCID, the suspended services and the
// feed sequence they reflect, so an edge restarts serving them (and refusing the suspended ones)
// even while the portal is unreachable.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "edge/service_states.hpp"

namespace candela::edge {

struct DeployedService {
  long long deployment_id = 0;
  long long version = 0;
  nlohmann::json properties = nlohmann::json::array();  // edge format (docs/edge.md)
};

struct LastGoodState {
  long long sequence = 0;                           // the last feed event applied
  std::map<std::string, DeployedService> services;  // by SCID
  ServiceStates service_states;                     // the suspended SCIDs
};

// The file's JSON form: {"sequence", "services": {scid: {deployment_id, version, properties}},
// "service_states": {scid: "suspended"}}. A file without "service_states" (written before
// edges knew of them) reads as no service suspended.
nlohmann::json to_json(const LastGoodState& state);
Result<LastGoodState> last_good_from_json(const nlohmann::json& document);

// Nullopt when the file does not exist (a new edge); an Error when it exists but cannot be read.
Result<std::optional<LastGoodState>> load_last_good(const std::string& path);
// Writes a temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs the
// folder: a crash leaves the old or the new state, never a torn file.
Result<std::monostate> save_last_good(const std::string& path, const LastGoodState& state);

}  // namespace candela::edge
