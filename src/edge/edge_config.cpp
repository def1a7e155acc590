// Reads the edge configuration JSON and checks every value before the edge uses it.
#include "edge/edge_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace candela::edge {

namespace {

using nlohmann::json;

// Collects problems with their JSON pointers so one run reports all of them.
class Checker {
 public:
  void fail(const std::string& pointer, const std::string& message) {
    errors_.push_back(pointer + ": " + message);
  }
  bool ok() const { return errors_.empty(); }
  std::string message() const {
    std::string out = "invalid edge configuration:";
    for (const auto& e : errors_)
      out += "\n  " + e;
    return out;
  }

  // Reads an optional member into `out` if present and of the right type.
  template <typename T>
  void read(const json& obj, const std::string& base, const char* key, T& out) {
    auto it = obj.find(key);
    if (it == obj.end()) return;
    const std::string ptr = base + "/" + key;
    try {
      out = it->get<T>();
    } catch (const json::exception&) {
      fail(ptr, std::string("has the wrong type (expected ") + type_name<T>() + ")");
    }
  }

  void read_ms(const json& obj, const std::string& base, const char* key,
               std::chrono::milliseconds& out, std::int64_t max_ms = 3'600'000) {
    std::int64_t ms = out.count();
    read(obj, base, key, ms);
    if (ms < 1 || ms > max_ms) {
      fail(base + "/" + key, "must be between 1 and " + std::to_string(max_ms) + " milliseconds");
      return;
    }
    out = std::chrono::milliseconds(ms);
  }

  template <typename T>
  void read_range(const json& obj, const std::string& base, const char* key, T& out, T lo, T hi) {
    T v = out;
    read(obj, base, key, v);
    if (v < lo || v > hi) {
      fail(base + "/" + key,
           "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      return;
    }
    out = v;
  }

 private:
  template <typename T>
  static const char* type_name() {
    if constexpr (std::is_same_v<T, std::string>) return "a string";
    if constexpr (std::is_same_v<T, bool>) return "true or false";
    if constexpr (std::is_same_v<T, std::vector<std::string>>) return "an array of strings";
    if constexpr (std::is_floating_point_v<T>) return "a number";
    return "an integer";
  }
  std::vector<std::string> errors_;
};

bool valid_alias(std::string_view alias) {
  if (alias.empty() || alias.size() > 255) return false;
  for (char c : alias) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == '_';
    if (!ok) return false;
  }
  return true;
}

void parse_origin(Checker& c, const json& j, const std::string& base, OriginConfig& o) {
  if (!j.is_object()) {
    c.fail(base, "must be an object with host, port and protocol");
    return;
  }
  c.read(j, base, "host", o.host);
  if (o.host.empty()) c.fail(base + "/host", "is required");
  c.read(j, base, "protocol", o.protocol);
  if (o.protocol != "http" && o.protocol != "https") {
    c.fail(base + "/protocol", "must be \"http\" or \"https\"");
  }
  std::int64_t port = o.protocol == "https" ? 443 : 80;
  c.read(j, base, "port", port);
  if (port < 1 || port > 65535) {
    c.fail(base + "/port", "must be between 1 and 65535");
  } else {
    o.port = static_cast<std::uint16_t>(port);
  }
  c.read(j, base, "web_root", o.web_root);
  if (!o.web_root.empty() && (o.web_root.front() != '/' || o.web_root.back() == '/')) {
    c.fail(base + "/web_root", "must start with '/' and not end with '/' (e.g. \"/media\")");
  }
  c.read(j, base, "host_header", o.host_header);
  c.read_ms(j, base, "connect_timeout_ms", o.connect_timeout);
  c.read_ms(j, base, "response_timeout_ms", o.response_timeout);
  c.read_ms(j, base, "read_timeout_ms", o.read_timeout);
}

void parse_properties(Checker& c, const json& j, EdgeConfig& cfg) {
  if (!j.is_array()) {
    c.fail("/properties", "must be an array");
    return;
  }
  std::set<std::string> ids, aliases;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string base = "/properties/" + std::to_string(i);
    const json& pj = j[i];
    if (!pj.is_object()) {
      c.fail(base, "must be an object");
      continue;
    }
    auto p = std::make_shared<Property>();
    c.read(pj, base, "id", p->id);
    if (p->id.empty()) c.fail(base + "/id", "is required");
    if (!ids.insert(p->id).second) c.fail(base + "/id", "\"" + p->id + "\" is used twice");
    c.read(pj, base, "service_id", p->service_id);
    c.read(pj, base, "aliases", p->aliases);
    if (p->aliases.empty()) c.fail(base + "/aliases", "needs at least one host name");
    for (std::size_t a = 0; a < p->aliases.size(); ++a) {
      std::string alias = p->aliases[a];
      for (char& ch : alias)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      p->aliases[a] = alias;
      const std::string ptr = base + "/aliases/" + std::to_string(a);
      if (!valid_alias(alias)) c.fail(ptr, "\"" + alias + "\" is not a valid host name");
      if (!aliases.insert(alias).second) {
        c.fail(ptr, "\"" + alias + "\" belongs to another property already");
      }
    }
    if (auto it = pj.find("origin"); it != pj.end()) {
      parse_origin(c, *it, base + "/origin", p->origin);
    } else {
      c.fail(base + "/origin", "is required");
    }
    c.read_range<std::int64_t>(pj, base, "stale_while_revalidate_seconds",
                               p->stale_while_revalidate_s, -1, 7 * 86400);
    c.read_range<std::int64_t>(pj, base, "stale_if_error_seconds", p->stale_if_error_s, -1,
                               7 * 86400);
    c.read(pj, base, "shield", p->shield);
    cfg.properties.push_back(std::move(p));
  }
}

