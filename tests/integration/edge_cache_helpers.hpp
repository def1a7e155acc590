// Small helpers shared by the edge caching integration tests (dates, metrics, polling).
#pragma once

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/candela_processes.hpp"
#include "support/http_client.hpp"

namespace candela::testing {

// An IMF-fixdate (RFC 9110 §5.6.7) for `t`.
inline std::string http_date(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// The deterministic content of `/_origin/bytes/N`: byte i is kAlphabet[i % 64].
inline std::string origin_bytes(std::size_t length, std::size_t offset = 0) {
  static constexpr char kAlphabet[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  std::string out(length, '\0');
  for (std::size_t i = 0; i < length; ++i)
    out[i] = kAlphabet[(offset + i) % 64];
  return out;
}

// Distinct, printable content of `length` bytes (for files put on the origin).
inline std::string file_content(std::size_t length, char seed = 'a') {
  std::string out(length, '\0');
  for (std::size_t i = 0; i < length; ++i) {
    out[i] = static_cast<char>('!' + (static_cast<std::size_t>(seed) * 7 + i * 13 + i / 89) % 90);
  }
  return out;
}

// Polls `condition` every 50 ms until it holds or `timeout` passes.
template <class Condition>
bool eventually(Condition condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// The value of an unlabelled metric from the edge's admin /metrics, or -1 when absent.
inline double metric(int admin_port, const std::string& name) {
  auto r = http_get(admin_port, "/metrics", "admin");
  if (!r || r->status != 200) return -1;
  std::istringstream lines(r->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
        line[name.size()] == ' ') {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return -1;
}

// Rewrites only the `.hdr` sidecar of an origin file (the file, and so its ETag and
// Last-Modified, stay unchanged).
inline void put_sidecar(const OriginServer& origin, const std::string& path,
                        const std::vector<std::string>& lines) {
  std::ofstream out(origin.root() + path + ".hdr", std::ios::trunc);
  for (const auto& line : lines)
    out << line << "\n";
}

inline std::string get_request(const std::string& path, const std::string& host,
                               const std::string& extra_lines = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra_lines + "\r\n";
}

// An origin and an edge in front of it, answering Host `kCacheHost`.
inline constexpr const char* kCacheHost = "cache.test";

struct OriginAndEdge {
  explicit OriginAndEdge(std::vector<std::string> origin_args = {},
                         nlohmann::json cache_settings = nullptr)
      : origin(std::move(origin_args)), edge(config(origin.port(), cache_settings)) {}

  static nlohmann::json config(int origin_port, const nlohmann::json& cache_settings) {
    auto c = edge_config({property_json("cache", kCacheHost, origin_port)});
    if (!cache_settings.is_null()) c["cache"] = cache_settings;
    return c;
  }

  std::optional<HttpResponse> get(const std::string& path,
                                  const std::vector<std::string>& headers = {}) const {
    return http_get(edge.port(), path, kCacheHost, headers);
  }
  std::optional<HttpResponse> request(const std::string& method, const std::string& path,
                                      const std::vector<std::string>& headers = {}) const {
    return http_request(edge.port(), method, path, kCacheHost, headers);
  }

  OriginServer origin;
  EdgeServer edge;
};

}  // namespace candela::testing
