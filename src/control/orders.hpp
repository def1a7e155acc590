// Orders (issue 6, contract section 2): new service, change, transfer, renewal and disconnect
// orders, their states from draft to completed (each move made only by the role the handbook
// names), the effects of completion on services and their contract items, and the service
// connection notice. Tenancy is checked here (404 outside the caller's access groups); every
// change is audited in the caller's transaction.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"
#include "control/service_items.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class OrderType { kNewService, kChange, kTransfer, kRenewal, kDisconnect };
enum class OrderState {
  kDraft,
  kQuoted,
  kSigned,
  kValidated,
  kProvisioning,
  kCompleted,
  kCancelled,
  kRejected,
};
enum class ItemAction { kAdd, kReplace, kEnd, kKeep };

// Stored and wire names: "new_service", "provisioning", "replace".
std::string_view order_type_name(OrderType type);
std::optional<OrderType> parse_order_type(std::string_view name);
std::string_view order_state_name(OrderState state);
std::optional<OrderState> parse_order_state(std::string_view name);
std::string_view item_action_name(ItemAction action);
std::optional<ItemAction> parse_item_action(std::string_view name);
// Every state, in lifecycle order.
const std::vector<OrderState>& all_order_states();

struct OrderItem {
  int line = 1;
  ItemAction action = ItemAction::kAdd;
  std::optional<long long> item_id;  // the service item a replace/end/keep line refers to
  ItemTerms terms;
  bool operator==(const OrderItem&) const = default;
};

struct OrderOrigin {
  std::string host;
  int port = 443;
  std::string scheme = "https";  // "http" | "https"
  bool operator==(const OrderOrigin&) const = default;
};

// New service: the host names the service answers and where content comes from.
struct TechnicalDetails {
  std::vector<std::string> aliases;
  OrderOrigin origin;
  bool operator==(const TechnicalDetails&) const = default;
};

// Transfer: the billing account (an existing customer number) and access group that take over.
struct TransferTarget {
  std::string customer_number;
  long long access_group_id = 0;
  bool operator==(const TransferTarget&) const = default;
};

// Disconnect: the last day the customer asks for, the items (all open ones when empty), and
// the ETC quote computed when the order is quoted (the JSON of the disconnect-quote endpoint).
struct DisconnectRequest {
  CivilDate cessation_date;
  std::vector<long long> item_ids;
  std::optional<nlohmann::json> quote;
  bool operator==(const DisconnectRequest&) const = default;
};

// Renewal: a new term for every open item, optionally at a new MRC.
struct RenewalTerms {
  int term_months = 12;
  std::optional<long long> mrc_minor;
  bool operator==(const RenewalTerms&) const = default;
};

struct OrderSignature {
  std::string name;
  std::string title;
  std::optional<long long> signed_by;
  SysTime signed_at;
};

struct OrderEvent {
  SysTime at;
  std::optional<long long> actor_user_id;
  std::string actor_name;
  std::optional<OrderState> from;
  OrderState to = OrderState::kDraft;
  std::string note;
};

struct Order {
  long long id = 0;
  std::string order_number;
  OrderType type = OrderType::kNewService;
  OrderState state = OrderState::kDraft;
  long long customer_id = 0;
  std::string customer_number;
  std::string customer_name;
  long long access_group_id = 0;
  std::optional<std::string> scid;
  CivilDate customer_commit_date;
  std::optional<CivilDate> effective_date;
  std::string currency = "USD";
  std::vector<OrderItem> items;
  std::optional<TechnicalDetails> technical;
  std::optional<TransferTarget> target;
  std::optional<DisconnectRequest> disconnect;
  std::optional<RenewalTerms> renewal;
  std::optional<OrderSignature> signature;
  std::optional<std::string> reason;
  std::optional<long long> created_by;
  std::string created_by_name;
  SysTime created_at;
  SysTime updated_at;
  std::optional<SysTime> completed_at;
  std::vector<OrderEvent> events;  // oldest first

  long long total_mrc_minor() const;  // lines that add or replace (what the customer pays on)
  long long total_nrc_minor() const;
};

