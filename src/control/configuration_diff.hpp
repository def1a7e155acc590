// Structural diff of two configuration versions, and its unified-diff-like text for the CLI and UI.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/configuration_document.hpp"

namespace candela::control {

enum class ChangeKind { kAdded, kRemoved, kChanged, kMoved };

// One difference. `pointer` locates the value in the new version (in the old one for kRemoved).
// kMoved marks a named item (property by id, match rule by name) whose position changed, which
// matters because the first matching rule wins; old/new then hold the old and new index.
struct ConfigurationChange {
  std::string pointer;
  ChangeKind kind = ChangeKind::kChanged;
  nlohmann::json old_value;  // null for kAdded
  nlohmann::json new_value;  // null for kRemoved

  bool operator==(const ConfigurationChange&) const = default;
};

// Differences from `before` to `after`. Arrays of objects that all carry a unique "id" or
// "name" are compared by that key, arrays of scalars as sequences (longest common subsequence).
std::vector<ConfigurationChange> diff_configurations(const nlohmann::json& before,
                                                     const nlohmann::json& after);
std::vector<ConfigurationChange> diff_configurations(const ConfigurationDocument& before,
                                                     const ConfigurationDocument& after);

// Text for people: a header naming both versions, then one hunk per change ("- old", "+ new").
std::string render_diff(const std::vector<ConfigurationChange>& changes,
                        const std::string& before_label, const std::string& after_label);

std::string_view change_kind_name(ChangeKind kind);

}  // namespace candela::control
