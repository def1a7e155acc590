// Streaming gzip check with zlib: inflate member by member, cut lines, check each one.
#include "control/log_chunk_check.hpp"

#include <zlib.h>

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "control/log_time.hpp"
#include "control/secrets.hpp"

namespace candela::control {
namespace {

Error invalid(std::string pointer, std::string message) {
  Error error{message};
  error.fields.emplace_back(std::move(pointer), std::move(message));
  return error;
}

// The first problem of one line, or an empty string.
std::string line_problem(std::string_view line, const ChunkExpectation& expected) {
  auto json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return "is not a JSON object";
  auto property = json.find("property");
  if (property == json.end() || !property->is_string()) return "has no \"property\" string";
  if (property->get_ref<const std::string&>() != expected.property) {
    return "belongs to property \"" + property->get<std::string>() + "\", not \"" +
           expected.property + "\"";
  }
  auto ts = json.find("ts");
  if (ts == json.end() || !ts->is_string()) return "has no \"ts\" string";
  auto at = parse_log_timestamp(ts->get_ref<const std::string&>());
  if (!at) return "has a \"ts\" that is not an RFC 3339 UTC time";
  if (*at < expected.hour_ms || *at >= expected.hour_ms + kLogHourMs) {
    return "has ts " + ts->get<std::string>() + " outside the hour " +
           log_hour_name(expected.hour_ms);
  }
  return {};
}

class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
      throw std::runtime_error("zlib could not start");
    }
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* operator->() { return &stream_; }
  z_stream* get() { return &stream_; }

 private:
  z_stream stream_{};
};

}  // namespace

Result<ChunkSummary> check_log_chunk(std::string_view gzip, const ChunkExpectation& expected) {
  if (gzip.empty()) return invalid("/body", "the body is empty; send the chunk as gzip");
  if (gzip.size() > 0xFFFFFFFFu) return invalid("/body", "the chunk is too large");
  Inflater inflater;
  inflater->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzip.data()));
  inflater->avail_in = static_cast<uInt>(gzip.size());
  std::array<char, 64 * 1024> out{};
  std::string line;
  ChunkSummary summary;
  bool member_open = true;
  auto take_line = [&]() -> std::string {
    ++summary.lines;
    // Lines beyond the announced count are only counted; the count is reported at the end.
    std::string problem = summary.lines > expected.lines ? "" : line_problem(line, expected);
    line.clear();
    return problem;
  };
  for (;;) {
    inflater->next_out = reinterpret_cast<Bytef*>(out.data());
    inflater->avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(inflater.get(), Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return invalid("/body", "the body is not valid gzip (" +
                                  std::string(inflater->msg ? inflater->msg : "corrupt data") +
                                  ")");
    }
    const std::size_t produced = out.size() - inflater->avail_out;
    summary.uncompressed_bytes += static_cast<long long>(produced);
    if (summary.uncompressed_bytes > kMaxChunkUncompressedBytes) {
      return invalid("/body", "the chunk expands to more than " +
                                  std::to_string(kMaxChunkUncompressedBytes) + " bytes");
    }
    for (std::size_t i = 0; i < produced; ++i) {
      const char c = out[i];
      if (c != '\n') {
        if (line.size() >= kMaxLogLineBytes) {
          return invalid("/body/line/" + std::to_string(summary.lines + 1),
                         "line " + std::to_string(summary.lines + 1) + " is longer than " +
                             std::to_string(kMaxLogLineBytes) + " bytes");
        }
        line.push_back(c);
        continue;
      }
      if (auto problem = take_line(); !problem.empty()) {
        return invalid("/body/line/" + std::to_string(summary.lines),
                       "line " + std::to_string(summary.lines) + " " + problem);
      }
    }
    if (rc == Z_STREAM_END) {
      member_open = false;
      if (inflater->avail_in == 0) break;
      // Another gzip member follows (concatenated chunks are valid gzip too).
      if (inflateReset(inflater.get()) != Z_OK) return invalid("/body", "the body is not gzip");
      member_open = true;
      continue;
    }
    if (rc == Z_BUF_ERROR) break;  // no progress possible: the input ran out mid-member
  }
  if (member_open) return invalid("/body", "the body is not valid gzip (it ends too early)");
  if (!line.empty()) {  // a last line without its '\n'
    if (auto problem = take_line(); !problem.empty()) {
      return invalid("/body/line/" + std::to_string(summary.lines),
                     "line " + std::to_string(summary.lines) + " " + problem);
    }
  }
  if (summary.lines != expected.lines) {
    return invalid("/query/lines", "the chunk has " + std::to_string(summary.lines) +
                                       " lines, not the " + std::to_string(expected.lines) +
                                       " announced");
  }
  summary.sha256 = sha256_hex(gzip);
  return summary;
}

}  // namespace candela::control
