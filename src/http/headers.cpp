// Header field containers: lookups are case-insensitive and keep field order.
#include "http/headers.hpp"

#include <algorithm>

#include "http/text.hpp"

namespace candela::http {

namespace {
template <typename Fields, typename NameOf, typename ValueOf>
std::string join_values(const Fields& fields, std::string_view name, NameOf name_of,
                        ValueOf value_of) {
  std::string out;
  for (const auto& f : fields) {
    if (!iequals(name_of(f), name)) continue;
    if (!out.empty()) out += ", ";
    out += value_of(f);
  }
  return out;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (http::ascii_lower(a[i]) != http::ascii_lower(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> HeaderView::get(std::string_view name) const noexcept {
  for (const auto& f : fields_) {
    if (iequals(f.name, name)) return f.value;
  }
  return std::nullopt;
}

std::string HeaderView::combined(std::string_view name) const {
  return join_values(
      fields_, name, [](const HeaderField& f) { return f.name; },
      [](const HeaderField& f) { return f.value; });
}

std::size_t HeaderView::count(std::string_view name) const noexcept {
  return static_cast<std::size_t>(std::count_if(
      fields_.begin(), fields_.end(), [&](const HeaderField& f) { return iequals(f.name, name); }));
}

void HeaderList::set(std::string_view name, std::string_view value) {
  remove(name);
  add(name, value);
}

std::size_t HeaderList::remove(std::string_view name) {
  const auto before = fields_.size();
  std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
  return before - fields_.size();
}

std::optional<std::string_view> HeaderList::get(std::string_view name) const noexcept {
  for (const auto& f : fields_) {
    if (iequals(f.first, name)) return std::string_view(f.second);
  }
  return std::nullopt;
}

std::string HeaderList::combined(std::string_view name) const {
  return join_values(
      fields_, name, [](const auto& f) { return std::string_view(f.first); },
      [](const auto& f) { return std::string_view(f.second); });
}

HeaderView HeaderList::view() const {
  HeaderView v;
  for (const auto& f : fields_)
    v.add(f.first, f.second);
  return v;
}

}  // namespace candela::http
