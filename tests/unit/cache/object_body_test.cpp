// Tests of a cache object's body: layout (inline or external), writer rules, the wake-up
// protocol, the end-of-fill hook, and concurrent streaming.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cache/cache_object.hpp"
#include "cache/external_body.hpp"

namespace candela::cache {
namespace {

// A deterministic, position-dependent byte, so a reader that skips, repeats or reorders bytes
// (or reads past what was published) sees a mismatch.
char pattern_byte(std::uint64_t i) {
  return static_cast<char>((i * 131 + i / 251 + 7) & 0xff);
}

std::string pattern(std::uint64_t from, std::size_t n) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    out[i] = pattern_byte(from + i);
  return out;
}

// A response object that starts filling, stored under a fixed key.
ObjectRef filling(std::optional<std::uint64_t> expected) {
  ObjectSpec spec;
  spec.key = "2:p1/body";
  spec.header_block = "Content-Type: text/plain\r\n";
  spec.declared_length = expected;
  return CacheObject::create(spec);
}

std::string read_all(const CacheObject& buffer) {
  std::string out;
  for (auto span = buffer.readable(0); !span.empty(); span = buffer.readable(out.size())) {
    out.append(span.data(), span.size());
  }
  return out;
}

TEST(ObjectBody, KnownSizeBeyondTheInlineLimitIsOneExternalBlockOfExactlyThatSize) {
  constexpr std::uint64_t kSize = CacheObject::kMaxInlineBodyBytes + 1;
  ObjectRef object = filling(kSize);
  EXPECT_EQ(object->body_memory_bytes(), kSize);
  const std::string body = pattern(0, kSize);
  ASSERT_TRUE(object->append(body.data(), body.size()));
  EXPECT_EQ(object->readable(0).size(), kSize);
  EXPECT_TRUE(object->finish());
  EXPECT_EQ(read_all(*object), body);
}

TEST(ObjectBody, OnFillEndRunsOnceAfterTheWaitersOrAtOnceWhenTheFillIsOver) {
  ObjectRef object = filling(3);
  std::vector<std::string> events;
  ASSERT_TRUE(object->subscribe(0, [&] { events.push_back("waiter"); }));
  object->on_fill_end(
      [&](CacheObject& o) { events.push_back(o.complete() ? "end: complete" : "end: failed"); });
  ASSERT_TRUE(object->append("abc", 3));
  ASSERT_TRUE(object->finish());
  object->fail();  // no-op once terminal
  EXPECT_EQ(events, (std::vector<std::string>{"waiter", "end: complete"}));

  ObjectRef truncated = filling(10);
  ASSERT_TRUE(truncated->append("abc", 3));
  EXPECT_FALSE(truncated->finish());
  truncated->on_fill_end([&](CacheObject& o) {
    events.push_back(o.failed() ? "late end: failed" : "late end: complete");
  });
  EXPECT_EQ(events.back(), "late end: failed");
}

TEST(ObjectBody, KnownSizeIsOneAllocationOfExactlyThatSize) {
  ObjectRef buffer_ref = filling(1024);
  CacheObject& buffer = *buffer_ref;
  EXPECT_EQ(buffer.body_memory_bytes(), 1024u);
  const std::string body = pattern(0, 1024);
  ASSERT_TRUE(buffer.append(body.data(), 600));
  ASSERT_TRUE(buffer.append(body.data() + 600, 424));
  EXPECT_EQ(buffer.body_memory_bytes(), 1024u);
  // One block: the whole body is one contiguous span.
  EXPECT_EQ(buffer.readable(0).size(), 1024u);
  EXPECT_EQ(buffer.readable(1000).size(), 24u);
  EXPECT_TRUE(buffer.finish());
  EXPECT_TRUE(buffer.complete());
  EXPECT_FALSE(buffer.failed());
  EXPECT_EQ(read_all(buffer), body);
}

TEST(ObjectBody, EmptyKnownSizeAllocatesNothingAndCompletes) {
  ObjectRef buffer_ref = filling(0);
  CacheObject& buffer = *buffer_ref;
  EXPECT_EQ(buffer.body_memory_bytes(), 0u);
  EXPECT_TRUE(buffer.append("", 0));
  EXPECT_FALSE(buffer.append("x", 1));
  EXPECT_TRUE(buffer.finish());
  EXPECT_TRUE(buffer.readable(0).empty());
}

TEST(ObjectBody, AppendBeyondExpectedSizeIsRefusedAndWritesNothing) {
  ObjectRef buffer_ref = filling(10);
  CacheObject& buffer = *buffer_ref;
  ASSERT_TRUE(buffer.append("12345678", 8));
  EXPECT_FALSE(buffer.append("abc", 3));
  EXPECT_EQ(buffer.size(), 8u);
  EXPECT_TRUE(buffer.append("90", 2));
  EXPECT_EQ(read_all(buffer), "1234567890");
}

TEST(ObjectBody, FinishShortOfExpectedSizeMarksTheBodyFailed) {
  ObjectRef buffer_ref = filling(10);
  CacheObject& buffer = *buffer_ref;
  ASSERT_TRUE(buffer.append("12345", 5));
  EXPECT_FALSE(buffer.finish());
  EXPECT_TRUE(buffer.failed());
  EXPECT_FALSE(buffer.complete());
}

TEST(ObjectBody, WritesAfterFinishOrFailAreRefused) {
  ObjectRef finished_ref = filling(std::nullopt);
  CacheObject& finished = *finished_ref;
  ASSERT_TRUE(finished.append("ab", 2));
  ASSERT_TRUE(finished.finish());
  EXPECT_FALSE(finished.append("c", 1));
  EXPECT_FALSE(finished.finish());
  finished.fail();
  EXPECT_TRUE(finished.complete());
  EXPECT_FALSE(finished.failed());

  ObjectRef failed_ref = filling(std::nullopt);
  CacheObject& failed = *failed_ref;
  failed.fail();
  EXPECT_FALSE(failed.append("c", 1));
  EXPECT_FALSE(failed.finish());
  EXPECT_TRUE(failed.failed());
}

TEST(ObjectBody, UnknownSizeGrowsFrom4KiBBlocksAndSpansStopAtBlockBoundaries) {
  ObjectRef buffer_ref = filling(std::nullopt);
  CacheObject& buffer = *buffer_ref;
  EXPECT_EQ(buffer.body_memory_bytes(), 0u);
  ASSERT_TRUE(buffer.append("x", 1));
  EXPECT_EQ(buffer.body_memory_bytes(), 4096u);  // a small chunked body stays small

  ObjectRef big_ref = filling(std::nullopt);
  CacheObject& big = *big_ref;
  const std::string body = pattern(0, 200 * 1024);
  ASSERT_TRUE(big.append(body.data(), body.size()));
  EXPECT_EQ(big.readable(0).size(), 4096u);
  EXPECT_EQ(big.readable(100).size(), 3996u);
  EXPECT_EQ(big.readable(4096).size(), 8192u);
  EXPECT_EQ(big.readable(12 * 1024).size(), 16384u);
  EXPECT_EQ(big.readable(28 * 1024).size(), 32768u);
  EXPECT_EQ(big.readable(60 * 1024).size(), 65536u);
  EXPECT_EQ(big.readable(188 * 1024).size(), 12u * 1024);  // the partly filled last block
  // 4 + 8 + 16 + 32 + 64 + 64 + 64 KiB hold 252 KiB >= 200 KiB.
  EXPECT_EQ(big.body_memory_bytes(), 252u * 1024);
  ASSERT_TRUE(big.finish());
  EXPECT_EQ(read_all(big), body);
}

TEST(ObjectBody, KnownSizeAboveTheSingleBlockLimitAllocatesAsItFills) {
  ObjectRef buffer_ref = filling(ExternalBody::kMaxSingleBlockBytes + 1);
  CacheObject& buffer = *buffer_ref;
  EXPECT_EQ(buffer.body_memory_bytes(), 0u);
  ASSERT_TRUE(buffer.append("abc", 3));
  EXPECT_EQ(buffer.body_memory_bytes(), 4096u);
  EXPECT_EQ(read_all(buffer), "abc");
}

TEST(ObjectBody, SpansStayValidWhileTheBufferKeepsGrowing) {
  ObjectRef buffer_ref = filling(std::nullopt);
  CacheObject& buffer = *buffer_ref;
  const std::string body = pattern(0, 1024 * 1024);
  ASSERT_TRUE(buffer.append(body.data(), 100));
  const auto first = buffer.readable(0);
  ASSERT_EQ(first.size(), 100u);
  ASSERT_TRUE(buffer.append(body.data() + 100, body.size() - 100));
  EXPECT_EQ(std::string(first.data(), first.size()), body.substr(0, 100));
  EXPECT_EQ(buffer.readable(0).data(), first.data());
}

TEST(ObjectBody, ReadableIsEmptyAtOrBeyondThePublishedSize) {
  ObjectRef buffer_ref = filling(std::nullopt);
  CacheObject& buffer = *buffer_ref;
  EXPECT_TRUE(buffer.readable(0).empty());
  ASSERT_TRUE(buffer.append("abc", 3));
  EXPECT_TRUE(buffer.readable(3).empty());
  EXPECT_TRUE(buffer.readable(1000).empty());
}

TEST(ObjectBody, SubscribeIsRefusedWhenThereIsSomethingToReadOrTheFillIsOver) {
  ObjectRef buffer_ref = filling(std::nullopt);
  CacheObject& buffer = *buffer_ref;
  ASSERT_TRUE(buffer.append("abc", 3));
  int calls = 0;
  EXPECT_FALSE(buffer.subscribe(2, [&] { ++calls; }));  // byte 2 is readable
  EXPECT_TRUE(buffer.subscribe(3, [&] { ++calls; }));   // caught up: wait
  ASSERT_TRUE(buffer.finish());
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(buffer.subscribe(3, [&] { ++calls; }));  // complete: never wait again

  ObjectRef failed_ref = filling(std::nullopt);
  CacheObject& failed = *failed_ref;
  failed.fail();
  EXPECT_FALSE(failed.subscribe(0, [&] { ++calls; }));
  EXPECT_EQ(calls, 1);
}

TEST(ObjectBody, CallbackRunsOnceOnTheNextAppend) {
  ObjectRef buffer_ref = filling(std::nullopt);
  CacheObject& buffer = *buffer_ref;
  int calls = 0;
  ASSERT_TRUE(buffer.subscribe(0, [&] { ++calls; }));
  ASSERT_TRUE(buffer.append("a", 1));
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(buffer.append("b", 1));
  EXPECT_EQ(calls, 1);
}

TEST(ObjectBody, EverySubscriberIsWokenByFail) {
  ObjectRef buffer_ref = filling(100);
  CacheObject& buffer = *buffer_ref;
  int calls = 0;
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(buffer.subscribe(0, [&] { ++calls; }));
  buffer.fail();
  EXPECT_EQ(calls, 5);
}

TEST(ObjectBody, CallbackMaySubscribeAgainWithoutDeadlock) {
  ObjectRef buffer_ref = filling(std::nullopt);
  CacheObject& buffer = *buffer_ref;
  int calls = 0;
  std::function<void()> again = [&] {
    ++calls;
    EXPECT_TRUE(buffer.subscribe(buffer.size(), again));
  };
  ASSERT_TRUE(buffer.subscribe(0, again));
  ASSERT_TRUE(buffer.append("a", 1));
  ASSERT_TRUE(buffer.append("b", 1));
  EXPECT_EQ(calls, 2);
}

// A reader's event loop reduced to what the protocol needs: a flag the callback sets.
class Waker {
 public:
  void wake() {
    std::lock_guard lock(mutex_);
    woken_ = true;
    cv_.notify_one();  // under the lock, so the waiter cannot return while we still touch cv_
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return woken_; });
    woken_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
};

