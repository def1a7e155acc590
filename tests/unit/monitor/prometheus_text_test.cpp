// The Prometheus reader: samples with labels, escapes and timestamps; other lines skipped.
#include "monitor/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "monitor/edge_counters.hpp"

namespace candela::monitor {
namespace {

TEST(PrometheusText, ReadsSamplesWithLabelsAndSkipsComments) {
  const auto text = parse_prometheus_text(
      "# HELP candela_edge_responses_total Responses.\n"
      "# TYPE candela_edge_responses_total counter\n"
      "candela_edge_responses_total{property=\"www\",status_class=\"2xx\"} 41\n"
      "\n"
      "candela_edge_up 1\n");
  ASSERT_EQ(text.samples.size(), 2u);
  EXPECT_EQ(text.skipped_lines, 0u);
  EXPECT_EQ(text.samples[0].name, "candela_edge_responses_total");
  EXPECT_EQ(text.samples[0].label("property"), "www");
  EXPECT_EQ(text.samples[0].label("status_class"), "2xx");
  EXPECT_EQ(text.samples[0].label("absent"), "");
  EXPECT_DOUBLE_EQ(text.samples[0].value, 41);
  EXPECT_TRUE(text.samples[1].labels.empty());
}

TEST(PrometheusText, UnescapesLabelValuesAndAcceptsTimestampsAndSpecialValues) {
  const auto text = parse_prometheus_text(
      "m{a=\"quote \\\" back \\\\ nl \\n\" , b=\"x\",} 1.5e3 1700000000000\r\n"
      "h_bucket{le=\"+Inf\"} +Inf\n"
      "g NaN\n");
  ASSERT_EQ(text.samples.size(), 3u) << text.skipped_lines;
  EXPECT_EQ(text.samples[0].label("a"), "quote \" back \\ nl \n");
  EXPECT_EQ(text.samples[0].label("b"), "x");
  EXPECT_DOUBLE_EQ(text.samples[0].value, 1500);
  EXPECT_TRUE(std::isinf(text.samples[1].value));
  EXPECT_TRUE(std::isnan(text.samples[2].value));
}

TEST(PrometheusText, SkipsMalformedLinesAndKeepsTheRest) {
  const auto text = parse_prometheus_text(
      "ok 1\n"
      "9bad 1\n"                 // name starts with a digit
      "m{a=\"unterminated} 1\n"  // open quote
      "m{a=x} 1\n"               // unquoted value
      "m{a=\"v\"}1\n"            // no blank before the value
      "m 12abc\n"                // not a number
      "m 1 not-a-timestamp\n"
      "m{a=\"\\q\"} 1\n"  // unknown escape
      "also_ok{x=\"1\"} 2\n");
  ASSERT_EQ(text.samples.size(), 2u);
  EXPECT_EQ(text.samples[0].name, "ok");
  EXPECT_EQ(text.samples[1].name, "also_ok");
  EXPECT_EQ(text.skipped_lines, 7u);
}

TEST(EdgeCounters, SumsResponsesErrorsBytesAndOriginFetches) {
  const auto counters = read_edge_counters(parse_prometheus_text(
      "candela_edge_responses_total{property=\"a\",status_class=\"2xx\"} 90\n"
      "candela_edge_responses_total{property=\"a\",status_class=\"5xx\"} 6\n"
      "candela_edge_responses_total{property=\"b\",status_class=\"5xx\"} 4\n"
      "candela_edge_responses_total{property=\"b\",status_class=\"4xx\"} 10\n"
      "candela_edge_response_bytes_total{property=\"a\"} 1000\n"
      "candela_edge_response_bytes_total{property=\"b\"} 24\n"
      "candela_edge_property_origin_fetches_total{property=\"a\",result=\"ok\"} 3\n"
      "candela_edge_property_origin_fetches_total{property=\"a\",result=\"failed\"} 2\n"
      "candela_edge_property_origin_fetches_total{property=\"\",result=\"failed\"} 9\n"
      "candela_edge_responses_total{property=\"c\",status_class=\"5xx\"} -5\n"
      "candela_edge_other_total 77\n"));
  EXPECT_DOUBLE_EQ(counters.responses, 110);
  EXPECT_DOUBLE_EQ(counters.errors, 10);
  EXPECT_DOUBLE_EQ(counters.bytes, 1024);
  ASSERT_EQ(counters.origin_fetches.size(), 1u);
  EXPECT_DOUBLE_EQ(counters.origin_fetches.at("a").ok, 3);
  EXPECT_DOUBLE_EQ(counters.origin_fetches.at("a").failed, 2);
}

}  // namespace
}  // namespace candela::monitor

namespace candela::monitor {
namespace {

// Not a substitute for libFuzzer, but every build runs it: random bytes and random damage to a
// real exposition never crash the reader, and every sample it returns is well formed.
TEST(PrometheusText, SurvivesArbitraryBytesAndDamagedExpositions) {
  const std::string real =
      "# TYPE candela_edge_responses_total counter\n"
      "candela_edge_responses_total{property=\"A\",status_class=\"5xx\"} 12\n"
      "candela_edge_response_bytes_total{property=\"a\\\"b\"} 1e3 17\n";
  std::mt19937_64 random(42);
  for (int round = 0; round < 20000; ++round) {
    std::string input = real;
    if (round % 2 == 0) {
      input.resize(random() % 200);
      for (char& c : input)
        c = static_cast<char>(random() % 256);
    } else {
      for (int edits = 1 + static_cast<int>(random() % 4); edits > 0; --edits) {
        const std::size_t at = random() % input.size();
        switch (random() % 3) {
          case 0:
            input[at] = static_cast<char>(random() % 256);
            break;
          case 1:
            input.erase(at, 1 + random() % 5);
            break;
          default:
            input.insert(at, 1, "{}\"\\= ,\n#"[random() % 9]);
            break;
        }
        if (input.empty()) input = "x";
      }
    }
    const auto text = parse_prometheus_text(input);
    for (const auto& sample : text.samples) {
      ASSERT_FALSE(sample.name.empty()) << input;
      ASSERT_EQ(sample.name.find_first_of(" {}\n\""), std::string::npos) << input;
    }
    (void)read_edge_counters(text);
  }
}

}  // namespace
}  // namespace candela::monitor
