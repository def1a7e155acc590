// The origin's network side: accept loops, one coroutine per connection, response writing with
// optional delay, chunking and pacing; routing to files, sidecars and the /_origin/ endpoints.
#include "origin/origin_server.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>

#include "origin/etag.hpp"
#include "origin/http_date.hpp"
#include "origin/mime_types.hpp"
#include "origin/path_safety.hpp"
#include "origin/request_stats.hpp"
#include "origin/response_plan.hpp"
#include "origin/sidecar.hpp"
#include "origin/synthetic_body.hpp"
#include "origin/url_codec.hpp"

namespace candela::origin {

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Request = bhttp::request<bhttp::string_body>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kControlPrefix = "/_origin/";
constexpr std::size_t kSliceBytes = 64 * 1024;
constexpr std::uint64_t kMaxSyntheticBytes = 1ULL << 30;
constexpr std::size_t kMaxSidecarBytes = 64 * 1024;
constexpr std::size_t kMaxRequestBodyBytes = 1 << 20;
constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;

std::string to_std(boost::core::string_view s) {
  return std::string(s.data(), s.size());
}

// Owns a file descriptor; the body is read with pread so the offset is not shared state.
class FileHandle {
 public:
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// One response ready to be written: head fields plus where its body bytes come from.
struct Outgoing {
  enum class Source { kInline, kFile, kSynthetic };

  int status = 200;
  http::HeaderList headers;
  bool has_content = true;
  Source source = Source::kInline;
  std::string inline_body;
  std::unique_ptr<FileHandle> file;
  std::uint64_t body_offset = 0;
  std::uint64_t body_length = 0;
  bool chunked = false;
  std::chrono::milliseconds delay{0};
  std::uint64_t throttle = 0;
};

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::string> field(const Request& req, bhttp::field name) {
  const auto it = req.find(name);
  if (it == req.end()) return std::nullopt;
  return to_std(it->value());
}

ConditionalRequest conditional_fields(const Request& req) {
  ConditionalRequest c;
  c.if_match = field(req, bhttp::field::if_match);
  c.if_none_match = field(req, bhttp::field::if_none_match);
  c.if_modified_since = field(req, bhttp::field::if_modified_since);
  c.if_unmodified_since = field(req, bhttp::field::if_unmodified_since);
  c.range = field(req, bhttp::field::range);
  c.if_range = field(req, bhttp::field::if_range);
  return c;
}

std::string reason_phrase(int status) {
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  return reason.empty() ? std::string("Status") : to_std(reason);
}

// The stats key: the origin-form target (path and query), whatever form the request used.
std::string counted_key(const TargetParts& parts) {
  std::string key(parts.path);
  if (!parts.query.empty()) key.append("?").append(parts.query);
  return key;
}

// ?path=P (repeatable), ?prefix=P and ?by_path=0 narrow a stats answer (see docs/origin.md).
StatsFilter stats_filter(const QueryParams& query) {
  StatsFilter filter;
  for (const auto& [name, value] : query) {
    if (name == "path") filter.paths.push_back(value);
    if (name == "prefix") filter.prefix = value;
    if (name == "by_path" && value == "0") filter.include_by_path = false;
  }
  return filter;
}

bool is_get_or_head(const Request& req) {
  return req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
}

}  // namespace

struct OriginServer::Impl {
  Impl(OriginOptions opts, const Clock& c)
      : options(std::move(opts)), clock(c), start_time(std::chrono::floor<Seconds>(c.now())) {}

  OriginOptions options;
  const Clock& clock;
  const SysTime start_time;    // the Last-Modified of synthetic bodies: stable for a process
  std::filesystem::path root;  // canonical
  asio::io_context ioc;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  RequestStats stats;

