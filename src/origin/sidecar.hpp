// Sidecar files: `X.hdr` next to `X` adds response header fields and per-file behaviour.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candela::origin {

// What one sidecar asks for. Header fields keep their order and may repeat.
struct Sidecar {
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<int> status;                       // "@status: 404"
  std::optional<std::chrono::milliseconds> delay;  // "@delay-ms: 500"
  bool chunked = false;                            // "@chunked: 1"
};

struct SidecarParse {
  Sidecar sidecar;
  // One message per line that was skipped, e.g. "line 3: not a header field"; shown in the log so
  // a typo in a test fixture is visible rather than silently ignored.
  std::vector<std::string> problems;
};

// The extension that marks a sidecar file.
inline constexpr std::string_view kSidecarSuffix = ".hdr";

// Parses sidecar text: one "Name: value" per line (LF or CRLF); blank lines and lines starting
// with '#' are ignored. Framing fields (Content-Length, Transfer-Encoding, Connection) are refused
// because the server owns the message framing.
SidecarParse parse_sidecar(std::string_view text);

}  // namespace candela::origin
