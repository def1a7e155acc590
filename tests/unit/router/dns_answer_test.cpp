// DNS mode answers for every case of the contract, built and read with ldns.
#include "router/dns_answer.hpp"

#include <gtest/gtest.h>

#include "dns_test_packets.hpp"
#include "router/dns_responder.hpp"
#include "router/routing_state.hpp"
#include "routing_fixtures.hpp"

namespace candela::router {
namespace {

using testing::ecs_v4;
using testing::edge;
using testing::make_query;
using testing::PacketPtr;
using testing::parse_reply;
using testing::QueryOptions;
using testing::records;
using testing::reply_ecs;
using testing::state_with;
using testing::test_zone;

class DnsAnswerTest : public ::testing::Test {
 protected:
  DnsAnswerTest() {
    zone_.domain = "cdn.candela.test";
    zone_.ttl = 20;
    zone_.max_answers = 2;
    zone_.ns_address = parse_ip_address("127.0.0.53");
  }

  PacketPtr ask(const std::string& name, ldns_rr_type type, const QueryOptions& options = {},
                const char* client = "127.0.0.1", DnsOutcome* outcome = nullptr,
                const RoutingTable* table = nullptr) {
    std::string out;
    const DnsOutcome o =
        answer_dns_query(table != nullptr ? table : &table_, make_query(name, type, options),
                         parse_ip_address(client).value(), false, zone_, out);
    if (outcome != nullptr) *outcome = o;
    auto reply = parse_reply(out);
    EXPECT_NE(reply, nullptr) << name;
    if (reply) {
      EXPECT_EQ(ldns_pkt_id(reply.get()), options.id);
      EXPECT_TRUE(ldns_pkt_qr(reply.get()));
    }
    return reply;
  }

  DnsZone zone_;
  RoutingTable table_{
      test_zone(),
      state_with({edge("lon-a", "lon1", "127.0.0.1:8081"), edge("lon-b", "lon1", "127.0.0.2:8081"),
                  edge("lon-c", "lon1", "127.0.0.3:8081"),
                  edge("lon-6", "lon1", "[2001:db8::7]:8081"), edge("ams-a", "ams1", "10.2.0.1:80"),
                  edge("lon-down", "lon1", "127.0.0.9:8081", false)}),
      1};
};

TEST_F(DnsAnswerTest, ServiceNameGetsTheChosenEdgesAuthoritatively) {
  DnsOutcome outcome{};
  auto r = ask("AB12CD34E.cdn.candela.test.", LDNS_RR_TYPE_A, {}, "127.0.0.1", &outcome);
  EXPECT_EQ(outcome, DnsOutcome::kAnswer);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_aa(r.get()));
  EXPECT_TRUE(ldns_pkt_rd(r.get()));
  const auto a = records(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_NE(a[0], a[1]);
  for (const auto& address : a) {
    EXPECT_TRUE(address == "127.0.0.1" || address == "127.0.0.2" || address == "127.0.0.3");
  }
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(r.get()), 0)), 20u);
  // The question comes back as asked (case kept for 0x20 resolvers).
  char* q = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(r.get()), 0)));
  EXPECT_STREQ(q, "AB12CD34E.cdn.candela.test.");
  free(q);
  // Same name, same answer; other case, same answer.
  auto again = ask("ab12cd34e.CDN.candela.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(records(again.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A), a);
}

