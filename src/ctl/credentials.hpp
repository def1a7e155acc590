// Where `candela ctl` keeps its sign-in between runs: a JSON file readable only by its owner.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace candela::ctl {

struct SavedLogin {
  std::string portal_url;
  std::string session_cookie;
  std::string csrf_token;
  std::string email;
};

// $CANDELA_CTL_CONFIG, else $HOME/.config/candela/ctl.json.
std::filesystem::path default_credentials_path();

// nullopt when the file does not exist; an Error when it exists but cannot be read or parsed.
Result<std::optional<SavedLogin>> load_login(const std::filesystem::path& path);
// Writes atomically with mode 0600 (creating the folder with 0700).
Result<std::monostate> save_login(const std::filesystem::path& path, const SavedLogin& login);
Result<std::monostate> forget_login(const std::filesystem::path& path);

}  // namespace candela::ctl
