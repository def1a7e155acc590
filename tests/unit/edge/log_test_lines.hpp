// Access-log lines and files for the log splitter and shipper tests.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "edge/access_log.hpp"

namespace candela::edge::testing {

// 2026-11-24T19:00:00.000Z
inline const SysTime kHour19 = SysTime(std::chrono::milliseconds(1795546800000LL));

// One access-log line (without '\n') of `property` at `at`, as the edge writes it.
inline std::string log_line(SysTime at, std::string_view property, std::string_view path = "/a") {
  AccessLogRecord r;
  r.time = at;
  r.edge_id = "edge-1";
  r.client_ip = "192.0.2.1";
  r.client_port = 4000;
  r.method = "GET";
  r.host = "www.example.com";
  r.path = path;
  r.protocol = "HTTP/1.1";
  r.status = 200;
  r.bytes_sent = 100;
  r.body_bytes = 10;
  r.cache_status = "hit";
  r.property_id = property;
  r.service_id = property.substr(0, property.find('.'));
  std::string out;
  AccessLog::format(r, out);
  out.pop_back();
  return out;
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines)
    text += l + "\n";
  return text;
}

inline void write_plain(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline void write_gzip(const std::filesystem::path& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

// The content of `data`, which must be exactly one gzip member (what the portal accepts as a
// chunk); nullopt otherwise.
inline std::optional<std::string> gunzip_bytes(const std::string& data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return std::nullopt;
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  char buf[65536];
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
    if (rc == Z_STREAM_END) {
      const bool single = z.avail_in == 0;
      inflateEnd(&z);
      if (!single) return std::nullopt;
      return out;
    }
    if (rc != Z_OK) {
      inflateEnd(&z);
      return std::nullopt;
    }
  }
}

inline std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace candela::edge::testing