TEST_F(DnsAnswerTest, EdgesSharingAnAddressGiveOneRecord) {
  // Two edges on one host (different ports): an RRset holds no duplicate records.
  const RoutingTable shared{
      test_zone(),
      state_with({edge("one", "lon1", "127.0.0.1:8081"), edge("two", "lon1", "127.0.0.1:8082")}),
      1};
  auto r = ask("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, {}, "127.0.0.1", nullptr, &shared);
  EXPECT_EQ(records(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
            std::vector<std::string>{"127.0.0.1"});
}

TEST_F(DnsAnswerTest, AaaaAnswersIpv6EdgesOnly) {
  auto r = ask("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(records(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
            std::vector<std::string>{"2001:db8::7"});
}

TEST_F(DnsAnswerTest, OtherTypesAtAServiceAreNoData) {
  DnsOutcome outcome{};
  auto r = ask("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_TXT, {}, "127.0.0.1", &outcome);
  EXPECT_EQ(outcome, DnsOutcome::kNoData);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_pkt_ancount(r.get()), 0);
  EXPECT_EQ(records(r.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA).size(), 1u);
}

TEST_F(DnsAnswerTest, ApexHasSoaAndNsWithGlue) {
  auto soa = ask("cdn.candela.test.", LDNS_RR_TYPE_SOA);
  EXPECT_EQ(records(soa.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_SOA),
            std::vector<std::string>{"ns1.cdn.candela.test."});
  auto ns = ask("cdn.candela.test.", LDNS_RR_TYPE_NS);
  EXPECT_TRUE(ldns_pkt_aa(ns.get()));
  EXPECT_EQ(records(ns.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_NS),
            std::vector<std::string>{"ns1.cdn.candela.test."});
  EXPECT_EQ(records(ns.get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A),
            std::vector<std::string>{"127.0.0.53"});
  auto glue = ask("ns1.cdn.candela.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(records(glue.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
            std::vector<std::string>{"127.0.0.53"});
  DnsOutcome outcome{};
  auto a = ask("cdn.candela.test.", LDNS_RR_TYPE_A, {}, "127.0.0.1", &outcome);
  EXPECT_EQ(outcome, DnsOutcome::kNoData);
  EXPECT_EQ(records(a.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA).size(), 1u);
}

TEST_F(DnsAnswerTest, RoutedEdgeNamesAnswerThatEdge) {
  auto r = ask("lon-b.www.example.com.cdn.candela.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(records(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
            std::vector<std::string>{"127.0.0.2"});
  EXPECT_TRUE(ldns_pkt_aa(r.get()));
  // Even an unavailable edge keeps its name: clients already sent there still resolve it.
  auto down = ask("LON-DOWN.x.cdn.candela.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(records(down.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
            std::vector<std::string>{"127.0.0.9"});
  DnsOutcome outcome{};
  auto aaaa = ask("lon-b.x.cdn.candela.test.", LDNS_RR_TYPE_AAAA, {}, "127.0.0.1", &outcome);
  EXPECT_EQ(outcome, DnsOutcome::kNoData);
}

TEST_F(DnsAnswerTest, UnknownNamesUnderTheDomainAreNxDomain) {
  for (const char* name :
       {"nosuch.cdn.candela.test.", "nosuch.www.cdn.candela.test.", "ab12cd34.cdn.candela.test."}) {
    DnsOutcome outcome{};
    auto r = ask(name, LDNS_RR_TYPE_A, {}, "127.0.0.1", &outcome);
    EXPECT_EQ(outcome, DnsOutcome::kNxDomain) << name;
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NXDOMAIN);
    EXPECT_TRUE(ldns_pkt_aa(r.get()));
    EXPECT_EQ(records(r.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA).size(), 1u);
  }
}

TEST_F(DnsAnswerTest, NamesOutsideTheDomainAndOtherClassesAreRefused) {
  for (const char* name : {"example.com.", "candela.test.", "xcdn.candela.test."}) {
    DnsOutcome outcome{};
    auto r = ask(name, LDNS_RR_TYPE_A, {}, "127.0.0.1", &outcome);
    EXPECT_EQ(outcome, DnsOutcome::kRefused) << name;
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_REFUSED);
    EXPECT_FALSE(ldns_pkt_aa(r.get()));
  }
  QueryOptions chaos;
  chaos.klass = LDNS_RR_CLASS_CH;
  auto r = ask("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, chaos);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_REFUSED);
}

TEST_F(DnsAnswerTest, OtherOpcodesAreNotImplemented) {
  QueryOptions notify;
  notify.opcode = LDNS_PACKET_NOTIFY;
  DnsOutcome outcome{};
  auto r = ask("cdn.candela.test.", LDNS_RR_TYPE_SOA, notify, "127.0.0.1", &outcome);
  EXPECT_EQ(outcome, DnsOutcome::kNotImp);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOTIMPL);
}

TEST_F(DnsAnswerTest, GarbageWithAHeaderIsFormErrAndShorterIsDropped) {
  std::string query = make_query("cdn.candela.test.", LDNS_RR_TYPE_SOA);
  query.resize(query.size() - 3);  // cut the question short
  std::string out;
  EXPECT_EQ(answer_dns_query(&table_, query, *parse_ip_address("127.0.0.1"), false, zone_, out),
            DnsOutcome::kFormErr);
  auto r = parse_reply(out);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_id(r.get()), 0x1234);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_FORMERR);
  EXPECT_EQ(answer_dns_query(&table_, query.substr(0, 11), *parse_ip_address("127.0.0.1"), false,
                             zone_, out),
            DnsOutcome::kDrop);
  // A response (QR set) is never answered: no reflection loops.
  std::string response = make_query("cdn.candela.test.", LDNS_RR_TYPE_SOA);
  response[2] = static_cast<char>(response[2] | 0x80);
  EXPECT_EQ(answer_dns_query(&table_, response, *parse_ip_address("127.0.0.1"), false, zone_, out),
            DnsOutcome::kDrop);
}

