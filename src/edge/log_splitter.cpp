// Splitting a rotated access log: pass 1 sorts lines into one plain file per (property, hour)
// with bounded memory; pass 2 compresses each group into parts no larger than the chunk limit.
#include "edge/log_splitter.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace candela::edge {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kReadBlock = 256 * 1024;
constexpr std::size_t kMaxSegment = 1u << 20;

Error unavailable(const std::string& what, int err) {
  return Error{what + ": " + std::strerror(err), ErrorKind::kUnavailable};
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Writes all of `data` to the end of `path`, creating it.
bool append_file(const fs::path& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      errno = err;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0;
}

bool fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  errno = err;
  return ok;
}

// Pass 1: lines of each (hour, property) group gathered in memory, spilled to one plain file
// per group when the buffers together exceed the budget.
class GroupSpool {
 public:
  GroupSpool(fs::path folder, std::size_t budget) : folder_(std::move(folder)), budget_(budget) {}

  bool add(const LogLineKey& key, std::string_view line) {
    auto [it, fresh] = groups_.try_emplace({key.hour, key.property});
    if (fresh) it->second.index = groups_.size();
    it->second.pending.append(line);
    it->second.pending += '\n';
    ++it->second.lines;
    buffered_ += line.size() + 1;
    return buffered_ <= budget_ || spill();
  }

  bool spill() {
    for (auto& [key, group] : groups_) {
      if (group.pending.empty()) continue;
      if (!append_file(raw_path(group), group.pending)) return false;
      group.pending.clear();
      group.pending.shrink_to_fit();
    }
    buffered_ = 0;
    return true;
  }

  struct Group {
    std::size_t index = 0;
    std::uint64_t lines = 0;
    std::string pending;
  };
  // Ordered by (hour, property): the order of the manifest.
  const std::map<std::pair<std::string, std::string>, Group>& groups() const { return groups_; }
  fs::path raw_path(const Group& group) const {
    return folder_ / ("group-" + std::to_string(group.index) + ".jsonl");
  }

 private:
  fs::path folder_;
  std::size_t budget_;
  std::size_t buffered_ = 0;
  std::map<std::pair<std::string, std::string>, Group> groups_;
};

// Pass 2: one group's lines compressed into gzip parts. Lines go in segments of whole lines,
// each ended by Z_SYNC_FLUSH so the bytes written so far are exact; a segment that could take
// the part past the limit (by deflateBound, a worst case) starts the next part instead.
class PartWriter {
 public:
  PartWriter(fs::path folder, std::uint64_t limit, std::size_t& next_file)
      : folder_(std::move(folder)), limit_(limit), next_file_(next_file) {}
  ~PartWriter() {
    if (open_) deflateEnd(&z_);
  }
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;

  struct Part {
    std::string file;
    std::uint64_t lines = 0;
    std::uint64_t bytes = 0;
  };

  Result<std::monostate> add_segment(std::string_view lines, std::uint64_t count) {
    if (open_ && parts_.back().bytes + deflateBound(&z_, lines.size()) > limit_) {
      if (auto done = finish_part(); !done.ok()) return done;
    }
    if (!open_) {
      if (auto started = start_part(); !started.ok()) return started;
    }
    if (auto put = deflate_into_file(lines, Z_SYNC_FLUSH); !put.ok()) return put;
    parts_.back().lines += count;
    return std::monostate{};
  }

  Result<std::vector<Part>> finish() {
    if (open_) {
      if (auto done = finish_part(); !done.ok()) return Error{done.failure()};
    }
    return std::move(parts_);
  }

 private:
  Result<std::monostate> start_part() {
    z_ = {};
    // windowBits 15 + 16: a gzip wrapper rather than zlib's.
    if (deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return Error{"zlib cannot start a stream", ErrorKind::kInternal};
    }
    open_ = true;
    char name[32];
    std::snprintf(name, sizeof(name), "%06zu.jsonl.gz", ++next_file_);
    parts_.push_back({name, 0, 0});
    return std::monostate{};
  }

  Result<std::monostate> finish_part() {
    auto done = deflate_into_file({}, Z_FINISH);
    deflateEnd(&z_);
    open_ = false;
    return done;
  }

  Result<std::monostate> deflate_into_file(std::string_view in, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[64 * 1024];
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = sizeof(buf);
      const int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return Error{"zlib failed to compress", ErrorKind::kInternal};
      out.append(buf, sizeof(buf) - z_.avail_out);
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) break;
    }
    Part& part = parts_.back();
    if (!append_file(folder_ / part.file, out)) return unavailable("writing a log chunk", errno);
    part.bytes += out.size();
    return std::monostate{};
  }

  fs::path folder_;
  std::uint64_t limit_;
  std::size_t& next_file_;
  z_stream z_{};
  bool open_ = false;
  std::vector<Part> parts_;
};

