#include "kafka/dead_letter.h"

#include <gtest/gtest.h>

#include "unit/kafka/kafka_test_support.h"

namespace jsm::kafka {
namespace {

using testing::ConfigFor;
using testing::ConsumeAtLeast;
using testing::CreateTestTopic;
using testing::SharedBroker;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

HeaderList AsPairs(const std::vector<Header>& headers) {
  HeaderList out;
  for (const Header& h : headers) out.emplace_back(h.name, h.value);
  return out;
}

DeadLetter SampleLetter() {
  DeadLetter letter;
  letter.key = "536365";
  letter.value = "{not json";
  letter.reason = "not_json";
  letter.error = "expected a JSON object at byte 0";
  letter.stage = "refine";
  letter.original_topic = "pedidos";
  letter.original_partition = 3;
  letter.original_offset = 12345;
  letter.original_timestamp_ms = 1764000000123;
  letter.first_failed_at_ms = 1795514400123;  // 2026-11-24T10:00:00.123Z
  letter.attempts = 2;
  return letter;
}

TEST(DeadLetter, HeadersFollowTheContractExactlyAndInOrder) {
  const int64_t now_ms = 1795514461005;  // 2026-11-24T10:01:01.005Z
  EXPECT_EQ(AsPairs(DeadLetterHeaders(SampleLetter(), "0.1.0", now_ms)),
            (HeaderList{{"dlq.reason", "not_json"},
                        {"dlq.error", "expected a JSON object at byte 0"},
                        {"dlq.stage", "refine"},
                        {"dlq.original.topic", "pedidos"},
                        {"dlq.original.partition", "3"},
                        {"dlq.original.offset", "12345"},
                        {"dlq.original.timestamp", "1764000000123"},
                        {"dlq.first_failed_at", "2026-11-24T10:00:00.123Z"},
                        {"dlq.failed_at", "2026-11-24T10:01:01.005Z"},
                        {"dlq.attempts", "2"},
                        {"dlq.pipeline_version", "0.1.0"}}));
}

TEST(DeadLetter, FirstFailureDefaultsToNow) {
  DeadLetter letter = SampleLetter();
  letter.first_failed_at_ms = 0;
  const auto headers = DeadLetterHeaders(letter, "v", 0);
  EXPECT_EQ(headers[7].value, "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(headers[8].value, "1970-01-01T00:00:00.000Z");
  const auto live = DeadLetterHeaders(letter, "v");
  EXPECT_EQ(live[7].value, live[8].value);
  const std::string& at = live[8].value;
  ASSERT_EQ(at.size(), std::string("2026-11-24T10:00:00.123Z").size()) << at;
  EXPECT_EQ(at[10], 'T');
  EXPECT_EQ(at[19], '.');
  EXPECT_EQ(at.back(), 'Z');
  EXPECT_GE(at, "2024") << at;
}

TEST(DeadLetter, TopicIsOriginalTopicWithDlqSuffix) { EXPECT_EQ(DeadLetterTopic("pedidos"), "pedidos.dlq"); }

TEST(DeadLetter, RoundTripKeepsKeyValueAndEveryHeader) {
  const std::string topic = CreateTestTopic(6);
  ASSERT_EQ(CreateTestTopic(1, ".dlq"), DeadLetterTopic(topic));
  EmbeddedBroker* broker = &SharedBroker();
  auto producer = Producer::Create(ConfigFor(*broker));
  ASSERT_TRUE(producer);
  DeadLetterWriter writer(producer->get(), DeadLetterTopic(topic), "0.1.0");
  DeadLetter keyed = SampleLetter();
  keyed.original_topic = topic;
  DeadLetter keyless = keyed;
  keyless.has_key = false;
  keyless.original_offset = 12346;
  ASSERT_TRUE(writer.Send(keyed));
  ASSERT_TRUE(writer.Send(keyless));
  ASSERT_TRUE(writer.Flush(30000));

  auto consumer = Consumer::Create(ConfigFor(*broker), "dlq-reader");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE((*consumer)->AssignAll(DeadLetterTopic(topic), {}));
  auto got = ConsumeAtLeast(**consumer, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].has_key);
  EXPECT_EQ(got[0].key, "536365");
  EXPECT_EQ(got[0].value, "{not json");
  EXPECT_FALSE(got[1].has_key);
  EXPECT_EQ(got[1].value, "{not json");

  for (size_t i = 0; i < 2; ++i) {
    const HeaderList& headers = got[i].headers;
    ASSERT_EQ(headers.size(), 11u);
    HeaderList expected = AsPairs(DeadLetterHeaders(i == 0 ? keyed : keyless, "0.1.0", 0));
    for (size_t h = 0; h < headers.size(); ++h) {
      EXPECT_EQ(headers[h].first, expected[h].first);
      if (expected[h].first == "dlq.failed_at") continue;  // "now" at send time
      EXPECT_EQ(headers[h].second, expected[h].second) << expected[h].first;
    }
    EXPECT_EQ(headers[8].second.size(), 24u) << headers[8].second;
  }
  // The original topic is untouched.
  auto marks = (*consumer)->QueryWatermarks(topic, 0);
  ASSERT_TRUE(marks);
  EXPECT_EQ(marks->high, 0);
}

TEST(DeadLetter, LetterWithoutOriginalTopicIsInvalidArgument) {
  auto producer = Producer::Create(ConfigFor(SharedBroker()));
  ASSERT_TRUE(producer);
  DeadLetterWriter writer(producer->get(), "pedidos.dlq", "0.1.0");
  DeadLetter letter = SampleLetter();
  letter.original_topic = "";
  Status status = writer.Send(letter);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
}

TEST(DeadLetter, ALetterSentAgainBeforeForgetIsSentOnce) {
  const std::string topic = CreateTestTopic(1);
  ASSERT_EQ(CreateTestTopic(1, ".dlq"), DeadLetterTopic(topic));
  auto producer = Producer::Create(ConfigFor(SharedBroker()));
  ASSERT_TRUE(producer);
  DeadLetterWriter writer(producer->get(), DeadLetterTopic(topic), "0.1.0");
  DeadLetter letter = SampleLetter();
  letter.original_topic = topic;
  ASSERT_TRUE(writer.Send(letter));
  ASSERT_TRUE(writer.Send(letter));  // in flight: skipped
  ASSERT_TRUE(writer.Flush(30000));
  ASSERT_TRUE(writer.Send(letter));  // acknowledged: skipped (a batch run again)
  ASSERT_TRUE(writer.Flush(30000));
  EXPECT_EQ(writer.skipped(), 2);
  writer.Forget();
  ASSERT_TRUE(writer.Send(letter));  // a new batch: sent
  ASSERT_TRUE(writer.Flush(30000));
  EXPECT_EQ((*producer)->delivered(), 2);

  auto consumer = Consumer::Create(ConfigFor(SharedBroker()), "dlq-reader");
  ASSERT_TRUE(consumer);
  auto marks = (*consumer)->QueryWatermarks(DeadLetterTopic(topic), 0);
  ASSERT_TRUE(marks);
  EXPECT_EQ(marks->high, 2);
}

TEST(DeadLetter, FailedDeliveriesAreProducedAgainAndStayTrackedWhileTheBrokerIsGone) {
  auto broker = testing::StartBroker({{"orders", 1, 1}, {"orders.dlq", 1, 1}});
  ASSERT_TRUE(broker);
  // Deliveries time out after 300 ms: with the broker gone they fail, and the writer must retry them.
  auto producer = Producer::Create(ConfigFor(*broker, {{"message.timeout.ms", "300"}}));
  ASSERT_TRUE(producer);
  DeadLetterWriter writer(producer->get(), "orders.dlq", "0.1.0", {50, 200, 2.0, 0.0});
  DeadLetter first = SampleLetter();
  first.original_topic = "orders";
  ASSERT_TRUE(writer.Send(first));
  ASSERT_TRUE(writer.Flush(30000));
  broker.reset();  // the broker is gone

  DeadLetter second = first;
  second.original_offset = 12346;
  ASSERT_TRUE(writer.Send(second));
  Status flushed = writer.Flush(1500);
  ASSERT_FALSE(flushed);
  EXPECT_EQ(flushed.error().code(), ErrorCode::kTimeout) << flushed.error().ToString();
  EXPECT_GE(writer.retries(), 1);
  EXPECT_EQ((*producer)->delivered(), 1);
  ASSERT_TRUE(writer.Send(second));  // the batch run again: still tracked, not sent twice
  EXPECT_EQ(writer.skipped(), 1);
}

TEST(DeadLetter, APermanentDeliveryFailureIsReturnedNotRetried) {
  auto broker = testing::StartBroker({{"orders", 1, 1}, {"orders.dlq", 1, 1}});
  ASSERT_TRUE(broker);
  // A letter larger than message.max.bytes can never be delivered.
  auto producer = Producer::Create(ConfigFor(*broker, {{"message.max.bytes", "1000"}}));
  ASSERT_TRUE(producer);
  DeadLetterWriter writer(producer->get(), "orders.dlq", "0.1.0", {50, 200, 2.0, 0.0});
  DeadLetter letter = SampleLetter();
  letter.original_topic = "orders";
  const std::string big(5000, 'x');
  letter.value = big;
  Status sent = writer.Send(letter);
  if (sent) sent = writer.Flush(5000);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code(), ErrorCode::kInvalidArgument) << sent.error().ToString();
  EXPECT_EQ(writer.retries(), 0);
}

TEST(DeadLetter, ALetterNotBelievingItsLineageSaysSoAfterTheContract) {
  DeadLetter letter = SampleLetter();
  letter.lineage_ignored = "unsigned";
  const auto headers = DeadLetterHeaders(letter, "0.1.0", 0);
  ASSERT_EQ(headers.size(), 12u);
  EXPECT_EQ(headers[11].name, "dlq.lineage_ignored");
  EXPECT_EQ(headers[11].value, "unsigned");
}

TEST(DeadLetter, EveryLetterGoesToTheConfiguredTopicWhateverItsOriginalTopicSays) {
  const std::string topic = CreateTestTopic(1);
  ASSERT_EQ(CreateTestTopic(1, ".dlq"), DeadLetterTopic(topic));
  auto producer = Producer::Create(ConfigFor(SharedBroker()));
  ASSERT_TRUE(producer);
  DeadLetterWriter writer(producer->get(), DeadLetterTopic(topic), "0.1.0");
  EXPECT_EQ(writer.topic(), DeadLetterTopic(topic));
  // Two events that both claim (as forged lineage would) to come from payments 0@0: the
  // letters are told apart by where they were really read, and neither goes to payments.dlq.
  const std::string claimed = "payments-" + topic;
  DeadLetter first = SampleLetter();
  first.original_topic = claimed;
  first.original_partition = 0;
  first.original_offset = 0;
  first.source_topic = topic;
  first.source_partition = 0;
  first.source_offset = 10;
  DeadLetter second = first;
  second.source_offset = 11;
  ASSERT_TRUE(writer.Send(first));
  ASSERT_TRUE(writer.Send(second));
  ASSERT_TRUE(writer.Flush(30000));
  EXPECT_EQ(writer.skipped(), 0);
  EXPECT_EQ((*producer)->delivered(), 2);

  auto consumer = Consumer::Create(ConfigFor(SharedBroker()), "dlq-reader");
  ASSERT_TRUE(consumer);
  auto marks = (*consumer)->QueryWatermarks(DeadLetterTopic(topic), 0);
  ASSERT_TRUE(marks);
  EXPECT_EQ(marks->high, 2);
  auto forged = (*consumer)->QueryWatermarks(DeadLetterTopic(first.original_topic), 0);
  EXPECT_TRUE(!forged || forged->high == 0) << "a letter went to " << DeadLetterTopic(first.original_topic);
}

}  // namespace
}  // namespace jsm::kafka
