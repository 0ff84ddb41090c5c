// Measurements, not assertions of speed: produce ~500k order-like JSON messages
// (~180 bytes, lz4) to a 6-partition embedded topic, then consume them back in
// Poll batches of 10k, and print both rates. Disabled by default; run with
//   kafka_tests --gtest_also_run_disabled_tests --gtest_filter='KafkaThroughput.*'
// The checks only prove the measured path ran (every message delivered and read).

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <random>

#include "common/clock.h"
#include "kafka/producer.h"
#include "unit/kafka/kafka_test_support.h"

namespace jsm::kafka {
namespace {

constexpr int kEvents = 500000;

/// ~180-byte order events shaped like the pipeline's input.
std::vector<std::string> OrderEvents(int count) {
  static constexpr const char* kProducts[] = {"Set Of 2 Wooden Market Crates",
                                              "Popcorn Holder",
                                              "Hand Warmer Owl Design",
                                              "Jumbo Bag Red Retrospot",
                                              "Cream Hanging Heart T-Light Holder",
                                              "Pack Of 72 Retrospot Cake Cases"};
  static constexpr const char* kCountries[] = {"United Kingdom", "France",      "Germany",
                                               "EIRE",           "Netherlands", "Spain"};
  std::mt19937 engine(42);
  auto rng = [&engine] { return static_cast<unsigned>(engine()); };
  std::vector<std::string> events;
  events.reserve(count);
  char buf[512];
  for (int i = 0; i < count; ++i) {
    const int n = std::snprintf(
        buf, sizeof(buf),
        R"({"TransactionNo":"%d","Date":"%u/%u/2019","ProductNo":"%u","ProductName":"%s","Price":%u.%02u,"Quantity":%u,"CustomerNo":%u,"Country":"%s"})",
        536365 + i / 4, 1 + rng() % 12, 1 + rng() % 28, 20000 + rng() % 3000, kProducts[rng() % 6],
        1 + rng() % 40, static_cast<unsigned>(rng() % 100), 1 + rng() % 48, 12000 + rng() % 6000,
        kCountries[rng() % 6]);
    events.emplace_back(buf, static_cast<size_t>(n));
  }
  return events;
}

TEST(KafkaThroughput, DISABLED_ProduceAndConsume500kLz4Events) {
  auto broker = testing::StartBroker({{"orders", 6, 1}});
  ASSERT_TRUE(broker);
  const std::vector<std::string> events = OrderEvents(kEvents);
  size_t bytes = 0;
  for (const auto& e : events) bytes += e.size();

  auto producer = Producer::Create(testing::ConfigFor(*broker));  // lz4, linger 5 ms
  ASSERT_TRUE(producer);
  const double t0 = MonotonicSeconds();
  for (int i = 0; i < kEvents; ++i) {
    const std::string_view value = events[i];
    const std::string_view key = value.substr(18, 6);  // the TransactionNo digits
    ASSERT_TRUE((*producer)->Produce("orders", key, value));
  }
  ASSERT_TRUE((*producer)->Flush(120000));
  const double produce_s = MonotonicSeconds() - t0;
  ASSERT_EQ((*producer)->delivered(), kEvents);

  auto consumer = Consumer::Create(testing::ConfigFor(*broker), "bench");
  ASSERT_TRUE(consumer);
  int64_t retained = 0;
  for (int32_t p = 0; p < 6; ++p) {
    auto marks = (*consumer)->QueryWatermarks("orders", p);
    ASSERT_TRUE(marks);
    retained += marks->high - marks->low;
  }
  ASSERT_TRUE((*consumer)->AssignAll("orders", {}));
  std::vector<Message> batch;
  int64_t consumed = 0;
  size_t consumed_bytes = 0;
  const double t1 = MonotonicSeconds();
  const double deadline = t1 + 120;
  double first_batch_at = 0;
  while (consumed < retained && MonotonicSeconds() < deadline) {
    ASSERT_TRUE((*consumer)->Poll(10000, 1000, &batch));
    if (consumed == 0 && !batch.empty()) first_batch_at = MonotonicSeconds();
    consumed += static_cast<int64_t>(batch.size());
    for (const Message& m : batch) consumed_bytes += m.value.size();
  }
  const double consume_s = MonotonicSeconds() - t1;
  ASSERT_EQ(consumed, retained);

  std::printf(
      "[ measured ] produce %d events (%.1f MB, avg %.0f B) lz4 to 6 partitions: %.2f s = %.0f events/s "
      "(%.1f MB/s)\n",
      kEvents, bytes / 1e6, static_cast<double>(bytes) / kEvents, produce_s, kEvents / produce_s,
      bytes / 1e6 / produce_s);
  std::printf("[ measured ] retained by the mock: %" PRId64 " of %d\n", retained, kEvents);
  std::printf("[ measured ] consume %" PRId64
              " events in Poll batches of 10k: %.2f s = %.0f events/s (%.1f MB/s)\n",
              consumed, consume_s, consumed / consume_s, consumed_bytes / 1e6 / consume_s);
  std::printf(
      "[ measured ] (first batch of 10k after %.3f s, including assignment and the first offset lookup)\n",
      first_batch_at - t1);
}

}  // namespace
}  // namespace jsm::kafka