// Compresses one group's plain file into parts.
Result<std::vector<PartWriter::Part>> compress_group(const fs::path& raw, const fs::path& folder,
                                                     std::uint64_t limit, std::size_t& next_file) {
  std::ifstream in(raw, std::ios::binary);
  if (!in) return unavailable("reading " + raw.string(), errno);
  const std::size_t segment_limit =
      static_cast<std::size_t>(std::clamp<std::uint64_t>(limit / 8, 1, kMaxSegment));
  PartWriter writer(folder, limit, next_file);
  std::string segment;
  std::uint64_t count = 0;
  for (std::string line; std::getline(in, line);) {
    if (!segment.empty() && segment.size() + line.size() + 1 > segment_limit) {
      if (auto added = writer.add_segment(segment, count); !added.ok()) return added.failure();
      segment.clear();
      count = 0;
    }
    segment += line;
    segment += '\n';
    ++count;
  }
  if (!segment.empty()) {
    if (auto added = writer.add_segment(segment, count); !added.ok()) return added.failure();
  }
  return writer.finish();
}

json manifest_json(const LogSplit& split) {
  json chunks = json::array();
  for (const auto& c : split.chunks) {
    chunks.push_back({{"file", c.file},
                      {"property", c.property},
                      {"hour", c.hour},
                      {"chunk", c.chunk},
                      {"lines", c.lines},
                      {"bytes", c.bytes}});
  }
  return {{"stamp", split.stamp},
          {"lines_unmatched", split.lines_unmatched},
          {"lines_invalid", split.lines_invalid},
          {"chunks", chunks}};
}

// Pass 1 over the source: each whole line into its group (or counted as skipped).
Result<std::monostate> spool_lines(const fs::path& source, GroupSpool& spool, LogSplit& split) {
  gzFile in = gzopen(source.c_str(), "rb");
  if (in == nullptr) return unavailable("opening " + source.string(), errno);
  gzbuffer(in, kReadBlock);
  std::string carry;
  std::vector<char> block(kReadBlock);
  auto take_line = [&](std::string_view line) -> bool {
    const auto key = log_line_key(line);
    if (!key) {
      ++split.lines_invalid;
      return true;
    }
    if (key->property.empty() || key->property == "-") {
      ++split.lines_unmatched;
      return true;
    }
    return spool.add(*key, line);
  };
  for (;;) {
    const int n = gzread(in, block.data(), static_cast<unsigned>(block.size()));
    if (n < 0) {
      int code = 0;
      const std::string message = gzerror(in, &code);
      gzclose(in);
      if (code == Z_ERRNO) return unavailable("reading " + source.string(), errno);
      return Error{source.string() + " is not a readable log: " + message, ErrorKind::kInvalid};
    }
    if (n == 0) break;
    std::string_view data(block.data(), static_cast<std::size_t>(n));
    while (!data.empty()) {
      const auto nl = data.find('\n');
      if (nl == std::string_view::npos) {
        carry.append(data);
        break;
      }
      bool ok = true;
      if (carry.empty()) {
        ok = take_line(data.substr(0, nl));
      } else {
        carry.append(data.substr(0, nl));
        ok = take_line(carry);
        carry.clear();
      }
      if (!ok) {
        gzclose(in);
        return unavailable("writing the log outbox", errno);
      }
      data.remove_prefix(nl + 1);
    }
  }
  // A last line without '\n' was cut off (a crash while writing it): not a whole line.
  if (!carry.empty()) ++split.lines_invalid;
  const bool truncated = gzclose(in) == Z_BUF_ERROR;
  if (truncated) {
    return Error{source.string() + " is not a readable log: the gzip data ends early",
                 ErrorKind::kInvalid};
  }
  if (!spool.spill()) return unavailable("writing the log outbox", errno);
  return std::monostate{};
}

}  // namespace