// Like Checker::read_range, but a fraction or a value beyond int64 is refused instead of being
// truncated: capacities and hop counts are whole numbers.
void read_integer(Checker& c, const json& obj, const std::string& base, const char* key,
                  std::int64_t& out, std::int64_t lo, std::int64_t hi) {
  auto it = obj.find(key);
  if (it == obj.end()) return;
  const std::string ptr = base + "/" + key;
  if (!it->is_number()) {
    c.fail(ptr, "has the wrong type (expected an integer)");
    return;
  }
  if (!it->is_number_integer()) {
    c.fail(ptr, "must be a whole number");
    return;
  }
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) {
    c.fail(ptr, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return;
  }
  c.read_range<std::int64_t>(obj, base, key, out, lo, hi);
}

constexpr std::int64_t kMaxCapacity = 1'000'000'000'000;  // 10^12, as the portal stores it

void parse_capacity(Checker& c, const json& j, Capacity& cap) {
  if (!j.is_object()) {
    c.fail("/capacity", "must be an object with requests_per_second and bytes_per_second");
    return;
  }
  std::int64_t rps = static_cast<std::int64_t>(cap.requests_per_second);
  std::int64_t bps = static_cast<std::int64_t>(cap.bytes_per_second);
  read_integer(c, j, "/capacity", "requests_per_second", rps, 0, kMaxCapacity);
  read_integer(c, j, "/capacity", "bytes_per_second", bps, 0, kMaxCapacity);
  cap.requests_per_second = static_cast<std::uint64_t>(rps);
  cap.bytes_per_second = static_cast<std::uint64_t>(bps);
}

