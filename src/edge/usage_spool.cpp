// UsageSpool: batch files named batch-<20 digits>.json so that names sort in batch order.
#include "edge/usage_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace candela::edge {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "batch-";
constexpr std::string_view kSuffix = ".json";

std::string os_error(const std::string& what, const fs::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

// The batch number of a spool file name, or 0 if the name is not one.
long long batch_of(const std::string& name) {
  if (name.size() <= kPrefix.size() + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return 0;
  }
  const std::string_view digits(name.data() + kPrefix.size(),
                                name.size() - kPrefix.size() - kSuffix.size());
  long long n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n <= 0) return 0;
  return n;
}

std::vector<long long> batches_in(const fs::path& folder) {
  std::vector<long long> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    if (const long long n = batch_of(entry.path().filename().string()); n > 0) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void sync_folder(const fs::path& folder) {
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace

Result<std::monostate> write_file_durably(const fs::path& path, const std::string& data) {
  const fs::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{os_error("cannot create", temporary)};
  std::size_t written = 0;
  bool ok = true;
  std::string problem;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      problem = os_error("cannot write", temporary);
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    problem = os_error("cannot fsync", temporary);
  }
  ::close(fd);
  if (!ok) {
    ::unlink(temporary.c_str());
    return Error{problem};
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    problem = os_error("cannot rename " + temporary.string() + " to", path);
    ::unlink(temporary.c_str());
    return Error{problem};
  }
  sync_folder(path.has_parent_path() ? path.parent_path() : fs::path("."));
  return std::monostate{};
}

UsageSpool::UsageSpool(fs::path folder) : folder_(std::move(folder)) {}

Result<std::monostate> UsageSpool::open() {
  std::error_code ec;
  fs::create_directories(rejected_folder(), ec);
  if (ec)
    return Error{"cannot create the usage spool " + rejected_folder().string() + ": " +
                 ec.message()};
  long long next = 1;
  if (fs::exists(counter_path(), ec)) {
    std::ifstream in(counter_path());
    std::string text;
    in >> text;
    long long stored = 0;
    auto [end, parse_ec] = std::from_chars(text.data(), text.data() + text.size(), stored);
    if (text.empty() || parse_ec != std::errc() || end != text.data() + text.size() || stored < 1) {
      return Error{counter_path().string() + " does not hold a batch number"};
    }
    next = stored;
  }
  for (const auto& folder : {folder_, rejected_folder()}) {
    const auto present = batches_in(folder);
    if (!present.empty()) next = std::max(next, present.back() + 1);
  }
  next_ = next;
  return std::monostate{};
}

Result<long long> UsageSpool::reserve() {
  const long long batch = next_;
  auto saved = write_file_durably(counter_path(), std::to_string(batch + 1) + "\n");
  if (!saved.ok()) return Error{saved.error()};
  next_ = batch + 1;
  return batch;
}

fs::path UsageSpool::batch_path(long long batch) const {
  char name[48];
  std::snprintf(name, sizeof(name), "batch-%020lld.json", batch);
  return folder_ / name;
}

Result<std::monostate> UsageSpool::store(long long batch, const std::string& body) {
  return write_file_durably(batch_path(batch), body);
}

std::vector<long long> UsageSpool::pending() const {
  return batches_in(folder_);
}

Result<std::string> UsageSpool::read(long long batch) const {
  std::ifstream in(batch_path(batch), std::ios::binary);
  if (!in) return Error{"cannot read " + batch_path(batch).string()};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<std::monostate> UsageSpool::remove(long long batch) {
  if (::unlink(batch_path(batch).c_str()) != 0 && errno != ENOENT) {
    return Error{os_error("cannot delete", batch_path(batch))};
  }
  return std::monostate{};
}

Result<std::monostate> UsageSpool::reject(long long batch) {
  const fs::path to = rejected_folder() / batch_path(batch).filename();
  if (::rename(batch_path(batch).c_str(), to.c_str()) != 0) {
    return Error{os_error("cannot move " + batch_path(batch).string() + " to", to)};
  }
  sync_folder(rejected_folder());
  sync_folder(folder_);
  return std::monostate{};
}

}  // namespace candela::edge
