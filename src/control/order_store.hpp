// Order, order item, order event and connection notice rows ↔ structs, in both SQL dialects.
// Internal to the order modules (control/order*.cpp): no authorization here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/database.hpp"
#include "control/orders.hpp"

namespace soci {
class session;
}

namespace candela::control {

// The stored `details` JSON of an order: technical, target, disconnect, renewal.
nlohmann::json order_details_json(const Order& order);
void read_order_details(const nlohmann::json& details, Order& order);
nlohmann::json technical_json(const TechnicalDetails& technical);

// The order with its items and events (nullopt when no such number).
Result<std::optional<Order>> find_order(soci::session& session, const std::string& order_number);
// Inserts the order and its items; sets order.id.
Status insert_order(soci::session& session, Order& order);
// Writes every mutable column and replaces the items.
Status save_order(soci::session& session, const Order& order);
Status append_order_event(soci::session& session, long long order_id, const OrderEvent& event);

// Orders in `groups` (every group when nullopt), newest first, ids below `before`.
Result<std::vector<Order>> list_orders(soci::session& session,
                                       const std::optional<std::vector<long long>>& groups,
                                       const OrderFilter& filter, std::optional<long long> before,
                                       int limit);

Status insert_connection_notice(soci::session& session, const ConnectionNotice& notice);
// By SCID, or by the order that produced it.
Result<std::optional<ConnectionNotice>> find_connection_notice(soci::session& session,
                                                               const std::string& scid);
Result<std::optional<ConnectionNotice>> find_connection_notice_of_order(
    soci::session& session, const std::string& order_number);

}  // namespace candela::control
