// The two topology sources.
#include "monitor/topology_source.hpp"

#include <fstream>
#include <sstream>

#include "monitor/token_file.hpp"

namespace candela::monitor {

Result<Topology> read_topology_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read the topology file " + path};
  std::stringstream text;
  text << in.rdbuf();
  auto topology = parse_topology_text(text.str());
  if (!topology) return Error{path + ": " + topology.error(), ErrorKind::kInvalid};
  return topology;
}

void FileTopologySource::fetch(TopologyDone done) {
  done(read_topology_file(path_));
}

void PortalTopologySource::fetch(TopologyDone done) {
  auto token = read_token_file(token_file_);
  if (!token) return done(token.failure());
  FetchRequest request;
  request.peer = portal_;
  request.target = "/api/v1/network/topology?network=" + network_;
  request.headers.emplace_back("Authorization", "Bearer " + token.value());
  request.headers.emplace_back("Accept", "application/json");
  request.timeout = timeout_;
  async_fetch(io_, std::move(request), [done = std::move(done)](Result<FetchReply> reply) {
    if (!reply) return done(Error{"topology: " + reply.error(), ErrorKind::kUnavailable});
    if (reply->status != 200) {
      return done(Error{"topology: the portal answered " + std::to_string(reply->status) + ": " +
                            reply->body.substr(0, 300),
                        reply->status == 401 ? ErrorKind::kUnauthorized : ErrorKind::kUnavailable});
    }
    done(parse_topology_text(reply->body));
  });
}

}  // namespace candela::monitor
