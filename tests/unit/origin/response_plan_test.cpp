// Response planning: defaults, sidecar overrides, conditional requests and single ranges.
#include "origin/response_plan.hpp"

#include <gtest/gtest.h>

#include "origin/http_date.hpp"

namespace candela::origin {
namespace {

const SysTime kNow = SysTime(std::chrono::seconds(1'700'000'000));
const SysTime kModified = kNow - std::chrono::hours(24);
const std::string kTag = "\"64-1-2\"";

Representation file_of(std::uint64_t size) {
  Representation r;
  r.size = size;
  r.content_type = "text/plain; charset=utf-8";
  r.etag = kTag;
  r.last_modified = kModified;
  r.cache_control = "public, max-age=3600";
  return r;
}

TEST(ResponsePlan, PlainGetHasDefaultsAndWholeBody) {
  const auto p = plan_response({}, file_of(100), {}, kNow);
  EXPECT_EQ(p.status, 200);
  EXPECT_TRUE(p.has_content);
  EXPECT_EQ(p.body_offset, 0u);
  EXPECT_EQ(p.body_length, 100u);
  EXPECT_EQ(p.headers.get("Date"), format_http_date(kNow));
  EXPECT_EQ(p.headers.get("ETag"), kTag);
  EXPECT_EQ(p.headers.get("Last-Modified"), format_http_date(kModified));
  EXPECT_EQ(p.headers.get("Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(p.headers.get("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(p.headers.get("Accept-Ranges"), "bytes");
  EXPECT_FALSE(p.headers.contains("Content-Length"));
}

TEST(ResponsePlan, DisabledValidatorsAreAbsent) {
  Representation r = file_of(10);
  r.etag.clear();
  r.last_modified.reset();
  r.cache_control.clear();
  const auto p = plan_response({}, r, {}, kNow);
  EXPECT_FALSE(p.headers.contains("ETag"));
  EXPECT_FALSE(p.headers.contains("Last-Modified"));
  EXPECT_FALSE(p.headers.contains("Cache-Control"));
}

TEST(ResponsePlan, SidecarFieldsOverrideDefaultsOfTheSameName) {
  Sidecar s;
  s.headers = {{"cache-control", "no-store"}, {"Surrogate-Key", "a"}, {"Surrogate-Key", "b"}};
  const auto p = plan_response({}, file_of(10), s, kNow);
  EXPECT_EQ(p.headers.combined("Cache-Control"), "no-store");
  EXPECT_EQ(p.headers.combined("Surrogate-Key"), "a, b");
}

TEST(ResponsePlan, SidecarStatusServesTheFileAsIsWithoutConditionals) {
  Sidecar s;
  s.status = 404;
  ConditionalRequest req;
  req.if_none_match = kTag;
  req.range = "bytes=0-1";
  const auto p = plan_response(req, file_of(10), s, kNow);
  EXPECT_EQ(p.status, 404);
  EXPECT_EQ(p.body_length, 10u);
}

TEST(ResponsePlan, SidecarStatusWithoutContentHasNoBody) {
  Sidecar s;
  s.status = 204;
  const auto p = plan_response({}, file_of(10), s, kNow);
  EXPECT_FALSE(p.has_content);
  EXPECT_EQ(p.body_length, 0u);
}

TEST(ResponsePlan, MatchingIfNoneMatchGives304WithValidatorsAndNoType) {
  ConditionalRequest req;
  req.if_none_match = "\"other\", W/" + kTag;
  const auto p = plan_response(req, file_of(10), {}, kNow);
  EXPECT_EQ(p.status, 304);
  EXPECT_FALSE(p.has_content);
  EXPECT_EQ(p.headers.get("ETag"), kTag);
  EXPECT_EQ(p.headers.get("Cache-Control"), "public, max-age=3600");
  EXPECT_FALSE(p.headers.contains("Content-Type"));
}

TEST(ResponsePlan, IfNoneMatchTakesPrecedenceOverIfModifiedSince) {
  ConditionalRequest req;
  req.if_none_match = "\"other\"";
  req.if_modified_since = format_http_date(kNow);
  EXPECT_EQ(plan_response(req, file_of(10), {}, kNow).status, 200);
}

TEST(ResponsePlan, IfModifiedSinceComparesWithLastModified) {
  ConditionalRequest req;
  req.if_modified_since = format_http_date(kModified);
  EXPECT_EQ(plan_response(req, file_of(10), {}, kNow).status, 304);
  req.if_modified_since = format_http_date(kModified - std::chrono::seconds(1));
  EXPECT_EQ(plan_response(req, file_of(10), {}, kNow).status, 200);
  req.if_modified_since = "not a date";
  EXPECT_EQ(plan_response(req, file_of(10), {}, kNow).status, 200);
}

TEST(ResponsePlan, ConditionalsUseTheSidecarsValidators) {
  Sidecar s;
  s.headers = {{"ETag", "\"custom\""}};
  ConditionalRequest req;
  req.if_none_match = "\"custom\"";
  EXPECT_EQ(plan_response(req, file_of(10), s, kNow).status, 304);
  req.if_none_match = kTag;
  EXPECT_EQ(plan_response(req, file_of(10), s, kNow).status, 200);
}

TEST(ResponsePlan, FailedIfMatchOrIfUnmodifiedSinceGives412) {
  ConditionalRequest req;
  req.if_match = "\"other\"";
  EXPECT_EQ(plan_response(req, file_of(10), {}, kNow).status, 412);
  req.if_match = kTag;
  EXPECT_EQ(plan_response(req, file_of(10), {}, kNow).status, 200);
  ConditionalRequest ius;
  ius.if_unmodified_since = format_http_date(kModified - std::chrono::seconds(1));
  EXPECT_EQ(plan_response(ius, file_of(10), {}, kNow).status, 412);
}

TEST(ResponsePlan, SatisfiableRangeGives206WithContentRange) {
  ConditionalRequest req;
  req.range = "bytes=10-19";
  const auto p = plan_response(req, file_of(100), {}, kNow);
  EXPECT_EQ(p.status, 206);
  EXPECT_EQ(p.body_offset, 10u);
  EXPECT_EQ(p.body_length, 10u);
  EXPECT_EQ(p.headers.get("Content-Range"), "bytes 10-19/100");
}

TEST(ResponsePlan, UnsatisfiableRangeGives416WithTheSize) {
  ConditionalRequest req;
  req.range = "bytes=100-";
  const auto p = plan_response(req, file_of(100), {}, kNow);
  EXPECT_EQ(p.status, 416);
  EXPECT_EQ(p.body_length, 0u);
  EXPECT_EQ(p.headers.get("Content-Range"), "bytes */100");
}

TEST(ResponsePlan, IfRangeHonoursTheRangeOnlyWhileTheValidatorMatches) {
  ConditionalRequest req;
  req.range = "bytes=0-0";
  req.if_range = kTag;
  EXPECT_EQ(plan_response(req, file_of(100), {}, kNow).status, 206);
  req.if_range = "\"stale\"";
  EXPECT_EQ(plan_response(req, file_of(100), {}, kNow).status, 200);
  req.if_range = "W/" + kTag;
  EXPECT_EQ(plan_response(req, file_of(100), {}, kNow).status, 200);
  req.if_range = format_http_date(kModified);
  EXPECT_EQ(plan_response(req, file_of(100), {}, kNow).status, 206);
  req.if_range = format_http_date(kNow);
  EXPECT_EQ(plan_response(req, file_of(100), {}, kNow).status, 200);
}

TEST(ResponsePlan, NotModifiedWinsOverRange) {
  ConditionalRequest req;
  req.range = "bytes=0-0";
  req.if_none_match = kTag;
  EXPECT_EQ(plan_response(req, file_of(100), {}, kNow).status, 304);
}

}  // namespace
}  // namespace candela::origin