  void bind_all();
  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor);
  asio::awaitable<void> session(tcp::socket socket);
  asio::awaitable<bool> write_response(tcp::socket& socket, Outgoing& out, bool head_only,
                                       bool keep_alive, bool http11);
  Outgoing respond(const Request& req, const tcp::endpoint& remote);
  Outgoing serve_file(const Request& req, std::string_view path);
  Outgoing serve_bytes(const Request& req, std::string_view count, const QueryParams& query);
  Outgoing serve_status(std::string_view code, const QueryParams& query);
  Outgoing echo(const Request& req, const tcp::endpoint& remote);
  Outgoing text(int status, std::string body) const;
  Outgoing json(int status, std::string body) const;
  void shutdown();
};

void OriginServer::Impl::bind_all() {
  std::error_code fs_ec;
  root = std::filesystem::canonical(options.root, fs_ec);
  if (fs_ec || !std::filesystem::is_directory(root)) {
    throw std::runtime_error("--root " + options.root.string() + " is not a readable directory");
  }
  for (const auto& addr : options.listen) {
    const std::string where = addr.host + ":" + std::to_string(addr.port);
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(addr.host == "localhost" ? "127.0.0.1" : addr.host, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": not a numeric address");
    const tcp::endpoint endpoint(ip, addr.port);
    auto acceptor = std::make_unique<tcp::acceptor>(ioc);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    acceptors.push_back(std::move(acceptor));
  }
}

asio::awaitable<void> OriginServer::Impl::accept_loop(tcp::acceptor& acceptor) {
  asio::steady_timer backoff(acceptor.get_executor());
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors or similar: pause instead of spinning, then keep serving.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kNoThrow);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> OriginServer::Impl::session(tcp::socket socket) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  boost::beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxRequestBodyBytes);
    auto [read_ec, n] = co_await bhttp::async_read(socket, buffer, parser, kNoThrow);
    (void)n;
    if (read_ec) {
      const bool peer_gone =
          read_ec == bhttp::error::end_of_stream || read_ec == asio::error::eof ||
          read_ec == asio::error::connection_reset || read_ec == asio::error::operation_aborted;
      if (!peer_gone) {
        Outgoing bad = text(400, "bad request: " + read_ec.message() + "\n");
        co_await write_response(socket, bad, false, false, true);
      }
      break;
    }
    const Request& req = parser.get();
    const bool http11 = req.version() >= 11;
    Outgoing out = respond(req, remote);
    const bool keep_alive = co_await write_response(socket, out, req.method() == bhttp::verb::head,
                                                    req.keep_alive(), http11);
    if (!keep_alive) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

