#include "ctl/credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/process.hpp"

namespace candela::ctl {
namespace {

TEST(Credentials, SavedLoginRoundTripsAndOnlyTheOwnerCanReadIt) {
  candela::testing::TempDir dir;
  const auto path = std::filesystem::path(dir.path()) / "nested" / "ctl.json";
  auto missing = load_login(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  ASSERT_TRUE(save_login(path, {"http://127.0.0.1:9000", "cookie", "csrf", "a@x.test"}).ok());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto loaded = load_login(path);
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->session_cookie, "cookie");
  EXPECT_EQ((*loaded)->csrf_token, "csrf");
  EXPECT_EQ((*loaded)->portal_url, "http://127.0.0.1:9000");

  ASSERT_TRUE(forget_login(path).ok());
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Credentials, AnExistingFolderKeepsItsPermissions) {
  candela::testing::TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 01777), 0);
  const auto path = std::filesystem::path(dir.path()) / "ctl.json";
  ASSERT_TRUE(save_login(path, {"http://127.0.0.1:9000", "cookie", "csrf", "a@x.test"}).ok());
  struct stat info {};
  ASSERT_EQ(::stat(dir.path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 01777u) << "a shared folder such as /tmp must stay shared";
}

TEST(Credentials, ACorruptFileIsAnErrorNotAnEmptyLogin) {
  candela::testing::TempDir dir;
  const auto path = std::filesystem::path(dir.path()) / "ctl.json";
  std::ofstream(path) << "{not json";
  auto loaded = load_login(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find("login"), std::string::npos);
}

}  // namespace
}  // namespace candela::ctl
