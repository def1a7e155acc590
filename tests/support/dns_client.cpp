// The test DNS client: wire format by ldns, sockets by hand.
#include "support/dns_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace candela::testing {
namespace {

std::string dns_query(const std::string& name, ldns_rr_type type, std::uint16_t id) {
  DnsPacket q(
      ldns_pkt_query_new(ldns_dname_new_frm_str(name.c_str()), type, LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_id(q.get(), id);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, q.get(), &size), LDNS_STATUS_OK);
  std::string out(reinterpret_cast<const char*>(wire), size);
  LDNS_FREE(wire);
  return out;
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

DnsPacket parse(const std::string& wire) {
  ldns_pkt* p = nullptr;
  if (ldns_wire2pkt(&p, reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()) !=
      LDNS_STATUS_OK) {
    return nullptr;
  }
  return DnsPacket(p);
}

}  // namespace

DnsPacket ask_udp(int port, const std::string& name, ldns_rr_type type) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  const std::string query = dns_query(name, type, 0x4242);
  const sockaddr_in to = loopback(port);
  ::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  pollfd p{fd, POLLIN, 0};
  std::string reply(4096, '\0');
  ssize_t n = -1;
  if (::poll(&p, 1, 3000) == 1) n = ::recv(fd, reply.data(), reply.size(), 0);
  ::close(fd);
  if (n <= 0) return nullptr;
  reply.resize(static_cast<std::size_t>(n));
  return parse(reply);
}

DnsPacket ask_tcp(int port, const std::string& name, ldns_rr_type type) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in to = loopback(port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return nullptr;
  }
  const std::string query = dns_query(name, type, 0x4343);
  std::string framed = {static_cast<char>(query.size() >> 8),
                        static_cast<char>(query.size() & 0xff)};
  framed += query;
  ::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL);
  std::string in;
  char buffer[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 3000) == 1) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    in.append(buffer, static_cast<std::size_t>(n));
    if (in.size() >= 2 &&
        in.size() >= 2 + static_cast<std::size_t>(static_cast<std::uint8_t>(in[0]) << 8 |
                                                  static_cast<std::uint8_t>(in[1])))
      break;
  }
  ::close(fd);
  if (in.size() < 2) return nullptr;
  return parse(in.substr(2));
}

std::set<std::string> a_records(ldns_pkt* p) {
  std::set<std::string> out;
  ldns_rr_list* answer = ldns_pkt_answer(p);
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A) continue;
    char* text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    out.insert(text);
    free(text);
  }
  return out;
}

}  // namespace candela::testing
