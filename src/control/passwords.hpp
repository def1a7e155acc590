// Password hashing (argon2id via libsodium) and the rules a new password must meet.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::control {

// argon2id cost. Production uses libsodium's INTERACTIVE limits; tests use minimal() so that a
// suite signing in hundreds of times stays fast. The cost is stored inside each hash, so hashes
// made with one setting verify under any other.
struct PasswordCost {
  unsigned long long ops_limit = 0;
  std::size_t mem_limit = 0;

  static PasswordCost interactive();
  // The smallest cost libsodium accepts; for tests only.
  static PasswordCost minimal();
};

inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 1024;

// OK, or a kInvalid error saying which rule the password breaks (length in bytes: 12..1024).
Result<std::string> check_password_rules(std::string_view password);

// The encoded argon2id hash ("$argon2id$v=19$m=...") of a password that passes the rules.
Result<std::string> hash_password(std::string_view password, PasswordCost cost);

// True when `password` matches `encoded_hash`; false for a mismatch or a malformed hash.
bool verify_password(std::string_view encoded_hash, std::string_view password);

// Burns about as much time as verify_password, for sign-ins of unknown emails, so response
// times do not reveal which email addresses have accounts.
void waste_password_verification(std::string_view password, PasswordCost cost);

}  // namespace candela::control
