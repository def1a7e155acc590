// The rules every uploaded file follows, whatever it is attached to (tickets, billing requests):
// an allowlist of media types whose first bytes must match, at most 10 MiB, a cleaned display
// name, and storage on disk under a random name (never derived from the upload's name) with its
// SHA-256 kept.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ids.hpp"
#include "common/result.hpp"

namespace candela::control {

inline constexpr std::size_t kMaxAttachmentBytes = 10 * 1024 * 1024;

// The base media type if it is one attachments may have ("image/png", "application/pdf", …).
std::optional<std::string> allowed_attachment_type(std::string_view content_type);
// False when the bytes plainly are not of `type` (PNG, JPEG, GIF, PDF, ZIP and gzip signatures;
// text types must be valid UTF-8 without NUL bytes).
bool content_matches_type(std::string_view type, std::string_view bytes);
// The filename to keep: the last path segment, trimmed; empty when nothing usable is left.
std::string clean_attachment_filename(std::string_view filename);

// An upload that passed the rules: the name to show and the media type to serve it with.
struct CheckedAttachment {
  std::string filename;
  std::string content_type;
};

// Checks a file as uploaded; every problem is located (/filename, /content_type, /body) in the
// returned Error (kInvalid).
Result<CheckedAttachment> check_attachment(std::string_view filename, std::string_view content_type,
                                           std::string_view bytes);

// A file written to the attachment store.
struct StoredAttachmentFile {
  std::string storage_name;  // 32 random hex digits
  std::string sha256;        // hex
  std::filesystem::path path;
};

// Writes `bytes` atomically under a fresh random name below `store` (two-character folders).
Result<StoredAttachmentFile> write_attachment_file(const std::filesystem::path& store,
                                                   RandomSource& random, std::string_view bytes);
// Removes a file written by write_attachment_file (when the row that names it was not stored).
void remove_attachment_file(const std::filesystem::path& path);
// The bytes stored under `storage_name`; kInternal when missing or not `expected_size` long.
Result<std::string> read_attachment_file(const std::filesystem::path& store,
                                         const std::string& storage_name, long long expected_size);

}  // namespace candela::control
