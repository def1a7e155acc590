// Response head serialization: appends into the caller's buffer, so it allocates only when
// the buffer has to grow.
#include "http/serialize.hpp"

#include <charconv>

namespace candela::http {

namespace {

// Appends `text`, replacing the bytes that could end a line or a string early.
void append_sanitized(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  out.append(text);
  for (std::size_t i = start; i < out.size(); ++i) {
    const char c = out[i];
    if (c == '\r' || c == '\n' || c == '\0') out[i] = ' ';
  }
}

}  // namespace

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 103:
      return "Early Hints";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 203:
      return "Non-Authoritative Information";
    case 204:
      return "No Content";
    case 205:
      return "Reset Content";
    case 206:
      return "Partial Content";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 305:
      return "Use Proxy";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 421:
      return "Misdirected Request";
    case 422:
      return "Unprocessable Content";
    case 425:
      return "Too Early";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 451:
      return "Unavailable For Legal Reasons";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    case 508:
      return "Loop Detected";
    case 511:
      return "Network Authentication Required";
    default:
      return "";
  }
}

void append_status_line(std::string& out, int status, std::string_view reason) {
  if (status < 100 || status > 999) {
    status = 500;
    reason = {};
  }
  if (reason.empty()) reason = reason_phrase(status);
  const char code[3] = {static_cast<char>('0' + status / 100),
                        static_cast<char>('0' + status / 10 % 10),
                        static_cast<char>('0' + status % 10)};
  out.append("HTTP/1.1 ");
  out.append(code, 3);
  out.push_back(' ');
  append_sanitized(out, reason);
  out.append("\r\n");
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  append_sanitized(out, name);
  out.append(": ");
  append_sanitized(out, value);
  out.append("\r\n");
}

void append_decimal(std::string& out, std::uint64_t n) {
  char digits[20];  // 2^64 - 1 has 20 digits
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  (void)ec;  // cannot fail: the buffer fits every uint64_t
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace candela::http
