// AuditTrail: maps an entity to what decides who may read it, then pages the records.
#include "control/audit_trail.hpp"

#include <soci/soci.h>

#include <charconv>

#include "control/authorization.hpp"
#include "control/customers.hpp"
#include "control/database.hpp"
#include "control/users.hpp"

namespace candela::control {
namespace {

Error no_trail() {
  return Error{"no audit trail you may read has that entity", ErrorKind::kNotFound};
}

std::optional<long long> parse_id(const std::string& text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 1)
    return std::nullopt;
  return value;
}

}  // namespace

Status AuditTrail::check_group_of(const Principal& actor, const std::string& sql,
                                  const std::string& key) {
  long long group = 0;
  try {
    session_ << sql, soci::use(key), soci::into(group);
  } catch (const soci::soci_error& e) {
    return Error{std::string("could not read the entity: ") + e.what(), ErrorKind::kInternal};
  }
  return check_group(actor, session_.got_data() ? std::optional<long long>(group) : std::nullopt);
}

Status AuditTrail::check_group_of(const Principal& actor, const std::string& sql, long long key) {
  long long group = 0;
  try {
    session_ << sql, soci::use(key), soci::into(group);
  } catch (const soci::soci_error& e) {
    return Error{std::string("could not read the entity: ") + e.what(), ErrorKind::kInternal};
  }
  return check_group(actor, session_.got_data() ? std::optional<long long>(group) : std::nullopt);
}

Status AuditTrail::check_group(const Principal& actor, std::optional<long long> group) {
  // Deleted entities have no group any more; their trail stays with the provider.
  if (!group) return no_trail();
  auto allowed = authorize(session_, actor, *group, Action::kRead);
  if (!allowed.ok() && allowed.error_kind() != ErrorKind::kInternal) return no_trail();
  return allowed;
}

Status AuditTrail::check_can_read(const Principal& actor, const std::string& entity_type,
                                  const std::string& entity_id) {
  if (actor.is_provider()) return ok_status();
  if (entity_type == "user") {
    auto id = parse_id(entity_id);
    if (!id) return no_trail();
    Users users(session_, clock_);
    auto user = users.find(*id);
    if (!user.ok()) return Error{user.failure()};
    if (!user.value()) return no_trail();
    auto readable = users.check_can_read(actor, **user);
    if (!readable.ok() && readable.error_kind() != ErrorKind::kInternal) return no_trail();
    return readable;
  }
  if (entity_type == "access_group") {
    auto id = parse_id(entity_id);
    if (!id) return no_trail();
    return check_group_of(
        actor, "SELECT id FROM access_groups WHERE id = :k AND customer_visible = 1", *id);
  }
  if (entity_type == "customer") {
    SeededRandom no_numbers(0);  // reading never makes customer numbers
    auto customer = Customers(session_, clock_, no_numbers).get(actor, entity_id);
    if (!customer.ok() && customer.error_kind() != ErrorKind::kInternal) return no_trail();
    if (!customer.ok()) return Error{customer.failure()};
    return ok_status();
  }
  if (entity_type == "api_key")
    return check_group_of(actor, "SELECT access_group_id FROM api_keys WHERE key_id = :k",
                          entity_id);
  if (entity_type == "service")
    return check_group_of(actor, "SELECT access_group_id FROM services WHERE scid = :k", entity_id);
  if (entity_type == "configuration") {
    const std::string scid = entity_id.substr(0, entity_id.find('/'));
    return check_group_of(actor, "SELECT access_group_id FROM services WHERE scid = :k", scid);
  }
  if (entity_type == "invalidation") {
    auto id = parse_id(entity_id);
    if (!id) return no_trail();
    return check_group_of(actor,
                          "SELECT s.access_group_id FROM invalidations i JOIN services s"
                          " ON s.scid = i.scid WHERE i.id = :k",
                          *id);
  }
  return no_trail();
}

Result<AuditPage> AuditTrail::list(const Principal& actor, const std::string& entity_type,
                                   const std::string& entity_id, long long after_id, int limit) {
  auto readable = check_can_read(actor, entity_type, entity_id);
  if (!readable.ok()) return Error{readable.failure()};
  auto page = AuditLog(session_, clock_).list_for_entity(entity_type, entity_id, after_id, limit);
  if (!page.ok()) return Error{page.error(), ErrorKind::kInternal};
  return page;
}

}  // namespace candela::control
