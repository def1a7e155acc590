// A stand-in for the portal's log-chunk endpoint in unit tests: a small HTTP/1.1 server on
// 127.0.0.1 that records every request and stores chunks keyed (property, hour, chunk) the way
// the portal does (201 the first time, 200 when the same key comes again).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace candela::edge::testing {

namespace fake_http = boost::beast::http;

struct RecordedRequest {
  std::string method;
  std::string path;  // without the query
  std::map<std::string, std::string> query;
  std::string authorization;
  std::string content_type;
  std::string body;
  int status = 0;  // what the fake answered
};

using ChunkKey = std::tuple<std::string, std::string, std::string>;  // property, hour, chunk

inline std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

class FakeLogPortal {
 public:
  // Decides the status of the n-th request (0-based); 0 = the default behaviour (store the
  // chunk: 201 when new, 200 when the key is known).
  using Script = std::function<int(const RecordedRequest&, std::size_t n)>;

  FakeLogPortal() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeLogPortal() {
    io_.stop();
    thread_.join();
  }
  FakeLogPortal(const FakeLogPortal&) = delete;
  FakeLogPortal& operator=(const FakeLogPortal&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void script(Script s) {
    std::lock_guard lock(mutex_);
    script_ = std::move(s);
  }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::map<ChunkKey, std::string> stored() const {
    std::lock_guard lock(mutex_);
    return stored_;
  }

 private:
  using tcp = boost::asio::ip::tcp;

  struct Session : std::enable_shared_from_this<Session> {
    Session(FakeLogPortal& p, tcp::socket s) : portal(p), socket(std::move(s)) {}
    FakeLogPortal& portal;
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
    fake_http::request<fake_http::string_body> request;
    fake_http::response<fake_http::string_body> response;

    void read() {
      request = {};
      fake_http::async_read(socket, buffer, request,
                            [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                              if (!ec) self->answer();
                            });
    }
    void answer() {
      response = portal.handle(request);
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      fake_http::async_write(socket, response,
                             [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                               if (!ec && self->response.keep_alive()) self->read();
                             });
    }
  };

  void accept() {
    port_ = acceptor_.local_endpoint().port();
    acceptor_.async_accept([this](boost::beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(*this, std::move(socket))->read();
      accept();
    });
  }

  fake_http::response<fake_http::string_body> handle(
      const fake_http::request<fake_http::string_body>& req) {
    RecordedRequest r;
    r.method = std::string(req.method_string());
    const std::string target(req.target());
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string_view rest = std::string_view(target).substr(q + 1);
      while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        r.query[percent_decode(pair.substr(0, eq))] =
            eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      }
    }
    r.authorization = std::string(req[fake_http::field::authorization]);
    r.content_type = std::string(req[fake_http::field::content_type]);
    r.body = req.body();
    std::lock_guard lock(mutex_);
    int status = script_ ? script_(r, requests_.size()) : 0;
    if (status == 0) {
      const std::string chunk = percent_decode(r.path.substr(r.path.rfind('/') + 1));
      const ChunkKey key{r.query["property"], r.query["hour"], chunk};
      status = stored_.contains(key) ? 200 : 201;
      stored_[key] = r.body;
    }
    r.status = status;
    requests_.push_back(r);
    fake_http::response<fake_http::string_body> res{static_cast<fake_http::status>(status), 11};
    res.set(fake_http::field::content_type, "application/problem+json");
    res.body() = "{\"status\":" + std::to_string(status) + ",\"detail\":\"scripted\"}";
    return res;
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  Script script_;
  std::vector<RecordedRequest> requests_;
  std::map<ChunkKey, std::string> stored_;
};

}  // namespace candela::edge::testing
