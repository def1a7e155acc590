// The 508 answer for requests that came back to this edge.
#include "edge/loop_guard.hpp"

#include <nlohmann/json.hpp>

#include "edge/client_connection.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/worker.hpp"

namespace candela::edge {

ViaChain via_chain_of(ClientConnection& c) {
  return read_via_chain(c.request().headers, c.worker().runtime().edge_id());
}

bool refuse_loop(ClientConnection& c, const ViaChain& via) {
  if (!via.names_self) return false;
  const std::string& edge_id = c.worker().runtime().edge_id();
  const nlohmann::json problem = {
      {"type", "https://candela.dev/problems/loop-detected"},
      {"title", "Loop detected"},
      {"status", 508},
      {"detail", "the request already passed edge " + edge_id +
                     " (its Via names it): forwarding it again would loop; check the parents "
                     "of the shield tier"}};
  c.log().cache_status = "error";
  c.send_generated(508, problem.dump() + "\n", {}, "application/problem+json");
  return true;
}

}  // namespace candela::edge
