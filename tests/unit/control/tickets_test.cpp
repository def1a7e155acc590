// Tickets on SQLite and PostgreSQL: opening and validation, tenancy, notes, the state machine by
// role, deadlines, escalations (job and customer), routing, proactive tickets and the jobs.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ticket_fixture.hpp"

namespace candela::control {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

bool has_field(const Error& error, const std::string& pointer) {
  return std::any_of(error.fields.begin(), error.fields.end(),
                     [&](const auto& field) { return field.first == pointer; });
}

std::string field_message(const Error& error, const std::string& pointer) {
  for (const auto& [where, message] : error.fields) {
    if (where == pointer) return message;
  }
  return "";
}

class TicketsTest : public TicketStoreTest {};

TEST_P(TicketsTest, OpensAnImpairmentNumberedRoutedAuditedAndNotified) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  EXPECT_EQ(ticket.reference, "TKT-2026-000001");
  EXPECT_EQ(ticket.type, TicketType::kServiceImpairment);
  EXPECT_EQ(ticket.origin, TicketOrigin::kCustomer);
  EXPECT_EQ(ticket.state, TicketState::kNew);
  EXPECT_EQ(ticket.severity, 3);
  EXPECT_EQ(ticket.customer_number, "C0000001");
  EXPECT_EQ(ticket.access_group_id, acme_);
  EXPECT_EQ(ticket.centre_code, "DUB");  // Monday 09:00 UTC
  EXPECT_EQ(ticket.response_due_at, clock_.now() + hours(4));
  EXPECT_EQ(ticket.restore_due_at, clock_.now() + hours(72));
  EXPECT_FALSE(ticket.update_due_at);
  EXPECT_EQ(ticket.next_escalation_at, ticket.response_due_at);
  EXPECT_EQ(ticket.created_by_user_id, acme_admin_.user_id);
  EXPECT_EQ(ticket.contact.phones, std::vector<std::string>{"+44 20 7946 0000"});

  auto detail = tx([&](Tickets& t) { return t.get(acme_admin_, ticket.reference); });
  ASSERT_TRUE(detail.ok()) << detail.error();
  ASSERT_EQ(detail->timeline.size(), 2u);
  EXPECT_EQ(detail->timeline[0].kind, TicketEventKind::kCreated);
  EXPECT_EQ(detail->timeline[0].actor_name, "Ann Acme");
  EXPECT_EQ(detail->timeline[1].kind, TicketEventKind::kRouted);
  EXPECT_EQ(detail->centre_name, "Dublin");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'ticket' AND entity_id = :r"
                  " AND action = 'create'",
                  ticket.reference),
            1);
  // The contact hears by email, the support technicians by portal and email.
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE entity_id = :r"
                  " AND template = 'ticket.created' AND to_address = 'ann@acme.example'",
                  ticket.reference),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE entity_id = :r"
                  " AND template = 'ticket.created' AND to_address = '" +
                      technician_.email + "'",
                  ticket.reference),
            1);
}

