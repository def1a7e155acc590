// The usage spool, <state-dir>/usage/: numbered batch files waiting to be posted, the batch
// counter, rejected batches, and the open-minutes file. Every file is replaced atomically
// (tmp + fsync + rename + fsync of the folder), so a crash leaves either the old or the new one.
#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "common/result.hpp"

namespace candela::edge {

// Writes `data` to `path` durably and atomically.
Result<std::monostate> write_file_durably(const std::filesystem::path& path,
                                          const std::string& data);

class UsageSpool {
 public:
  explicit UsageSpool(std::filesystem::path folder);

  // Creates the folders and finds the next batch number: one past the highest of the stored
  // counter and every batch file present (spooled or rejected), so numbers never repeat.
  Result<std::monostate> open();

  // Reserves the next batch number; the counter is on disk before the number is used.
  Result<long long> reserve();
  // Stores a batch body under its number.
  Result<std::monostate> store(long long batch, const std::string& body);

  // Batch numbers waiting to be posted, oldest first.
  std::vector<long long> pending() const;
  Result<std::string> read(long long batch) const;
  // Posted: the file goes.
  Result<std::monostate> remove(long long batch);
  // Refused by the portal as malformed: kept in rejected/ for an operator, never posted again.
  Result<std::monostate> reject(long long batch);

  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path batch_path(long long batch) const;
  std::filesystem::path rejected_folder() const { return folder_ / "rejected"; }
  std::filesystem::path open_minutes_path() const { return folder_ / "open-minutes.json"; }
  long long next_batch() const { return next_; }

 private:
  std::filesystem::path counter_path() const { return folder_ / "next-batch"; }

  std::filesystem::path folder_;
  long long next_ = 1;
};

}  // namespace candela::edge
