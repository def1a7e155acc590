// JSON request bodies: media type, size, syntax errors with offsets and located field errors.
#include "portal/json_body.hpp"

#include <gtest/gtest.h>

namespace candela::portal {
namespace {

Request json_request(std::string body, std::string content_type = "application/json") {
  Request request;
  request.method = "POST";
  request.headers.emplace_back("Content-Type", std::move(content_type));
  request.body = std::move(body);
  return request;
}

TEST(JsonBody, ParsesValidJsonWithOrWithoutUtf8Charset) {
  auto plain = parse_json_body(json_request(R"({"a":1})"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value()["a"], 1);
  EXPECT_TRUE(parse_json_body(json_request("[]", "Application/JSON; charset=UTF-8")).ok());
}

TEST(JsonBody, OtherMediaTypeIs415) {
  EXPECT_EQ(parse_json_body(json_request("{}", "text/plain")).problem().status, 415);
  EXPECT_EQ(
      parse_json_body(json_request("{}", "application/json; charset=latin1")).problem().status,
      415);
  Request no_type;
  no_type.body = "{}";
  EXPECT_EQ(parse_json_body(no_type).problem().status, 415);
}

TEST(JsonBody, OversizedBodyIs413) {
  EXPECT_EQ(parse_json_body(json_request(R"({"a":"0123456789"})"), 10).problem().status, 413);
}

TEST(JsonBody, InvalidJsonNamesTheByteOffset) {
  auto result = parse_json_body(json_request(R"({"a": })"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.problem().status, 400);
  EXPECT_NE(result.problem().detail.find("byte offset 6"), std::string::npos)
      << result.problem().detail;
}

TEST(JsonBody, EmptyBodyIs400) {
  EXPECT_EQ(parse_json_body(json_request("")).problem().status, 400);
}

TEST(JsonReader, ReadsTypedFields) {
  auto doc = nlohmann::json::parse(R"({"name":"edge","port":8080,"tls":true,"rules":[{"x":1}]})");
  JsonReader reader(doc);
  EXPECT_EQ(reader.string("/name"), "edge");
  EXPECT_EQ(reader.integer("/port", true, 1, 65535), 8080);
  EXPECT_EQ(reader.boolean("/tls"), true);
  ASSERT_NE(reader.array("/rules"), nullptr);
  EXPECT_EQ(reader.integer("/rules/0/x"), 1);
  EXPECT_FALSE(reader.string("/comment", false));
  EXPECT_TRUE(reader.ok());
  EXPECT_FALSE(reader.problem());
}

TEST(JsonReader, CollectsEveryErrorWithItsPointer) {
  auto doc = nlohmann::json::parse(
      R"({"port":70000,"tls":"yes","origin":{"host":5},"extra":1,"a/b":2,"count":1.5})");
  JsonReader reader(doc);
  reader.string("/name");
  reader.integer("/port", true, 1, 65535);
  reader.boolean("/tls");
  reader.string("/origin/host");
  reader.integer("/count");
  reader.reject_unknown("", {"name", "port", "tls", "origin", "count"});
  auto problem = reader.problem();
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 400);
  EXPECT_EQ(problem->slug, "validation-failed");
  std::vector<FieldError> expected = {
      {"/name", "is required"},
      {"/port", "must be between 1 and 65535"},
      {"/tls", "must be true or false, not string"},
      {"/origin/host", "must be a string, not number"},
      {"/count", "must be an integer, not number"},
      {"/a~1b", "is not a known field"},
      {"/extra", "is not a known field"},
  };
  EXPECT_EQ(problem->errors, expected);
  auto json = nlohmann::json::parse(problem->to_response("r").body);
  EXPECT_EQ(json["errors"].size(), expected.size());
}

TEST(JsonReader, PointerThroughScalarIsMissing) {
  auto doc = nlohmann::json::parse(R"({"a":1})");
  JsonReader reader(doc);
  EXPECT_FALSE(reader.string("/a/b"));
  ASSERT_EQ(reader.errors().size(), 1u);
  EXPECT_EQ(reader.errors()[0].pointer, "/a/b");
}

}  // namespace
}  // namespace candela::portal
