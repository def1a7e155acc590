// POST /api/v1/edges/{edge_id}/usage: an edge's usage batch (node token; wire contract A in
// docs/usage.md). Parsing here, rules and storage in control::UsageStore.
#include <soci/soci.h>

#include "control/usage_store.hpp"
#include "control/usage_time.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/node_auth.hpp"
#include "portal/routes.hpp"
#include "portal/usage_routes.hpp"

namespace candela::portal {
namespace {

std::optional<long long> read_time(JsonReader& reader, const std::string& pointer,
                                   bool whole_minute) {
  auto text = reader.string(pointer, true, 64);
  if (!text) return std::nullopt;
  auto ms = control::parse_utc_ms(*text, false);
  if (!ms) {
    reader.add_error(pointer, "must be an RFC 3339 UTC time, e.g. \"2026-11-25T01:22:00Z\"");
  }
  if (ms && whole_minute && *ms % control::kMinuteMs != 0) {
    reader.add_error(pointer, "must be on a whole minute");
  }
  return ms;
}

ApiResult<control::UsageBatch> read_batch(const nlohmann::json& document) {
  JsonReader reader(document);
  reader.reject_unknown("", {"batch", "complete_until", "rows"});
  control::UsageBatch batch;
  batch.batch = reader.integer("/batch", true, 0).value_or(0);
  batch.complete_until = read_time(reader, "/complete_until", false).value_or(0);
  if (const auto* rows = reader.array("/rows")) {
    if (rows->size() > control::UsageStore::kMaxRowsPerBatch) {
      reader.add_error("/rows", "at most " + std::to_string(control::UsageStore::kMaxRowsPerBatch) +
                                    " rows per batch");
    } else {
      batch.rows.reserve(rows->size());
      for (std::size_t i = 0; i < rows->size(); ++i) {
        const std::string at = "/rows/" + std::to_string(i);
        if (!reader.object(at)) continue;
        control::UsageRow row;
        std::initializer_list<std::string_view> allowed = {
            "property",   "minute",     "revision",   "requests",   "bytes",       "body_bytes",
            "fill_bytes", "hits",       "misses",     "stale",      "revalidated", "passes",
            "errors",     "status_1xx", "status_2xx", "status_3xx", "status_4xx",  "status_5xx",
            "http",       "https",      "peak_rps"};
        reader.reject_unknown(at, allowed);
        row.property_id = reader.string(at + "/property", true, 256).value_or("");
        row.minute = read_time(reader, at + "/minute", true).value_or(0);
        row.revision = reader.integer(at + "/revision", true, 0).value_or(0);
        for (std::size_t f = 0; f < control::kUsageFieldCount; ++f) {
          row.counters[f] =
              reader.integer(at + "/" + std::string(control::kUsageFields[f]), true, 0).value_or(0);
        }
        batch.rows.push_back(std::move(row));
      }
    }
  }
  if (auto problem = reader.problem()) return *problem;
  return batch;
}

Response post_usage(ApiContext& context, const Request& request) {
  auto edge = authenticate_edge_named(context, request);
  if (!edge) return edge.problem().to_response(request.request_id);
  auto document = parse_json_body(request, kUsageBatchBodyLimit);
  if (!document) return document.problem().to_response(request.request_id);
  auto batch = read_batch(*document);
  if (!batch) return batch.problem().to_response(request.request_id);
  auto outcome = context.db.with_transaction([&](soci::session& session) {
    return control::UsageStore(session, context.clock).ingest(edge->edge_id, *batch);
  });
  if (!outcome.ok()) return error_response(outcome.failure(), request);
  return json_response(200, {{"accepted", outcome->accepted},
                             {"ignored", outcome->ignored},
                             {"unknown", outcome->unknown}});
}

}  // namespace

void register_usage_ingest_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/edges/{edge_id}/usage",
             [&context](const Request& request) { return post_usage(context, request); });
}

}  // namespace candela::portal
