// Content-Type by extension and the synthetic body pattern of /_origin/bytes.
#include <gtest/gtest.h>

#include <string>

#include "origin/mime_types.hpp"
#include "origin/synthetic_body.hpp"

namespace candela::origin {
namespace {

TEST(MimeTypes, KnownExtensionsCaseInsensitively) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("dir.v2/LOGO.PNG"), "image/png");
  EXPECT_EQ(content_type_for("seg.m4s"), "video/iso.segment");
}

TEST(MimeTypes, UnknownOrMissingExtensionIsOctetStream) {
  EXPECT_EQ(content_type_for("blob.xyz"), "application/octet-stream");
  EXPECT_EQ(content_type_for("README"), "application/octet-stream");
  EXPECT_EQ(content_type_for(".hidden"), "application/octet-stream");
  EXPECT_EQ(content_type_for("a.b/noext"), "application/octet-stream");
}

TEST(SyntheticBody, RepeatsTheSixtyFourBytePatternFromAnyOffset) {
  std::string whole(200, '\0');
  fill_synthetic(0, whole.data(), whole.size());
  EXPECT_EQ(whole.substr(0, 64), kSyntheticPattern);
  EXPECT_EQ(whole.substr(64, 64), kSyntheticPattern);
  std::string slice(50, '\0');
  fill_synthetic(100, slice.data(), slice.size());
  EXPECT_EQ(slice, whole.substr(100, 50));
}

}  // namespace
}  // namespace candela::origin
