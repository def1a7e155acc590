// argon2id through libsodium's crypto_pwhash_str family.
#include "control/passwords.hpp"

#include <sodium.h>

#include <map>
#include <mutex>
#include <utility>

#include "control/secrets.hpp"

namespace candela::control {

PasswordCost PasswordCost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::minimal() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<std::string> check_password_rules(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return Error{"a password needs at least " + std::to_string(kMinPasswordLength) + " characters"};
  }
  if (password.size() > kMaxPasswordLength) {
    return Error{"a password may have at most " + std::to_string(kMaxPasswordLength) +
                 " characters"};
  }
  return std::string(password);
}

Result<std::string> hash_password(std::string_view password, PasswordCost cost) {
  auto rules = check_password_rules(password);
  if (!rules.ok()) return Error{rules.failure()};
  ensure_sodium();
  char encoded[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), cost.ops_limit,
                            cost.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // Only fails when the memory cannot be allocated.
    return Error{"could not hash the password: out of memory", ErrorKind::kUnavailable};
  }
  return std::string(encoded);
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  ensure_sodium();
  // crypto_pwhash_str_verify needs a NUL-terminated hash.
  std::string hash(encoded_hash);
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void waste_password_verification(std::string_view password, PasswordCost cost) {
  // One dummy hash per cost setting, made on first use.
  static std::mutex mutex;
  static std::map<std::pair<unsigned long long, std::size_t>, std::string> dummies;
  std::string dummy;
  {
    std::lock_guard lock(mutex);
    auto& slot = dummies[{cost.ops_limit, cost.mem_limit}];
    if (slot.empty()) {
      auto made = hash_password("candela-dummy-password", cost);
      if (made.ok()) slot = made.value();
    }
    dummy = slot;
  }
  (void)verify_password(dummy, password);
}

}  // namespace candela::control
