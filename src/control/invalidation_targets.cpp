// Checks invalidation values and resolves them to edge property ids, reporting every problem.
#include "control/invalidation_targets.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "common/path_pattern.hpp"
#include "control/edge_translation.hpp"

namespace candela::control {
namespace {

using FieldList = std::vector<std::pair<std::string, std::string>>;

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != prefix[i]) return false;
  }
  return true;
}

bool valid_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return false;
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

bool valid_host_name(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The properties of the deployed documents, by edge property id, and who answers each host.
struct DeployedIndex {
  std::vector<std::string> property_ids;  // edge ids, in document order, without repeats
  std::map<std::string, std::string> by_host;
  std::map<std::string, std::string> by_document_id;  // "www" -> "AB12CD34E.www"
};

DeployedIndex index_deployed(const std::string& scid,
                             const std::vector<ConfigurationDocument>& deployed) {
  DeployedIndex index;
  std::set<std::string> seen;
  for (const auto& document : deployed) {
    for (const auto& property : document.properties) {
      const std::string edge_id = edge_property_id(scid, property.id);
      if (seen.insert(edge_id).second) index.property_ids.push_back(edge_id);
      index.by_document_id.emplace(property.id, edge_id);
      index.by_host.emplace(normalize_host(property.primary_alias), edge_id);
      for (const auto& alias : property.aliases)
        index.by_host.emplace(normalize_host(alias), edge_id);
    }
  }
  return index;
}

std::string value_pointer(std::size_t i) {
  return "/values/" + std::to_string(i);
}

}  // namespace

std::optional<PurgeUrl> parse_purge_url(std::string_view url, std::string& why) {
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) {
      why = "must not contain spaces, control or non-ASCII characters (percent-encode them)";
      return std::nullopt;
    }
  }
  std::size_t start = 0;
  if (starts_with_ignoring_case(url, "http://")) {
    start = 7;
  } else if (starts_with_ignoring_case(url, "https://")) {
    start = 8;
  } else {
    why =
        "must be a full URL starting with http:// or https://, e.g. https://www.example.com/a.jpg";
    return std::nullopt;
  }
  const std::string_view rest = url.substr(start);
  const std::size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos) {
    why = "must not contain user information (user@host)";
    return std::nullopt;
  }
  std::string host;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      why = "has an IPv6 host without its closing ']'";
      return std::nullopt;
    }
    host = std::string(authority.substr(0, close + 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      why = "has something other than a port after the IPv6 host";
      return std::nullopt;
    }
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    host = normalize_host(authority.substr(0, colon));
    if (!valid_host_name(host)) {
      why = "has no valid host name";
      return std::nullopt;
    }
  }
  if (port && !valid_port(*port)) {
    why = "has a port that is not a number from 1 to 65535";
    return std::nullopt;
  }
  PurgeUrl out;
  out.bare_host = host;
  out.host = port ? host + ":" + std::string(*port) : host;
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const auto hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  if (target.empty() || target.front() == '?') {
    out.path_and_query = "/" + std::string(target);
  } else {
    out.path_and_query = std::string(target);
  }
  return out;
}

bool valid_cache_tag(std::string_view tag) {
  if (tag.empty()) return false;
  for (unsigned char c : tag) {
    if (c <= 0x20 || c >= 0x7f || c == ',') return false;
  }
  return true;
}