TEST_P(TicketsTest, AnEmptyImpairmentReportsEveryMissingFieldAtOnce) {
  TicketDraft draft;
  draft.type = "service_impairment";
  auto refused = tx([&](Tickets& t) { return t.open(acme_admin_, draft); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  for (const char* pointer :
       {"/subject", "/description", "/scid", "/alarm_info", "/problem_started_at", "/contact/name",
        "/contact/email", "/contact/phones", "/contact/alternate_contact"}) {
    EXPECT_TRUE(has_field(refused.failure(), pointer)) << pointer;
  }
  EXPECT_EQ(refused.failure().fields.size(), 9u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reference_counters"), 0);  // rolled back
}

TEST_P(TicketsTest, InvalidValuesAreLocated) {
  TicketDraft draft = impairment(acme_scid_);
  draft.severity = 7;
  draft.contact.email = "ann at acme";
  draft.contact.phones = {"+44 20 7946 0000", "020 7946", "+1"};
  draft.problem_started_at = clock_.now() + minutes(6);
  draft.language = "EN";
  auto refused = tx([&](Tickets& t) { return t.open(acme_admin_, draft); });
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(has_field(refused.failure(), "/severity"));
  EXPECT_TRUE(has_field(refused.failure(), "/contact/email"));
  EXPECT_FALSE(has_field(refused.failure(), "/contact/phones/0"));
  EXPECT_TRUE(has_field(refused.failure(), "/contact/phones/1"));
  EXPECT_TRUE(has_field(refused.failure(), "/contact/phones/2"));
  EXPECT_TRUE(has_field(refused.failure(), "/problem_started_at"));
  EXPECT_TRUE(has_field(refused.failure(), "/language"));
  EXPECT_EQ(refused.failure().fields.size(), 6u);
  // Within the 5-minute tolerance is fine.
  draft = impairment(acme_scid_);
  draft.problem_started_at = clock_.now() + minutes(4);
  open(acme_admin_, draft);
}

TEST_P(TicketsTest, AnotherCustomersScidReadsAsUnknown) {
  auto foreign = tx([&](Tickets& t) { return t.open(acme_admin_, impairment(globex_scid_)); });
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(foreign.failure().fields.size(), 1u);
  EXPECT_EQ(foreign.failure().fields[0].first, "/scid");
  // Exactly the answer for a valid SCID nobody has.
  std::string unknown;
  do {
    unknown = generate_scid(random_);
  } while (unknown == acme_scid_ || unknown == video_scid_ || unknown == globex_scid_);
  auto missing = tx([&](Tickets& t) { return t.open(acme_admin_, impairment(unknown)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(field_message(missing.failure(), "/scid"), field_message(foreign.failure(), "/scid"));
  EXPECT_EQ(missing.error(), foreign.error());
  // A user of the sub-group cannot report the parent group's service either.
  auto above = tx([&](Tickets& t) { return t.open(video_technical_, impairment(acme_scid_)); });
  ASSERT_FALSE(above.ok());
  EXPECT_TRUE(has_field(above.failure(), "/scid"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 0);
}

TEST_P(TicketsTest, TypesRequireWhatTheyNeed) {
  TicketDraft inquiry;
  inquiry.type = "account_inquiry";
  inquiry.subject = "Invoice address";
  inquiry.description = "Please change our invoice address.";
  const Ticket ticket = open(acme_billing_, inquiry);
  EXPECT_EQ(ticket.severity, 4);
  EXPECT_FALSE(ticket.scid);
  EXPECT_EQ(ticket.access_group_id, acme_);
  EXPECT_EQ(ticket.customer_id, acme_customer_);

  TicketDraft change = inquiry;
  change.type = "service_change";
  auto refused = tx([&](Tickets& t) { return t.open(acme_admin_, change); });
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(has_field(refused.failure(), "/scid"));
  change.scid = video_scid_;
  EXPECT_EQ(open(video_technical_, change).access_group_id, acme_video_);

  TicketDraft unknown = inquiry;
  unknown.type = "complaint";
  refused = tx([&](Tickets& t) { return t.open(acme_admin_, unknown); });
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(has_field(refused.failure(), "/type"));
}

TEST_P(TicketsTest, WhoMayOpenTickets) {
  auto reader = tx([&](Tickets& t) { return t.open(acme_reader_, impairment(acme_scid_)); });
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error_kind(), ErrorKind::kForbidden);
  auto director = tx([&](Tickets& t) { return t.open(director_, impairment(acme_scid_)); });
  ASSERT_FALSE(director.ok());
  EXPECT_EQ(director.error_kind(), ErrorKind::kForbidden);

  // Staff open for a customer: by SCID, or by customer number.
  const Ticket by_scid = open(technician_, impairment(globex_scid_));
  EXPECT_EQ(by_scid.origin, TicketOrigin::kStaff);
  EXPECT_EQ(by_scid.customer_number, "C0000002");
  TicketDraft inquiry;
  inquiry.type = "account_inquiry";
  inquiry.subject = "Renewal";
  inquiry.description = "Customer asked about renewal.";
  auto nobody = tx([&](Tickets& t) { return t.open(technician_, inquiry); });
  ASSERT_FALSE(nobody.ok());
  EXPECT_TRUE(has_field(nobody.failure(), "/customer_number"));
  inquiry.customer_number = "C0000002";
  EXPECT_EQ(open(ccm_, inquiry).access_group_id, globex_);
  // A customer naming another customer is refused like an unknown one.
  inquiry.customer_number = "C0000002";
  auto foreign = tx([&](Tickets& t) { return t.open(acme_admin_, inquiry); });
  ASSERT_FALSE(foreign.ok());
  EXPECT_TRUE(has_field(foreign.failure(), "/customer_number"));
  // A number that does not match the SCID's customer.
  TicketDraft mismatch = impairment(acme_scid_);
  mismatch.customer_number = "C0000002";
  auto mismatched = tx([&](Tickets& t) { return t.open(admin_, mismatch); });
  ASSERT_FALSE(mismatched.ok());
  EXPECT_TRUE(has_field(mismatched.failure(), "/customer_number"));
}

TEST_P(TicketsTest, CustomersSeeOnlyTheirOwnGroupsTickets) {
  const Ticket acme = open(acme_admin_, impairment(acme_scid_));
  const Ticket video = open(video_technical_, impairment(video_scid_));
  const Ticket globex = open(globex_admin_, impairment(globex_scid_));

  auto outside = tx([&](Tickets& t) { return t.get(globex_admin_, acme.reference); });
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error_kind(), ErrorKind::kNotFound);
  auto absent = tx([&](Tickets& t) { return t.get(globex_admin_, "TKT-2026-999999"); });
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error(), "there is no ticket TKT-2026-999999");
  EXPECT_EQ(outside.error(), "there is no ticket " + acme.reference);
  auto above = tx([&](Tickets& t) { return t.get(video_technical_, acme.reference); });
  ASSERT_FALSE(above.ok());
  EXPECT_EQ(above.error_kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(tx([&](Tickets& t) { return t.get(acme_admin_, video.reference); }).ok());
  EXPECT_TRUE(tx([&](Tickets& t) { return t.get(director_, globex.reference); }).ok());
  // Changes outside are not found either.
  auto note = tx([&](Tickets& t) {
    return t.add_note(globex_admin_, acme.reference, "hello", TicketVisibility::kPublic);
  });
  ASSERT_FALSE(note.ok());
  EXPECT_EQ(note.error_kind(), ErrorKind::kNotFound);

  auto references = [&](const Principal& who, TicketFilter filter = {}) {
    std::vector<std::string> out;
    auto page = tx([&](Tickets& t) { return t.list(who, filter, std::nullopt, 50); });
    EXPECT_TRUE(page.ok()) << page.error();
    if (page.ok()) {
      for (const auto& ticket : page->tickets)
        out.push_back(ticket.reference);
    }
    return out;
  };
  EXPECT_EQ(references(acme_admin_), (std::vector<std::string>{video.reference, acme.reference}));
  EXPECT_EQ(references(video_technical_), std::vector<std::string>{video.reference});
  EXPECT_EQ(references(globex_admin_), std::vector<std::string>{globex.reference});
  EXPECT_EQ(references(director_).size(), 3u);
  TicketFilter by_customer;
  by_customer.customer_number = "C0000002";
  EXPECT_EQ(references(admin_, by_customer), std::vector<std::string>{globex.reference});
  TicketFilter by_scid;
  by_scid.scid = video_scid_;
  EXPECT_EQ(references(admin_, by_scid), std::vector<std::string>{video.reference});
  // Paging: newest first, then the rest.
  auto first = tx([&](Tickets& t) { return t.list(admin_, {}, std::nullopt, 2); });
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->tickets.size(), 2u);
  ASSERT_TRUE(first->next_before);
  auto second = tx([&](Tickets& t) { return t.list(admin_, {}, first->next_before, 2); });
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->tickets.size(), 1u);
  EXPECT_EQ(second->tickets[0].reference, acme.reference);
  EXPECT_FALSE(second->next_before);
  TicketFilter bad;
  bad.state = "sleeping";
  auto refused = tx([&](Tickets& t) { return t.list(admin_, bad, std::nullopt, 50); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
}

TEST_P(TicketsTest, InternalNotesStayWithStaff) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  auto internal = tx([&](Tickets& t) {
    return t.add_note(technician_, ticket.reference, "Edge lon-3 disk full",
                      TicketVisibility::kInternal);
  });
  ASSERT_TRUE(internal.ok()) << internal.error();
  EXPECT_EQ(internal->visibility, TicketVisibility::kInternal);
  EXPECT_EQ(internal->actor_name, "Ted Tech");
  auto public_note = tx([&](Tickets& t) {
    return t.add_note(technician_, ticket.reference, "We are on it", TicketVisibility::kPublic);
  });
  ASSERT_TRUE(public_note.ok()) << public_note.error();

  auto seen_by = [&](const Principal& who) {
    std::vector<std::string> bodies;
    auto detail = tx([&](Tickets& t) { return t.get(who, ticket.reference); });
    EXPECT_TRUE(detail.ok()) << detail.error();
    if (detail.ok()) {
      for (const auto& event : detail->timeline) {
        if (event.kind == TicketEventKind::kNote) bodies.push_back(event.body);
      }
    }
    return bodies;
  };
  EXPECT_EQ(seen_by(acme_admin_), std::vector<std::string>{"We are on it"});
  EXPECT_EQ(seen_by(director_), (std::vector<std::string>{"Edge lon-3 disk full", "We are on it"}));

  auto customer_internal = tx([&](Tickets& t) {
    return t.add_note(acme_admin_, ticket.reference, "secret", TicketVisibility::kInternal);
  });
  ASSERT_FALSE(customer_internal.ok());
  EXPECT_EQ(customer_internal.error_kind(), ErrorKind::kForbidden);
  auto empty = tx([&](Tickets& t) {
    return t.add_note(acme_admin_, ticket.reference, "  ", TicketVisibility::kPublic);
  });
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(has_field(empty.failure(), "/body"));
  auto reader = tx([&](Tickets& t) {
    return t.add_note(acme_reader_, ticket.reference, "me too", TicketVisibility::kPublic);
  });
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error_kind(), ErrorKind::kForbidden);
  // The public staff note told the contact and the creator; the internal one told nobody.
  EXPECT_EQ(mails(ticket.reference, "ticket.updated"), 2);
}

TEST_P(TicketsTest, StateMachineByRole) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  const std::string ref = ticket.reference;
  auto refused = move(acme_admin_, ref, "acknowledged");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  refused = move(technician_, ref, "in_progress");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kConflict);
  refused = move(director_, ref, "acknowledged");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  refused = move(technician_, ref, "asleep");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(has_field(refused.failure(), "/to"));

  clock_.advance(minutes(10));
  auto acknowledged = move(technician_, ref, "acknowledged");
  ASSERT_TRUE(acknowledged.ok()) << acknowledged.error();
  EXPECT_EQ(acknowledged->acknowledged_at, clock_.now());
  EXPECT_EQ(acknowledged->update_due_at, clock_.now() + hours(24));  // severity 3
  ASSERT_TRUE(move(noc_, ref, "in_progress").ok());
  ASSERT_TRUE(move(ccm_, ref, "pending_customer").ok());
  auto pending = tx([&](Tickets& t) { return t.get(admin_, ref); });
  ASSERT_TRUE(pending.ok());
  const SysTime restore_before = pending->ticket.restore_due_at;
  // Two hours waiting for the customer do not count against the restoration target.
  clock_.advance(hours(2));
  auto replied = tx([&](Tickets& t) {
    return t.add_note(acme_admin_, ref, "Here are the logs", TicketVisibility::kPublic);
  });
  ASSERT_TRUE(replied.ok()) << replied.error();
  auto after = tx([&](Tickets& t) { return t.get(admin_, ref); });
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->ticket.state, TicketState::kInProgress);
  EXPECT_EQ(after->ticket.restore_due_at, restore_before + hours(2));

  refused = move(acme_admin_, ref, "resolved");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  auto resolved = move(technician_, ref, "resolved");
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  EXPECT_EQ(resolved->resolved_at, clock_.now());
  EXPECT_FALSE(resolved->next_escalation_at);
  EXPECT_EQ(mails(ref, "ticket.resolved"), 2);  // contact and creator
  refused = move(technician_, ref, "closed");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  auto closed = move(acme_admin_, ref, "closed");
  ASSERT_TRUE(closed.ok()) << closed.error();
  EXPECT_EQ(closed->closed_at, clock_.now());
  auto note = tx([&](Tickets& t) {
    return t.add_note(acme_admin_, ref, "thanks", TicketVisibility::kPublic);
  });
  ASSERT_FALSE(note.ok());
  EXPECT_EQ(note.error_kind(), ErrorKind::kConflict);

  clock_.advance(hours(24 * 29));
  auto reopened = move(acme_admin_, ref, "reopened");
  ASSERT_TRUE(reopened.ok()) << reopened.error();
  EXPECT_FALSE(reopened->resolved_at);
  EXPECT_FALSE(reopened->closed_at);
  ASSERT_TRUE(move(technician_, ref, "in_progress").ok());
  ASSERT_TRUE(move(technician_, ref, "resolved").ok());
  clock_.advance(hours(24 * 31));
  refused = move(acme_admin_, ref, "reopened");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kConflict);

  EXPECT_EQ(count("SELECT COUNT(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
                  " WHERE t.reference = :r AND e.kind = 'state_changed'",
                  ref),
            9);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM audit_log WHERE entity_id = :r AND action = 'transition'", ref),
      9);
}

