// Pass: the client's request goes to the origin as it is and the response comes back relayed,
// nothing stored; a successful unsafe request invalidates the stored object of its URL.
#pragma once

#include <memory>

namespace candela::edge {

class ClientConnection;

void start_pass(const std::shared_ptr<ClientConnection>& connection);

}  // namespace candela::edge
