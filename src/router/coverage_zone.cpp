// Parsing and validating the coverage zone file (docs/router.md), with located errors.
#include "router/coverage_zone.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace candela::router {

namespace {

using json = nlohmann::json;
using Problems = std::vector<std::pair<std::string, std::string>>;

bool valid_group_name(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::optional<double> coordinate(const json& group, const char* member, double limit,
                                 const std::string& at, Problems& problems) {
  const auto it = group.find(member);
  if (it == group.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) {
    problems.emplace_back(at + "/" + member, "must be a number");
    return std::nullopt;
  }
  const double value = it->get<double>();
  if (!(value >= -limit && value <= limit)) {
    problems.emplace_back(at + "/" + member, "must be between -" +
                                                 std::to_string(static_cast<int>(limit)) + " and " +
                                                 std::to_string(static_cast<int>(limit)));
    return std::nullopt;
  }
  return value;
}

CoverageGroup parse_group(const json& group, const std::string& at, Problems& problems) {
  CoverageGroup out;
  static const std::set<std::string> kMembers = {"name", "networks", "latitude", "longitude",
                                                 "fallbacks"};
  for (const auto& [key, value] : group.items()) {
    if (kMembers.count(key) == 0) problems.emplace_back(at + "/" + key, "unknown member");
  }
  const auto name = group.find("name");
  if (name == group.end() || !name->is_string()) {
    problems.emplace_back(at + "/name", "required: the cache group's name (a string)");
  } else if (!valid_group_name(name->get<std::string>())) {
    problems.emplace_back(at + "/name", "must be 1-63 letters, digits, '-', '_' or '.'");
  } else {
    out.name = name->get<std::string>();
  }
  const auto networks = group.find("networks");
  if (networks != group.end() && !networks->is_array()) {
    problems.emplace_back(at + "/networks", "must be an array of CIDR strings");
  } else if (networks != group.end()) {
    for (std::size_t i = 0; i < networks->size(); ++i) {
      const std::string where = at + "/networks/" + std::to_string(i);
      const json& item = (*networks)[i];
      std::string why;
      std::optional<Cidr> cidr;
      if (!item.is_string()) {
        why = "not a CIDR: must be a string like \"10.1.0.0/16\"";
      } else {
        cidr = parse_cidr(item.get<std::string>(), &why);
      }
      if (cidr) {
        out.networks.push_back(*cidr);
      } else {
        problems.emplace_back(where, why);
      }
    }
  }
  out.latitude = coordinate(group, "latitude", 90.0, at, problems);
  out.longitude = coordinate(group, "longitude", 180.0, at, problems);
  if (out.latitude.has_value() != out.longitude.has_value()) {
    problems.emplace_back(at, "latitude and longitude go together: give both or neither");
    out.latitude.reset();
    out.longitude.reset();
  }
  const auto fallbacks = group.find("fallbacks");
  if (fallbacks != group.end() && !fallbacks->is_array()) {
    problems.emplace_back(at + "/fallbacks", "must be an array of group names");
  } else if (fallbacks != group.end()) {
    for (std::size_t i = 0; i < fallbacks->size(); ++i) {
      const json& item = (*fallbacks)[i];
      if (!item.is_string()) {
        problems.emplace_back(at + "/fallbacks/" + std::to_string(i), "must be a group name");
      } else {
        out.fallbacks.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

}  // namespace

std::size_t CoverageZone::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    if (groups_[i].name == name) return i;
  }
  return groups_.size();
}

CoverageZone::Lookup CoverageZone::lookup(const IpAddress& client, int source_prefix_length) const {
  const int width = client.bit_width();
  const int source =
      source_prefix_length < 0 || source_prefix_length > width ? width : source_prefix_length;
  if (const auto match = matcher_.lookup(client, source)) {
    return Lookup{match->value, match->prefix_length, true};
  }
  return Lookup{default_group_, source, false};
}

Result<CoverageZone> parse_coverage_zone(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Error{
        "the coverage zone is not valid JSON", ErrorKind::kInvalid, {{"", "not valid JSON"}}};
  }
  if (!doc.is_object()) {
    return Error{"the coverage zone must be a JSON object",
                 ErrorKind::kInvalid,
                 {{"", "must be an object with default_group and groups"}}};
  }
  Problems problems;
  for (const auto& [key, value] : doc.items()) {
    if (key != "default_group" && key != "groups")
      problems.emplace_back("/" + key, "unknown member");
  }
  CoverageZone zone;
  const auto groups = doc.find("groups");
  if (groups == doc.end() || !groups->is_array() || groups->empty()) {
    problems.emplace_back("/groups", "required: a non-empty array of cache groups");
  } else {
    for (std::size_t i = 0; i < groups->size(); ++i) {
      const std::string at = "/groups/" + std::to_string(i);
      if (!(*groups)[i].is_object()) {
        problems.emplace_back(at, "must be an object");
        zone.groups_.emplace_back();
        continue;
      }
      zone.groups_.push_back(parse_group((*groups)[i], at, problems));
    }
  }
  // Cross-checks: unique names, known fallbacks, one group per network.
  for (std::size_t i = 0; i < zone.groups_.size(); ++i) {
    const CoverageGroup& group = zone.groups_[i];
    const std::string at = "/groups/" + std::to_string(i);
    if (group.name.empty()) continue;
    if (zone.find(group.name) != i) {
      problems.emplace_back(at + "/name", "duplicate group name \"" + group.name + "\"");
    }
    for (std::size_t f = 0; f < group.fallbacks.size(); ++f) {
      const std::string& target = group.fallbacks[f];
      const std::string where = at + "/fallbacks/" + std::to_string(f);
      if (target == group.name) {
        problems.emplace_back(where, "a group cannot fall back to itself");
      } else if (zone.find(target) == zone.groups_.size()) {
        problems.emplace_back(where, "unknown group \"" + target + "\"");
      }
    }
    for (std::size_t n = 0; n < group.networks.size(); ++n) {
      if (!zone.matcher_.add(group.networks[n], static_cast<std::uint32_t>(i))) {
        problems.emplace_back(at + "/networks/" + std::to_string(n),
                              to_string(group.networks[n].network) + "/" +
                                  std::to_string(group.networks[n].prefix_length) +
                                  " is listed more than once");
      }
    }
  }
  const auto default_group = doc.find("default_group");
  if (default_group == doc.end() || !default_group->is_string()) {
    problems.emplace_back("/default_group", "required: the name of a group in groups");
  } else {
    zone.default_group_ = zone.find(default_group->get<std::string>());
    if (zone.default_group_ == zone.groups_.size()) {
      problems.emplace_back("/default_group",
                            "unknown group \"" + default_group->get<std::string>() + "\"");
    }
  }
  if (!problems.empty()) {
    std::string message = problems.front().first + ": " + problems.front().second;
    if (problems.size() > 1) {
      message += " (and " + std::to_string(problems.size() - 1) + " more)";
    }
    return Error{message, ErrorKind::kInvalid, std::move(problems)};
  }
  return zone;
}

Result<CoverageZone> load_coverage_zone(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read the coverage zone file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  auto zone = parse_coverage_zone(text.str());
  if (zone) return zone;
  Error error = zone.failure();
  std::string message = "coverage zone " + path + ":";
  for (const auto& [pointer, why] : error.fields) {
    message += "\n  " + (pointer.empty() ? std::string("(document)") : pointer) + ": " + why;
  }
  error.message = message;
  return error;
}

}  // namespace candela::router
