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

void finish_object(const ObjectContext& ctx, cache::CacheObject& o, http::HeaderList& fields,
                   const http::HeaderView& received) {
  if (!fields.contains("Date")) fields.add("Date", format_http_date(ctx.response_time));
  o.set_fields(fields);
  // Age as received feeds the age calculation; it is not stored as a field.
  o.freshness =
      cache::compute_freshness(o.status, received, cache::select_response_directives(received),
                               ctx.request_time, ctx.response_time, ctx.freshness);
}

}  // namespace

std::shared_ptr<cache::CacheObject> build_object(const ObjectContext& ctx,
                                                 const OriginResponse& response,
                                                 const std::vector<std::string>& strip_fields) {
  auto o = std::make_shared<cache::CacheObject>();
  o->key = std::string(ctx.key);
  o->property_id = std::string(ctx.property_id);
  o->status = response.status;
  const auto received = response.headers.view();
  http::HeaderList fields;
  cache::for_each_end_to_end(received, [&](const http::HeaderField& f) {
    if (is_per_response(f.name) || is_listed(strip_fields, f.name)) return;
    fields.add(f.name, f.value);
  });
  add_via(fields, ctx.edge_id);
  if (response.framing == http::BodyFraming::kContentLength) {
    o->declared_length = response.content_length;
  } else if (response.framing == http::BodyFraming::kNone) {
    o->declared_length = 0;
  }
  o->body = std::make_shared<cache::BodyBuffer>(o->declared_length);
  finish_object(ctx, *o, fields, received);
  return o;
}

std::shared_ptr<cache::CacheObject> refresh_object(const ObjectContext& ctx,
                                                   const cache::CacheObject& stale,
                                                   const OriginResponse& not_modified) {
  auto o = std::make_shared<cache::CacheObject>();
  o->key = stale.key;
  o->property_id = stale.property_id;
  o->status = stale.status;
  http::HeaderList fields;
  for (const auto& f : stale.fields())
    fields.add(f.name, f.value);
  cache::update_stored_headers(fields, not_modified.headers.view());
  fields.remove("Age");
  fields.remove("Content-Length");
  o->body = stale.body;
  o->declared_length = stale.declared_length;
  o->vary_fields = stale.vary_fields;
  // The 304's Age (if any) is what the age calculation must see, with the refreshed fields.
  http::HeaderList received = fields;
  if (auto age = not_modified.headers.get("Age")) received.add("Age", *age);
  finish_object(ctx, *o, fields, received.view());
  return o;
}

}  // namespace candela::edge
