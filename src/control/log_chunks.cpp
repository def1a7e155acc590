// Log chunks: recorded after the file is durable, listed per (property, hour), expired by age.
#include "control/log_chunks.hpp"

#include <soci/soci.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "common/ids.hpp"
#include "control/audit_log.hpp"
#include "control/principal_audit.hpp"
#include "control/services.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

constexpr int kExpireBatch = 500;

Result<int> retention_of(soci::session& session, const std::string& scid) {
  int days = 0;
  try {
    session << "SELECT log_retention_days FROM services WHERE scid = :scid", soci::use(scid),
        soci::into(days);
    if (!session.got_data())
      return Error{"service " + scid + " does not exist", ErrorKind::kNotFound};
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the log retention", e);
  }
  return days;
}

}  // namespace

Result<CheckedLogChunk> LogChunks::check(const LogStore& store, const LogChunkUpload& upload,
                                         std::string_view body) {
  Error error{"the log chunk was refused"};
  const auto dot = upload.edge_property.find('.');
  LogChunkKey key;
  key.edge_id = upload.edge_id;
  key.chunk = upload.chunk;
  if (dot == std::string::npos || !is_valid_scid(upload.edge_property.substr(0, dot)) ||
      !LogStore::valid_property(upload.edge_property.substr(dot + 1))) {
    error.fields.emplace_back("/query/property",
                              "must be \"<SCID>.<property id>\", e.g. \"SC0000001.www\"");
  } else {
    key.scid = upload.edge_property.substr(0, dot);
    key.property = upload.edge_property.substr(dot + 1);
  }
  if (auto hour = parse_log_hour(upload.hour)) {
    key.hour_ms = *hour;
  } else {
    error.fields.emplace_back("/query/hour", "must be a whole UTC hour, e.g. 2026-11-25T01:00:00Z");
  }
  if (!LogStore::valid_chunk(upload.chunk)) {
    error.fields.emplace_back("/path/chunk", "must be 1-120 of A-Z, a-z, 0-9, '.', '_' and '-'");
  }
  if (!LogStore::valid_edge_id(upload.edge_id)) {
    error.fields.emplace_back("/path/edge_id", "is not an edge id");
  }
  if (upload.lines < 0) error.fields.emplace_back("/query/lines", "must be 0 or more");
  if (!error.fields.empty()) return error;
  auto path = store.path_of(key);
  if (!path.ok()) return Error{path.failure()};
  auto summary = check_log_chunk(body, {upload.edge_property, key.hour_ms, upload.lines});
  if (!summary.ok()) {
    Error refused = summary.failure();
    refused.message = "the log chunk was refused: " + refused.message;
    return refused;
  }
  return CheckedLogChunk{key, std::move(path).value(), static_cast<long long>(body.size()),
                         std::move(summary).value()};
}

Result<StoredLogChunk> LogChunks::record(const CheckedLogChunk& chunk, std::string_view body) {
  const LogChunkKey& key = chunk.key;
  auto known = retention_of(session_, key.scid);
  if (!known.ok()) return Error{known.failure()};
  // The file first: a row must never point at a file that is not (yet) durable.
  if (auto written = store_.write(chunk.path, body); !written.ok()) return Error{written.failure()};
  const long long now = to_epoch_ms(clock_.now());
  StoredLogChunk stored{key, false, chunk.bytes, chunk.summary.lines, chunk.summary.sha256};
  try {
    long long id = 0;
    session_ << "SELECT id FROM log_chunks WHERE edge_id = :edge AND scid = :scid"
                " AND property = :property AND hour = :hour AND chunk = :chunk",
        soci::use(key.edge_id), soci::use(key.scid), soci::use(key.property),
        soci::use(key.hour_ms), soci::use(key.chunk), soci::into(id);
    stored.created = !session_.got_data();
    // An upsert, so that two deliveries of the same key racing each other both succeed.
    session_ << "INSERT INTO log_chunks (scid, property, hour, edge_id, chunk, bytes, lines,"
                " sha256, stored_at) VALUES (:scid, :property, :hour, :edge, :chunk, :bytes,"
                " :lines, :sha, :now) ON CONFLICT (edge_id, scid, property, hour, chunk) DO UPDATE"
                " SET bytes = excluded.bytes, lines = excluded.lines, sha256 = excluded.sha256,"
                " stored_at = excluded.stored_at",
        soci::use(key.scid), soci::use(key.property), soci::use(key.hour_ms),
        soci::use(key.edge_id), soci::use(key.chunk), soci::use(stored.bytes),
        soci::use(stored.lines), soci::use(stored.sha256), soci::use(now);
  } catch (const soci::soci_error& e) {
    return storage_error("could not record the log chunk", e);
  }
  return stored;
}