// A new order or the changes to a draft, as submitted. Absent = not given (for an edit:
// unchanged). For every type but new_service the SCID names the service and its customer.
struct OrderDraft {
  std::optional<std::string> type;  // create only
  std::optional<std::string> customer_number;
  std::optional<long long> access_group_id;
  std::optional<std::string> scid;
  std::optional<CivilDate> customer_commit_date;
  std::optional<std::optional<CivilDate>> effective_date;  // inner nullopt clears it
  std::optional<std::vector<OrderItem>> items;
  std::optional<TechnicalDetails> technical;
  std::optional<TransferTarget> target;
  std::optional<DisconnectRequest> disconnect;
  std::optional<RenewalTerms> renewal;
};

struct OrderTransitionRequest {
  OrderState to = OrderState::kQuoted;
  std::string reason;                      // required for cancelled and rejected
  std::optional<std::string> signer_name;  // quoted → signed
  std::optional<std::string> signer_title;
};

struct OrderFilter {
  std::optional<std::string> customer_number;
  std::optional<OrderState> state;
  std::optional<OrderType> type;
};

struct OrderPage {
  std::vector<Order> orders;             // newest first, without events
  std::optional<long long> next_before;  // pass as `before` for the next page
};

struct ConnectionNotice {
  std::string scid;
  std::string order_number;
  std::string customer_number;
  SysTime created_at;
  std::string body;        // the plain text as mailed
  nlohmann::json details;  // the same facts as JSON
};

// What a transition did beyond the order itself: the newest feed event it appended (a
// completed new service deploys its configuration and activates the service), so the portal
// can wake the edges' long polls after commit.
struct OrderTransitionResult {
  Order order;
  std::optional<long long> feed_sequence;
};

struct OrderSettings {
  std::string cdn_domain = "cdn.candela.example";  // CNAME targets: <scid lower-case>.<domain>
  std::string public_url = "http://127.0.0.1:9000";
};

// The problems the order rules find in a draft's own fields, without the store (no tenancy, no
// customer or service lookups): for reporting them together with a body's type errors.
std::vector<std::pair<std::string, std::string>> order_draft_problems(const OrderDraft& draft,
                                                                      const CivilDate& today);

class Orders {
 public:
  static constexpr int kMaxPageSize = 200;
  static constexpr std::size_t kMaxItems = 50;
  static constexpr std::size_t kMaxAliases = 50;
  static constexpr std::size_t kMaxReasonLength = 2000;
  static constexpr std::size_t kMaxSignatureLength = 200;
  static constexpr std::size_t kMaxDescriptionLength = 500;

  Orders(soci::session& session, const Clock& clock, RandomSource& random,
         OrderSettings settings = {})
      : session_(session), clock_(clock), random_(random), settings_(std::move(settings)) {}

  // A draft (account director, sales engineer, or a customer admin of the order's group or an
  // ancestor). Every problem located ("/items/0/mrc_minor", "/technical/aliases/1").
  Result<Order> create(const Principal& principal, const OrderDraft& draft);
  // Edits a draft (same people); kConflict once it left draft.
  Result<Order> update(const Principal& principal, const std::string& order_number,
                       const OrderDraft& changes);
  Result<Order> get(const Principal& principal, const std::string& order_number);
  Result<OrderPage> list(const Principal& principal, const OrderFilter& filter,
                         std::optional<long long> before, int limit);
  // One move of the state machine (control/order_transitions): wrong role kForbidden, a move
  // that does not exist kConflict; completion applies the order's effects in this transaction.
  Result<OrderTransitionResult> transition(const Principal& principal,
                                           const std::string& order_number,
                                           const OrderTransitionRequest& request);
  // The states `principal` may move the order to now (the UI shows these buttons).
  Result<std::vector<OrderState>> allowed_transitions(const Principal& principal,
                                                      const Order& order);

  // The service's connection notice, for whoever may read the service (kNotFound without one).
  Result<ConnectionNotice> connection_notice_for_service(const Principal& principal,
                                                         const std::string& scid);
  Result<ConnectionNotice> connection_notice_for_order(const Principal& principal,
                                                       const std::string& order_number);

 private:
  Result<Order> load_visible(const Principal& principal, const std::string& order_number);

  soci::session& session_;
  const Clock& clock_;
  RandomSource& random_;
  OrderSettings settings_;
};

}  // namespace candela::control
