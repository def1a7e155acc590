// Ingestion: each row is compared with the stored revision of its (edge, SCID, property, minute);
// the rollups receive exactly the difference, so retries and replays never count twice.
#include "control/usage_store.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "control/database.hpp"
#include "control/store_guard.hpp"
#include "control/usage_time.hpp"

namespace candela::control {
namespace {

// Minutes further from "now" than this are refused as a clock or encoding mistake.
constexpr long long kMaxPastMs = 400 * kDayMs;
constexpr long long kMaxFutureMs = kDayMs;

bool usage_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// What one row's ingestion needs to know, read in one statement: the edge's stored row, the
// minute's cross-edge peak sum, and the current hour and day peaks.
struct Snapshot {
  bool stored = false;
  long long revision = 0;
  UsageCounters counters;
  long long minute_peak = 0;
  std::optional<long long> hour_peak;
  std::optional<long long> day_peak;
};

// Runs each row's statements as prepared statements bound to the members below: prepared once
// per batch, so the database parses and plans them once, not once per row.
class Ingestion {
 public:
  Ingestion(soci::session& session, std::string edge_id)
      : session_(session), edge_id_(std::move(edge_id)) {}

  bool known_scid(const std::string& scid) {
    auto found = known_.find(scid);
    if (found != known_.end()) return found->second;
    int count = 0;
    session_ << "SELECT COUNT(*) FROM services WHERE scid = :s", soci::use(scid), soci::into(count);
    return known_.emplace(scid, count != 0).first->second;
  }

  // Returns true when the row was stored, false when an equal or newer revision was there.
  bool apply(const std::string& scid, const std::string& property, const UsageRow& row) {
    if (!prepared_) prepare();
    scid_ = scid;
    property_ = property;
    minute_ = row.minute;
    hour_ = bucket_start(row.minute, kHourMs);
    day_ = bucket_start(row.minute, kDayMs);
    const Snapshot before = read_snapshot();
    if (before.stored && before.revision >= row.revision) return false;
    revision_ = row.revision;
    values_ = row.counters;
    execute(before.stored ? *update_minute_ : *insert_minute_);

    UsageCounters delta;
    for (std::size_t i = 0; i < kAdditiveUsageFields; ++i) {
      delta[i] = row.counters[i] - before.counters[i];
    }
    const long long old_minute_peak = before.minute_peak;
    const long long new_minute_peak =
        old_minute_peak - before.counters[kPeakRps] + row.counters[kPeakRps];
    const PeakChange hour =
        apply_rollup(*insert_hour_, *update_hour_, hour_, kHourMs, delta, before.hour_peak,
                     old_minute_peak, new_minute_peak,
                     "SELECT COALESCE(MAX(s), 0) FROM (SELECT SUM(peak_rps) AS s FROM usage_minute"
                     " WHERE scid = :s AND property = :p AND minute >= :b AND minute < :e"
                     " GROUP BY minute) AS per_minute");
    const PeakChange day = apply_rollup(
        *insert_day_, *update_day_, day_, kDayMs, delta, before.day_peak, hour.before, hour.after,
        "SELECT COALESCE(MAX(peak_rps), 0) FROM usage_hour"
        " WHERE scid = :s AND property = :p AND bucket >= :b AND bucket < :e");
    // The service rollups add the same difference; their peak is the sum of the properties'
    // peaks, so it moves by exactly as much as this property's peak moved.
    service_delta_ = delta;
    service_delta_[kPeakRps] = hour.after - hour.before;
    add_or_insert(*update_service_hour_, *insert_service_hour_);
    service_delta_[kPeakRps] = day.after - day.before;
    add_or_insert(*update_service_day_, *insert_service_day_);
    if (delta[kBytes] != 0) {
      bin_ = bucket_start(row.minute, kFiveMinutesMs);
      bin_bytes_ = delta[kBytes];
      add_or_insert(*update_five_minute_, *insert_five_minute_);
    }
    return true;
  }