Result<LogFilePage> LogChunks::list(const Principal& principal, std::string_view scid,
                                    const LogFileQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  auto service = Services(session_, clock_).get(principal, scid, Action::kRead);
  if (!service.ok()) return Error{service.failure()};
  auto days = retention_of(session_, service->scid);
  if (!days.ok()) return Error{days.failure()};
  LogFilePage page;
  page.retention_days = days.value();
  const long long from = query.from_ms.value_or(0);
  const long long to = query.to_ms.value_or(std::numeric_limits<long long>::max());
  const std::string property = query.property.value_or("");
  const long long after_hour = query.after ? query.after->first : -1;
  const std::string after_property = query.after ? query.after->second : "";
  const int fetch = query.limit + 1;
  const int any_property = property.empty() ? 1 : 0;
  LogFileEntry entry;
  try {
    soci::statement st =
        (session_.prepare
             << "SELECT property, hour, CAST(SUM(lines) AS BIGINT), CAST(SUM(bytes) AS BIGINT),"
                " COUNT(*) FROM log_chunks WHERE scid = :scid AND hour >= :from AND hour < :to"
                " AND (:any_property = 1 OR property = :property)"
                " AND (hour > :after_hour OR (hour = :after_hour2 AND property > :after_property))"
                " GROUP BY property, hour ORDER BY hour, property LIMIT :n",
         soci::use(service->scid), soci::use(from), soci::use(to), soci::use(any_property),
         soci::use(property), soci::use(after_hour), soci::use(after_hour),
         soci::use(after_property), soci::use(fetch), soci::into(entry.property),
         soci::into(entry.hour_ms), soci::into(entry.lines), soci::into(entry.bytes),
         soci::into(entry.chunks));
    st.execute();
    while (st.fetch())
      page.files.push_back(entry);
  } catch (const soci::soci_error& e) {
    return storage_error("could not list the log files", e);
  }
  if (static_cast<int>(page.files.size()) > query.limit) {
    page.files.pop_back();
    page.more = true;
  }
  return page;
}

Result<std::vector<LogChunkFile>> LogChunks::files(const Principal& principal,
                                                   std::string_view scid, std::string_view property,
                                                   LogPeriod period) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kRead);
  if (!service.ok()) return Error{service.failure()};
  if (!LogStore::valid_property(property)) {
    Error invalid{"\"" + std::string(property) + "\" is not a property id"};
    invalid.fields.emplace_back("/path/property", "must be 1-63 of a-z, 0-9 and '-'");
    return invalid;
  }
  std::vector<LogChunkFile> out;
  LogChunkFile file;
  file.key.scid = service->scid;
  file.key.property = std::string(property);
  try {
    soci::statement st =
        (session_.prepare << "SELECT hour, edge_id, chunk, bytes FROM log_chunks"
                             " WHERE scid = :scid AND property = :property"
                             " AND hour >= :from AND hour < :to ORDER BY hour, edge_id, chunk",
         soci::use(file.key.scid), soci::use(file.key.property), soci::use(period.start_ms),
         soci::use(period.end_ms), soci::into(file.key.hour_ms), soci::into(file.key.edge_id),
         soci::into(file.key.chunk), soci::into(file.bytes));
    st.execute();
    while (st.fetch()) {
      auto path = store_.path_of(file.key);
      if (!path.ok()) {
        return Error{"a stored log chunk has a malformed name: " + path.error(),
                     ErrorKind::kInternal};
      }
      file.path = std::move(path).value();
      out.push_back(file);
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the log chunks", e);
  }
  if (out.empty()) {
    return Error{"no log lines of property " + file.key.property + " are stored for that period",
                 ErrorKind::kNotFound};
  }
  return out;
}

