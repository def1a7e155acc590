// Log store files: strict names, durable atomic writes, removal with empty-folder cleanup.
#include "control/log_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "common/ids.hpp"
#include "control/log_time.hpp"

namespace candela::control {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

Error io_error(const std::string& what, const std::filesystem::path& path, int code) {
  return Error{what + " " + path.string() + ": " + std::strerror(code), ErrorKind::kInternal};
}

// Writes all of `bytes` to `fd`; errno on failure.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

int fsync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

}  // namespace

bool LogStore::valid_property(std::string_view property) {
  if (property.empty() || property.size() > 63 || !lower_alnum(property.front())) return false;
  for (char c : property) {
    if (!lower_alnum(c) && c != '-') return false;
  }
  return true;
}

bool LogStore::valid_chunk(std::string_view chunk) {
  if (chunk.empty() || chunk.size() > kMaxChunkNameLength) return false;
  bool only_dots = true;
  for (char c : chunk) {
    const bool allowed =
        lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
    if (c != '.') only_dots = false;
  }
  return !only_dots;
}

bool LogStore::valid_edge_id(std::string_view edge_id) {
  if (edge_id.empty() || edge_id.size() > kMaxEdgeIdLength || !lower_alnum(edge_id.front())) {
    return false;
  }
  for (char c : edge_id) {
    if (!lower_alnum(c) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

Result<std::filesystem::path> LogStore::path_of(const LogChunkKey& key) const {
  Error error{"the log chunk's name is not allowed"};
  if (!is_valid_scid(key.scid)) error.fields.emplace_back("/scid", "is not a valid SCID");
  if (!valid_property(key.property)) {
    error.fields.emplace_back("/property", "must be a property id (1-63 of a-z, 0-9 and '-')");
  }
  if (key.hour_ms < 0 || key.hour_ms % kLogHourMs != 0) {
    error.fields.emplace_back("/hour", "must be a whole UTC hour");
  }
  if (!valid_edge_id(key.edge_id)) error.fields.emplace_back("/edge_id", "is not an edge id");
  if (!valid_chunk(key.chunk)) {
    error.fields.emplace_back("/chunk", "must be 1-120 of A-Z, a-z, 0-9, '.', '_' and '-'");
  }
  if (!error.fields.empty()) return error;
  return root_ / key.scid / key.property / log_day_name(key.hour_ms) /
         log_hour_of_day(key.hour_ms) / (key.edge_id + "--" + key.chunk + ".jsonl.gz");
}

Status LogStore::write(const std::filesystem::path& path, std::string_view bytes) const {
  const auto folder = path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return io_error("cannot create the log folder", folder, ec.value());
  // Unique per process and call: concurrent uploads of the same chunk never share a temp file.
  static std::atomic<unsigned long long> counter{0};
  const auto temp =
      folder / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) +
                "-" + path.filename().string());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return io_error("cannot create", temp, errno);
  int rc = write_all(fd, bytes);
  if (rc == 0 && ::fsync(fd) != 0) rc = errno;
  if (::close(fd) != 0 && rc == 0) rc = errno;
  if (rc == 0 && ::rename(temp.c_str(), path.c_str()) != 0) rc = errno;
  if (rc != 0) {
    ::unlink(temp.c_str());
    return io_error("cannot write", path, rc);
  }
  if (int synced = fsync_folder(folder); synced != 0) {
    return io_error("cannot sync the folder", folder, synced);
  }
  return ok_status();
}

Status LogStore::remove(const std::filesystem::path& path) const {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) return io_error("cannot remove", path, ec.value());
  // Walk up while the folder is empty and still inside the root.
  const auto root = std::filesystem::weakly_canonical(root_, ec);
  auto folder = std::filesystem::weakly_canonical(path.parent_path(), ec);
  while (!ec && folder != root && folder.native().starts_with(root.native() + "/")) {
    if (!std::filesystem::is_empty(folder, ec) || ec) break;
    std::filesystem::remove(folder, ec);
    folder = folder.parent_path();
  }
  return ok_status();
}

}  // namespace candela::control