  void advance(const UsageBatch& batch, long long now) {
    const long long until = bucket_start(batch.complete_until, kMinuteMs);
    long long stored_until = 0;
    long long stored_batch = 0;
    session_ << "SELECT complete_until, last_batch FROM usage_edge_progress WHERE edge_id = :e",
        soci::use(edge_id_), soci::into(stored_until), soci::into(stored_batch);
    if (!session_.got_data()) {
      session_ << "INSERT INTO usage_edge_progress (edge_id, complete_until, last_batch,"
                  " updated_at) VALUES (:e, :c, :b, :t)",
          soci::use(edge_id_), soci::use(until), soci::use(batch.batch), soci::use(now);
      return;
    }
    const long long next_until = std::max(stored_until, until);
    const long long next_batch = std::max(stored_batch, batch.batch);
    session_ << "UPDATE usage_edge_progress SET complete_until = :c, last_batch = :b,"
                " updated_at = :t WHERE edge_id = :e",
        soci::use(next_until), soci::use(next_batch), soci::use(now), soci::use(edge_id_);
  }

 private:
  struct PeakChange {
    long long before = 0;
    long long after = 0;
  };

  static void execute(soci::statement& st) { st.execute(true); }
  // Adds to the existing row, or inserts it when there is none (single writer: the ingest
  // transaction holds the row's edge/minute key, and rollup rows are only written here).
  static void add_or_insert(soci::statement& update, soci::statement& insert) {
    update.execute(true);
    if (update.get_affected_rows() == 0) insert.execute(true);
  }

  std::unique_ptr<soci::statement> statement(const std::string& sql,
                                             const std::function<void(soci::statement&)>& bind) {
    auto st = std::make_unique<soci::statement>(session_);
    bind(*st);
    st->alloc();
    st->prepare(sql);
    st->define_and_bind();
    return st;
  }

  static std::string placeholders(std::string_view prefix, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      out += (i == 0 ? ":" : ", :") + std::string(prefix) + std::to_string(i);
    }
    return out;
  }