TEST_F(DnsAnswerTest, NoEdgeAnywhereIsServFail) {
  const RoutingTable down(test_zone(), state_with({edge("a", "lon1", "127.0.0.1:1", false)}), 1);
  DnsOutcome outcome{};
  auto r = ask("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, {}, "127.0.0.1", &outcome, &down);
  EXPECT_EQ(outcome, DnsOutcome::kServFail);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_SERVFAIL);
  std::string out;
  EXPECT_EQ(answer_dns_query(nullptr, make_query("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A),
                             *parse_ip_address("127.0.0.1"), false, zone_, out),
            DnsOutcome::kServFail);
}

TEST_F(DnsAnswerTest, TheSourceAddressPicksTheGroup) {
  auto r = ask("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, {}, "10.2.3.4");  // ams1
  EXPECT_EQ(records(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
            std::vector<std::string>{"10.2.0.1"});
}

TEST_F(DnsAnswerTest, ClientSubnetDecidesAndIsEchoedWithItsScope) {
  QueryOptions options;
  options.ecs = ecs_v4(24, {10, 2, 7});  // an ams1 client behind a resolver in lon1
  auto r = ask("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, options, "127.0.0.1");
  EXPECT_EQ(records(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
            std::vector<std::string>{"10.2.0.1"});
  const auto echoed = reply_ecs(r.get());
  ASSERT_TRUE(echoed.has_value());
  EXPECT_EQ(*echoed, ecs_v4(24, {10, 2, 7}).replace(3, 1, 1, static_cast<char>(16)));
  EXPECT_EQ(ldns_pkt_edns_udp_size(r.get()), 1232);
  // Not tailored to the subnet: scope 0.
  auto apex = ask("cdn.candela.test.", LDNS_RR_TYPE_SOA, options);
  EXPECT_EQ(reply_ecs(apex.get())->at(3), 0);
}

TEST_F(DnsAnswerTest, MalformedClientSubnetIsFormErr) {
  for (const std::string& bad :
       {ecs_v4(24, {10, 2}), ecs_v4(33, {1, 2, 3, 4, 5}), ecs_v4(20, {10, 2, 0xff}),
        std::string("\0\3\0\0", 4), ecs_v4(8, {10}).replace(3, 1, 1, '\x08')}) {
    QueryOptions options;
    options.ecs = bad;
    DnsOutcome outcome{};
    auto r = ask("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, options, "127.0.0.1", &outcome);
    EXPECT_EQ(outcome, DnsOutcome::kFormErr);
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_FORMERR);
  }
}

TEST_F(DnsAnswerTest, UnknownEdnsVersionIsBadVers) {
  QueryOptions options;
  options.edns = true;
  options.edns_version = 1;
  auto r = ask("cdn.candela.test.", LDNS_RR_TYPE_SOA, options);
  EXPECT_EQ(ldns_pkt_edns_extended_rcode(r.get()), 1);
  EXPECT_EQ(ldns_pkt_ancount(r.get()), 0);
}

TEST_F(DnsAnswerTest, ResponderCachesRepliesAndPatchesTheId) {
  RoutingState state;
  state.publish(std::make_shared<const RoutingTable>(
      test_zone(), state_with({edge("lon-a", "lon1", "127.0.0.1:8081")}), 7));
  metrics::Registry registry;
  RouterMetrics counters(registry);
  DnsResponder responder(state, zone_, counters);
  QueryOptions first;
  first.id = 1;
  QueryOptions second;
  second.id = 2;
  const auto client = *parse_ip_address("127.0.0.1");
  std::string out;
  ASSERT_TRUE(responder.respond(make_query("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, first),
                                client, false, out));
  ASSERT_TRUE(responder.respond(make_query("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, second),
                                client, false, out));
  auto r = parse_reply(out);
  EXPECT_EQ(ldns_pkt_id(r.get()), 2);
  EXPECT_EQ(records(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
            std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(counters.dns_cache_hit.value(), 1u);
  EXPECT_EQ(counters.dns_answer.value(), 2u);
  // A new table empties the cache: the answer follows the new state.
  state.publish(std::make_shared<const RoutingTable>(
      test_zone(), state_with({edge("lon-b", "lon1", "127.0.0.2:8081")}), 8));
  ASSERT_TRUE(responder.respond(make_query("ab12cd34e.cdn.candela.test.", LDNS_RR_TYPE_A, second),
                                client, false, out));
  EXPECT_EQ(records(parse_reply(out).get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
            std::vector<std::string>{"127.0.0.2"});
}

}  // namespace
}  // namespace candela::router