TEST_P(TicketsTest, ResolvedTicketsCloseThemselvesAfterSevenDays) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  ASSERT_TRUE(move(technician_, ticket.reference, "acknowledged").ok());
  ASSERT_TRUE(move(technician_, ticket.reference, "resolved").ok());
  clock_.advance(hours(24 * 7) - minutes(1));
  auto none = tx([&](Tickets& t) { return t.close_stale_resolved(); });
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_EQ(*none, 0);
  clock_.advance(minutes(1));
  auto one = tx([&](Tickets& t) { return t.close_stale_resolved(); });
  ASSERT_TRUE(one.ok()) << one.error();
  EXPECT_EQ(*one, 1);
  auto detail = tx([&](Tickets& t) { return t.get(acme_admin_, ticket.reference); });
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->ticket.state, TicketState::kClosed);
  EXPECT_EQ(detail->timeline.back().actor_name, "system");
}

TEST_P(TicketsTest, SeverityOneClimbsWhenTargetsLapseAndStopsAtTheTop) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_, 1));
  EXPECT_EQ(ticket.response_due_at, clock_.now() + minutes(15));
  auto run = [&] {
    auto climbed = tx([&](Tickets& t) { return t.escalate_overdue(); });
    EXPECT_TRUE(climbed.ok()) << climbed.error();
    return climbed.ok() ? *climbed : -1;
  };
  auto level = [&] {
    auto detail = tx([&](Tickets& t) { return t.get(admin_, ticket.reference); });
    return detail.ok() ? detail->ticket.escalation_level : -1;
  };
  clock_.advance(minutes(14));
  EXPECT_EQ(run(), 0);
  clock_.advance(minutes(1));
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(level(), 1);
  EXPECT_EQ(run(), 0);  // once per lapse
  // Level 1 is the senior technicians: they hear of it.
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE entity_id = :r"
                  " AND template = 'ticket.escalated' AND to_address = '" +
                      technician_.email + "'",
                  ticket.reference),
            1);
  clock_.advance(minutes(59));
  EXPECT_EQ(run(), 0);
  clock_.advance(minutes(1));  // one update interval (60 min) later
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(level(), 2);
  clock_.advance(minutes(60));
  EXPECT_EQ(run(), 1);
  clock_.advance(minutes(60));
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(level(), 4);
  clock_.advance(hours(10));
  EXPECT_EQ(run(), 0);
  EXPECT_EQ(level(), 4);
  auto detail = tx([&](Tickets& t) { return t.get(acme_admin_, ticket.reference); });
  ASSERT_TRUE(detail.ok());
  EXPECT_FALSE(detail->ticket.next_escalation_at);
  EXPECT_EQ(
      std::count_if(detail->timeline.begin(), detail->timeline.end(),
                    [](const TicketEvent& e) { return e.kind == TicketEventKind::kEscalated; }),
      4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_id = :r AND action = 'escalate'",
                  ticket.reference),
            4);
  // The customer cannot climb past the top either.
  auto top = tx([&](Tickets& t) { return t.escalate(acme_admin_, ticket.reference, "faster"); });
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error_kind(), ErrorKind::kConflict);
}

