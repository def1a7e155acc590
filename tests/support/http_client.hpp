// A deliberately simple, independent HTTP/1.1 client for tests: raw bytes in, parsed responses
// out, so tests can send malformed requests and observe exactly what the server wrote.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace candela::testing {

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool chunked = false;  // the body arrived with the chunked coding

  // First value of a field (case-insensitive), or empty.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
  std::size_t header_count(const std::string& name) const;
};

class RawConnection {
 public:
  explicit RawConnection(int port);  // connects to 127.0.0.1:port, throws on failure
  // Connects from `source_address` (an IPv4 loopback address such as "127.0.0.2": the whole of
  // 127.0.0.0/8 is local on Linux), so a test can look like a client of another network.
  RawConnection(int port, const std::string& source_address);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool send(const std::string& bytes);
  // Reads one response. `head_request`: the response to HEAD has no body. Returns nullopt on
  // timeout or if the peer closed before a whole response arrived.
  std::optional<HttpResponse> read_response(
      bool head_request = false, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits until the server closes the connection (EOF or reset); false on timeout.
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads whatever arrives within `timeout` (for tests that look at raw bytes).
  std::string read_available(std::chrono::milliseconds timeout);
  int fd() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// One request on a fresh connection: "GET path HTTP/1.1" with Host and extra header lines
// (each "Name: value"). Connection: close is added.
std::optional<HttpResponse> http_request(int port, const std::string& method,
                                         const std::string& path, const std::string& host,
                                         const std::vector<std::string>& headers = {},
                                         const std::string& body = {});
inline std::optional<HttpResponse> http_get(int port, const std::string& path,
                                            const std::string& host,
                                            const std::vector<std::string>& headers = {}) {
  return http_request(port, "GET", path, host, headers);
}

}  // namespace candela::testing
