// A fixed table of the media types a demo or test origin commonly serves.
#include "origin/mime_types.hpp"

#include <array>
#include <utility>

#include "http/headers.hpp"

namespace candela::origin {

namespace {
constexpr std::array<std::pair<std::string_view, std::string_view>, 32> kTypes = {{
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"m4s", "video/iso.segment"},
    {"ts", "video/mp2t"},
    {"m3u8", "application/vnd.apple.mpegurl"},
    {"mpd", "application/dash+xml"},
    {"mp3", "audio/mpeg"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"bin", "application/octet-stream"},
}};
}  // namespace

std::string_view content_type_for(std::string_view file_name) {
  const auto slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
  const auto ext = file_name.substr(dot + 1);
  for (const auto& [e, type] : kTypes) {
    if (http::iequals(e, ext)) return type;
  }
  return "application/octet-stream";
}

}  // namespace candela::origin
