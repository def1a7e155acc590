// Maps a request target to a file path under the served root without letting it escape.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::origin {

struct TargetParts {
  std::string_view path;   // starts with '/'
  std::string_view query;  // without the '?'; empty if none
};

// Splits an origin-form or absolute-form target ("http://host/p?q" keeps only "/p" and "q").
TargetParts split_target(std::string_view target);

struct SafePath {
  std::string relative;         // decoded segments joined by '/', no leading '/'; "" for the root
  bool trailing_slash = false;  // "/dir/" asks for the directory's index
};

// Decodes the path and checks every segment. Errors (answered with 400): malformed escapes, NUL,
// a ".." segment in raw or percent-encoded form (e.g. "%2e%2e", "..%2f"), or no leading '/'.
// "." and empty segments are dropped. The server also checks the resolved file against the
// canonical root, so a symlink cannot lead outside it either.
Result<SafePath> to_safe_path(std::string_view raw_path);

}  // namespace candela::origin