struct ReaderResult {
  std::string bytes;
  bool saw_complete = false;
  bool saw_failed = false;
};

// Follows the documented protocol: drain, then subscribe; a refused subscribe means "read again".
ReaderResult stream(const CacheObject& buffer) {
  ReaderResult result;
  Waker waker;
  for (;;) {
    const auto span = buffer.readable(result.bytes.size());
    if (!span.empty()) {
      result.bytes.append(span.data(), span.size());
      continue;
    }
    if (buffer.failed()) {
      result.saw_failed = true;
      return result;
    }
    if (buffer.complete() && result.bytes.size() == buffer.size()) {
      result.saw_complete = true;
      return result;
    }
    if (buffer.subscribe(result.bytes.size(), [&waker] { waker.wake(); })) waker.wait();
  }
}

// One filler and 8 readers started before the first byte; chunk sizes vary so appends straddle
// block boundaries. With fail_at set, the filler stops there and fails.
void run_concurrent(std::optional<std::uint64_t> expected, std::uint64_t total,
                    std::optional<std::uint64_t> fail_at) {
  ObjectRef buffer_ref = filling(expected);
  CacheObject& buffer = *buffer_ref;
  const std::string body = pattern(0, total);
  std::vector<ReaderResult> results(8);
  std::vector<std::thread> readers;
  for (auto& result : results) {
    readers.emplace_back([&buffer, &result] { result = stream(buffer); });
  }
  std::thread writer([&] {
    std::minstd_rand chunk_sizes(42);
    std::uint64_t written = 0;
    const std::uint64_t stop = fail_at.value_or(total);
    while (written < stop) {
      const std::uint64_t n = std::min<std::uint64_t>(stop - written, chunk_sizes() % 9000 + 1);
      if (!buffer.append(body.data() + written, n)) {
        ADD_FAILURE() << "append refused at " << written;
        buffer.fail();  // releases the readers
        return;
      }
      written += n;
      if (written % 7 == 0) std::this_thread::yield();
    }
    if (fail_at) {
      buffer.fail();
    } else {
      ASSERT_TRUE(buffer.finish());
    }
  });
  writer.join();
  for (auto& reader : readers)
    reader.join();

  for (const auto& result : results) {
    if (fail_at) {
      EXPECT_TRUE(result.saw_failed);
      ASSERT_LE(result.bytes.size(), *fail_at);
      EXPECT_EQ(result.bytes, body.substr(0, result.bytes.size()));
    } else {
      EXPECT_TRUE(result.saw_complete);
      ASSERT_EQ(result.bytes.size(), total);
      EXPECT_TRUE(result.bytes == body);
    }
  }
}

TEST(ObjectBodyConcurrent, EightReadersGetExactlyTheBytesOfAnInlineBody) {
  run_concurrent(60'000, 60'000, std::nullopt);
}

TEST(ObjectBodyConcurrent, EightReadersGetExactlyTheBytesOfAKnownSizeBody) {
  run_concurrent(3'000'000, 3'000'000, std::nullopt);
}

TEST(ObjectBodyConcurrent, EightReadersGetExactlyTheBytesOfAnUnknownSizeBody) {
  run_concurrent(std::nullopt, 3'000'000, std::nullopt);
}

TEST(ObjectBodyConcurrent, EightReadersStopOnFailureHavingReadOnlyCorrectBytes) {
  run_concurrent(std::nullopt, 3'000'000, 1'234'567);
  run_concurrent(3'000'000, 3'000'000, 777'777);
}

}  // namespace
}  // namespace candela::cache