std::optional<LogLineKey> log_line_key(std::string_view line) {
  // Lines start {"ts":"YYYY-MM-DDTHH:MM:SS.mmmZ" (docs/access-log.md: fields in fixed order).
  constexpr std::string_view kStart = "{\"ts\":\"";
  constexpr std::string_view kPattern = "DDDD-DD-DDTDD:DD:DD.DDDZ\"";
  if (!line.starts_with(kStart) || line.size() < kStart.size() + kPattern.size()) return {};
  const std::string_view ts = line.substr(kStart.size(), kPattern.size());
  for (std::size_t i = 0; i < kPattern.size(); ++i) {
    if (kPattern[i] == 'D' ? !is_digit(ts[i]) : ts[i] != kPattern[i]) return {};
  }
  // Inside a JSON string every '"' is escaped, so ,"property":" only occurs as the member.
  constexpr std::string_view kProperty = ",\"property\":";
  const auto at = line.find(kProperty);
  if (at == std::string_view::npos) return {};
  if (!json::accept(line)) return {};
  std::size_t end = at + kProperty.size();
  if (end >= line.size() || line[end] != '"') return {};
  for (++end; end < line.size() && line[end] != '"'; ++end) {
    if (line[end] == '\\') ++end;
  }
  if (end >= line.size()) return {};
  const std::string_view quoted =
      line.substr(at + kProperty.size(), end + 1 - at - kProperty.size());
  LogLineKey key;
  key.hour = std::string(ts.substr(0, 13)) + ":00:00Z";
  if (quoted.find('\\') == std::string_view::npos) {
    key.property = std::string(quoted.substr(1, quoted.size() - 2));
  } else {
    key.property = json::parse(quoted).get<std::string>();
  }
  return key;
}

Result<LogSplit> split_log_file(const fs::path& source, const std::string& stamp,
                                const fs::path& outbox, const LogSplitOptions& options) {
  const fs::path tmp = outbox / (stamp + ".tmp");
  const fs::path final_folder = outbox / stamp;
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return unavailable("creating " + tmp.string(), ec.value());
  auto fail = [&](Error e) -> Result<LogSplit> {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    return e;
  };

  LogSplit split;
  split.stamp = stamp;
  GroupSpool spool(tmp, options.buffer_bytes);
  if (auto spooled = spool_lines(source, spool, split); !spooled.ok()) {
    return fail(spooled.failure());
  }
  std::size_t next_file = 0;
  for (const auto& [key, group] : spool.groups()) {
    const fs::path raw = spool.raw_path(group);
    auto parts = compress_group(raw, tmp, options.max_chunk_bytes, next_file);
    if (!parts.ok()) return fail(parts.failure());
    fs::remove(raw, ec);
    for (std::size_t i = 0; i < parts->size(); ++i) {
      const auto& part = (*parts)[i];
      std::string chunk = stamp;
      if (parts->size() > 1) chunk += "-part" + std::to_string(i + 1);
      split.chunks.push_back({part.file, key.second, key.first, chunk, part.lines, part.bytes});
      if (!fsync_path(tmp / part.file, false)) {
        return fail(unavailable("syncing " + (tmp / part.file).string(), errno));
      }
    }
  }
  const fs::path manifest = tmp / std::string(kLogManifestName);
  if (!append_file(manifest, manifest_json(split).dump() + "\n") || !fsync_path(manifest, false) ||
      !fsync_path(tmp, true)) {
    return fail(unavailable("writing " + manifest.string(), errno));
  }
  // A folder left by an earlier, interrupted run of the same source is replaced.
  fs::remove_all(final_folder, ec);
  fs::rename(tmp, final_folder, ec);
  if (ec) return fail(unavailable("renaming " + tmp.string(), ec.value()));
  fsync_path(outbox, true);
  return split;
}

Result<LogSplit> read_log_manifest(const fs::path& folder) {
  const fs::path path = folder / std::string(kLogManifestName);
  std::ifstream in(path);
  if (!in) return Error{"cannot read " + path.string(), ErrorKind::kInvalid};
  std::stringstream text;
  text << in.rdbuf();
  const json j = json::parse(text.str(), nullptr, false);
  try {
    if (!j.is_object()) throw std::runtime_error("not a JSON object");
    LogSplit split;
    split.stamp = j.at("stamp").get<std::string>();
    split.lines_unmatched = j.at("lines_unmatched").get<std::uint64_t>();
    split.lines_invalid = j.at("lines_invalid").get<std::uint64_t>();
    for (const auto& c : j.at("chunks")) {
      split.chunks.push_back({c.at("file").get<std::string>(), c.at("property").get<std::string>(),
                              c.at("hour").get<std::string>(), c.at("chunk").get<std::string>(),
                              c.at("lines").get<std::uint64_t>(),
                              c.at("bytes").get<std::uint64_t>()});
    }
    return split;
  } catch (const std::exception& e) {
    return Error{path.string() + " is damaged: " + e.what(), ErrorKind::kInvalid};
  }
}

}  // namespace candela::edge
