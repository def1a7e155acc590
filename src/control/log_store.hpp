// The log store's files: one gzip file per delivered chunk under a root folder,
//   <root>/<SCID>/<property>/<YYYY-MM-DD>/<HH>/<edge_id>--<chunk>.jsonl.gz
// Every path component is checked against a strict character set before a path is built, so no
// request can reach outside the root (no "..", no "/", no empty names).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "control/database.hpp"

namespace candela::control {

struct LogChunkKey {
  std::string scid;
  std::string property;  // the property id inside the service, e.g. "www"
  long long hour_ms = 0;
  std::string edge_id;
  std::string chunk;
};

class LogStore {
 public:
  static constexpr std::size_t kMaxChunkNameLength = 120;
  static constexpr std::size_t kMaxEdgeIdLength = 120;

  explicit LogStore(std::filesystem::path root) : root_(std::move(root)) {}
  const std::filesystem::path& root() const { return root_; }

  // 1-63 of a-z, 0-9 and '-', starting with a letter or digit (configuration property ids).
  static bool valid_property(std::string_view property);
  // 1-120 of A-Z, a-z, 0-9, '.', '_', '-', not only dots.
  static bool valid_chunk(std::string_view chunk);
  // 1-120 of a-z, 0-9, '.', '_', '-', starting with a letter or digit (edge registry ids).
  static bool valid_edge_id(std::string_view edge_id);

  // The file of a chunk; kInvalid (with the offending field) when a component is not allowed.
  Result<std::filesystem::path> path_of(const LogChunkKey& key) const;

  // Writes `bytes` to `path` atomically: a unique temporary file in the same folder, fsync,
  // rename over `path`, fsync of the folder. Creates missing folders. kInternal on failure.
  Status write(const std::filesystem::path& path, std::string_view bytes) const;
  // Removes the file (a missing one is fine) and then every folder between it and the root that
  // became empty.
  Status remove(const std::filesystem::path& path) const;

 private:
  std::filesystem::path root_;
};

}  // namespace candela::control
