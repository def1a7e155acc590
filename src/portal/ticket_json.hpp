// How tickets look in the API (contract section 3): TicketSummary for lists (also the NOC
// dashboard's open tickets), the full Ticket with its timeline for one ticket.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "control/severity_matrix.hpp"
#include "control/tickets.hpp"

namespace candela::portal {

nlohmann::json ticket_summary_json(const control::Ticket& ticket);
// Summary + details; `targets` is the ticket's row of the severities matrix, if known.
nlohmann::json ticket_json(const control::TicketDetail& detail,
                           const std::optional<control::SeverityLevel>& targets);
nlohmann::json ticket_event_json(const control::TicketEvent& event);

}  // namespace candela::portal