void parse_parents(Checker& c, const json& j, EdgeConfig& cfg) {
  if (!j.is_array()) {
    c.fail("/parents", "must be an array of {\"id\", \"address\"}");
    return;
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string base = "/parents/" + std::to_string(i);
    const json& pj = j[i];
    if (!pj.is_object()) {
      c.fail(base, "must be an object with id and address");
      continue;
    }
    ParentConfig parent;
    c.read(pj, base, "id", parent.id);
    if (!pj.contains("id")) {
      c.fail(base + "/id", "is required");
    } else if (!valid_edge_id(parent.id)) {
      c.fail(base + "/id", "\"" + parent.id +
                               "\" is not an edge id (1-64 of a-z, 0-9, '.', '_', '-', starting "
                               "with a letter or digit)");
    } else if (parent.id == cfg.edge_id) {
      c.fail(base + "/id", "is this edge's own id (an edge cannot be its own parent)");
    } else if (!ids.insert(parent.id).second) {
      c.fail(base + "/id", "\"" + parent.id + "\" is listed twice");
    }
    c.read(pj, base, "address", parent.address);
    std::string host;
    std::uint16_t port = 0;
    if (!pj.contains("address")) {
      c.fail(base + "/address", "is required");
    } else if (!split_host_port(parent.address, host, port) || host.empty()) {
      c.fail(base + "/address", "\"" + parent.address + "\" is not host:port");
    }
    cfg.parents.push_back(std::move(parent));
  }
}

void parse_parent_policy(Checker& c, const json& j, ParentPolicy& policy) {
  if (!j.is_object()) {
    c.fail("/parent_policy", "must be an object");
    return;
  }
  std::int64_t hops = policy.max_hops;
  read_integer(c, j, "/parent_policy", "max_hops", hops, 0, 8);
  policy.max_hops = static_cast<unsigned>(hops);
  std::int64_t retry_ms = policy.retry_after.count();
  read_integer(c, j, "/parent_policy", "retry_after_ms", retry_ms, 100, 3'600'000);
  policy.retry_after = std::chrono::milliseconds(retry_ms);
  std::int64_t connect_ms = policy.connect_timeout.count();
  read_integer(c, j, "/parent_policy", "connect_timeout_ms", connect_ms, 1, 60'000);
  policy.connect_timeout = std::chrono::milliseconds(connect_ms);
}

}  // namespace

bool split_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  std::size_t colon;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    host = std::string(text.substr(1, close - 1));
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    host = std::string(text.substr(0, colon));
  }
  auto digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5) return false;
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// Same rule as the portal's edge ids (LogStore::valid_edge_id). Parent ids are edge ids: they
// appear in Via and in metrics.
bool valid_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char ch : label) {
      if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
    }
    start = dot + 1;
  }
  return true;
}

