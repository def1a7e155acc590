// Serves the web UI's built files from one folder: index.html at "/", ETag/304, SPA fallback.
#pragma once

#include <filesystem>
#include <string_view>

#include "portal/message.hpp"

namespace candela::portal {

class StaticFiles {
 public:
  // `root` must exist; throws std::runtime_error otherwise (a start-up error).
  explicit StaticFiles(const std::filesystem::path& root);

  // Answers a GET or HEAD for a non-API path. "/" and paths whose last segment has no file
  // extension and names no file get index.html (client-side routes of the single-page app);
  // a missing file with an extension is a 404 problem, so a broken asset link is visible.
  // "." or ".." segments, encoded slashes, NUL bytes and anything resolving outside the root
  // (symbolic links included) are refused with 400/404 and never read.
  Response serve(const Request& request) const;

  static std::string_view content_type_for(const std::filesystem::path& file);

 private:
  Response serve_file(const Request& request, const std::filesystem::path& file) const;

  std::filesystem::path root_;  // canonical
};

}  // namespace candela::portal