TEST_P(TicketsTest, AnswerTheCustomerInTimeAndNothingClimbs) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_, 1));
  clock_.advance(minutes(10));
  ASSERT_TRUE(move(technician_, ticket.reference, "acknowledged").ok());
  auto run = [&] {
    auto climbed = tx([&](Tickets& t) { return t.escalate_overdue(); });
    return climbed.ok() ? *climbed : -1;
  };
  clock_.advance(minutes(50));
  EXPECT_EQ(run(), 0);  // response met; the first update is due 60 min after acknowledgement
  ASSERT_TRUE(tx([&](Tickets& t) {
                return t.add_note(technician_, ticket.reference, "Update: rerouting",
                                  TicketVisibility::kPublic);
              }).ok());
  clock_.advance(minutes(59));
  EXPECT_EQ(run(), 0);
  clock_.advance(minutes(1));
  EXPECT_EQ(run(), 1);  // no public update for an hour
}

TEST_P(TicketsTest, PendingCustomerPausesEscalation) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_, 1));
  ASSERT_TRUE(move(technician_, ticket.reference, "acknowledged").ok());
  ASSERT_TRUE(move(technician_, ticket.reference, "in_progress").ok());
  ASSERT_TRUE(move(technician_, ticket.reference, "pending_customer").ok());
  auto run = [&] {
    auto climbed = tx([&](Tickets& t) { return t.escalate_overdue(); });
    return climbed.ok() ? *climbed : -1;
  };
  clock_.advance(hours(6));  // past every severity-1 target
  EXPECT_EQ(run(), 0);
  auto detail = tx([&](Tickets& t) { return t.get(admin_, ticket.reference); });
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->ticket.escalation_level, 0);
  // Back with the provider: the paused 6 hours are added to the targets.
  ASSERT_TRUE(tx([&](Tickets& t) {
                return t.add_note(acme_admin_, ticket.reference, "Done, please retry",
                                  TicketVisibility::kPublic);
              }).ok());
  detail = tx([&](Tickets& t) { return t.get(admin_, ticket.reference); });
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->ticket.state, TicketState::kInProgress);
  EXPECT_EQ(detail->ticket.restore_due_at, ticket.created_at + hours(4) + hours(6));
  EXPECT_EQ(run(), 0);
  clock_.advance(minutes(60));
  EXPECT_EQ(run(), 1);
}

