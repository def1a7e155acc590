// Billing-request rows ↔ structs, in both SQL dialects.
#include "control/billing_request_rows.hpp"

#include <soci/soci.h>

#include "control/nullable_columns.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr const char* kSelectSql =
    "SELECT r.id, r.reference, r.customer_id, c.customer_number, c.name, "
    "COALESCE(c.organisation_id, 0),"
    " r.invoice_id, i.invoice_number, r.line_number, r.kind, r.subject, r.description,"
    " r.disputed_amount_minor, r.state, r.resolution, r.credit_minor, r.explanation,"
    " r.assigned_user_id, au.name, r.opened_by, ou.name, r.created_at, r.updated_at,"
    " r.resolved_at"
    " FROM billing_requests r JOIN customers c ON c.id = r.customer_id"
    " JOIN invoices i ON i.id = r.invoice_id"
    " LEFT JOIN users au ON au.id = r.assigned_user_id"
    " LEFT JOIN users ou ON ou.id = r.opened_by ";

struct RequestRow {
  long long id = 0;
  std::string reference;
  long long customer_id = 0;
  std::string customer_number, customer_name;
  long long organisation_id = 0;
  long long invoice_id = 0;
  std::string invoice_number;
  NullableNumber line_number;
  std::string kind, subject, description;
  NullableNumber disputed;
  std::string state;
  NullableText resolution;
  NullableNumber credit;
  NullableText explanation;
  NullableNumber assigned;
  NullableText assigned_name;
  NullableNumber opened_by;
  NullableText opened_by_name;
  long long created_at = 0, updated_at = 0;
  NullableNumber resolved_at;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(reference));
    st.exchange(soci::into(customer_id));
    st.exchange(soci::into(customer_number));
    st.exchange(soci::into(customer_name));
    st.exchange(soci::into(organisation_id));
    st.exchange(soci::into(invoice_id));
    st.exchange(soci::into(invoice_number));
    st.exchange(soci::into(line_number.value, line_number.ind));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(subject));
    st.exchange(soci::into(description));
    st.exchange(soci::into(disputed.value, disputed.ind));
    st.exchange(soci::into(state));
    st.exchange(soci::into(resolution.value, resolution.ind));
    st.exchange(soci::into(credit.value, credit.ind));
    st.exchange(soci::into(explanation.value, explanation.ind));
    st.exchange(soci::into(assigned.value, assigned.ind));
    st.exchange(soci::into(assigned_name.value, assigned_name.ind));
    st.exchange(soci::into(opened_by.value, opened_by.ind));
    st.exchange(soci::into(opened_by_name.value, opened_by_name.ind));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(resolved_at.value, resolved_at.ind));
  }

  BillingRequest to_request() const {
    BillingRequest r;
    r.id = id;
    r.reference = reference;
    r.customer_id = customer_id;
    r.customer_number = customer_number;
    r.customer_name = customer_name;
    r.organisation_id = organisation_id;
    r.invoice_id = invoice_id;
    r.invoice_number = invoice_number;
    r.line_number = line_number.get();
    r.kind = parse_billing_request_kind(kind).value_or(BillingRequestKind::kInquiry);
    r.subject = subject;
    r.description = description;
    r.disputed_amount_minor = disputed.get();
    r.state = parse_billing_request_state(state).value_or(BillingRequestState::kOpen);
    if (auto name = resolution.get()) r.resolution = parse_billing_resolution(*name);
    r.credit_minor = credit.get();
    r.explanation = explanation.get();
    if (auto user = assigned.get()) r.assigned_to = UserRef{*user, assigned_name.value};
    if (auto user = opened_by.get()) r.opened_by = UserRef{*user, opened_by_name.value};
    r.created_at = from_epoch_ms(created_at);
    r.updated_at = from_epoch_ms(updated_at);
    if (auto at = resolved_at.get()) r.resolved_at = from_epoch_ms(*at);
    return r;
  }
};

}  // namespace

