// Request path decoding and traversal checks.
#include "origin/path_safety.hpp"

#include "origin/url_codec.hpp"

namespace candela::origin {

TargetParts split_target(std::string_view target) {
  if (!target.empty() && target.front() != '/') {
    // absolute-form: skip "scheme://authority"
    const auto scheme_end = target.find("://");
    if (scheme_end != std::string_view::npos) {
      const auto path_start = target.find_first_of("/?", scheme_end + 3);
      target =
          path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
    }
  }
  TargetParts parts;
  const auto q = target.find('?');
  parts.path = target.substr(0, q);
  if (q != std::string_view::npos) parts.query = target.substr(q + 1);
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

Result<SafePath> to_safe_path(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') {
    return Error{"the request path must start with '/'"};
  }
  const auto decoded = percent_decode(raw_path);
  if (!decoded) return Error{"malformed percent-encoding in the request path"};
  if (decoded->find('\0') != std::string::npos) return Error{"NUL in the request path"};

  SafePath out;
  out.trailing_slash = decoded->back() == '/';
  std::string_view rest(*decoded);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") return Error{"'..' is not allowed in the request path"};
    if (!out.relative.empty()) out.relative.push_back('/');
    out.relative.append(segment);
  }
  return out;
}

}  // namespace candela::origin
