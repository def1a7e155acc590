// Origin request construction: end-to-end fields forwarded, hop-by-hop ones dropped
// (RFC 9110 §7.6.1), Via and X-Forwarded-For added, Host per the property's origin policy (or,
// to a parent edge, the client's Host).
#include "edge/origin_request.hpp"

#include "cache/hop_by_hop.hpp"
#include "http/headers.hpp"

namespace candela::edge {

namespace {

bool is_conditional_or_range(std::string_view name) {
  return http::iequals(name, "If-None-Match") || http::iequals(name, "If-Modified-Since") ||
         http::iequals(name, "If-Match") || http::iequals(name, "If-Unmodified-Since") ||
         http::iequals(name, "If-Range") || http::iequals(name, "Range");
}

void field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out += ": ";
  out.append(value);
  out += "\r\n";
}

}  // namespace

std::string build_origin_request(const ForwardContext& ctx) {
  const auto& req = ctx.request;
  const auto& origin = ctx.property.origin;
  const bool fill = ctx.mode == ForwardMode::kFill;
  std::string out;
  out.reserve(512 + req.head_size + ctx.body.size());

  out.append(fill ? std::string_view("GET") : req.method);
  out += ' ';
  if (!ctx.to_parent) out += origin.web_root;
  out.append(req.path.empty() ? std::string_view("/") : req.path);
  if (!req.query.empty()) {
    out += '?';
    out.append(req.query);
  }
  out += " HTTP/1.1\r\n";
  field(out, "Host",
        origin.host_header.empty() || ctx.to_parent ? req.host
                                                    : std::string_view(origin.host_header));

  std::string via;
  std::string forwarded_for;
  std::string_view forwarded_proto;
  cache::for_each_end_to_end(req.headers, [&](const http::HeaderField& f) {
    if (http::iequals(f.name, "Host") || http::iequals(f.name, "Content-Length")) return;
    if (http::iequals(f.name, "Via")) {
      via.append(via.empty() ? "" : ", ").append(f.value);
      return;
    }
    if (http::iequals(f.name, "X-Forwarded-For")) {
      forwarded_for.append(forwarded_for.empty() ? "" : ", ").append(f.value);
      return;
    }
    if (http::iequals(f.name, "X-Forwarded-Proto")) {
      if (forwarded_proto.empty()) forwarded_proto = f.value;
      return;
    }
    if (fill && is_conditional_or_range(f.name)) return;
    field(out, f.name, f.value);
  });
  // "(candela)" marks the entries of Candela nodes: parents count them against max_hops and
  // refuse a request that already names them (via_chain.hpp).
  via.append(via.empty() ? "" : ", ").append("1.1 ").append(ctx.edge_id).append(" (candela)");
  field(out, "Via", via);
  forwarded_for.append(forwarded_for.empty() ? "" : ", ").append(ctx.client_ip);
  field(out, "X-Forwarded-For", forwarded_for);
  field(out, "X-Forwarded-Proto",
        ctx.from_candela && !forwarded_proto.empty() ? forwarded_proto : "http");

  if (ctx.revalidate) {
    if (const auto etag = ctx.revalidate->etag(); !etag.empty()) {
      field(out, "If-None-Match", etag);
    }
    if (const auto last_modified = ctx.revalidate->last_modified(); !last_modified.empty()) {
      field(out, "If-Modified-Since", last_modified);
    }
  }
  if (!fill && (!ctx.body.empty() || req.framing != http::BodyFraming::kNone)) {
    field(out, "Content-Length", std::to_string(ctx.body.size()));
  }
  out += "\r\n";
  if (!fill) out.append(ctx.body);
  return out;
}

}  // namespace candela::edge
