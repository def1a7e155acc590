// Structural diff of configuration versions: named items are followed by key, order changes shown.
#include "control/configuration_diff.hpp"

#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace candela::control {

namespace {

using nlohmann::json;

std::string child(const std::string& base, const std::string& key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return base + "/" + escaped;
}
std::string child(const std::string& base, std::size_t index) {
  return base + "/" + std::to_string(index);
}

// The member that names each element ("id", else "name") if every element of both arrays has a
// distinct string value for it — otherwise elements cannot be followed across versions.
std::optional<std::string> identity_key(const json& a, const json& b) {
  for (const char* key : {"id", "name"}) {
    bool usable = true;
    for (const json* arr : {&a, &b}) {
      std::set<std::string> seen;
      for (const auto& e : *arr) {
        if (!e.is_object() || !e.contains(key) || !e[key].is_string() ||
            !seen.insert(e[key].get<std::string>()).second) {
          usable = false;
          break;
        }
      }
      if (!usable) break;
    }
    if (usable && !(a.empty() && b.empty())) return std::string(key);
  }
  return std::nullopt;
}

// Pairs (i, j) of a longest common subsequence of two sequences under `same`.
template <typename Same>
std::vector<std::pair<std::size_t, std::size_t>> common_subsequence(std::size_t n, std::size_t m,
                                                                    Same same) {
  std::vector<std::vector<std::size_t>> len(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      len[i][j] = same(i, j) ? len[i + 1][j + 1] + 1 : std::max(len[i + 1][j], len[i][j + 1]);
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  std::size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (same(i, j)) {
      pairs.emplace_back(i++, j++);
    } else if (len[i + 1][j] >= len[i][j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }
  return pairs;
}

class Differ {
 public:
  std::vector<ConfigurationChange> changes;

  void compare(const json& a, const json& b, const std::string& ptr_a, const std::string& ptr_b) {
    if (a.is_object() && b.is_object()) {
      compare_objects(a, b, ptr_a, ptr_b);
    } else if (a.is_array() && b.is_array()) {
      compare_arrays(a, b, ptr_a, ptr_b);
    } else if (a != b) {
      changes.push_back({ptr_b, ChangeKind::kChanged, a, b});
    }
  }

 private:
  void compare_objects(const json& a, const json& b, const std::string& ptr_a,
                       const std::string& ptr_b) {
    // Keys in the new version's order, then keys only the old one had.
    for (const auto& [key, value] : b.items()) {
      if (auto it = a.find(key); it != a.end()) {
        compare(*it, value, child(ptr_a, key), child(ptr_b, key));
      } else {
        changes.push_back({child(ptr_b, key), ChangeKind::kAdded, nullptr, value});
      }
    }
    for (const auto& [key, value] : a.items()) {
      if (!b.contains(key)) {
        changes.push_back({child(ptr_a, key), ChangeKind::kRemoved, value, nullptr});
      }
    }
  }

  void compare_arrays(const json& a, const json& b, const std::string& ptr_a,
                      const std::string& ptr_b) {
    if (auto key = identity_key(a, b)) {
      compare_named(a, b, *key, ptr_a, ptr_b);
      return;
    }
    const bool scalars =
        std::all_of(a.begin(), a.end(), [](const json& e) { return e.is_primitive(); }) &&
        std::all_of(b.begin(), b.end(), [](const json& e) { return e.is_primitive(); });
    if (!scalars) {
      // Unnamed objects (e.g. header criteria) are compared by position.
      const std::size_t common = std::min(a.size(), b.size());
      for (std::size_t i = 0; i < common; ++i)
        compare(a[i], b[i], child(ptr_a, i), child(ptr_b, i));
      for (std::size_t i = common; i < b.size(); ++i)
        changes.push_back({child(ptr_b, i), ChangeKind::kAdded, nullptr, b[i]});
      for (std::size_t i = common; i < a.size(); ++i)
        changes.push_back({child(ptr_a, i), ChangeKind::kRemoved, a[i], nullptr});
      return;
    }
    const auto pairs = common_subsequence(
        a.size(), b.size(), [&](std::size_t i, std::size_t j) { return a[i] == b[j]; });
    std::vector<bool> kept_a(a.size()), kept_b(b.size());
    for (auto [i, j] : pairs) {
      kept_a[i] = true;
      kept_b[j] = true;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!kept_a[i]) changes.push_back({child(ptr_a, i), ChangeKind::kRemoved, a[i], nullptr});
    }
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (!kept_b[j]) changes.push_back({child(ptr_b, j), ChangeKind::kAdded, nullptr, b[j]});
    }
  }

  void compare_named(const json& a, const json& b, const std::string& key, const std::string& ptr_a,
                     const std::string& ptr_b) {
    std::map<std::string, std::size_t> index_a, index_b;
    for (std::size_t i = 0; i < a.size(); ++i)
      index_a[a[i][key].get<std::string>()] = i;
    for (std::size_t j = 0; j < b.size(); ++j)
      index_b[b[j][key].get<std::string>()] = j;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!index_b.contains(a[i][key].get<std::string>())) {
        changes.push_back({child(ptr_a, i), ChangeKind::kRemoved, a[i], nullptr});
      }
    }
    // Items in both versions: the longest run kept in order stays put, the others moved. An
    // insertion or removal elsewhere therefore moves nothing.
    std::vector<std::size_t> shared_a, shared_b;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (index_b.contains(a[i][key].get<std::string>())) shared_a.push_back(i);
    }
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (index_a.contains(b[j][key].get<std::string>())) shared_b.push_back(j);
    }
    const auto in_order = common_subsequence(
        shared_a.size(), shared_b.size(),
        [&](std::size_t i, std::size_t j) { return a[shared_a[i]][key] == b[shared_b[j]][key]; });
    std::set<std::size_t> stayed;
    for (auto [i, j] : in_order)
      stayed.insert(shared_b[j]);
    for (std::size_t j = 0; j < b.size(); ++j) {
      const auto it = index_a.find(b[j][key].get<std::string>());
      if (it == index_a.end()) {
        changes.push_back({child(ptr_b, j), ChangeKind::kAdded, nullptr, b[j]});
        continue;
      }
      if (!stayed.contains(j)) {
        changes.push_back({child(ptr_b, j), ChangeKind::kMoved, it->second, j});
      }
      compare(a[it->second], b[j], child(ptr_a, it->second), child(ptr_b, j));
    }
  }
};

