// Response head serialization: exact bytes, reason phrases, injection safety, no allocation.
#include "http/serialize.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace candela::http {
namespace {

TEST(Serialize, WritesStatusLineWithGivenOrStandardReason) {
  std::string out;
  append_status_line(out, 200, "OK");
  append_status_line(out, 404, "");
  append_status_line(out, 299, "Custom");
  append_status_line(out, 299, "");
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nHTTP/1.1 404 Not Found\r\nHTTP/1.1 299 Custom\r\n"
            "HTTP/1.1 299 \r\n");
}

TEST(Serialize, WritesOutOfRangeStatusAs500) {
  std::string out;
  append_status_line(out, 42, "Odd");
  append_status_line(out, 1000, "");
  EXPECT_EQ(out, "HTTP/1.1 500 Internal Server Error\r\nHTTP/1.1 500 Internal Server Error\r\n");
}

TEST(Serialize, KnowsStandardReasonPhrases) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(206), "Partial Content");
  EXPECT_EQ(reason_phrase(304), "Not Modified");
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(414), "URI Too Long");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(502), "Bad Gateway");
  EXPECT_EQ(reason_phrase(505), "HTTP Version Not Supported");
  EXPECT_EQ(reason_phrase(299), "");
  EXPECT_EQ(reason_phrase(-1), "");
}

TEST(Serialize, WritesFieldLines) {
  std::string out;
  append_field(out, "Content-Type", "text/html");
  append_field(out, "X-Empty", "");
  EXPECT_EQ(out, "Content-Type: text/html\r\nX-Empty: \r\n");
}

TEST(Serialize, NeutralisesLineBreaksSoFieldsCannotBeInjected) {
  std::string out;
  append_field(out, "Location", "/a\r\nSet-Cookie: evil=1");
  append_field(out, "X\nY", std::string("a\0b", 3));
  append_status_line(out, 200, "OK\r\nX: y");
  EXPECT_EQ(out, "Location: /a  Set-Cookie: evil=1\r\nX Y: a b\r\nHTTP/1.1 200 OK  X: y\r\n");
}

TEST(Serialize, WritesDecimals) {
  std::string out;
  append_decimal(out, 0);
  out += ' ';
  append_decimal(out, 1024);
  out += ' ';
  append_decimal(out, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(out, "0 1024 18446744073709551615");
}

TEST(Serialize, DoesNotReallocateWhenTheBufferHasCapacity) {
  std::string out;
  out.reserve(256);
  const char* before = out.data();
  append_status_line(out, 200, "");
  append_field(out, "Content-Length", "");
  out.resize(out.size() - 2);
  append_decimal(out, 123456789);
  out += "\r\n\r\n";
  EXPECT_EQ(out.data(), before);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Length: 123456789\r\n\r\n");
}

}  // namespace
}  // namespace candela::http
