// Sidecar parsing: header lines plus the @status, @delay-ms and @chunked directives.
#include "origin/sidecar.hpp"

#include <array>
#include <charconv>

#include "http/headers.hpp"

namespace candela::origin {

namespace {

constexpr std::array<std::string_view, 5> kFramingFields = {"content-length", "transfer-encoding",
                                                            "connection", "keep-alive", "upgrade"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// RFC 9110 §5.6.2 token characters.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool valid_value(std::string_view v) {
  for (const char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

std::optional<long long> parse_int(std::string_view s) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

SidecarParse parse_sidecar(std::string_view text) {
  SidecarParse out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#') continue;

    const auto problem = [&](std::string_view why) {
      out.problems.push_back("line " + std::to_string(line_no) + ": " + std::string(why));
    };
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      problem("expected \"Name: value\"");
      continue;
    }
    const auto name = trim(line.substr(0, colon));
    const auto value = trim(line.substr(colon + 1));

    if (!name.empty() && name.front() == '@') {
      const auto n = parse_int(value);
      if (http::iequals(name, "@status")) {
        // 1xx are interim responses, never the final answer for a file.
        if (!n || *n < 200 || *n > 599) {
          problem("@status must be a number from 200 to 599");
        } else {
          out.sidecar.status = static_cast<int>(*n);
        }
      } else if (http::iequals(name, "@delay-ms")) {
        if (!n || *n < 0) {
          problem("@delay-ms must be a non-negative number");
        } else {
          out.sidecar.delay = std::chrono::milliseconds(*n);
        }
      } else if (http::iequals(name, "@chunked")) {
        if (!n || (*n != 0 && *n != 1)) {
          problem("@chunked must be 0 or 1");
        } else {
          out.sidecar.chunked = *n == 1;
        }
      } else {
        problem("unknown directive " + std::string(name));
      }
      continue;
    }
    if (!is_token(name)) {
      problem("invalid field name");
      continue;
    }
    if (!valid_value(value)) {
      problem("invalid characters in the value of " + std::string(name));
      continue;
    }
    bool framing = false;
    for (const auto f : kFramingFields)
      framing = framing || http::iequals(name, f);
    if (framing) {
      problem(std::string(name) + " is set by the server and cannot be overridden");
      continue;
    }
    out.sidecar.headers.emplace_back(std::string(name), std::string(value));
  }
  return out;
}

}  // namespace candela::origin