Result<int> LogChunks::set_retention(const Principal& principal, std::string_view scid, int days,
                                     const std::string& reason) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kConfigure);
  if (!service.ok()) return Error{service.failure()};
  Error invalid{"the log retention was not changed"};
  if (days < kMinRetentionDays || days > kMaxRetentionDays) {
    invalid.fields.emplace_back("/days", "must be a whole number of days from " +
                                             std::to_string(kMinRetentionDays) + " to " +
                                             std::to_string(kMaxRetentionDays));
  }
  if (reason.size() > kMaxReasonLength) {
    invalid.fields.emplace_back(
        "/reason", "must be at most " + std::to_string(kMaxReasonLength) + " characters");
  }
  if (!invalid.fields.empty()) return invalid;
  auto before = retention_of(session_, service->scid);
  if (!before.ok()) return before;
  const long long now = to_epoch_ms(clock_.now());
  try {
    session_ << "UPDATE services SET log_retention_days = :days, updated_at = :now"
                " WHERE scid = :scid",
        soci::use(days), soci::use(now), soci::use(service->scid);
  } catch (const soci::soci_error& e) {
    return storage_error("could not change the log retention", e);
  }
  AuditEntry entry = audit_entry(principal, "service", service->scid, "log_retention");
  entry.from_state = std::to_string(before.value());
  entry.to_state = std::to_string(days);
  entry.reason = reason;
  entry.details = nlohmann::json{{"log_retention_days", days}}.dump();
  auto audited = AuditLog(session_, clock_).append(entry);
  if (!audited.ok()) return Error{audited.failure()};
  return days;
}

Result<long long> LogChunks::expire(Database& database, const Clock& clock, const LogStore& store) {
  const long long now = to_epoch_ms(clock.now());
  long long deleted = 0;
  for (;;) {
    // One batch per transaction: the rows go first, so a download never lists a chunk whose
    // file is about to disappear; a file left behind by a crash is only disk space.
    auto batch =
        database.with_transaction([&](soci::session& session) -> Result<std::vector<LogChunkKey>> {
          std::vector<LogChunkKey> keys;
          std::vector<long long> ids;
          LogChunkKey key;
          long long id = 0;
          try {
            soci::statement st =
                (session.prepare
                     << "SELECT c.id, c.scid, c.property, c.hour, c.edge_id, c.chunk"
                        " FROM log_chunks c JOIN services s ON s.scid = c.scid"
                        " WHERE c.hour + 3600000 + CAST(s.log_retention_days AS BIGINT) * 86400000"
                        " < :now ORDER BY c.id LIMIT :n",
                 soci::use(now), soci::use(kExpireBatch), soci::into(id), soci::into(key.scid),
                 soci::into(key.property), soci::into(key.hour_ms), soci::into(key.edge_id),
                 soci::into(key.chunk));
            st.execute();
            while (st.fetch()) {
              ids.push_back(id);
              keys.push_back(key);
            }
            for (long long victim : ids) {
              session << "DELETE FROM log_chunks WHERE id = :id", soci::use(victim);
            }
          } catch (const soci::soci_error& e) {
            return storage_error("could not expire log chunks", e);
          }
          return keys;
        });
    if (!batch.ok()) return Error{batch.failure()};
    for (const auto& key : batch.value()) {
      auto path = store.path_of(key);
      if (!path.ok()) continue;  // a malformed name cannot have a file
      if (auto removed = store.remove(path.value()); !removed.ok()) {
        return Error{removed.failure()};
      }
    }
    deleted += static_cast<long long>(batch->size());
    if (static_cast<int>(batch->size()) < kExpireBatch) break;
  }
  return deleted;
}

}  // namespace candela::control