// Writes head and body; returns whether the connection can carry another request.
asio::awaitable<bool> OriginServer::Impl::write_response(tcp::socket& socket, Outgoing& out,
                                                         bool head_only, bool keep_alive,
                                                         bool http11) {
  if (out.delay.count() > 0) {
    asio::steady_timer timer(socket.get_executor());
    timer.expires_after(out.delay);
    co_await timer.async_wait(kNoThrow);
  }
  // HTTP/1.0 has no chunked coding: such a body is delimited by closing the connection.
  const bool chunked = out.has_content && out.chunked && http11;
  if (out.has_content && out.chunked && !http11) keep_alive = false;

  std::string head = "HTTP/1.1 " + std::to_string(out.status) + " " + reason_phrase(out.status);
  head += "\r\n";
  for (const auto& [name, value] : out.headers)
    head += name + ": " + value + "\r\n";
  if (out.has_content) {
    if (chunked) {
      head += "Transfer-Encoding: chunked\r\n";
    } else if (!out.chunked) {
      head += "Content-Length: " + std::to_string(out.body_length) + "\r\n";
    }
  }
  if (!keep_alive) {
    head += "Connection: close\r\n";
  } else if (!http11) {
    head += "Connection: keep-alive\r\n";
  }
  head += "\r\n";

  const std::uint64_t length = (out.has_content && !head_only) ? out.body_length : 0;
  std::size_t slice = kSliceBytes;
  if (out.throttle > 0) {
    // Slices of about 50 ms of budget keep the pacing smooth without a write per byte.
    slice = static_cast<std::size_t>(std::clamp<std::uint64_t>(out.throttle / 20, 1, kSliceBytes));
  }
  std::vector<char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(slice, length)));
  asio::steady_timer pacer(socket.get_executor());
  const auto started = std::chrono::steady_clock::now();
  std::uint64_t sent = 0;
  bool head_pending = true;
  char chunk_header[24];
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";

  while (head_pending || sent < length) {
    std::vector<asio::const_buffer> buffers;
    if (head_pending) buffers.emplace_back(head.data(), head.size());
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(slice, length - sent));
    if (n > 0) {
      const std::uint64_t at = out.body_offset + sent;
      switch (out.source) {
        case Outgoing::Source::kInline:
          std::memcpy(buf.data(), out.inline_body.data() + at, n);
          break;
        case Outgoing::Source::kSynthetic:
          fill_synthetic(at, buf.data(), n);
          break;
        case Outgoing::Source::kFile: {
          std::size_t got = 0;
          while (got < n) {
            const auto r =
                ::pread(out.file->fd(), buf.data() + got, n - got, static_cast<off_t>(at + got));
            if (r <= 0) co_return false;  // the file shrank under us: the framing is broken
            got += static_cast<std::size_t>(r);
          }
          break;
        }
      }
      if (chunked) {
        const int len = std::snprintf(chunk_header, sizeof chunk_header, "%zx\r\n", n);
        buffers.emplace_back(chunk_header, static_cast<std::size_t>(len));
      }
      buffers.emplace_back(buf.data(), n);
      if (chunked) buffers.emplace_back(kCrlf.data(), kCrlf.size());
    }
    sent += n;
    if (chunked && !head_only && sent == length) {
      buffers.emplace_back(kLastChunk.data(), kLastChunk.size());
    }
    auto [ec, written] = co_await asio::async_write(socket, buffers, kNoThrow);
    (void)written;
    if (ec) co_return false;
    head_pending = false;
    if (out.throttle > 0 && sent < length) {
      pacer.expires_at(started + std::chrono::microseconds(sent * 1'000'000 / out.throttle));
      co_await pacer.async_wait(kNoThrow);
    }
  }
  co_return keep_alive;
}

Outgoing OriginServer::Impl::text(int status, std::string body) const {
  Outgoing out;
  out.status = status;
  out.headers.add("Date", format_http_date(clock.now()));
  out.headers.add("Content-Type", "text/plain; charset=utf-8");
  out.has_content = !status_has_no_content(status);
  if (out.has_content) {
    out.body_length = body.size();
    out.inline_body = std::move(body);
  }
  return out;
}

Outgoing OriginServer::Impl::json(int status, std::string body) const {
  Outgoing out = text(status, std::move(body) + "\n");
  out.headers.set("Content-Type", "application/json");
  // Control answers describe this instant; a cache in front must never reuse them.
  out.headers.add("Cache-Control", "no-store");
  return out;
}

Outgoing OriginServer::Impl::respond(const Request& req, const tcp::endpoint& remote) {
  const std::string target = to_std(req.target());
  const auto parts = split_target(target);
  const std::string_view path = parts.path;

  if (path.starts_with(kControlPrefix)) {
    const auto name = path.substr(kControlPrefix.size());
    // stats and reset observe the counters, so they are the two requests never counted.
    if (name == "stats") {
      if (!is_get_or_head(req)) {
        auto out = text(405, "use GET\n");
        out.headers.add("Allow", "GET, HEAD");
        return out;
      }
      return json(200, stats.to_json(stats_filter(parse_query(parts.query))));
    }
    if (name == "reset") {
      if (req.method() != bhttp::verb::post) {
        auto out = text(405, "use POST\n");
        out.headers.add("Allow", "POST");
        return out;
      }
      stats.reset();
      return json(200, stats.to_json());
    }
    stats.record(counted_key(parts));
    const auto query = parse_query(parts.query);
    if (name == "echo") return echo(req, remote);
    if (name.starts_with("status/")) return serve_status(name.substr(7), query);
    if (name.starts_with("bytes/")) {
      // "/bytes/N/anything": the tail only makes distinct URLs for distinct cached objects.
      const auto rest = name.substr(6);
      return serve_bytes(req, rest.substr(0, rest.find('/')), query);
    }
    return text(404, "unknown control endpoint\n");
  }
  stats.record(counted_key(parts));
  return serve_file(req, path);
}