  void prepare() {
    prepared_ = true;
    const std::string key = "scid = :s AND property = :p";
    snapshot_ = statement(
        "SELECT m.revision, " + usage_column_list("m.") +
            ", (SELECT COALESCE(SUM(peak_rps), 0) FROM usage_minute WHERE scid = :s1"
            " AND property = :p1 AND minute = :m1), (SELECT peak_rps FROM usage_hour WHERE"
            " scid = :s2 AND property = :p2 AND bucket = :h), (SELECT peak_rps FROM usage_day"
            " WHERE scid = :s3 AND property = :p3 AND bucket = :d) FROM (SELECT 1 AS one) AS k"
            " LEFT JOIN usage_minute m ON m.edge_id = :e AND m.scid = :s4 AND m.property = :p4"
            " AND m.minute = :m2",
        [&](soci::statement& st) {
          st.exchange(soci::into(snap_.revision, snap_revision_ind_));
          for (std::size_t i = 0; i < kUsageFieldCount; ++i) {
            st.exchange(soci::into(snap_.counters.values[i], snap_counter_ind_[i]));
          }
          st.exchange(soci::into(snap_.minute_peak));
          st.exchange(soci::into(snap_hour_peak_, snap_hour_ind_));
          st.exchange(soci::into(snap_day_peak_, snap_day_ind_));
          for (long long* bucket : {&minute_, &hour_, &day_}) {
            st.exchange(soci::use(scid_));
            st.exchange(soci::use(property_));
            st.exchange(soci::use(*bucket));
          }
          st.exchange(soci::use(edge_id_));
          st.exchange(soci::use(scid_));
          st.exchange(soci::use(property_));
          st.exchange(soci::use(minute_));
        });
    insert_minute_ =
        statement("INSERT INTO usage_minute (edge_id, scid, property, minute, revision, " +
                      usage_column_list() + ") VALUES (:e, :s, :p, :m, :r, " +
                      placeholders("c", kUsageFieldCount) + ")",
                  [&](soci::statement& st) {
                    st.exchange(soci::use(edge_id_));
                    st.exchange(soci::use(scid_));
                    st.exchange(soci::use(property_));
                    st.exchange(soci::use(minute_));
                    st.exchange(soci::use(revision_));
                    for (auto& value : values_.values)
                      st.exchange(soci::use(value));
                  });
    std::string set_minute = "revision = :r";
    for (std::size_t i = 0; i < kUsageFieldCount; ++i) {
      set_minute += ", " + std::string(kUsageFields[i]) + " = :c" + std::to_string(i);
    }
    update_minute_ = statement("UPDATE usage_minute SET " + set_minute +
                                   " WHERE edge_id = :e AND " + key + " AND minute = :m",
                               [&](soci::statement& st) {
                                 st.exchange(soci::use(revision_));
                                 for (auto& value : values_.values)
                                   st.exchange(soci::use(value));
                                 st.exchange(soci::use(edge_id_));
                                 st.exchange(soci::use(scid_));
                                 st.exchange(soci::use(property_));
                                 st.exchange(soci::use(minute_));
                               });
    std::string add = "";
    for (std::size_t i = 0; i < kAdditiveUsageFields; ++i) {
      const std::string name(kUsageFields[i]);
      add += name + " = " + name + " + :d" + std::to_string(i) + ", ";
    }
    add += "peak_rps = :peak";
    for (const char* table : {"usage_hour", "usage_day"}) {
      long long* bucket = std::string_view(table) == "usage_hour" ? &hour_ : &day_;
      auto insert = statement(std::string("INSERT INTO ") + table + " (scid, property, bucket, " +
                                  usage_column_list() + ") VALUES (:s, :p, :b, " +
                                  placeholders("c", kUsageFieldCount) + ")",
                              [&](soci::statement& st) {
                                st.exchange(soci::use(scid_));
                                st.exchange(soci::use(property_));
                                st.exchange(soci::use(*bucket));
                                for (auto& value : rollup_.values)
                                  st.exchange(soci::use(value));
                              });
      auto update = statement(
          std::string("UPDATE ") + table + " SET " + add + " WHERE " + key + " AND bucket = :b",
          [&](soci::statement& st) {
            for (std::size_t i = 0; i < kAdditiveUsageFields; ++i) {
              st.exchange(soci::use(rollup_.values[i]));
            }
            st.exchange(soci::use(rollup_.values[kPeakRps]));
            st.exchange(soci::use(scid_));
            st.exchange(soci::use(property_));
            st.exchange(soci::use(*bucket));
          });
      (bucket == &hour_ ? insert_hour_ : insert_day_) = std::move(insert);
      (bucket == &hour_ ? update_hour_ : update_day_) = std::move(update);
    }
    // Service rollups and 5-minute samples take a difference that may be negative (a
    // correction): UPDATE first and INSERT only when there was no row, because an INSERT ... ON
    // CONFLICT would check the proposed (negative) row against the CHECK constraints first.
    for (const char* table : {"usage_service_hour", "usage_service_day"}) {
      long long* bucket = std::string_view(table) == "usage_service_hour" ? &hour_ : &day_;
      std::string sums;
      for (std::size_t i = 0; i < kUsageFieldCount; ++i) {
        const std::string name(kUsageFields[i]);
        sums += (i == 0 ? "" : ", ") + name + " = " + name + " + :c" + std::to_string(i);
      }
      auto bind = [&](bool update) {
        return [&, update, bucket](soci::statement& st) {
          if (!update) {
            st.exchange(soci::use(scid_));
            st.exchange(soci::use(*bucket));
          }
          for (auto& value : service_delta_.values)
            st.exchange(soci::use(value));
          if (update) {
            st.exchange(soci::use(scid_));
            st.exchange(soci::use(*bucket));
          }
        };
      };
      auto update = statement(
          std::string("UPDATE ") + table + " SET " + sums + " WHERE scid = :s AND bucket = :b",
          bind(true));
      auto insert =
          statement(std::string("INSERT INTO ") + table + " (scid, bucket, " + usage_column_list() +
                        ") VALUES (:s, :b, " + placeholders("c", kUsageFieldCount) + ")",
                    bind(false));
      const bool hourly = bucket == &hour_;
      (hourly ? update_service_hour_ : update_service_day_) = std::move(update);
      (hourly ? insert_service_hour_ : insert_service_day_) = std::move(insert);
    }
    update_five_minute_ =
        statement("UPDATE usage_five_minute SET bytes = bytes + :d WHERE scid = :s AND bin = :b",
                  [&](soci::statement& st) {
                    st.exchange(soci::use(bin_bytes_));
                    st.exchange(soci::use(scid_));
                    st.exchange(soci::use(bin_));
                  });
    insert_five_minute_ =
        statement("INSERT INTO usage_five_minute (scid, bin, bytes) VALUES (:s, :b, :d)",
                  [&](soci::statement& st) {
                    st.exchange(soci::use(scid_));
                    st.exchange(soci::use(bin_));
                    st.exchange(soci::use(bin_bytes_));
                  });
  }

