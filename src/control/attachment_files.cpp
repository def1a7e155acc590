// Attachment files on disk (atomic write, random names) and the rules uploads follow.
#include "control/attachment_files.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include "control/database.hpp"

namespace candela::control {
namespace {

constexpr std::array<std::string_view, 12> kAllowedTypes{
    "image/png",        "image/jpeg",         "image/gif",        "application/pdf",
    "text/plain",       "text/csv",           "application/json", "application/zip",
    "application/gzip", "application/x-gzip", "message/rfc822",   "application/octet-stream",
};

bool is_text_type(std::string_view type) {
  return type.starts_with("text/") || type == "application/json" || type == "message/rfc822";
}

bool is_utf8_without_nul(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == 0) return false;
    int extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      extra = 3;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(extra) >= bytes.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(bytes[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80)
        return false;
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xF]);
  }
  return out;
}

Error io_error(const std::string& what, const std::filesystem::path& path, int error) {
  return Error{what + " " + path.string() + ": " + std::strerror(error), ErrorKind::kInternal};
}

// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
// reader never sees half a file.
Status write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return io_error("cannot create the attachment folder", path.parent_path(), ec.value());
  const auto temp = path.parent_path() / (".tmp-" + path.filename().string());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return io_error("cannot create", temp, errno);
  int rc = 0;
  std::string_view rest = bytes;
  while (!rest.empty() && rc == 0) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0) {
      if (errno != EINTR) rc = errno;
      continue;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (rc == 0 && ::fsync(fd) != 0) rc = errno;
  if (::close(fd) != 0 && rc == 0) rc = errno;
  if (rc == 0 && ::rename(temp.c_str(), path.c_str()) != 0) rc = errno;
  if (rc != 0) {
    ::unlink(temp.c_str());
    return io_error("cannot write", path, rc);
  }
  return ok_status();
}

}  // namespace

std::optional<std::string> allowed_attachment_type(std::string_view content_type) {
  std::string base(content_type.substr(0, content_type.find(';')));
  while (!base.empty() && base.back() == ' ')
    base.pop_back();
  for (auto& c : base)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto allowed : kAllowedTypes) {
    if (base == allowed) return base;
  }
  return std::nullopt;
}

bool content_matches_type(std::string_view type, std::string_view bytes) {
  auto starts = [&](std::string_view magic) { return bytes.starts_with(magic); };
  if (type == "image/png") return starts("\x89PNG\r\n\x1a\n");
  if (type == "image/jpeg") return starts("\xff\xd8\xff");
  if (type == "image/gif") return starts("GIF87a") || starts("GIF89a");
  if (type == "application/pdf") return starts("%PDF-");
  if (type == "application/zip") return starts(std::string_view("PK\x03\x04", 4));
  if (type == "application/gzip" || type == "application/x-gzip") return starts("\x1f\x8b");
  if (is_text_type(type)) return is_utf8_without_nul(bytes);
  return true;  // application/octet-stream: anything, always downloaded, never rendered
}

std::string clean_attachment_filename(std::string_view filename) {
  const auto slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  while (!filename.empty() && (filename.front() == ' ' || filename.front() == '.'))
    filename.remove_prefix(1);
  while (!filename.empty() && filename.back() == ' ')
    filename.remove_suffix(1);
  for (char c : filename) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '"') return {};
  }
  return std::string(filename);
}

Result<CheckedAttachment> check_attachment(std::string_view filename, std::string_view content_type,
                                           std::string_view bytes) {
  Error problems{"the attachment is not valid"};
  CheckedAttachment checked;
  checked.filename = clean_attachment_filename(filename);
  if (checked.filename.empty()) {
    problems.fields.emplace_back("/filename",
                                 "is required (a file name without control "
                                 "characters or quotes)");
  } else if (checked.filename.size() > 200) {
    problems.fields.emplace_back("/filename", "is longer than 200 characters");
  }
  const auto type = allowed_attachment_type(content_type);
  if (!type) {
    problems.fields.emplace_back(
        "/content_type",
        "is not allowed: use image/png, image/jpeg, image/gif, application/pdf, text/plain, "
        "text/csv, application/json, application/zip, application/gzip, message/rfc822 or "
        "application/octet-stream");
  } else if (!content_matches_type(*type, bytes)) {
    problems.fields.emplace_back("/content_type", "does not match the file's contents");
  }
  if (bytes.empty()) problems.fields.emplace_back("/body", "the file is empty");
  if (bytes.size() > kMaxAttachmentBytes) {
    problems.fields.emplace_back("/body", "the file is larger than 10 MiB");
  }
  if (!problems.fields.empty()) return problems;
  checked.content_type = *type;
  return checked;
}

Result<StoredAttachmentFile> write_attachment_file(const std::filesystem::path& store,
                                                   RandomSource& random, std::string_view bytes) {
  StoredAttachmentFile file;
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  file.sha256 = hex(digest.data(), digest.size());
  std::array<unsigned char, 16> name_bytes{};
  for (std::size_t i = 0; i < name_bytes.size(); i += 8) {
    const std::uint64_t r = random.next_u64();
    std::memcpy(name_bytes.data() + i, &r, 8);
  }
  file.storage_name = hex(name_bytes.data(), name_bytes.size());
  // Two levels of folders keep any one folder small.
  file.path = store / file.storage_name.substr(0, 2) / file.storage_name;
  auto written = write_file(file.path, bytes);
  if (!written.ok()) return Error{written.failure()};
  return file;
}

void remove_attachment_file(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

Result<std::string> read_attachment_file(const std::filesystem::path& store,
                                         const std::string& storage_name, long long expected_size) {
  std::ifstream file(store / storage_name.substr(0, 2) / storage_name, std::ios::binary);
  if (!file)
    return Error{"the attachment file " + storage_name + " is missing", ErrorKind::kInternal};
  std::string content{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (static_cast<long long>(content.size()) != expected_size) {
    return Error{"the attachment file " + storage_name + " has the wrong size",
                 ErrorKind::kInternal};
  }
  return content;
}

}  // namespace candela::control