Outgoing OriginServer::Impl::echo(const Request& req, const tcp::endpoint& remote) {
  nlohmann::ordered_json headers = nlohmann::ordered_json::array();
  for (const auto& f : req) {
    headers.push_back(nlohmann::ordered_json::array({to_std(f.name_string()), to_std(f.value())}));
  }
  const std::string version =
      "HTTP/" + std::to_string(req.version() / 10) + "." + std::to_string(req.version() % 10);
  const nlohmann::ordered_json body = {
      {"request_line", to_std(req.method_string()) + " " + to_std(req.target()) + " " + version},
      {"method", to_std(req.method_string())},
      {"target", to_std(req.target())},
      {"version", version},
      {"headers", std::move(headers)},
      {"body_bytes", req.body().size()},
      {"remote_address", remote.address().to_string()},
      {"remote_port", remote.port()},
  };
  return json(200, body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

Outgoing OriginServer::Impl::serve_status(std::string_view code, const QueryParams& query) {
  const auto status = parse_u64(code);
  if (!status || *status < 200 || *status > 599) {
    return text(400, "status must be a number from 200 to 599\n");
  }
  const int s = static_cast<int>(*status);
  Outgoing out = text(s, std::to_string(s) + " " + reason_phrase(s) + "\n");
  if (const auto cc = query_param(query, "cc")) out.headers.add("Cache-Control", *cc);
  if (const auto location = query_param(query, "location")) out.headers.add("Location", *location);
  if (const auto delay = query_param(query, "delay_ms")) {
    if (const auto ms = parse_u64(*delay)) out.delay = std::chrono::milliseconds(*ms);
  }
  return out;
}

Outgoing OriginServer::Impl::serve_bytes(const Request& req, std::string_view count,
                                         const QueryParams& query) {
  if (!is_get_or_head(req)) {
    auto out = text(405, "use GET or HEAD\n");
    out.headers.add("Allow", "GET, HEAD");
    return out;
  }
  const auto size = parse_u64(count);
  if (!size || *size > kMaxSyntheticBytes) {
    return text(400,
                "bytes count must be a number up to " + std::to_string(kMaxSyntheticBytes) + "\n");
  }
  Representation rep;
  rep.size = *size;
  rep.content_type = "application/octet-stream";
  if (options.etag) rep.etag = make_bytes_etag(*size);
  if (options.last_modified) rep.last_modified = start_time;
  rep.cache_control = query_param(query, "cc").value_or(options.cache_control);

  ResponsePlan plan = plan_response(conditional_fields(req), rep, Sidecar{}, clock.now());
  Outgoing out;
  out.status = plan.status;
  out.headers = std::move(plan.headers);
  out.has_content = plan.has_content;
  out.source = Outgoing::Source::kSynthetic;
  out.body_offset = plan.body_offset;
  out.body_length = plan.body_length;
  out.chunked = query_param(query, "chunked") == "1";
  out.delay = options.delay;
  out.throttle = options.throttle_bytes_per_sec;
  if (const auto delay = query_param(query, "delay_ms")) {
    if (const auto ms = parse_u64(*delay)) out.delay = std::chrono::milliseconds(*ms);
  }
  if (const auto throttle = query_param(query, "throttle")) {
    if (const auto rate = parse_u64(*throttle)) out.throttle = *rate;
  }
  return out;
}

Outgoing OriginServer::Impl::serve_file(const Request& req, std::string_view path) {
  if (!is_get_or_head(req)) {
    auto out = text(405, "use GET or HEAD\n");
    out.headers.add("Allow", "GET, HEAD");
    return out;
  }
  const auto safe = to_safe_path(path);
  if (!safe) return text(400, "bad path: " + safe.error() + "\n");
  if (std::string_view(safe->relative).ends_with(kSidecarSuffix)) {
    return text(404, "not found\n");  // sidecars describe files; they are not content
  }
  auto file_path = safe->relative.empty() ? root : root / safe->relative;
  std::error_code fs_ec;
  if (safe->trailing_slash || std::filesystem::is_directory(file_path, fs_ec)) {
    file_path /= "index.html";
  }
  // A symlink inside the root may point anywhere; only targets under the root are served.
  const auto resolved = std::filesystem::weakly_canonical(file_path, fs_ec);
  const auto rel = resolved.lexically_relative(root);
  if (fs_ec || rel.empty() || *rel.begin() == "..") return text(404, "not found\n");

  const int fd = ::open(resolved.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text(404, "not found\n");
  auto file = std::make_unique<FileHandle>(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return text(404, "not found\n");

  Sidecar sidecar;
  const auto sidecar_path = resolved.string() + std::string(kSidecarSuffix);
  if (const int sfd = ::open(sidecar_path.c_str(), O_RDONLY | O_CLOEXEC); sfd >= 0) {
    FileHandle sidecar_file(sfd);
    std::string text_buf(kMaxSidecarBytes, '\0');
    const auto got = ::read(sfd, text_buf.data(), text_buf.size());
    text_buf.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    auto parsed = parse_sidecar(text_buf);
    for (const auto& problem : parsed.problems) {
      std::fprintf(stderr, "candela origin: %s: %s\n", sidecar_path.c_str(), problem.c_str());
    }
    sidecar = std::move(parsed.sidecar);
  }

  Representation rep;
  rep.size = static_cast<std::uint64_t>(st.st_size);
  rep.content_type = std::string(content_type_for(resolved.filename().string()));
  const auto mtime_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ULL +
                        static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
  if (options.etag) {
    rep.etag = make_file_etag(rep.size, mtime_ns, static_cast<std::uint64_t>(st.st_ino));
  }
  if (options.last_modified) rep.last_modified = SysTime(std::chrono::seconds(st.st_mtim.tv_sec));
  rep.cache_control = options.cache_control;

  ResponsePlan plan = plan_response(conditional_fields(req), rep, sidecar, clock.now());
  Outgoing out;
  out.status = plan.status;
  out.headers = std::move(plan.headers);
  out.has_content = plan.has_content;
  out.source = Outgoing::Source::kFile;
  out.file = std::move(file);
  out.body_offset = plan.body_offset;
  out.body_length = plan.body_length;
  out.chunked = sidecar.chunked;
  out.delay = sidecar.delay.value_or(options.delay);
  out.throttle = options.throttle_bytes_per_sec;
  return out;
}

void OriginServer::Impl::shutdown() {
  asio::post(ioc, [this] {
    boost::system::error_code ec;
    for (auto& acceptor : acceptors)
      acceptor->close(ec);
    ioc.stop();
  });
}

OriginServer::OriginServer(OriginOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), clock)) {
  if (impl_->options.listen.empty()) throw std::runtime_error("at least one --listen is needed");
  if (impl_->options.threads < 1) throw std::runtime_error("--threads must be at least 1");
  impl_->bind_all();
}

OriginServer::~OriginServer() = default;

std::vector<std::uint16_t> OriginServer::ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& acceptor : impl_->acceptors) {
    boost::system::error_code ec;
    out.push_back(acceptor->local_endpoint(ec).port());
  }
  return out;
}

int OriginServer::run() {
  auto& impl = *impl_;
  asio::signal_set signals(impl.ioc, SIGINT, SIGTERM);
  signals.async_wait([&impl](const boost::system::error_code& ec, int) {
    if (!ec) impl.shutdown();
  });
  for (auto& acceptor : impl.acceptors) {
    asio::co_spawn(impl.ioc, impl.accept_loop(*acceptor), asio::detached);
  }
  std::vector<std::thread> workers;
  for (int i = 1; i < impl.options.threads; ++i)
    workers.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& worker : workers)
    worker.join();
  return 0;
}

void OriginServer::stop() {
  impl_->shutdown();
}

}  // namespace candela::origin
