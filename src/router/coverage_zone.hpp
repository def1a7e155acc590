// The coverage zone file: which client networks belong to which cache group, where each group
// is, and where its clients go when it has no healthy edge.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "router/ip_address.hpp"
#include "router/prefix_matcher.hpp"

namespace candela::router {

struct CoverageGroup {
  std::string name;
  std::vector<Cidr> networks;
  std::optional<double> latitude;  // both or neither
  std::optional<double> longitude;
  std::vector<std::string> fallbacks;  // other groups' names, tried in this order first
};

class CoverageZone {
 public:
  struct Lookup {
    std::size_t group = 0;  // index into groups()
    // Bits of the client address the choice depended on (the matched prefix length, or the
    // whole source prefix when nothing matched): the ECS scope of a DNS answer.
    int scope_prefix_length = 0;
    bool matched = false;  // false: the default group
  };

  const std::vector<CoverageGroup>& groups() const noexcept { return groups_; }
  std::size_t default_group() const noexcept { return default_group_; }
  // Index of the group called `name`, or groups().size().
  std::size_t find(std::string_view name) const noexcept;

  // Longest-prefix match over every group's networks, considering only prefixes of at most
  // `source_prefix_length` bits (an ECS option's source; -1 = the whole address).
  Lookup lookup(const IpAddress& client, int source_prefix_length = -1) const;

 private:
  friend Result<CoverageZone> parse_coverage_zone(std::string_view json_text);
  std::vector<CoverageGroup> groups_;
  std::size_t default_group_ = 0;
  PrefixMatcher matcher_;
};

// Parses and validates the whole document; every problem is reported in Error::fields as a
// (JSON Pointer, message) pair, e.g. ("/groups/0/networks/2", "not a CIDR (address/length)").
Result<CoverageZone> parse_coverage_zone(std::string_view json_text);
// Reads and parses a file; the error message names the file and the first problems.
Result<CoverageZone> load_coverage_zone(const std::string& path);

}  // namespace candela::router
