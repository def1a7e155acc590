// Cursor pagination for list endpoints: ?limit=&cursor=, a Link rel="next" and next_cursor.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "portal/message.hpp"
#include "portal/problem.hpp"

namespace candela::portal {

inline constexpr std::size_t kDefaultPageLimit = 50;
inline constexpr std::size_t kMaxPageLimit = 500;

struct PageRequest {
  std::size_t limit = kDefaultPageLimit;
  // The last key of the previous page: list items strictly after it. Absent for page one.
  std::optional<std::string> after_key;
};

// Reads ?limit= (1-500, default 50) and ?cursor=; 400 problem for anything else.
ApiResult<PageRequest> parse_page_request(const Request& request);

// Cursors are opaque to clients: base64url (no padding) of the last key of a page.
std::string encode_cursor(std::string_view last_key);
std::optional<std::string> decode_cursor(std::string_view cursor);

// Completes a list response. `last_key` is the key of the page's last item when more items
// follow, nullopt on the last page. Sets body["next_cursor"] (string or null) and, when there is
// a next page, a Link header to the same path and query with the new cursor.
void set_next_page(const Request& request, const PageRequest& page,
                   const std::optional<std::string>& last_key, Response& response,
                   nlohmann::json& body);

// The whole 200 application/json answer of a list endpoint: set_next_page applied to `body`.
// `last_key` as above; the numeric form is for lists keyed by an id or a sequence.
Response page_response(const Request& request, const PageRequest& page,
                       const std::optional<std::string>& last_key, nlohmann::json body);
Response page_response(const Request& request, const PageRequest& page,
                       std::optional<long long> last_key, nlohmann::json body);

}  // namespace candela::portal
