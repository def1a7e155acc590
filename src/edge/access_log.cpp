// The edge's JSON-lines access log: formatting, hand-off to the writer, rotation and gzip.
#include "edge/access_log.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

namespace candela::edge {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

constexpr std::size_t kMaxSpareBatches = 16;
constexpr std::size_t kCompressChunk = 128 * 1024;

std::atomic<std::uint64_t> next_instance_id{1};

// Per-thread map from AccessLog instance to that thread's buffer. Ids are never reused, so an
// entry of a destroyed instance is never matched (and its pointer never followed).
struct CachedBuffer {
  std::uint64_t id;
  void* buffer;
};
constexpr std::size_t kCachedBuffers = 8;
thread_local std::vector<CachedBuffer> cached_buffers;

// ---- JSON formatting ----

// Length of the valid UTF-8 sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF) that
// starts at p, or 0 if the bytes there are not one.
std::size_t utf8_sequence_length(const unsigned char* p, std::size_t avail) {
  const unsigned char c = p[0];
  auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < avail && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  out += '"';
  while (i < n) {
    const unsigned char c = p[i];
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t len = utf8_sequence_length(p + i, n - i); len > 0) {
        i += len;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        // Other control characters, DEL, and bytes that are not valid UTF-8.
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, sizeof(esc));
      }
    }
    run = ++i;
  }
  out.append(s.data() + run, n - run);
  out += '"';
}

void append_digits(std::string& out, unsigned v, int width) {
  char buf[10];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

// Milliseconds with three decimals; null if not finite (JSON has no NaN or Infinity).
void append_ms(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, 3);
  if (ec != std::errc()) {
    out += "null";
    return;
  }
  out.append(buf, end);
}

struct CivilTime {
  unsigned year, month, day, hour, minute, second, millis;
};

CivilTime civil(SysTime t) {
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  return {static_cast<unsigned>(std::clamp(static_cast<int>(ymd.year()), 0, 9999)),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          static_cast<unsigned>(hms.hours().count()),
          static_cast<unsigned>(hms.minutes().count()),
          static_cast<unsigned>(hms.seconds().count()),
          static_cast<unsigned>(hms.subseconds().count())};
}

// RFC 3339, e.g. 2026-11-24T19:37:38.123Z.
void append_rfc3339(std::string& out, SysTime t) {
  const CivilTime c = civil(t);
  append_digits(out, c.year, 4);
  out += '-';
  append_digits(out, c.month, 2);
  out += '-';
  append_digits(out, c.day, 2);
  out += 'T';
  append_digits(out, c.hour, 2);
  out += ':';
  append_digits(out, c.minute, 2);
  out += ':';
  append_digits(out, c.second, 2);
  out += '.';
  append_digits(out, c.millis, 3);
  out += 'Z';
}

// The suffix of rotated files, e.g. 20261124T193738.123Z (no colons: safe in any file system).
std::string file_stamp(SysTime t) {
  const CivilTime c = civil(t);
  std::string out;
  append_digits(out, c.year, 4);
  append_digits(out, c.month, 2);
  append_digits(out, c.day, 2);
  out += 'T';
  append_digits(out, c.hour, 2);
  append_digits(out, c.minute, 2);
  append_digits(out, c.second, 2);
  out += '.';
  append_digits(out, c.millis, 3);
  out += 'Z';
  return out;
}

// For rotated names "<live name>.<stamp>[-NNNN][.gz]": the part that orders them by age
// ("X" < "X-0001" < "Y" for stamps X < Y), or empty if `name` is not one of ours.
std::string rotated_sort_key(std::string_view name, std::string_view live_name) {
  if (name.size() <= live_name.size() + 1 || !name.starts_with(live_name) ||
      name[live_name.size()] != '.') {
    return {};
  }
  std::string_view rest = name.substr(live_name.size() + 1);
  if (rest.ends_with(".gz")) rest.remove_suffix(3);
  const std::string_view pattern = "DDDDDDDDTDDDDDD.DDDZ";
  if (rest.size() < pattern.size()) return {};
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const bool ok = pattern[i] == 'D' ? (rest[i] >= '0' && rest[i] <= '9') : rest[i] == pattern[i];
    if (!ok) return {};
  }
  std::string_view suffix = rest.substr(pattern.size());
  if (!suffix.empty()) {
    if (suffix.size() < 2 || suffix[0] != '-' ||
        !std::all_of(suffix.begin() + 1, suffix.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return {};
  }
  return std::string(rest);
}

std::uint64_t count_lines(std::string_view data) {
  return static_cast<std::uint64_t>(std::count(data.begin(), data.end(), '\n'));
}

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

}  // namespace

