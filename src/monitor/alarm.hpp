// One NOC alarm as POST /api/v1/noc/alarms takes it (docs/noc.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.hpp"

namespace candela::monitor {

struct Alarm {
  std::string kind;     // edge_down | error_rate | origin_unreachable
  std::string state;    // firing | cleared
  std::string edge_id;  // empty: none
  std::string scid;     // empty: none
  std::string property;
  SysTime observed_at;
  std::string summary;  // one line
  nlohmann::json details = nlohmann::json::object();

  // kind|edge_id|scid|property, the portal's dedupe key.
  std::string key() const { return kind + "|" + edge_id + "|" + scid + "|" + property; }
};

nlohmann::json alarm_json(const Alarm& alarm);

// "2026-11-25T12:00:00Z" (UTC, whole seconds), the time form of every monitor document.
std::string format_utc(SysTime time);

}  // namespace candela::monitor
