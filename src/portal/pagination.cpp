// Page parameters, base64url cursors and the next-page link.
#include "portal/pagination.hpp"

#include <charconv>

namespace candela::portal {

namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_value(char c) {
  auto position = kBase64Url.find(c);
  return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

}  // namespace

std::string encode_cursor(std::string_view last_key) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : last_key) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

std::optional<std::string> decode_cursor(std::string_view cursor) {
  // A length of 1 (mod 4) cannot come from whole bytes.
  if (cursor.empty() || cursor.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : cursor) {
    int value = base64url_value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, so every key has exactly one cursor.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

ApiResult<PageRequest> parse_page_request(const Request& request) {
  PageRequest page;
  std::string errors;  // every bad parameter, so one retry fixes them all
  if (auto limit = request.query_param("limit")) {
    std::size_t value = 0;
    auto [end, error] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (limit->empty() || error != std::errc() || end != limit->data() + limit->size() ||
        value < 1 || value > kMaxPageLimit) {
      errors +=
          "query parameter limit must be an integer from 1 to " + std::to_string(kMaxPageLimit);
    } else {
      page.limit = value;
    }
  }
  if (auto cursor = request.query_param("cursor")) {
    page.after_key = decode_cursor(*cursor);
    if (!page.after_key) {
      errors += std::string(errors.empty() ? "" : "; ") +
                "query parameter cursor is not a cursor this API returned";
    }
  }
  if (!errors.empty()) return bad_request(std::move(errors));
  return page;
}

void set_next_page(const Request& request, const PageRequest& page,
                   const std::optional<std::string>& last_key, Response& response,
                   nlohmann::json& body) {
  if (!last_key) {
    body["next_cursor"] = nullptr;
    return;
  }
  std::string cursor = encode_cursor(*last_key);
  body["next_cursor"] = cursor;
  std::string target = request.path + "?";
  for (const auto& [key, value] : request.query) {
    if (key == "cursor" || key == "limit") continue;
    target += percent_encode(key) + "=" + percent_encode(value) + "&";
  }
  target += "limit=" + std::to_string(page.limit) + "&cursor=" + cursor;
  response.add_header("Link", "<" + target + ">; rel=\"next\"");
}

Response page_response(const Request& request, const PageRequest& page,
                       const std::optional<std::string>& last_key, nlohmann::json body) {
  Response response;
  set_next_page(request, page, last_key, response, body);
  response.status = 200;
  response.set_header("Content-Type", "application/json");
  // Stored text is not guaranteed to be valid UTF-8; replace bad bytes instead of failing.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response page_response(const Request& request, const PageRequest& page,
                       std::optional<long long> last_key, nlohmann::json body) {
  std::optional<std::string> key;
  if (last_key) key = std::to_string(*last_key);
  return page_response(request, page, key, std::move(body));
}

}  // namespace candela::portal
