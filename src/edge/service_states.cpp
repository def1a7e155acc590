// Service states: parsing the feed's payload, the suspended set and its last-good.json form.
#include "edge/service_states.hpp"

#include <array>

#include "common/ids.hpp"

namespace candela::edge {
namespace {

constexpr std::array<std::string_view, 4> kStates = {"pending", "active", "suspended",
                                                     "disconnected"};

bool known_state(std::string_view state) {
  for (auto s : kStates) {
    if (s == state) return true;
  }
  return false;
}

std::string shown(std::string_view text) {
  return std::string(text.substr(0, 100));
}

}  // namespace

Result<ServiceStateChange> parse_service_state_change(const nlohmann::json& payload) {
  if (!payload.is_object()) {
    return Error{"the payload must be {\"scid\", \"state\", \"reason\"}"};
  }
  const auto scid = payload.find("scid");
  if (scid == payload.end() || !scid->is_string() ||
      !is_valid_scid(scid->get_ref<const std::string&>())) {
    return Error{"/scid: must be a valid SCID"};
  }
  const auto state = payload.find("state");
  if (state == payload.end() || !state->is_string() ||
      !known_state(state->get_ref<const std::string&>())) {
    return Error{"/state: must be pending, active, suspended or disconnected" +
                 (state != payload.end() && state->is_string()
                      ? ", not \"" + shown(state->get_ref<const std::string&>()) + "\""
                      : std::string())};
  }
  ServiceStateChange change;
  change.scid = scid->get<std::string>();
  change.state = state->get<std::string>();
  // The reason is for the log only; a missing one does not stop the edge from obeying.
  if (const auto reason = payload.find("reason"); reason != payload.end() && reason->is_string()) {
    change.reason = reason->get<std::string>();
  }
  return change;
}

bool ServiceStates::apply(const ServiceStateChange& change) {
  if (change.state == "suspended") return suspended_.insert(change.scid).second;
  return suspended_.erase(change.scid) != 0;
}

nlohmann::json ServiceStates::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& scid : suspended_)
    out[scid] = "suspended";
  return out;
}

Result<ServiceStates> ServiceStates::from_json(const nlohmann::json& states) {
  if (!states.is_object()) return Error{"/service_states: must be an object of SCID: state"};
  ServiceStates out;
  for (const auto& [scid, state] : states.items()) {
    if (!is_valid_scid(scid)) {
      return Error{"/service_states: \"" + shown(scid) + "\" is not a valid SCID"};
    }
    if (!state.is_string() || !known_state(state.get_ref<const std::string&>())) {
      return Error{"/service_states/" + scid +
                   ": must be pending, active, suspended or disconnected"};
    }
    out.apply({scid, state.get<std::string>(), ""});
  }
  return out;
}

std::string suspended_body(std::string_view scid) {
  std::string body = "This service is suspended. SCID ";
  body.append(scid);
  body += '\n';
  return body;
}

}  // namespace candela::edge