void append_value(std::ostringstream& out, char sign, const json& value) {
  std::istringstream lines(value.dump(2));
  for (std::string line; std::getline(lines, line);)
    out << sign << ' ' << line << '\n';
}

}  // namespace

std::string_view change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kRemoved:
      return "removed";
    case ChangeKind::kChanged:
      return "changed";
    case ChangeKind::kMoved:
      return "moved";
  }
  return "changed";
}

std::vector<ConfigurationChange> diff_configurations(const json& before, const json& after) {
  Differ differ;
  differ.compare(before, after, "", "");
  return std::move(differ.changes);
}

std::vector<ConfigurationChange> diff_configurations(const ConfigurationDocument& before,
                                                     const ConfigurationDocument& after) {
  // The canonical form writes defaults out, so an omitted default and an explicit one are equal.
  return diff_configurations(json::parse(to_json(before)), json::parse(to_json(after)));
}

std::string render_diff(const std::vector<ConfigurationChange>& changes,
                        const std::string& before_label, const std::string& after_label) {
  std::ostringstream out;
  out << "--- " << before_label << '\n' << "+++ " << after_label << '\n';
  if (changes.empty()) out << "(no changes)\n";
  for (const auto& change : changes) {
    out << "@@ " << (change.pointer.empty() ? "/" : change.pointer) << " ("
        << change_kind_name(change.kind) << ") @@\n";
    if (change.kind == ChangeKind::kMoved) {
      out << "- position " << change.old_value.dump() << '\n'
          << "+ position " << change.new_value.dump() << '\n';
      continue;
    }
    if (change.kind != ChangeKind::kAdded) append_value(out, '-', change.old_value);
    if (change.kind != ChangeKind::kRemoved) append_value(out, '+', change.new_value);
  }
  return out.str();
}

}  // namespace candela::control
