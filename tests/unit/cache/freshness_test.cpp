// Tests for freshness lifetime, Age arithmetic and reuse decisions (RFC 9111 §4.2, RFC 9213).
#include "cache/freshness.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

#include "common/http_date.hpp"

namespace candela::cache {
namespace {

constexpr std::int64_t kT0 = 1700000000;

SysTime at(std::int64_t offset) {
  return from_unix_seconds(kT0 + offset);
}
std::string date(std::int64_t offset) {
  return format_http_date(at(offset));
}

using Fields = std::initializer_list<std::pair<std::string, std::string>>;

http::HeaderList headers(Fields fields) {
  http::HeaderList h;
  for (const auto& [n, v] : fields)
    h.add(n, v);
  return h;
}

// Stores a response requested at `req` and received at `resp` (offsets from kT0).
FreshnessInfo stored(Fields fields, int status = 200, std::int64_t req = 0, std::int64_t resp = 0,
                     const FreshnessConfig& config = {}) {
  const auto h = headers(fields);
  const auto view = h.view();
  return compute_freshness(status, view, select_response_directives(view), at(req), at(resp),
                           config);
}

RequestDirectives request(Fields fields) {
  const auto h = headers(fields);
  return parse_request_directives(h.view());
}

TEST(Freshness, AgeArithmeticFollowsRfc9111Section423) {
  struct Case {
    std::int64_t age_value, date_value, request_time, response_time;
    std::int64_t apparent, delay, corrected_age, initial;
  };
  const Case cases[] = {
      // Date 10 s before receipt, no Age, 2 s round trip: apparent age dominates.
      {0, 90, 98, 100, 10, 2, 2, 10},
      // An upstream cache reports Age 30: corrected age value dominates.
      {30, 99, 98, 100, 1, 2, 32, 32},
      // Origin clock ahead of ours: apparent age clamps to 0.
      {0, 200, 98, 100, 0, 2, 2, 2},
  };
  for (const auto& c : cases) {
    const auto a =
        calculate_initial_age(c.age_value, c.date_value, c.request_time, c.response_time);
    EXPECT_EQ(a.apparent_age, c.apparent);
    EXPECT_EQ(a.response_delay, c.delay);
    EXPECT_EQ(a.corrected_age_value, c.corrected_age);
    EXPECT_EQ(a.corrected_initial_age, c.initial);
  }
}

TEST(Freshness, CurrentAgeAddsResidentTime) {
  const auto info =
      stored({{"Date", date(-10)}, {"Age", "5"}, {"Cache-Control", "max-age=100"}}, 200, -2, 0);
  // corrected_age_value = 5 + 2 = 7 < apparent_age 10.
  EXPECT_EQ(info.corrected_initial_age, 10);
  EXPECT_EQ(age_seconds(info, at(0)), 10);
  EXPECT_EQ(age_seconds(info, at(25)), 35);
}

TEST(Freshness, MaxAgeGivesLifetimeAndExpiresWhenAgeReachesIt) {
  const auto info = stored({{"Date", date(0)}, {"Cache-Control", "max-age=60"}});
  EXPECT_EQ(info.freshness_lifetime, 60);
  EXPECT_TRUE(is_fresh(info, at(59)));
  EXPECT_FALSE(is_fresh(info, at(60)));
  EXPECT_EQ(evaluate(info, at(59), {}), Freshness::kFresh);
  EXPECT_EQ(evaluate(info, at(60), {}), Freshness::kMustRevalidate);
}

TEST(Freshness, AgeFromUpstreamShortensRemainingLifetime) {
  const auto info = stored({{"Date", date(0)}, {"Age", "50"}, {"Cache-Control", "max-age=60"}});
  EXPECT_TRUE(is_fresh(info, at(9)));
  EXPECT_FALSE(is_fresh(info, at(10)));
}

TEST(Freshness, SMaxAgeOverridesMaxAgeForSharedCache) {
  const auto info = stored({{"Date", date(0)}, {"Cache-Control", "max-age=10, s-maxage=300"}});
  EXPECT_EQ(info.freshness_lifetime, 300);
  EXPECT_TRUE(info.no_stale);  // s-maxage implies proxy-revalidate
}

TEST(Freshness, MaxAgeOverridesExpires) {
  const auto info =
      stored({{"Date", date(0)}, {"Expires", date(1000)}, {"Cache-Control", "max-age=10"}});
  EXPECT_EQ(info.freshness_lifetime, 10);
}

TEST(Freshness, ExpiresMinusDateGivesLifetime) {
  const auto info = stored({{"Date", date(-100)}, {"Expires", date(200)}});
  EXPECT_EQ(info.freshness_lifetime, 300);
  EXPECT_FALSE(info.heuristic);
}

TEST(Freshness, InvalidExpiresMeansAlreadyExpired) {
  for (const char* e : {"0", "-1", "never", ""}) {
    const auto info = stored({{"Date", date(0)}, {"Expires", e}, {"Last-Modified", date(-100000)}});
    EXPECT_EQ(info.freshness_lifetime, 0) << e;
    EXPECT_FALSE(info.heuristic) << e;
  }
}

TEST(Freshness, ConflictingExpiresLinesMeanExpired) {
  const auto info = stored({{"Date", date(0)}, {"Expires", date(100)}, {"Expires", date(200)}});
  EXPECT_EQ(info.freshness_lifetime, 0);
}

TEST(Freshness, ExpiresInThePastGivesZeroLifetime) {
  const auto info = stored({{"Date", date(0)}, {"Expires", date(-50)}});
  EXPECT_EQ(info.freshness_lifetime, 0);
}

TEST(Freshness, MissingDateUsesResponseTime) {
  const auto info = stored({{"Expires", date(120)}}, 200, -1, 0);
  EXPECT_EQ(info.freshness_lifetime, 120);
  EXPECT_EQ(info.corrected_initial_age, 1);  // the response delay
}

TEST(Freshness, InvalidDateUsesResponseTime) {
  const auto info = stored({{"Date", "yesterday"}, {"Cache-Control", "max-age=10"}});
  EXPECT_EQ(info.corrected_initial_age, 0);
}

TEST(Freshness, HeuristicIsTenPercentOfLastModifiedAgeByDefault) {
  const auto info = stored({{"Date", date(0)}, {"Last-Modified", date(-10000)}});
  EXPECT_TRUE(info.heuristic);
  EXPECT_EQ(info.freshness_lifetime, 1000);
}

TEST(Freshness, HeuristicIsCappedAndConfigurable) {
  FreshnessConfig config;
  config.heuristic_percent = 50;
  config.heuristic_max_seconds = 3600;
  const auto capped =
      stored({{"Date", date(0)}, {"Last-Modified", date(-1000000)}}, 200, 0, 0, config);
  EXPECT_EQ(capped.freshness_lifetime, 3600);
  const auto half = stored({{"Date", date(0)}, {"Last-Modified", date(-100)}}, 200, 0, 0, config);
  EXPECT_EQ(half.freshness_lifetime, 50);
}

TEST(Freshness, HeuristicOnlyForHeuristicallyCacheableStatusesOrPublic) {
  const Fields lm = {{"Date", date(0)}, {"Last-Modified", date(-10000)}};
  for (int status : {200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501}) {
    EXPECT_EQ(stored(lm, status).freshness_lifetime, 1000) << status;
  }
  for (int status : {201, 302, 303, 307, 400, 403, 500, 502, 503}) {
    EXPECT_EQ(stored(lm, status).freshness_lifetime, 0) << status;
  }
  const auto pub = stored(
      {{"Date", date(0)}, {"Last-Modified", date(-10000)}, {"Cache-Control", "public"}}, 302);
  EXPECT_EQ(pub.freshness_lifetime, 1000);
}

TEST(Freshness, NoHeuristicWithoutLastModifiedOrWithFutureLastModified) {
  EXPECT_EQ(stored({{"Date", date(0)}}).freshness_lifetime, 0);
  const auto future = stored({{"Date", date(0)}, {"Last-Modified", date(100)}});
  EXPECT_EQ(future.freshness_lifetime, 0);
  EXPECT_FALSE(future.heuristic);
}

TEST(Freshness, CdnCacheControlPrecedesCacheControlAndExpires) {
  const auto info = stored({{"Date", date(0)},
                            {"Cache-Control", "max-age=5, must-revalidate"},
                            {"Expires", date(10)},
                            {"CDN-Cache-Control", "max-age=600, stale-while-revalidate=30"}});
  EXPECT_TRUE(info.targeted);
  EXPECT_EQ(info.freshness_lifetime, 600);
  EXPECT_FALSE(info.no_stale);
  EXPECT_EQ(info.stale_while_revalidate, 30);
}

TEST(Freshness, TargetedFieldIgnoresExpiresEvenWithoutMaxAge) {
  const auto info =
      stored({{"Date", date(0)}, {"Expires", date(1000)}, {"CDN-Cache-Control", "public"}});
  EXPECT_EQ(info.freshness_lifetime, 0);
}

TEST(Freshness, NoCacheAlwaysRevalidatesEvenWhenFresh) {
  const auto info = stored({{"Date", date(0)}, {"Cache-Control", "max-age=600, no-cache"}});
  EXPECT_EQ(evaluate(info, at(1), {}), Freshness::kMustRevalidate);
  const auto qualified =
      stored({{"Date", date(0)}, {"Cache-Control", "max-age=600, no-cache=\"x\""}});
  EXPECT_EQ(evaluate(qualified, at(1), {}), Freshness::kMustRevalidate);
}

TEST(Freshness, StaleWhileRevalidateWindowIsExclusive) {
  const auto info =
      stored({{"Date", date(0)}, {"Cache-Control", "max-age=10, stale-while-revalidate=5"}});
  EXPECT_EQ(evaluate(info, at(10), {}), Freshness::kStaleWhileRevalidate);
  EXPECT_EQ(evaluate(info, at(14), {}), Freshness::kStaleWhileRevalidate);
  EXPECT_EQ(evaluate(info, at(15), {}), Freshness::kMustRevalidate);
}

TEST(Freshness, StaleIfErrorAllowsFallbackOnly) {
  const auto info =
      stored({{"Date", date(0)}, {"Cache-Control", "max-age=10, stale-if-error=100"}});
  EXPECT_EQ(evaluate(info, at(50), {}), Freshness::kRevalidateOrServeOnError);
  EXPECT_TRUE(may_serve_on_error(info, at(50)));
  EXPECT_EQ(evaluate(info, at(110), {}), Freshness::kMustRevalidate);
  EXPECT_FALSE(may_serve_on_error(info, at(110)));
}

TEST(Freshness, ConfiguredDefaultsApplyOnlyWhenResponseIsSilent) {
  FreshnessConfig config;
  config.default_stale_while_revalidate = 20;
  config.default_stale_if_error = 300;
  const auto silent = stored({{"Cache-Control", "max-age=10"}}, 200, 0, 0, config);
  EXPECT_EQ(silent.stale_while_revalidate, 20);
  EXPECT_EQ(silent.stale_if_error, 300);
  const auto explicit_zero =
      stored({{"Cache-Control", "max-age=10, stale-while-revalidate=0, stale-if-error=0"}}, 200, 0,
             0, config);
  EXPECT_EQ(explicit_zero.stale_while_revalidate, 0);
  EXPECT_EQ(explicit_zero.stale_if_error, 0);
}

TEST(Freshness, MustRevalidateForbidsEveryStaleUse) {
  for (const char* cc :
       {"max-age=10, must-revalidate", "max-age=10, proxy-revalidate", "s-maxage=10"}) {
    const auto info = stored(
        {{"Cache-Control", std::string(cc) + ", stale-while-revalidate=100, stale-if-error=100"}});
    EXPECT_EQ(evaluate(info, at(11), request({{"Cache-Control", "max-stale"}})),
              Freshness::kMustRevalidate)
        << cc;
    EXPECT_FALSE(may_serve_on_error(info, at(11))) << cc;
    EXPECT_EQ(evaluate(info, at(5), {}), Freshness::kFresh) << cc;
  }
}

TEST(Freshness, RequestMaxStaleAcceptsStaleWithinLimit) {
  const auto info = stored({{"Cache-Control", "max-age=10"}});
  EXPECT_EQ(evaluate(info, at(15), request({{"Cache-Control", "max-stale=5"}})),
            Freshness::kStaleAcceptable);
  EXPECT_EQ(evaluate(info, at(16), request({{"Cache-Control", "max-stale=5"}})),
            Freshness::kMustRevalidate);
  EXPECT_EQ(evaluate(info, at(100000), request({{"Cache-Control", "max-stale"}})),
            Freshness::kStaleAcceptable);
}

TEST(Freshness, RequestMaxAgeRejectsOlderFreshResponse) {
  const auto info = stored({{"Cache-Control", "max-age=100"}});
  EXPECT_EQ(evaluate(info, at(30), request({{"Cache-Control", "max-age=30"}})), Freshness::kFresh);
  EXPECT_EQ(evaluate(info, at(31), request({{"Cache-Control", "max-age=30"}})),
            Freshness::kRevalidateOrServeOnError);
  EXPECT_EQ(evaluate(info, at(1), request({{"Cache-Control", "max-age=0"}})),
            Freshness::kRevalidateOrServeOnError);
  // Within the second of storing the age rounds down to 0, yet max-age=0 still revalidates.
  EXPECT_EQ(evaluate(info, at(0), request({{"Cache-Control", "max-age=0"}})),
            Freshness::kRevalidateOrServeOnError);
}

TEST(Freshness, RequestMinFreshNeedsEnoughRemainingLifetime) {
  const auto info = stored({{"Cache-Control", "max-age=100"}});
  EXPECT_EQ(evaluate(info, at(50), request({{"Cache-Control", "min-fresh=50"}})),
            Freshness::kFresh);
  EXPECT_EQ(evaluate(info, at(51), request({{"Cache-Control", "min-fresh=50"}})),
            Freshness::kRevalidateOrServeOnError);
}

TEST(Freshness, RequestMaxAgeZeroDisablesStaleWhileRevalidate) {
  const auto info = stored({{"Cache-Control", "max-age=10, stale-while-revalidate=100"}});
  EXPECT_EQ(evaluate(info, at(20), request({{"Cache-Control", "max-age=0"}})),
            Freshness::kMustRevalidate);
}

TEST(Freshness, RequestNoCacheAndPragmaForceRevalidation) {
  const auto info = stored({{"Cache-Control", "max-age=100"}});
  EXPECT_EQ(evaluate(info, at(1), request({{"Cache-Control", "no-cache"}})),
            Freshness::kMustRevalidate);
  EXPECT_EQ(evaluate(info, at(1), request({{"Pragma", "no-cache"}})), Freshness::kMustRevalidate);
  // Pragma is ignored when Cache-Control is present (RFC 9111 §5.4).
  EXPECT_EQ(
      evaluate(info, at(1), request({{"Cache-Control", "max-stale"}, {"Pragma", "no-cache"}})),
      Freshness::kFresh);
}

TEST(Freshness, AgeHeaderParsing) {
  struct Case {
    const char* age;
    std::int64_t expected;
  };
  const Case cases[] = {{"100", 100},
                        {" 7 ", 7},
                        {"-5", 0},
                        {"1.5", 0},
                        {"abc", 0},
                        {"", 0},
                        {"10, 20", 10},
                        {"2147483648", kMaxDeltaSeconds},
                        {"99999999999999", kMaxDeltaSeconds}};
  for (const auto& c : cases) {
    const auto info = stored({{"Date", date(0)}, {"Age", c.age}});
    EXPECT_EQ(info.corrected_initial_age, c.expected) << c.age;
  }
}

TEST(Freshness, AgeIsClampedTo2Pow31) {
  const auto info = stored({{"Age", "2147483648"}, {"Cache-Control", "max-age=2147483648"}});
  EXPECT_EQ(age_seconds(info, at(1000)), kMaxDeltaSeconds);
  EXPECT_FALSE(is_fresh(info, at(0)));
}

TEST(Freshness, ImmutableIsRecorded) {
  EXPECT_TRUE(stored({{"Cache-Control", "max-age=10, immutable"}}).immutable);
}

}  // namespace
}  // namespace candela::cache
