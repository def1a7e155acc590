// HTTP header fields: a non-owning view (parsed requests) and an owning list (stored responses).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candela::http {

// ASCII case-insensitive comparison, as field names require (RFC 9110 §5.1).
bool iequals(std::string_view a, std::string_view b) noexcept;

struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// Fields that point into a buffer owned elsewhere (e.g. a connection's read buffer).
// Reusing one HeaderView per connection keeps the request path free of allocations.
class HeaderView {
 public:
  void clear() noexcept { fields_.clear(); }
  void add(std::string_view name, std::string_view value) { fields_.push_back({name, value}); }

  // First field with this name, if any.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  // All fields with this name joined by ", " (RFC 9110 §5.3 list combination).
  std::string combined(std::string_view name) const;
  bool contains(std::string_view name) const noexcept { return get(name).has_value(); }
  std::size_t count(std::string_view name) const noexcept;

  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }

 private:
  std::vector<HeaderField> fields_;
};

// Fields that own their text; used for stored and generated responses.
class HeaderList {
 public:
  void add(std::string_view name, std::string_view value) { fields_.emplace_back(name, value); }
  // Replaces every field with this name by one field.
  void set(std::string_view name, std::string_view value);
  // Removes every field with this name; returns how many were removed.
  std::size_t remove(std::string_view name);

  std::optional<std::string_view> get(std::string_view name) const noexcept;
  std::string combined(std::string_view name) const;
  bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

  // A view of these fields; valid while this list is not modified.
  HeaderView view() const;

  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  void clear() noexcept { fields_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace candela::http