TEST_P(TicketsTest, CustomerEscalation) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  auto no_reason = tx([&](Tickets& t) { return t.escalate(acme_admin_, ticket.reference, " "); });
  ASSERT_FALSE(no_reason.ok());
  EXPECT_TRUE(has_field(no_reason.failure(), "/reason"));
  auto reader =
      tx([&](Tickets& t) { return t.escalate(acme_reader_, ticket.reference, "please"); });
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error_kind(), ErrorKind::kForbidden);
  auto outside =
      tx([&](Tickets& t) { return t.escalate(globex_admin_, ticket.reference, "please"); });
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error_kind(), ErrorKind::kNotFound);

  auto climbed = tx([&](Tickets& t) {
    return t.escalate(acme_admin_, ticket.reference, "Our launch is in an hour");
  });
  ASSERT_TRUE(climbed.ok()) << climbed.error();
  EXPECT_EQ(climbed->escalation_level, 1);
  EXPECT_EQ(climbed->next_escalation_at, clock_.now() + hours(24));  // severity 3 update interval
  auto detail = tx([&](Tickets& t) { return t.get(acme_admin_, ticket.reference); });
  ASSERT_TRUE(detail.ok());
  const auto& last = detail->timeline.back();
  EXPECT_EQ(last.kind, TicketEventKind::kEscalated);
  EXPECT_EQ(last.body, "Our launch is in an hour");
  EXPECT_EQ(nlohmann::json::parse(last.details)["by"], "customer");
  EXPECT_EQ(mails(ticket.reference, "ticket.escalated"), 1);
  for (int i = 2; i <= 4; ++i) {
    ASSERT_TRUE(
        tx([&](Tickets& t) { return t.escalate(acme_admin_, ticket.reference, "more"); }).ok());
  }
  auto top = tx([&](Tickets& t) { return t.escalate(acme_admin_, ticket.reference, "more"); });
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error_kind(), ErrorKind::kConflict);
}

