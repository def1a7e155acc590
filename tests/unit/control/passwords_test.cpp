// Password rules, argon2id hashing and verification; credential helpers; the master key file.
#include "control/passwords.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "control/api_keys.hpp"
#include "control/master_key.hpp"
#include "control/secrets.hpp"
#include "support/process.hpp"

namespace candela::control {
namespace {

TEST(PasswordsTest, RulesRequireTwelveToOneThousandTwentyFourCharacters) {
  EXPECT_FALSE(check_password_rules("elevenchars").ok());
  EXPECT_TRUE(check_password_rules("twelve chars").ok());
  EXPECT_TRUE(check_password_rules(std::string(1024, 'x')).ok());
  auto too_long = check_password_rules(std::string(1025, 'x'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().find("1024"), std::string::npos);
}

TEST(PasswordsTest, HashesAreArgon2idSaltedAndVerify) {
  auto first = hash_password("a fine long password", PasswordCost::minimal());
  auto second = hash_password("a fine long password", PasswordCost::minimal());
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->rfind("$argon2id$", 0), 0u);
  EXPECT_NE(first.value(), second.value());  // a fresh salt each time
  EXPECT_TRUE(verify_password(first.value(), "a fine long password"));
  EXPECT_FALSE(verify_password(first.value(), "a fine long passwore"));
  EXPECT_FALSE(verify_password("", "a fine long password"));
  EXPECT_FALSE(verify_password("$argon2id$garbage", "a fine long password"));
  EXPECT_FALSE(hash_password("short", PasswordCost::minimal()).ok());
}

TEST(PasswordsTest, TheCostIsStoredInTheHash) {
  auto interactive = hash_password("a fine long password", PasswordCost::interactive());
  ASSERT_TRUE(interactive.ok());
  EXPECT_NE(interactive->find("m=65536"), std::string::npos) << interactive.value();
  EXPECT_TRUE(verify_password(interactive.value(), "a fine long password"));
}

TEST(SecretsTest, TokensAreRandomBase64UrlAndHashesAreHex) {
  const std::string a = random_token();
  const std::string b = random_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(from_base64url(a)->size(), 32u);
  EXPECT_FALSE(from_base64url("a+b/").has_value());
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(constant_time_equal("same", "same"));
  EXPECT_FALSE(constant_time_equal("same", "sama"));
  EXPECT_FALSE(constant_time_equal("same", "same!"));
}

TEST(SecretsTest, TheSigningKeyIsTheDocumentedDerivation) {
  // python3: hmac.new(b"my secret", b"candela-request-signing-v1", hashlib.sha256).hexdigest()
  const std::string key = derive_api_signing_key("my secret");
  ASSERT_EQ(key.size(), 32u);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : key) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  EXPECT_EQ(hex, "dafd91e33fd836be2ae7ed51ea3061f0dd96c4a8c8c68bac94bb6665ac988494");
}

TEST(MasterKeyTest, CreatedPrivateWhenMissingAndReadBackTheSame) {
  candela::testing::TempDir dir;
  const std::string path = dir.path() + "/var/keys/master.key";
  auto created = MasterKey::load_or_create(path);
  ASSERT_TRUE(created.ok()) << created.error();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_size, 32);
  const std::string sealed = created->seal("the signing key");
  auto again = MasterKey::load_or_create(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->open(sealed), "the signing key");
  EXPECT_NE(created->seal("the signing key"), sealed);  // a fresh nonce each time
}

TEST(MasterKeyTest, AnotherKeyOrAlteredCiphertextDoesNotOpen) {
  const MasterKey one = MasterKey::from_bytes(std::string(32, 'a'));
  const MasterKey two = MasterKey::from_bytes(std::string(32, 'b'));
  std::string sealed = one.seal("secret");
  EXPECT_FALSE(two.open(sealed).has_value());
  sealed[sealed.size() / 2] = sealed[sealed.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(one.open(sealed).has_value());
  EXPECT_FALSE(one.open("not base64 !").has_value());
  EXPECT_FALSE(one.open("").has_value());
}

TEST(MasterKeyTest, WrongSizeOrLaxPermissionsAreRefused) {
  candela::testing::TempDir dir;
  const std::string short_file = dir.path() + "/short.key";
  std::ofstream(short_file) << "too short";
  ::chmod(short_file.c_str(), 0600);
  auto wrong = MasterKey::load_or_create(short_file);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().find("exactly 32 bytes"), std::string::npos);
  const std::string open_file = dir.path() + "/open.key";
  std::ofstream(open_file) << std::string(32, 'k');
  ::chmod(open_file.c_str(), 0644);
  auto lax = MasterKey::load_or_create(open_file);
  ASSERT_FALSE(lax.ok());
  EXPECT_NE(lax.error().find("chmod 600"), std::string::npos);
}

}  // namespace
}  // namespace candela::control