Result<std::vector<InvalidationTarget>> resolve_invalidation_targets(
    const std::string& scid, const std::vector<ConfigurationDocument>& deployed,
    const InvalidationRequest& request) {
  FieldList fields;
  if (request.values.empty()) {
    fields.emplace_back("/values", "needs at least one value");
  } else if (request.values.size() > Invalidations::kMaxValues) {
    fields.emplace_back("/values", "has " + std::to_string(request.values.size()) +
                                       " values; at most " +
                                       std::to_string(Invalidations::kMaxValues) +
                                       " fit in one request (split it)");
  }
  if (request.kind == InvalidationKind::kUrl && request.property_ids) {
    fields.emplace_back("/property_ids",
                        "is for pattern and tag invalidations only; a URL names its property "
                        "by its host");
  }
  if (!fields.empty())
    return Error{"the invalidation request is invalid", ErrorKind::kInvalid, fields};

  const DeployedIndex index = index_deployed(scid, deployed);
  if (index.property_ids.empty()) {
    return Error{"service " + scid +
                     " has no deployed configuration, so the edges hold nothing of it to "
                     "invalidate",
                 ErrorKind::kConflict};
  }

  // Each value on its own: size, syntax, and (for URLs) which property answers its host.
  std::vector<std::string> checked;  // values as the edges get them, without repeats
  std::vector<std::string> owner;    // url: the property of each checked value
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < request.values.size(); ++i) {
    const std::string& value = request.values[i];
    if (value.empty() || value.size() > Invalidations::kMaxValueBytes) {
      fields.emplace_back(
          value_pointer(i),
          "must be 1 to " + std::to_string(Invalidations::kMaxValueBytes) + " bytes long");
      continue;
    }
    std::string edge_value = value;
    std::string property;
    switch (request.kind) {
      case InvalidationKind::kUrl: {
        std::string why;
        auto url = parse_purge_url(value, why);
        if (!url) {
          fields.emplace_back(value_pointer(i), why);
          continue;
        }
        auto it = index.by_host.find(url->host);
        if (it == index.by_host.end()) it = index.by_host.find(url->bare_host);
        if (it == index.by_host.end()) {
          fields.emplace_back(
              value_pointer(i),
              "the host " + url->host + " is not an alias of a deployed property of " + scid);
          continue;
        }
        property = it->second;
        edge_value = url->path_and_query;
        break;
      }
      case InvalidationKind::kPattern: {
        // Patterns match whole paths, so one that cannot start like a path matches nothing.
        if (value.front() != '/' && value.front() != '*') {
          fields.emplace_back(value_pointer(i),
                              "a path pattern starts with '/' (or '*'); it is matched against "
                              "the whole path, e.g. /img/*.jpg");
          continue;
        }
        auto compiled = compile_path_pattern(value);
        if (!compiled.ok()) {
          fields.emplace_back(value_pointer(i), compiled.error());
          continue;
        }
        break;
      }
      case InvalidationKind::kTag:
        if (!valid_cache_tag(value)) {
          fields.emplace_back(value_pointer(i),
                              "a tag is visible ASCII without spaces or commas (as origins send "
                              "it in Surrogate-Key or Cache-Tag)");
          continue;
        }
        break;
    }
    if (!seen.emplace(property, edge_value).second) continue;
    checked.push_back(std::move(edge_value));
    owner.push_back(std::move(property));
  }

  // pattern and tag: the chosen properties, or every deployed one.
  std::vector<std::string> chosen;
  if (request.property_ids) {
    if (request.property_ids->empty()) {
      fields.emplace_back("/property_ids",
                          "leave it out to mean every property; it may not be empty");
    }
    std::set<std::string> taken;
    for (std::size_t i = 0; i < request.property_ids->size(); ++i) {
      const std::string& id = (*request.property_ids)[i];
      std::string edge_id;
      if (auto it = index.by_document_id.find(id); it != index.by_document_id.end()) {
        edge_id = it->second;
      } else if (std::find(index.property_ids.begin(), index.property_ids.end(), id) !=
                 index.property_ids.end()) {
        edge_id = id;
      } else {
        fields.emplace_back("/property_ids/" + std::to_string(i),
                            "\"" + id + "\" is not a deployed property of " + scid);
        continue;
      }
      if (taken.insert(edge_id).second) chosen.push_back(edge_id);
    }
  } else {
    chosen = index.property_ids;
  }
  if (!fields.empty()) {
    return Error{std::to_string(fields.size()) + " problem(s) in the invalidation request",
                 ErrorKind::kInvalid, std::move(fields)};
  }

  std::vector<InvalidationTarget> targets;
  if (request.kind == InvalidationKind::kUrl) {
    std::map<std::string, std::size_t> slot;
    for (std::size_t i = 0; i < checked.size(); ++i) {
      auto [it, fresh] = slot.emplace(owner[i], targets.size());
      if (fresh) targets.push_back(InvalidationTarget{owner[i], {}});
      targets[it->second].values.push_back(checked[i]);
    }
    return targets;
  }
  for (const auto& property : chosen)
    targets.push_back(InvalidationTarget{property, checked});
  return targets;
}

}  // namespace candela::control