bool valid_edge_id(std::string_view id) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (id.empty() || id.size() > 64 || !alnum(id.front())) return false;
  for (char c : id) {
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

Result<EdgeConfig> parse_edge_config(std::string_view json_text) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"invalid edge configuration: not valid JSON"};
  if (!j.is_object()) return Error{"invalid edge configuration: the document must be an object"};

  Checker c;
  EdgeConfig cfg;
  c.read(j, "", "edge_id", cfg.edge_id);
  if (cfg.edge_id.empty()) c.fail("/edge_id", "must not be empty");
  c.read(j, "", "listen", cfg.listen);
  if (cfg.listen.empty()) c.fail("/listen", "needs at least one address");
  for (std::size_t i = 0; i < cfg.listen.size(); ++i) {
    std::string host;
    std::uint16_t port = 0;
    if (!split_host_port(cfg.listen[i], host, port)) {
      c.fail("/listen/" + std::to_string(i), "\"" + cfg.listen[i] + "\" is not host:port");
    }
  }
  c.read(j, "", "admin_listen", cfg.admin_listen);
  if (!cfg.admin_listen.empty()) {
    std::string host;
    std::uint16_t port = 0;
    if (!split_host_port(cfg.admin_listen, host, port)) c.fail("/admin_listen", "is not host:port");
  }
  c.read_range<unsigned>(j, "", "threads", cfg.threads, 0, 256);

  if (auto it = j.find("cache"); it != j.end() && it->is_object()) {
    auto& cs = cfg.cache;
    c.read_range<std::uint64_t>(*it, "/cache", "ram_bytes", cs.ram_bytes, 1 << 20, 1ull << 40);
    c.read_range<std::uint64_t>(*it, "/cache", "max_object_bytes", cs.max_object_bytes, 1,
                                cs.ram_bytes);
    c.read_range(*it, "/cache", "heuristic_fraction", cs.heuristic_fraction, 0.0, 1.0);
    c.read_range<std::int64_t>(*it, "/cache", "heuristic_max_seconds", cs.heuristic_max_s, 0,
                               365 * 86400);
    c.read_range<std::int64_t>(*it, "/cache", "stale_while_revalidate_seconds",
                               cs.stale_while_revalidate_s, 0, 7 * 86400);
    c.read_range<std::int64_t>(*it, "/cache", "stale_if_error_seconds", cs.stale_if_error_s, 0,
                               7 * 86400);
  } else if (it != j.end()) {
    c.fail("/cache", "must be an object");
  }

  if (auto it = j.find("limits"); it != j.end() && it->is_object()) {
    auto& l = cfg.limits;
    c.read_range<std::size_t>(*it, "/limits", "max_request_line", l.max_request_line, 256, 1 << 20);
    c.read_range<std::size_t>(*it, "/limits", "max_header_bytes", l.max_header_bytes, 1024,
                              1 << 20);
    c.read_range<std::size_t>(*it, "/limits", "max_header_count", l.max_header_count, 8, 1000);
    c.read_range<std::uint64_t>(*it, "/limits", "max_body_bytes", l.max_body_bytes, 0, 1ull << 34);
    c.read_ms(*it, "/limits", "header_timeout_ms", l.header_timeout);
    c.read_ms(*it, "/limits", "idle_timeout_ms", l.idle_timeout);
    c.read_ms(*it, "/limits", "send_timeout_ms", l.send_timeout);
    c.read_range<std::size_t>(*it, "/limits", "max_connections", l.max_connections, 1, 1000000);
    c.read_ms(*it, "/limits", "shutdown_grace_ms", l.shutdown_grace);
  } else if (it != j.end()) {
    c.fail("/limits", "must be an object");
  }

  if (auto it = j.find("access_log"); it != j.end() && it->is_object()) {
    auto& a = cfg.access_log;
    c.read(*it, "/access_log", "path", a.path);
    c.read_range<std::uint64_t>(*it, "/access_log", "rotate_bytes", a.rotate_bytes, 4096,
                                1ull << 40);
    c.read(*it, "/access_log", "rotate_hourly", a.rotate_hourly);
    c.read_range<std::uint32_t>(*it, "/access_log", "rotate_every_seconds", a.rotate_every_seconds,
                                1, 86400);
    if (it->contains("rotate_every_seconds") && !a.rotate_hourly) {
      c.fail("/access_log/rotate_every_seconds", "cannot be combined with rotate_hourly: false");
    }
    c.read(*it, "/access_log", "compress", a.compress);
    c.read_range<std::size_t>(*it, "/access_log", "keep_files", a.keep_files, 1, 100000);
  } else if (it != j.end()) {
    c.fail("/access_log", "must be an object");
  }

  if (auto it = j.find("properties"); it != j.end()) parse_properties(c, *it, cfg);
  c.read(j, "", "routing_domain", cfg.routing_domain);
  for (char& ch : cfg.routing_domain)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!cfg.routing_domain.empty() && !valid_host_name(cfg.routing_domain)) {
    c.fail("/routing_domain",
           "\"" + cfg.routing_domain + "\" is not a host name (e.g. \"cdn.example.net\")");
  }
  if (auto it = j.find("capacity"); it != j.end()) parse_capacity(c, *it, cfg.capacity);
  if (auto it = j.find("parents"); it != j.end()) parse_parents(c, *it, cfg);
  if (auto it = j.find("parent_policy"); it != j.end()) {
    parse_parent_policy(c, *it, cfg.parent_policy);
  }

  if (!c.ok()) return Error{c.message()};
  return cfg;
}

Result<EdgeConfig> load_edge_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read edge configuration " + path};
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse_edge_config(ss.str());
  if (!r.ok()) return Error{path + ": " + r.error()};
  return r;
}

}  // namespace candela::edge
