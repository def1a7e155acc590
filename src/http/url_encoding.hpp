// Percent-encoding of URL components (RFC 3986 §2.1), with '+' as space for query strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace candela::http {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in query strings);
// nullopt if an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// Escapes every byte outside RFC 3986's unreserved set (ALPHA DIGIT - . _ ~).
std::string percent_encode(std::string_view text);

}  // namespace candela::http
