// The credentials file: {"portal_url", "session_cookie", "csrf_token", "email"}.
#include "ctl/credentials.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <variant>

namespace candela::ctl {

std::filesystem::path default_credentials_path() {
  if (const char* explicit_path = std::getenv("CANDELA_CTL_CONFIG");
      explicit_path && *explicit_path)
    return explicit_path;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".config" / "candela" / "ctl.json";
}

Result<std::optional<SavedLogin>> load_login(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) return std::optional<SavedLogin>{};
    return Error{"cannot read " + path.string()};
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return Error{path.string() + " is not a credentials file (sign in again with `ctl login`)"};
  SavedLogin login;
  login.portal_url = json.value("portal_url", std::string());
  login.session_cookie = json.value("session_cookie", std::string());
  login.csrf_token = json.value("csrf_token", std::string());
  login.email = json.value("email", std::string());
  return std::optional<SavedLogin>{login};
}

Result<std::monostate> save_login(const std::filesystem::path& path, const SavedLogin& login) {
  std::error_code ec;
  if (path.has_parent_path() && !std::filesystem::exists(path.parent_path())) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return Error{"cannot create " + path.parent_path().string() + ": " + ec.message()};
    // Only a folder made here is narrowed; an existing one (say /tmp) is the owner's business.
    ::chmod(path.parent_path().c_str(), 0700);
  }
  const nlohmann::json json = {{"portal_url", login.portal_url},
                               {"session_cookie", login.session_cookie},
                               {"csrf_token", login.csrf_token},
                               {"email", login.email}};
  const std::string text = json.dump(2) + "\n";
  const std::string temp = path.string() + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error{"cannot write " + temp};
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return Error{"cannot write " + path.string()};
  }
  return std::monostate{};
}

Result<std::monostate> forget_login(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) return Error{"cannot remove " + path.string() + ": " + ec.message()};
  return std::monostate{};
}

}  // namespace candela::ctl