std::vector<RotatedLogFile> list_rotated_logs(const fs::path& live_path, const fs::path& folder) {
  const fs::path dir =
      !folder.empty() ? folder : (live_path.has_parent_path() ? live_path.parent_path() : ".");
  const std::string live = live_path.filename().string();
  std::vector<RotatedLogFile> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    std::string stamp = rotated_sort_key(name, live);
    if (stamp.empty()) continue;
    auto it = std::find_if(found.begin(), found.end(),
                           [&](const RotatedLogFile& f) { return f.stamp == stamp; });
    if (it == found.end()) {
      found.push_back({std::move(stamp), {}});
      it = std::prev(found.end());
    }
    // The `.gz` is renamed into place only when complete: read it rather than the original.
    if (name.ends_with(".gz")) {
      it->files.insert(it->files.begin(), entry.path());
    } else {
      it->files.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end(),
            [](const RotatedLogFile& a, const RotatedLogFile& b) { return a.stamp < b.stamp; });
  return found;
}

struct AccessLog::ThreadBuffer {
  std::mutex mu;
  std::string data;
  std::uint64_t accepted = 0;
  std::uint64_t dropped = 0;
};

// ---- format ----

void AccessLog::format(const AccessLogRecord& r, std::string& out) {
  out += "{\"ts\":\"";
  append_rfc3339(out, r.time);
  out += "\",\"edge\":";
  append_json_string(out, r.edge_id);
  out += ",\"client_ip\":";
  append_json_string(out, r.client_ip);
  out += ",\"client_port\":";
  append_uint(out, r.client_port);
  out += ",\"method\":";
  append_json_string(out, r.method);
  out += ",\"host\":";
  append_json_string(out, r.host);
  out += ",\"path\":";
  append_json_string(out, r.path);
  out += ",\"proto\":";
  append_json_string(out, r.protocol);
  out += ",\"status\":";
  append_uint(out, static_cast<std::uint64_t>(std::clamp(r.status, 0, 999)));
  out += ",\"bytes\":";
  append_uint(out, r.bytes_sent);
  out += ",\"body_bytes\":";
  append_uint(out, r.body_bytes);
  out += ",\"duration_ms\":";
  append_ms(out, r.duration_ms);
  out += ",\"cache\":";
  append_json_string(out, r.cache_status);
  out += ",\"property\":";
  append_json_string(out, r.property_id);
  out += ",\"scid\":";
  append_json_string(out, r.service_id);
  out += ",\"origin_ms\":";
  if (r.origin_ms) {
    append_ms(out, *r.origin_ms);
  } else {
    out += "null";
  }
  out += ",\"range\":";
  if (r.range.empty()) {
    out += "null";
  } else {
    append_json_string(out, r.range);
  }
  out += ",\"ua\":";
  append_json_string(out, r.user_agent);
  out += ",\"referer\":";
  append_json_string(out, r.referer);
  out += "}\n";
}

// ---- life cycle ----

