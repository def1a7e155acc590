// Response planning: the pure part of serving a file, so it can be unit-tested without sockets.
#include "origin/response_plan.hpp"

#include <string_view>

#include "origin/byte_range.hpp"
#include "origin/etag.hpp"
#include "origin/http_date.hpp"

namespace candela::origin {

namespace {

enum class Precondition { kPass, kNotModified, kFailed };

// RFC 9110 §13.2.2 evaluation order. `etag` and `last_modified` are the effective validators.
Precondition evaluate_preconditions(const ConditionalRequest& req, std::string_view etag,
                                    std::optional<SysTime> last_modified) {
  if (req.if_match) {
    if (etag.empty() || !etag_list_matches(*req.if_match, etag, EtagComparison::kStrong)) {
      return Precondition::kFailed;
    }
  } else if (req.if_unmodified_since && last_modified) {
    const auto since = parse_http_date(*req.if_unmodified_since);
    if (since && *last_modified > *since) return Precondition::kFailed;
  }
  if (req.if_none_match) {
    if (!etag.empty() && etag_list_matches(*req.if_none_match, etag, EtagComparison::kWeak)) {
      return Precondition::kNotModified;
    }
  } else if (req.if_modified_since && last_modified) {
    const auto since = parse_http_date(*req.if_modified_since);
    if (since && *last_modified <= *since) return Precondition::kNotModified;
  }
  return Precondition::kPass;
}

// If-Range (§13.1.5): the range applies only if the validator still matches exactly.
bool if_range_allows(const std::optional<std::string>& if_range, std::string_view etag,
                     std::optional<SysTime> last_modified) {
  if (!if_range) return true;
  const std::string_view v = *if_range;
  if (v.starts_with("W/")) return false;  // a weak tag can never validate a range
  if (v.starts_with("\"")) {
    return !etag.empty() && etag_list_matches(v, etag, EtagComparison::kStrong);
  }
  const auto date = parse_http_date(v);
  return date && last_modified && *date == *last_modified;
}

std::string content_range(std::uint64_t first, std::uint64_t last, std::uint64_t size) {
  return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(size);
}

}  // namespace

bool status_has_no_content(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

ResponsePlan plan_response(const ConditionalRequest& request, const Representation& rep,
                           const Sidecar& sidecar, SysTime now) {
  ResponsePlan plan;
  plan.status = sidecar.status.value_or(200);
  auto& h = plan.headers;
  h.add("Date", format_http_date(now));
  if (!rep.content_type.empty()) h.add("Content-Type", rep.content_type);
  if (!rep.etag.empty()) h.add("ETag", rep.etag);
  if (rep.last_modified) h.add("Last-Modified", format_http_date(*rep.last_modified));
  if (!rep.cache_control.empty()) h.add("Cache-Control", rep.cache_control);
  h.add("Accept-Ranges", "bytes");
  for (const auto& [name, value] : sidecar.headers)
    h.remove(name);
  for (const auto& [name, value] : sidecar.headers)
    h.add(name, value);

  plan.body_offset = 0;
  plan.body_length = rep.size;
  plan.has_content = !status_has_no_content(plan.status);
  if (!plan.has_content) plan.body_length = 0;
  if (plan.status != 200) return plan;

  const std::string etag(h.get("ETag").value_or(""));
  std::optional<SysTime> last_modified;
  if (const auto lm = h.get("Last-Modified")) last_modified = parse_http_date(*lm);

  switch (evaluate_preconditions(request, etag, last_modified)) {
    case Precondition::kNotModified:
      plan.status = 304;
      plan.has_content = false;
      plan.body_length = 0;
      // A 304 carries the fields a cache would update (§15.4.5) but not the content's type.
      h.remove("Content-Type");
      return plan;
    case Precondition::kFailed: {
      ResponsePlan failed;
      failed.status = 412;
      failed.headers.add("Date", format_http_date(now));
      failed.body_length = 0;
      return failed;
    }
    case Precondition::kPass:
      break;
  }

  if (!request.range || !if_range_allows(request.if_range, etag, last_modified)) return plan;
  const auto decision = decide_range(*request.range, rep.size);
  switch (decision.outcome) {
    case RangeOutcome::kIgnore:
      return plan;
    case RangeOutcome::kUnsatisfiable: {
      ResponsePlan unsatisfiable;
      unsatisfiable.status = 416;
      unsatisfiable.headers.add("Date", format_http_date(now));
      unsatisfiable.headers.add("Content-Range", "bytes */" + std::to_string(rep.size));
      unsatisfiable.body_length = 0;
      return unsatisfiable;
    }
    case RangeOutcome::kSatisfiable:
      plan.status = 206;
      plan.body_offset = decision.range.first;
      plan.body_length = decision.range.length();
      h.add("Content-Range", content_range(decision.range.first, decision.range.last, rep.size));
      return plan;
  }
  return plan;
}

}  // namespace candela::origin