Result<std::vector<BillingRequest>> query_billing_requests(
    soci::session& session, const std::string& where_and_order,
    const std::vector<BillingRequestQueryParameter>& parameters) {
  return guarded("could not read billing requests", [&]() -> Result<std::vector<BillingRequest>> {
    // The bound values must stay where they are while the statement runs.
    std::vector<long long> numbers;
    std::vector<std::string> texts;
    numbers.reserve(parameters.size());
    texts.reserve(parameters.size());
    RequestRow row;
    soci::statement st(session);
    st.alloc();
    st.prepare(std::string(kSelectSql) + where_and_order);
    row.bind(st);
    for (const auto& parameter : parameters) {
      if (parameter.number) {
        numbers.push_back(*parameter.number);
        st.exchange(soci::use(numbers.back(), parameter.name));
      } else {
        texts.push_back(parameter.text.value_or(""));
        st.exchange(soci::use(texts.back(), parameter.name));
      }
    }
    st.define_and_bind();
    std::vector<BillingRequest> out;
    if (st.execute(true)) {
      do {
        out.push_back(row.to_request());
      } while (st.fetch());
    }
    return out;
  });
}

Result<BillingRequest> load_billing_request(soci::session& session, const std::string& reference) {
  auto found =
      query_billing_requests(session, "WHERE r.reference = :r", {{"r", std::nullopt, reference}});
  if (!found.ok()) return Error{found.failure()};
  if (found->empty()) {
    return Error{"there is no billing request " + reference, ErrorKind::kNotFound};
  }
  return std::move(found->front());
}

Status insert_billing_request(soci::session& session, BillingRequest& request) {
  return guarded("could not store the billing request", [&]() -> Status {
    std::string kind(billing_request_kind_name(request.kind));
    std::string state(billing_request_state_name(request.state));
    BoundNumber line(request.line_number);
    BoundNumber disputed(request.disputed_amount_minor);
    BoundNumber assigned(request.assigned_to
                             ? std::optional<long long>(request.assigned_to->user_id)
                             : std::nullopt);
    BoundNumber opened(request.opened_by ? std::optional<long long>(request.opened_by->user_id)
                                         : std::nullopt);
    long long created = to_epoch_ms(request.created_at);
    long long updated = to_epoch_ms(request.updated_at);
    long long id = 0;
    session << "INSERT INTO billing_requests (reference, customer_id, invoice_id, line_number,"
               " kind, subject, description, disputed_amount_minor, state, assigned_user_id,"
               " opened_by, created_at, updated_at) VALUES (:reference, :customer, :invoice,"
               " :line, :kind, :subject, :description, :disputed, :state, :assigned, :opened,"
               " :created, :updated) RETURNING id",
        soci::use(request.reference), soci::use(request.customer_id), soci::use(request.invoice_id),
        soci::use(line.value, line.ind), soci::use(kind), soci::use(request.subject),
        soci::use(request.description), soci::use(disputed.value, disputed.ind), soci::use(state),
        soci::use(assigned.value, assigned.ind), soci::use(opened.value, opened.ind),
        soci::use(created), soci::use(updated), soci::into(id);
    request.id = id;
    return ok_status();
  });
}

Status save_billing_request(soci::session& session, const BillingRequest& request) {
  return guarded("could not update the billing request", [&]() -> Status {
    std::string state(billing_request_state_name(request.state));
    BoundText resolution(request.resolution ? std::optional<std::string>(std::string(
                                                  billing_resolution_name(*request.resolution)))
                                            : std::nullopt);
    BoundNumber credit(request.credit_minor);
    BoundText explanation(request.explanation);
    BoundNumber resolved(request.resolved_at
                             ? std::optional<long long>(to_epoch_ms(*request.resolved_at))
                             : std::nullopt);
    long long updated = to_epoch_ms(request.updated_at);
    long long id = request.id;
    session << "UPDATE billing_requests SET state = :state, resolution = :resolution,"
               " credit_minor = :credit, explanation = :explanation, resolved_at = :resolved,"
               " updated_at = :updated WHERE id = :id",
        soci::use(state), soci::use(resolution.value, resolution.ind),
        soci::use(credit.value, credit.ind), soci::use(explanation.value, explanation.ind),
        soci::use(resolved.value, resolved.ind), soci::use(updated), soci::use(id);
    return ok_status();
  });
}

