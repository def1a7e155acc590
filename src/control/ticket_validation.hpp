// Checks of a submitted ticket that need no store: required fields per type, contact details
// (email, E.164-ish phone numbers), lengths, the time the problem started. Every problem is
// reported at once, located by JSON Pointer ("/contact/phones/1").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "control/tickets.hpp"

namespace candela::control {

using FieldProblems = std::vector<std::pair<std::string, std::string>>;

// local@domain.tld: one '@', no spaces, a dotted domain of letters, digits and hyphens.
bool is_valid_contact_email(std::string_view email);
// '+' then 7 to 15 digits; single spaces or dashes may separate digit groups.
bool is_valid_phone_number(std::string_view phone);
// An ISO 639-1 code: two lower-case letters ("en", "es").
bool is_language_code(std::string_view code);

struct CheckedDraft {
  std::optional<TicketType> type;  // empty when /type is missing or unknown
  FieldProblems problems;
};

// Everything wrong with `draft` that can be seen without the store (whether the SCID belongs to
// the customer is checked by Tickets::open). `now` bounds problem_started_at.
CheckedDraft check_ticket_draft(const TicketDraft& draft, SysTime now);

}  // namespace candela::control