  Snapshot read_snapshot() {
    snap_ = Snapshot{};
    snap_revision_ind_ = soci::i_null;
    snap_hour_ind_ = soci::i_null;
    snap_day_ind_ = soci::i_null;
    execute(*snapshot_);
    Snapshot out = snap_;
    out.stored = snap_revision_ind_ == soci::i_ok;
    if (!out.stored) out.counters = UsageCounters{};
    if (snap_hour_ind_ == soci::i_ok) out.hour_peak = snap_hour_peak_;
    if (snap_day_ind_ == soci::i_ok) out.day_peak = snap_day_peak_;
    return out;
  }

  // Adds `delta` to the rollup row of the current key and `bucket` (whose peak is `current`,
  // or absent) and maintains its peak, the max over the bucket's parts (minutes or hours) of
  // their peak. One part's peak went from `old_part` to `new_part`; when a part that held the
  // max fell, `recompute` (binding scid, property, bucket start and end) finds the new max.
  PeakChange apply_rollup(soci::statement& insert, soci::statement& update, long long bucket,
                          long long length, const UsageCounters& delta,
                          std::optional<long long> current, long long old_part, long long new_part,
                          const std::string& recompute) {
    rollup_ = delta;
    if (!current) {
      rollup_[kPeakRps] = new_part;
      execute(insert);
      return {0, new_part};
    }
    const long long peak = *current;
    long long next = peak;
    if (new_part >= peak) {
      next = new_part;
    } else if (old_part == peak && new_part < old_part) {
      const long long end = bucket + length;
      session_ << recompute, soci::use(scid_), soci::use(property_), soci::use(bucket),
          soci::use(end), soci::into(next);
    }
    rollup_[kPeakRps] = next;
    execute(update);
    return {peak, next};
  }