Result<long long> append_billing_request_event(soci::session& session,
                                               const NewBillingRequestEvent& event) {
  return guarded("could not store the billing request event", [&]() -> Result<long long> {
    long long request_id = event.request_id;
    long long at = to_epoch_ms(event.at);
    BoundNumber actor(event.actor_user_id);
    std::string kind(billing_request_event_kind_name(event.kind));
    std::string visibility(billing_request_visibility_name(event.visibility));
    BoundText from(event.from_state);
    BoundText to(event.to_state);
    long long id = 0;
    session << "INSERT INTO billing_request_events (request_id, at, actor_user_id, actor_name,"
               " kind, visibility, from_state, to_state, text) VALUES (:request, :at, :actor,"
               " :actor_name, :kind, :visibility, :from_state, :to_state, :text) RETURNING id",
        soci::use(request_id), soci::use(at), soci::use(actor.value, actor.ind),
        soci::use(event.actor_name), soci::use(kind), soci::use(visibility),
        soci::use(from.value, from.ind), soci::use(to.value, to.ind), soci::use(event.text),
        soci::into(id);
    return id;
  });
}

Result<std::vector<BillingRequestEvent>> billing_request_events(soci::session& session,
                                                                long long request_id,
                                                                bool include_internal) {
  return guarded(
      "could not read the billing request's timeline",
      [&]() -> Result<std::vector<BillingRequestEvent>> {
        long long id = 0, at = 0;
        NullableNumber actor, attachment;
        std::string actor_name, kind, visibility, text;
        NullableText from, to;
        soci::statement st =
            (session.prepare << "SELECT e.id, e.at, e.actor_user_id, e.actor_name, e.kind,"
                                " e.visibility, e.from_state, e.to_state, e.text, a.id"
                                " FROM billing_request_events e"
                                " LEFT JOIN billing_request_attachments a ON a.event_id = e.id"
                                " WHERE e.request_id = :request ORDER BY e.id",
             soci::use(request_id), soci::into(id), soci::into(at),
             soci::into(actor.value, actor.ind), soci::into(actor_name), soci::into(kind),
             soci::into(visibility), soci::into(from.value, from.ind), soci::into(to.value, to.ind),
             soci::into(text), soci::into(attachment.value, attachment.ind));
        std::vector<BillingRequestEvent> out;
        if (st.execute(true)) {
          do {
            BillingRequestEvent event;
            event.id = id;
            event.at = from_epoch_ms(at);
            event.actor_user_id = actor.get();
            event.actor_name = actor_name;
            event.kind =
                parse_billing_request_event_kind(kind).value_or(BillingRequestEventKind::kNote);
            event.visibility = parse_billing_request_visibility(visibility)
                                   .value_or(BillingRequestVisibility::kInternal);
            event.from_state = from.get();
            event.to_state = to.get();
            event.text = text;
            event.attachment_id = attachment.get();
            if (include_internal || event.visibility == BillingRequestVisibility::kPublic) {
              out.push_back(std::move(event));
            }
          } while (st.fetch());
        }
        return out;
      });
}

Result<std::vector<BillingRequestAttachmentInfo>> billing_request_attachments(
    soci::session& session, long long request_id, bool include_internal) {
  return guarded(
      "could not read the billing request's attachments",
      [&]() -> Result<std::vector<BillingRequestAttachmentInfo>> {
        BillingRequestAttachmentInfo row;
        std::string visibility;
        NullableNumber uploader;
        long long created = 0;
        soci::statement st =
            (session.prepare << "SELECT id, filename, size, content_type, visibility,"
                                " uploaded_by_user_id, created_at FROM billing_request_attachments"
                                " WHERE request_id = :request ORDER BY id",
             soci::use(request_id), soci::into(row.id), soci::into(row.filename),
             soci::into(row.size), soci::into(row.content_type), soci::into(visibility),
             soci::into(uploader.value, uploader.ind), soci::into(created));
        std::vector<BillingRequestAttachmentInfo> out;
        if (st.execute(true)) {
          do {
            row.visibility = parse_billing_request_visibility(visibility)
                                 .value_or(BillingRequestVisibility::kInternal);
            row.uploaded_by = uploader.get();
            row.created_at = from_epoch_ms(created);
            if (include_internal || row.visibility == BillingRequestVisibility::kPublic) {
              out.push_back(row);
            }
          } while (st.fetch());
        }
        return out;
      });
}

}  // namespace candela::control
