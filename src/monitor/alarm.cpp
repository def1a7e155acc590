// Alarm → its JSON body; UTC time formatting.
#include "monitor/alarm.hpp"

#include <ctime>

namespace candela::monitor {

std::string format_utc(SysTime time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::seconds>(time));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

nlohmann::json alarm_json(const Alarm& alarm) {
  // The portal takes one line of at most 500 characters; an edge's error text must not cost the
  // alarm. Cut on a character boundary (continuation bytes are 10xxxxxx).
  std::string summary = alarm.summary;
  for (char& c : summary) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (summary.size() > 500) {
    std::size_t cut = 497;
    while (cut > 0 && (static_cast<unsigned char>(summary[cut]) & 0xC0) == 0x80)
      --cut;
    summary = summary.substr(0, cut) + "...";
  }
  nlohmann::json out = {{"kind", alarm.kind},
                        {"state", alarm.state},
                        {"observed_at", format_utc(alarm.observed_at)},
                        {"summary", summary},
                        {"details", alarm.details}};
  if (!alarm.edge_id.empty()) out["edge_id"] = alarm.edge_id;
  if (!alarm.scid.empty()) out["scid"] = alarm.scid;
  if (!alarm.property.empty()) out["property"] = alarm.property;
  return out;
}

}  // namespace candela::monitor