  soci::session& session_;
  std::string edge_id_;
  std::map<std::string, bool> known_;
  bool prepared_ = false;
  // Bound by the prepared statements.
  std::string scid_;
  std::string property_;
  long long minute_ = 0, hour_ = 0, day_ = 0, bin_ = 0, bin_bytes_ = 0, revision_ = 0;
  UsageCounters values_;         // the row written to usage_minute
  UsageCounters rollup_;         // a rollup's delta (additive fields) and new peak
  UsageCounters service_delta_;  // added to a service rollup (the peak as a difference too)
  Snapshot snap_;
  soci::indicator snap_revision_ind_ = soci::i_null;
  std::array<soci::indicator, kUsageFieldCount> snap_counter_ind_{};
  long long snap_hour_peak_ = 0, snap_day_peak_ = 0;
  soci::indicator snap_hour_ind_ = soci::i_null, snap_day_ind_ = soci::i_null;
  std::unique_ptr<soci::statement> snapshot_, insert_minute_, update_minute_, insert_hour_,
      update_hour_, insert_day_, update_day_, update_service_hour_, insert_service_hour_,
      update_service_day_, insert_service_day_, update_five_minute_, insert_five_minute_;
};

Status validate(const UsageBatch& batch, long long now) {
  Error error{"the usage batch is malformed"};
  auto add = [&](std::string pointer, std::string message) {
    error.fields.emplace_back(std::move(pointer), std::move(message));
  };
  if (batch.batch < 0) add("/batch", "must be 0 or more");
  if (batch.complete_until < 0 || batch.complete_until > now + kMaxFutureMs) {
    add("/complete_until", "must not lie in the future");
  }
  if (batch.rows.size() > UsageStore::kMaxRowsPerBatch) {
    add("/rows", "at most " + std::to_string(UsageStore::kMaxRowsPerBatch) + " rows per batch");
  }
  for (std::size_t i = 0; i < batch.rows.size() && error.fields.size() < 100; ++i) {
    const UsageRow& row = batch.rows[i];
    const std::string at = "/rows/" + std::to_string(i);
    std::string scid, property;
    if (!split_property_id(row.property_id, scid, property)) {
      add(at + "/property", "must be \"<SCID>.<property>\", e.g. \"SC0000001.www\"");
    }
    if (row.minute % kMinuteMs != 0) add(at + "/minute", "must be on a whole minute");
    if (row.minute < now - kMaxPastMs || row.minute > now + kMaxFutureMs) {
      add(at + "/minute",
          "lies too far from the portal's clock (more than 400 days back or "
          "one day ahead)");
    }
    if (row.revision < 0) add(at + "/revision", "must be 0 or more");
    for (std::size_t f = 0; f < kUsageFieldCount; ++f) {
      if (row.counters[f] < 0) add(at + "/" + std::string(kUsageFields[f]), "must be 0 or more");
    }
  }
  if (!error.fields.empty()) return error;
  return ok_status();
}

}  // namespace

bool valid_usage_scid(const std::string& scid) {
  return scid.size() == 9 && std::all_of(scid.begin(), scid.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
         });
}

bool valid_usage_property(const std::string& property) {
  return !property.empty() && property.size() <= UsageStore::kMaxPropertyLength &&
         std::all_of(property.begin(), property.end(), usage_char);
}

bool split_property_id(const std::string& property_id, std::string& scid, std::string& property) {
  const auto dot = property_id.find('.');
  if (dot == std::string::npos) return false;
  scid = property_id.substr(0, dot);
  property = property_id.substr(dot + 1);
  return valid_usage_scid(scid) && valid_usage_property(property);
}

Result<UsageIngestOutcome> UsageStore::ingest(const std::string& edge_id, const UsageBatch& batch) {
  const long long now = to_epoch_ms(clock_.now());
  if (auto valid = validate(batch, now); !valid.ok()) return valid.failure();
  return guarded("storing usage", [&]() -> Result<UsageIngestOutcome> {
    Ingestion ingestion(session_, edge_id);
    UsageIngestOutcome outcome;
    for (const UsageRow& row : batch.rows) {
      std::string scid, property;
      split_property_id(row.property_id, scid, property);
      if (!ingestion.known_scid(scid)) {
        ++outcome.unknown;
      } else if (ingestion.apply(scid, property, row)) {
        ++outcome.accepted;
      } else {
        ++outcome.ignored;
      }
    }
    ingestion.advance(batch, now);
    return outcome;
  });
}

Result<long long> UsageStore::expire_minutes(int keep_days) {
  const long long today = bucket_start(to_epoch_ms(clock_.now()), kDayMs);
  return delete_minutes_before(today - static_cast<long long>(keep_days) * kDayMs);
}

Result<long long> UsageStore::delete_minutes_before(long long cutoff) {
  return guarded("deleting old usage minutes", [&]() -> Result<long long> {
    soci::statement st =
        (session_.prepare << "DELETE FROM usage_minute WHERE minute < :c", soci::use(cutoff));
    st.execute(true);
    return static_cast<long long>(st.get_affected_rows());
  });
}

}  // namespace candela::control
