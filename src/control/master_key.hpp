// MasterKey: the portal's secret that encrypts API signing keys at rest (libsodium secretbox).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::control {

class MasterKey {
 public:
  static constexpr std::size_t kSize = 32;

  // Reads the key file, or creates it (mode 0600, parent folders too) with random bytes when it
  // is missing. Refuses a file of the wrong size or one that others may read.
  static Result<MasterKey> load_or_create(const std::filesystem::path& file);
  // A key from exactly kSize bytes (tests); throws std::invalid_argument otherwise.
  static MasterKey from_bytes(std::string bytes);

  // base64url of a fresh random nonce followed by the authenticated ciphertext.
  std::string seal(std::string_view plaintext) const;
  // The plaintext, or nullopt when `sealed` was not made with this key or was altered.
  std::optional<std::string> open(std::string_view sealed) const;

 private:
  explicit MasterKey(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace candela::control
