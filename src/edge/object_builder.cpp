// Building stored objects from origin responses, and refreshing them after a 304.
#include "edge/object_builder.hpp"

#include <algorithm>

#include "cache/cache_control.hpp"
#include "cache/hop_by_hop.hpp"
#include "cache/revalidation.hpp"
#include "common/http_date.hpp"
#include "http/serialize.hpp"

namespace candela::edge {

namespace {

bool is_listed(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return http::iequals(n, name); });
}

// Fields the edge computes per response instead of storing.
bool is_per_response(std::string_view name) {
  return http::iequals(name, "Content-Length") || http::iequals(name, "Age") ||
         http::iequals(name, "Cache-Status");
}

void add_via(http::HeaderList& fields, std::string_view edge_id) {
  std::string via = fields.combined("Via");
  via.append(via.empty() ? "" : ", ").append("1.1 ").append(edge_id);
  fields.set("Via", via);
}

// The stored head: the fields as written to the wire (Date added when missing), and the
// freshness computed from them. Age as received feeds the age calculation; it is not stored.
struct StoredHead {
  std::string block;
  cache::FreshnessInfo freshness;
};

StoredHead stored_head(const ObjectContext& ctx, int status, http::HeaderList& fields,
                       const http::HeaderView& received) {
  if (!fields.contains("Date")) fields.add("Date", format_http_date(ctx.response_time));
  StoredHead head;
  for (const auto& [name, value] : fields)
    http::append_field(head.block, name, value);
  head.freshness =
      cache::compute_freshness(status, received, cache::select_response_directives(received),
                               ctx.request_time, ctx.response_time, ctx.freshness);
  return head;
}

}  // namespace

cache::ObjectRef build_object(const ObjectContext& ctx, const OriginResponse& response,
                              const std::vector<std::string>& strip_fields) {
  const auto received = response.headers.view();
  http::HeaderList fields;
  cache::for_each_end_to_end(received, [&](const http::HeaderField& f) {
    const bool upstream_status = ctx.from_parent && http::iequals(f.name, "Cache-Status");
    if ((is_per_response(f.name) && !upstream_status) || is_listed(strip_fields, f.name)) return;
    fields.add(f.name, f.value);
  });
  add_via(fields, ctx.edge_id);
  const StoredHead head = stored_head(ctx, response.status, fields, received);
  cache::ObjectSpec spec;
  spec.key = ctx.key;
  spec.vary = ctx.vary;
  spec.status = response.status;
  spec.header_block = head.block;
  spec.freshness = head.freshness;
  if (response.framing == http::BodyFraming::kContentLength) {
    spec.declared_length = response.content_length;
  } else if (response.framing == http::BodyFraming::kNone) {
    spec.declared_length = 0;
  }
  return cache::CacheObject::create(spec);
}

cache::ObjectRef refresh_object(const ObjectContext& ctx, const cache::CacheObject& stale,
                                const OriginResponse& not_modified) {
  http::HeaderList fields;
  for (const auto& f : stale.fields())
    fields.add(f.name, f.value);
  cache::update_stored_headers(fields, not_modified.headers.view());
  fields.remove("Age");
  fields.remove("Content-Length");
  if (!ctx.from_parent) fields.remove("Cache-Status");
  // The 304's Age (if any) is what the age calculation must see, with the refreshed fields.
  http::HeaderList received = fields;
  if (auto age = not_modified.headers.get("Age")) received.add("Age", *age);
  const StoredHead head = stored_head(ctx, stale.status(), fields, received.view());
  return cache::CacheObject::refreshed(stale, head.block, head.freshness);
}

}  // namespace candela::edge