TEST_P(TicketsTest, StaffChangeSeverityAndAssignee) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  TicketChanges changes;
  changes.severity = 1;
  changes.assignee_user_id = technician_.user_id;
  changes.reason = "Whole site down";
  auto refused = tx([&](Tickets& t) { return t.change(acme_admin_, ticket.reference, changes); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  auto changed = tx([&](Tickets& t) { return t.change(technician_, ticket.reference, changes); });
  ASSERT_TRUE(changed.ok()) << changed.error();
  EXPECT_EQ(changed->severity, 1);
  EXPECT_EQ(changed->assignee_user_id, technician_.user_id);
  EXPECT_EQ(changed->response_due_at, ticket.created_at + minutes(15));
  EXPECT_EQ(changed->restore_due_at, ticket.created_at + hours(4));
  EXPECT_EQ(changed->next_escalation_at, ticket.created_at + minutes(15));

  TicketChanges bad;
  bad.severity = 0;
  bad.assignee_user_id = acme_admin_.user_id;  // a customer cannot be the assignee
  auto invalid = tx([&](Tickets& t) { return t.change(technician_, ticket.reference, bad); });
  ASSERT_FALSE(invalid.ok());
  EXPECT_TRUE(has_field(invalid.failure(), "/severity"));
  EXPECT_TRUE(has_field(invalid.failure(), "/assignee_user_id"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
                  " WHERE t.reference = :r AND e.kind IN ('severity_changed', 'assigned')",
                  ticket.reference),
            2);
}

struct RoutingCase {
  int hour;
  const char* language;
  const char* centre;
  bool matched;
};

TEST_P(TicketsTest, RoutesToTheCentreOnDutyHonouringLanguage) {
  const RoutingCase cases[] = {
      {3, "en", "TUL", true},   {7, "en", "DUB", true},  {11, "fr", "DUB", true},
      {11, "es", "LON", true},  {11, "it", "LON", true}, {19, "es", "BRM", true},
      {15, "en", "LON", true},  {16, "fr", "LON", true}, {23, "es", "TUL", false},
      {13, "ja", "DUB", false},
  };
  const SysTime monday = from_epoch_ms(1767571200000);  // 2026-01-05T00:00:00Z
  for (const auto& c : cases) {
    clock_.set(monday + hours(c.hour));
    TicketDraft draft = impairment(acme_scid_);
    draft.language = c.language;
    const Ticket ticket = open(acme_admin_, draft);
    EXPECT_EQ(ticket.centre_code, c.centre) << c.hour << " " << c.language;
    EXPECT_EQ(ticket.language, c.language);
    auto detail = tx([&](Tickets& t) { return t.get(acme_admin_, ticket.reference); });
    ASSERT_TRUE(detail.ok());
    const auto routed = nlohmann::json::parse(detail->timeline[1].details);
    EXPECT_EQ(routed["centre"], c.centre);
    EXPECT_EQ(routed["language_matched"], c.matched) << c.hour << " " << c.language;
  }
}

TEST_P(TicketsTest, LanguageDefaultsToTheUsersOwn) {
  ASSERT_TRUE(db_->with_session([&](soci::session& s) -> Result<bool> {
                   s << "UPDATE users SET language = 'es' WHERE id = :id",
                       soci::use(acme_admin_.user_id);
                   return true;
                 })
                  .ok());
  clock_.set(from_epoch_ms(1767571200000) + hours(11));
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  EXPECT_EQ(ticket.language, "es");
  EXPECT_EQ(ticket.centre_code, "LON");
}

TEST_P(TicketsTest, ProactiveTicketsTellTheServiceContacts) {
  auto opened = tx([&](Tickets& t) {
    return t.open_proactive(
        {acme_customer_, video_scid_, 2, "Edge lon-1 down", "We are moving traffic.", 42});
  });
  ASSERT_TRUE(opened.ok()) << opened.error();
  auto detail = tx([&](Tickets& t) { return t.get(video_technical_, *opened); });
  ASSERT_TRUE(detail.ok()) << detail.error();
  EXPECT_EQ(detail->ticket.origin, TicketOrigin::kProactive);
  EXPECT_EQ(detail->ticket.severity, 2);
  EXPECT_EQ(detail->ticket.noc_event_id, 42);
  EXPECT_EQ(detail->ticket.access_group_id, acme_video_);
  EXPECT_FALSE(detail->ticket.created_by_user_id);
  EXPECT_EQ(detail->timeline[0].actor_name, "system");
  // Admin/technical users of the group and its ancestors: Ann (Acme admin) and Vic (video
  // technical); not Bill (billing) or Rita (read-only), not Globex.
  auto told = [&](const Principal& who) {
    return count("SELECT COUNT(*) FROM mail_outbox WHERE entity_id = :r AND to_address = '" +
                     who.email + "'",
                 *opened);
  };
  EXPECT_EQ(told(acme_admin_), 1);
  EXPECT_EQ(told(video_technical_), 1);
  EXPECT_EQ(told(acme_billing_), 0);
  EXPECT_EQ(told(acme_reader_), 0);
  EXPECT_EQ(told(globex_admin_), 0);
  EXPECT_EQ(told(technician_), 1);

  auto wrong = tx([&](Tickets& t) {
    return t.open_proactive({globex_customer_, video_scid_, 2, "x", "y", 43});
  });
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(has_field(wrong.failure(), "/scid"));
}

INSTANTIATE_TEST_SUITE_P(Stores, TicketsTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
