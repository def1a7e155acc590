#include "portal/attachment_http.hpp"

#include <utility>

namespace candela::portal {

std::string attachment_disposition(const std::string& filename) {
  std::string ascii;
  for (char c : filename) {
    const auto u = static_cast<unsigned char>(c);
    ascii.push_back(u < 0x20 || u >= 0x7f || c == '"' || c == '\\' || c == ';' ? '_' : c);
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + percent_encode(filename);
}

Response attachment_response(const std::string& filename, std::string content_type,
                             std::string content) {
  if (content_type.starts_with("text/")) content_type += "; charset=utf-8";
  Response response = Response::with_body(200, content_type, std::move(content));
  response.set_header("Content-Disposition", attachment_disposition(filename));
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  response.set_header("Cache-Control", "private, no-store");
  return response;
}

}  // namespace candela::portal