AccessLog::AccessLog(AccessLogOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), id_(next_instance_id.fetch_add(1)) {
  if (!open_file()) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot open access log " + options_.path.string());
  }
  next_rotation_ = next_rotation_after(clock_.now());
  writer_ = std::thread([this] { writer_loop(); });
  housekeeper_ = std::thread([this] { housekeeping_loop(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_.join();
  if (fd_ >= 0) ::close(fd_);
  {
    std::lock_guard lock(housekeeping_mu_);
    housekeeping_stopping_ = true;
  }
  housekeeping_cv_.notify_all();
  housekeeper_.join();
}

// ---- request path ----

AccessLog::ThreadBuffer& AccessLog::thread_buffer() {
  for (const auto& c : cached_buffers) {
    if (c.id == id_) return *static_cast<ThreadBuffer*>(c.buffer);
  }
  auto owned = std::make_unique<ThreadBuffer>();
  owned->data.reserve(options_.thread_buffer_bytes);
  ThreadBuffer* buffer = owned.get();
  {
    std::lock_guard lock(buffers_mu_);
    buffers_.push_back(std::move(owned));
  }
  // Only tests create many logs; forgetting an old entry at worst gives a thread a 2nd buffer.
  if (cached_buffers.size() >= kCachedBuffers) cached_buffers.erase(cached_buffers.begin());
  cached_buffers.push_back({id_, buffer});
  return *buffer;
}

void AccessLog::write(const AccessLogRecord& record) {
  // Formatting happens outside the lock; the scratch string keeps its capacity between calls.
  thread_local std::string line;
  line.clear();
  format(record, line);

  ThreadBuffer& tb = thread_buffer();
  std::lock_guard lock(tb.mu);
  if (!tb.data.empty() && tb.data.size() + line.size() > options_.thread_buffer_bytes) {
    std::lock_guard queue_lock(queue_mu_);
    if (queued_bytes_ + tb.data.size() > options_.max_pending_bytes) {
      ++tb.dropped;
      return;
    }
    std::string full = take_spare_locked();
    full.swap(tb.data);
    enqueue_locked(std::move(full));
  }
  tb.data += line;
  ++tb.accepted;
}

std::string AccessLog::take_spare_locked() {
  if (spare_.empty()) {
    std::string fresh;
    fresh.reserve(options_.thread_buffer_bytes);
    return fresh;
  }
  std::string s = std::move(spare_.back());
  spare_.pop_back();
  return s;
}

void AccessLog::enqueue_locked(std::string data) {
  queued_bytes_ += data.size();
  queue_.push_back(Item{Item::Kind::kLines, std::move(data), 0});
  queue_cv_.notify_one();
}

void AccessLog::collect_all() {
  std::lock_guard buffers_lock(buffers_mu_);
  for (auto& tb : buffers_) {
    std::lock_guard lock(tb->mu);
    if (tb->data.empty()) continue;
    std::lock_guard queue_lock(queue_mu_);
    std::string data = take_spare_locked();
    data.swap(tb->data);
    enqueue_locked(std::move(data));
  }
}

void AccessLog::flush() {
  collect_all();
  {
    std::unique_lock lock(queue_mu_);
    const std::uint64_t id = ++flush_requested_;
    queue_.push_back(Item{Item::Kind::kFlush, {}, id});
    queue_cv_.notify_one();
    flushed_cv_.wait(lock, [&] { return flush_done_ >= id; });
  }
  std::unique_lock lock(housekeeping_mu_);
  housekeeping_cv_.wait(lock, [&] { return housekeeping_busy_ == 0; });
}

void AccessLog::reopen() {
  collect_all();
  std::lock_guard lock(queue_mu_);
  queue_.push_back(Item{Item::Kind::kReopen, {}, 0});
  queue_cv_.notify_one();
}

AccessLogStats AccessLog::stats() const {
  AccessLogStats s;
  {
    std::lock_guard lock(buffers_mu_);
    for (const auto& tb : buffers_) {
      std::lock_guard tb_lock(tb->mu);
      s.lines_accepted += tb->accepted;
      s.lines_dropped += tb->dropped;
    }
  }
  s.lines_written = lines_written_.load();
  s.lines_lost = lines_lost_.load();
  s.write_errors = write_errors_.load();
  s.rotations = rotations_.load();
  return s;
}

std::vector<RotatedLogFile> AccessLog::settled_rotated_files() const {
  std::lock_guard lock(housekeeping_mu_);
  std::vector<RotatedLogFile> files = list_rotated_logs(options_.path);
  const std::string live = options_.path.filename().string();
  auto busy = [&](const RotatedLogFile& f) {
    if (!housekeeping_current_.empty() &&
        rotated_sort_key(housekeeping_current_.filename().string(), live) == f.stamp) {
      return true;
    }
    return std::any_of(rotated_.begin(), rotated_.end(), [&](const fs::path& p) {
      return rotated_sort_key(p.filename().string(), live) == f.stamp;
    });
  };
  std::erase_if(files, busy);
  return files;
}

// ---- writer thread ----

void AccessLog::writer_loop() {
  auto next_tick = steady_clock::now() + options_.flush_interval;
  bool collected_for_stop = false;
  std::unique_lock lock(queue_mu_);
  for (;;) {
    if (queue_.empty()) {
      if (stopping_) {
        if (collected_for_stop) break;
        // Writers are gone (the destructor runs); take what is left in their buffers.
        lock.unlock();
        collect_all();
        lock.lock();
        collected_for_stop = true;
        continue;
      }
      queue_cv_.wait_until(lock, next_tick, [&] { return !queue_.empty() || stopping_; });
    }
    if (const auto now = steady_clock::now(); now >= next_tick) {
      next_tick = now + options_.flush_interval;
      lock.unlock();
      collect_all();
      maybe_rotate_by_time();
      lock.lock();
      continue;
    }
    if (queue_.empty()) continue;

    Item item = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    switch (item.kind) {
      case Item::Kind::kLines:
        write_batch(item.data);
        break;
      case Item::Kind::kReopen:
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        open_file();
        break;
      case Item::Kind::kFlush:
        break;
    }
    lock.lock();
    if (item.kind == Item::Kind::kLines) {
      queued_bytes_ -= item.data.size();
      if (spare_.size() < kMaxSpareBatches) {
        item.data.clear();
        spare_.push_back(std::move(item.data));
      }
    } else if (item.kind == Item::Kind::kFlush) {
      flush_done_ = item.flush_id;
      flushed_cv_.notify_all();
    }
  }
}

bool AccessLog::open_file() {
  const int fd = ::open(options_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  struct stat st {};
  file_size_ = ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  fd_ = fd;
  return true;
}

void AccessLog::report_error(std::string_view what, int err) {
  const std::uint64_t n = write_errors_.fetch_add(1) + 1;
  // Logging every failure of a full disk would flood the log; 1st, 2nd, 4th, 8th... suffice.
  if (std::has_single_bit(n)) {
    spdlog::error("access log {}: {}: {} ({} errors so far)", options_.path.string(), what,
                  std::strerror(err), n);
  }
}

bool AccessLog::write_all(std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      // Cut a partly written line off again so the file holds whole lines only.
      if (done > 0 && ::ftruncate(fd_, static_cast<off_t>(file_size_)) != 0) {
        report_error("truncating a partial line", errno);
      }
      report_error("write", err);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void AccessLog::write_batch(std::string_view data) {
  maybe_rotate_by_time();
  bool rotation_failed = false;
  while (!data.empty()) {
    if (fd_ < 0 && !open_file()) {
      report_error("open", errno);
      lines_lost_ += count_lines(data);
      return;
    }
    std::string_view chunk = data;
    if (options_.max_bytes > 0 && !rotation_failed &&
        file_size_ + data.size() > options_.max_bytes) {
      const std::uint64_t room =
          file_size_ < options_.max_bytes ? options_.max_bytes - file_size_ : 0;
      const std::size_t cut = room > 0 ? data.rfind('\n', room - 1) : std::string_view::npos;
      if (cut != std::string_view::npos) {
        chunk = data.substr(0, cut + 1);
      } else if (file_size_ > 0) {
        rotation_failed = !rotate();
        continue;
      } else {
        // A single line longer than max_bytes gets a file of its own rather than being lost.
        const std::size_t end = data.find('\n');
        chunk = data.substr(0, end == std::string_view::npos ? data.size() : end + 1);
      }
    }
    if (write_all(chunk)) {
      file_size_ += chunk.size();
      lines_written_ += count_lines(chunk);
    } else {
      lines_lost_ += count_lines(chunk);
    }
    data.remove_prefix(chunk.size());
  }
}

SysTime AccessLog::next_rotation_after(SysTime t) const {
  if (options_.rotate_every.count() <= 0) return SysTime::max();
  const auto every = options_.rotate_every.count();
  const auto secs = floor<seconds>(t).time_since_epoch().count();
  const auto next = (secs >= 0 ? secs / every : (secs - every + 1) / every) * every + every;
  return SysTime(seconds(next));
}

void AccessLog::maybe_rotate_by_time() {
  const SysTime now = clock_.now();
  if (now < next_rotation_) return;
  // An empty file is not worth a rotated file of its own; just move the deadline on.
  if (file_size_ > 0) rotate();
  next_rotation_ = next_rotation_after(now);
}

fs::path AccessLog::rotated_name() {
  const std::string stamp = file_stamp(clock_.now());
  unsigned suffix = stamp == last_stamp_ ? last_suffix_ + 1 : 0;
  for (;; ++suffix) {
    std::string name = options_.path.string() + "." + stamp;
    if (suffix > 0) {
      name += '-';
      append_digits(name, suffix, suffix > 9999 ? 9 : 4);
    }
    if (!path_exists(name) && !path_exists(name + ".gz")) {
      last_stamp_ = stamp;
      last_suffix_ = suffix;
      return name;
    }
  }
}

bool AccessLog::rotate() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  const fs::path target = rotated_name();
  std::error_code ec;
  bool ok = false;
  {
    // Renamed and queued under one lock: settled_rotated_files() never sees a fresh rotated
    // file that is not yet queued for compression.
    std::lock_guard lock(housekeeping_mu_);
    fs::rename(options_.path, target, ec);
    ok = !ec;
    if (ok) {
      rotated_.push_back(target);
      ++housekeeping_busy_;
      housekeeping_cv_.notify_all();
    }
  }
  if (ok) {
    ++rotations_;
  } else {
    report_error("rotate to " + target.string(), ec.value());
  }
  if (!open_file()) report_error("open", errno);
  next_rotation_ = next_rotation_after(clock_.now());
  return ok;
}

// ---- housekeeping thread ----

void AccessLog::housekeeping_loop() {
  std::unique_lock lock(housekeeping_mu_);
  for (;;) {
    housekeeping_cv_.wait(lock, [&] { return !rotated_.empty() || housekeeping_stopping_; });
    if (rotated_.empty()) break;  // stopping, and every job is done
    const fs::path file = std::move(rotated_.front());
    rotated_.pop_front();
    housekeeping_current_ = file;
    lock.unlock();
    if (options_.gzip) compress(file);
    if (options_.max_files > 0) prune();
    lock.lock();
    housekeeping_current_.clear();
    --housekeeping_busy_;
    housekeeping_cv_.notify_all();
  }
}

void AccessLog::compress(const fs::path& file) {
  if (!path_exists(file)) return;  // already pruned
  const std::string tmp = file.string() + ".gz.tmp";
  const std::string target = file.string() + ".gz";
  const int in = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    report_error("open for compression", errno);
    return;
  }
  gzFile out = ::gzopen(tmp.c_str(), "wb6e");
  bool ok = out != nullptr;
  int err = errno;
  std::vector<char> buf(kCompressChunk);
  while (ok) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      ok = false;
    }
    if (n <= 0) break;
    if (::gzwrite(out, buf.data(), static_cast<unsigned>(n)) != static_cast<int>(n)) {
      err = EIO;
      ok = false;
    }
  }
  ::close(in);
  if (out != nullptr && ::gzclose(out) != Z_OK && ok) {
    err = EIO;
    ok = false;
  }
  if (ok) {
    // On disk before the rename, so a crash never leaves a `.gz` with a lost tail.
    const int synced = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (synced < 0 || ::fsync(synced) != 0) {
      err = errno;
      ok = false;
    }
    if (synced >= 0) ::close(synced);
  }
  std::error_code ec;
  if (ok) fs::rename(tmp, target, ec);
  if (!ok || ec) {
    report_error("compress " + file.string(), ec ? ec.value() : err);
    fs::remove(tmp, ec);
    return;  // the uncompressed file stays
  }
  fs::remove(file, ec);
}

void AccessLog::prune() {
  const fs::path dir = options_.path.has_parent_path() ? options_.path.parent_path() : ".";
  const std::string live = options_.path.filename().string();
  std::vector<std::pair<std::string, fs::path>> rotated;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string key = rotated_sort_key(entry.path().filename().string(), live);
    if (!key.empty()) rotated.emplace_back(std::move(key), entry.path());
  }
  if (ec) {
    report_error("list " + dir.string(), ec.value());
    return;
  }
  if (rotated.size() <= options_.max_files) return;
  std::sort(rotated.begin(), rotated.end());
  for (std::size_t i = 0; i + options_.max_files < rotated.size(); ++i) {
    if (!fs::remove(rotated[i].second, ec) && ec) report_error("remove old log", ec.value());
  }
}

}  // namespace candela::edge
