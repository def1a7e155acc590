// Enum ↔ stored-name tables: a constexpr array of {value, "name"} pairs per enum, looked up both
// ways, so each enum's names are written once.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace candela {

template <typename E, std::size_t N>
std::optional<E> parse_name(const std::array<std::pair<E, std::string_view>, N>& names,
                            std::string_view name) {
  for (const auto& [value, text] : names) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [candidate, text] : names) {
    if (candidate == value) return text;
  }
  return {};
}

}  // namespace candela
