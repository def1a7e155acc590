// Response planning: decides status, fields and body pieces for generated and stored responses.
#include "edge/response_plan.hpp"

#include "cache/conditional.hpp"
#include "cache/range.hpp"
#include "common/clock.hpp"
#include "common/http_date.hpp"
#include "http/serialize.hpp"

namespace candela::edge {

namespace {

bool has_conditionals(const http::HeaderView& h) {
  for (const auto& f : h) {
    if (f.name.size() > 3 && (f.name[0] == 'I' || f.name[0] == 'i') &&
        (f.name[1] == 'F' || f.name[1] == 'f') && f.name[2] == '-' &&
        !http::iequals(f.name, "If-Range")) {
      return true;
    }
  }
  return false;
}

void start_head(ResponsePlan& out, int status) {
  out.status = status;
  if (status == 200) {
    out.head += "HTTP/1.1 200 OK\r\n";  // the common case, without formatting
    return;
  }
  http::append_status_line(out.head, status, http::reason_phrase(status));
}

// Connection management fields and the blank line that ends the head.
void end_head(const PlanContext& ctx, ResponsePlan& out) {
  out.keep_alive = out.keep_alive && ctx.keep_alive;
  if (!out.keep_alive) {
    out.head += "Connection: close\r\n";
  } else if (ctx.request.version_minor == 0) {
    out.head += "Connection: keep-alive\r\n";
  }
  out.head += "\r\n";
}

void add_cache_fields(ResponsePlan& out, std::string_view cache_status, std::int64_t age) {
  if (age >= 0) {
    out.head += "Age: ";
    http::append_decimal(out.head, static_cast<std::uint64_t>(age));
    out.head += "\r\n";
  }
  // The value is built by the edge from fixed words and numbers: nothing to sanitise.
  out.head += "Cache-Status: ";
  out.head.append(cache_status);
  out.head += "\r\n";
}

void add_length(ResponsePlan& out, std::uint64_t length) {
  out.head += "Content-Length: ";
  http::append_decimal(out.head, length);
  out.head += "\r\n";
}

void slice(ResponsePlan& out, std::uint64_t offset, std::uint64_t length) {
  BodyPiece& p = out.pieces.emplace_back();
  p.from_source = true;
  p.offset = offset;
  p.length = length;
}

// The body of an object: sized, or streamed with chunked coding (or until close for 1.0).
void whole_body(const PlanContext& ctx, const cache::CacheObject& o, bool send_body,
                ResponsePlan& out) {
  if (auto length = o.length()) {
    add_length(out, *length);
    if (send_body && *length > 0) slice(out, 0, *length);
    return;
  }
  if (!send_body) return;
  if (ctx.request.version_minor >= 1) {
    out.head += "Transfer-Encoding: chunked\r\n";
    out.chunked = true;
  } else {
    out.keep_alive = false;  // HTTP/1.0: the end of the body is the end of the connection
  }
  slice(out, 0, BodyPiece::kToEnd);
}

bool ranges_apply(const PlanContext& ctx, const cache::CacheObject& o,
                  std::optional<std::uint64_t> length) {
  if (ctx.request.method != "GET" || o.status() != 200 || !length) return false;
  auto if_range = ctx.request.headers.get("If-Range");
  if (!if_range) return true;
  const auto view = o.fields();
  std::optional<SysTime> last_modified, date;
  if (const auto lm = o.last_modified(); !lm.empty()) last_modified = parse_http_date(lm);
  if (auto d = view.get("Date")) date = parse_http_date(*d);
  std::optional<std::string_view> etag;
  if (const auto tag = o.etag(); !tag.empty()) etag = tag;
  return cache::if_range_matches(*if_range, etag, last_modified, date);
}

}  // namespace

void plan_generated(const PlanContext& ctx, int status, std::string_view body,
                    std::string_view extra_fields, ResponsePlan& out,
                    std::string_view content_type) {
  start_head(out, status);
  char date[29];
  format_http_date(SystemClock::instance().now(), date);
  http::append_field(out.head, "Date", std::string_view(date, 29));
  http::append_field(out.head, "Content-Type", content_type);
  out.head += "Cache-Control: no-store\r\n";
  out.head.append(extra_fields);
  add_length(out, body.size());
  end_head(ctx, out);
  if (ctx.request.method != "HEAD" && !body.empty()) {
    out.pieces.emplace_back().text.assign(body);
  }
}

void plan_object(const PlanContext& ctx, cache::ConstObjectRef object,
                 std::string_view cache_status, std::int64_t age_seconds, ResponsePlan& out) {
  const cache::CacheObject& o = *object;
  out.object = std::move(object);
  const auto& req = ctx.request;

  if (has_conditionals(req.headers)) {
    const auto stored = o.fields();
    auto result = cache::evaluate_conditionals(req.method, req.headers, o.status(),
                                               cache::Validators::from(stored));
    if (result == cache::ConditionalResult::kNotModified) {
      start_head(out, 304);
      http::HeaderList fields;
      cache::copy_not_modified_fields(stored, fields);
      for (const auto& [name, value] : fields)
        http::append_field(out.head, name, value);
      add_cache_fields(out, cache_status, age_seconds);
      end_head(ctx, out);
      return;
    }
    if (result == cache::ConditionalResult::kPreconditionFailed) {
      out.object.reset();
      return plan_generated(ctx, 412, "Precondition failed.\n", {}, out);
    }
  }

  const auto length = o.length();
  auto range_value = req.headers.get("Range");
  if (range_value && ranges_apply(ctx, o, length)) {
    auto ranges = cache::parse_range(*range_value, *length);
    if (ranges.status == cache::RangeStatus::kUnsatisfiable) {
      start_head(out, 416);
      out.head += o.header_block();
      http::append_field(out.head, "Content-Range", cache::unsatisfied_content_range(*length));
      add_cache_fields(out, cache_status, age_seconds);
      add_length(out, 0);
      end_head(ctx, out);
      return;
    }
    if (ranges.status == cache::RangeStatus::kSatisfiable) {
      start_head(out, 206);
      if (ranges.count == 1) {
        const auto r = ranges.ranges[0];
        out.head += o.header_block();
        char content_range[cache::kMaxContentRangeLength];
        const auto n = cache::format_content_range(r, *length, content_range);
        http::append_field(out.head, "Content-Range", std::string_view(content_range, n));
        add_cache_fields(out, cache_status, age_seconds);
        add_length(out, r.length());
        end_head(ctx, out);
        slice(out, r.first, r.length());
        return;
      }
      // Several ranges: multipart/byteranges, each part sliced from the stored body.
      const auto stored = o.fields();
      const auto content_type = stored.get("Content-Type").value_or("application/octet-stream");
      auto multipart = cache::build_multipart_byteranges(
          ranges.view(), *length, content_type,
          cache::make_boundary(reinterpret_cast<std::uintptr_t>(&o) ^ *length));
      for (const auto& f : stored) {
        if (!http::iequals(f.name, "Content-Type")) http::append_field(out.head, f.name, f.value);
      }
      http::append_field(out.head, "Content-Type", multipart.content_type);
      add_cache_fields(out, cache_status, age_seconds);
      add_length(out, multipart.content_length);
      end_head(ctx, out);
      for (auto& piece : multipart.pieces) {
        if (piece.kind == cache::BodyPiece::Kind::kSlice) {
          slice(out, piece.offset, piece.length);
        } else {
          out.pieces.emplace_back().text = std::move(piece.text);
        }
      }
      return;
    }
  }

  start_head(out, o.status());
  out.head += o.header_block();
  add_cache_fields(out, cache_status, age_seconds);
  const bool no_body = req.method == "HEAD" || o.status() == 204 || o.status() == 304 ||
                       (o.status() >= 100 && o.status() < 200);
  whole_body(ctx, o, !no_body, out);
  end_head(ctx, out);
}

void plan_relayed(const PlanContext& ctx, cache::ConstObjectRef object,
                  std::string_view cache_status, ResponsePlan& out) {
  const cache::CacheObject& o = *object;
  out.object = std::move(object);
  start_head(out, o.status());
  out.head += o.header_block();
  add_cache_fields(out, cache_status, -1);
  const bool no_body = ctx.request.method == "HEAD" || o.status() == 204 || o.status() == 304 ||
                       (o.status() >= 100 && o.status() < 200);
  if (!no_body) whole_body(ctx, o, true, out);
  end_head(ctx, out);
}

}  // namespace candela::edge
