// MasterKey: key file handling and crypto_secretbox_easy sealing.
#include "control/master_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "control/secrets.hpp"

namespace candela::control {
namespace {

static_assert(MasterKey::kSize == crypto_secretbox_KEYBYTES);

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

Result<MasterKey> MasterKey::load_or_create(const std::filesystem::path& file) {
  ensure_sodium();
  const std::string name = file.string();
  int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) {
      return Error{"cannot create the folder of the master key file " + name + ": " + ec.message()};
    }
    fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
      return Error{"cannot create the master key file " + name + ": " + errno_text()};
    if (fd >= 0) {
      const std::string key = random_bytes(kSize);
      const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
      const bool synced = ::fsync(fd) == 0;
      ::close(fd);
      if (!written || !synced) {
        ::unlink(name.c_str());
        return Error{"cannot write the master key file " + name + ": " + errno_text()};
      }
      return MasterKey(key);
    }
    // Another portal created it at the same moment: read theirs.
    fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) return Error{"cannot open the master key file " + name + ": " + errno_text()};
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    return Error{"cannot read the master key file " + name + ": " + errno_text()};
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    return Error{"the master key file " + name +
                 " may be read by other users; restrict it with chmod 600"};
  }
  std::string key(kSize + 1, '\0');
  const ssize_t got = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (got != static_cast<ssize_t>(kSize)) {
    return Error{"the master key file " + name + " must hold exactly " + std::to_string(kSize) +
                 " bytes; it holds " + std::to_string(got < 0 ? 0 : got) +
                 " (restore it from a backup: without it, API keys cannot be verified)"};
  }
  key.resize(kSize);
  return MasterKey(key);
}

MasterKey MasterKey::from_bytes(std::string bytes) {
  if (bytes.size() != kSize) throw std::invalid_argument("a master key has 32 bytes");
  return MasterKey(std::move(bytes));
}

std::string MasterKey::seal(std::string_view plaintext) const {
  ensure_sodium();
  std::string out = random_bytes(crypto_secretbox_NONCEBYTES);
  out.resize(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return base64url(out);
}

std::optional<std::string> MasterKey::open(std::string_view sealed) const {
  auto bytes = from_base64url(sealed);
  if (!bytes || bytes->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return std::nullopt;
  const auto* nonce = reinterpret_cast<const unsigned char*>(bytes->data());
  const std::size_t cipher_size = bytes->size() - crypto_secretbox_NONCEBYTES;
  std::string plain(cipher_size - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, cipher_size, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return std::nullopt;
  }
  return plain;
}

}  // namespace candela::control
