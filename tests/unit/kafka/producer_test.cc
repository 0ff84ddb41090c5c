#include "kafka/producer.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "unit/kafka/kafka_test_support.h"

namespace jsm::kafka {
namespace {

using testing::ConfigFor;
using testing::ConsumeAtLeast;
using testing::CreateTestTopic;
using testing::SharedBroker;
using testing::StartBroker;

TEST(Producer, MaxMessageBytesIsLibrdkafkasDefaultOrTheConfiguredValue) {
  auto defaults = MaxMessageBytes(ClientConfig{});
  ASSERT_TRUE(defaults) << defaults.error().ToString();
  EXPECT_EQ(*defaults, 1000000);
  auto configured = MaxMessageBytes(ClientConfig{"", {{"message.max.bytes", "5000"}}});
  ASSERT_TRUE(configured) << configured.error().ToString();
  EXPECT_EQ(*configured, 5000);
  auto bad = MaxMessageBytes(ClientConfig{"", {{"message.max.bytes", "lots"}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("message.max.bytes"), std::string::npos) << bad.error().message();
}

TEST(Producer, DeliversEveryKeyedMessageAndCountsEachReport) {
  const std::string topic = CreateTestTopic(6);
  EmbeddedBroker* broker = &SharedBroker();
  auto producer = Producer::Create(ConfigFor(*broker));
  ASSERT_TRUE(producer) << producer.error().ToString();
  constexpr int kCount = 2000;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE((*producer)->Produce(topic, "key-" + std::to_string(i % 97), "value-" + std::to_string(i)));
  }
  Status flushed = (*producer)->Flush(30000);
  ASSERT_TRUE(flushed) << flushed.error().ToString();
  EXPECT_EQ((*producer)->delivered(), kCount);
  EXPECT_EQ((*producer)->failed(), 0);
  EXPECT_EQ((*producer)->first_error(), "");
}

TEST(Producer, SameKeyAlwaysLandsOnTheSamePartition) {
  const std::string topic = CreateTestTopic(6);
  EmbeddedBroker* broker = &SharedBroker();
  auto producer = Producer::Create(ConfigFor(*broker));
  ASSERT_TRUE(producer);
  for (int i = 0; i < 600; ++i) ASSERT_TRUE((*producer)->Produce(topic, "k" + std::to_string(i % 20), "v"));
  ASSERT_TRUE((*producer)->Flush(30000));

  auto consumer = Consumer::Create(ConfigFor(*broker), "test");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE((*consumer)->AssignAll(topic, {}));
  auto got = ConsumeAtLeast(**consumer, 600);
  ASSERT_EQ(got.size(), 600u);
  std::map<std::string, std::set<int32_t>> partitions_of_key;
  for (const auto& m : got) partitions_of_key[m.key].insert(m.partition);
  std::set<int32_t> used;
  for (const auto& [key, partitions] : partitions_of_key) {
    EXPECT_EQ(partitions.size(), 1u) << key;
    used.insert(*partitions.begin());
  }
  EXPECT_GT(used.size(), 1u) << "20 keys should spread over several of 6 partitions";
}

TEST(Producer, ExplicitPartitionIsHonoured) {
  const std::string topic = CreateTestTopic(6);
  EmbeddedBroker* broker = &SharedBroker();
  auto producer = Producer::Create(ConfigFor(*broker));
  ASSERT_TRUE(producer);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE((*producer)->Produce(topic, "k" + std::to_string(i), "v", {}, 4));
  ASSERT_TRUE((*producer)->Flush(30000));
  auto consumer = Consumer::Create(ConfigFor(*broker), "test");
  ASSERT_TRUE(consumer);
  auto marks = (*consumer)->QueryWatermarks(topic, 4);
  ASSERT_TRUE(marks);
  EXPECT_EQ(marks->high, 50);
}

TEST(Producer, BackPressureWithATinyQueueStillDeliversEverything) {
  const std::string topic = CreateTestTopic(6);
  EmbeddedBroker* broker = &SharedBroker();
  ProducerOptions options;
  options.linger_ms = 1;
  auto producer = Producer::Create(ConfigFor(*broker, {{"queue.buffering.max.messages", "10"}}), options);
  ASSERT_TRUE(producer) << producer.error().ToString();
  constexpr int kCount = 3000;
  for (int i = 0; i < kCount; ++i) {
    Status status = (*producer)->Produce(topic, std::to_string(i), std::string(100, 'x'));
    ASSERT_TRUE(status) << status.error().ToString();
  }
  ASSERT_TRUE((*producer)->Flush(30000));
  EXPECT_EQ((*producer)->delivered(), kCount);
  EXPECT_EQ((*producer)->failed(), 0);
  EXPECT_GT((*producer)->back_pressure_waits(), 0) << "the queue of 10 should have filled at least once";
}

TEST(Producer, UnknownPropertyIsInvalidArgumentNamingIt) {
  auto producer = Producer::Create(ClientConfig{"127.0.0.1:1", {{"no.such.property", "1"}}});
  ASSERT_FALSE(producer);
  EXPECT_EQ(producer.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(producer.error().message().find("no.such.property"), std::string::npos)
      << producer.error().message();
}

TEST(Producer, BadPropertyValueIsInvalidArgumentNamingIt) {
  auto producer = Producer::Create(ClientConfig{"127.0.0.1:1", {{"linger.ms", "soon"}}});
  ASSERT_FALSE(producer);
  EXPECT_EQ(producer.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(producer.error().message().find("linger.ms"), std::string::npos) << producer.error().message();
}

TEST(Producer, SensitivePropertyValuesNeverAppearInErrors) {
  for (const auto& [name, value] : std::map<std::string, std::string>{
           {"sasl.oauthbearer.method", "hunter2"},  // known property, invalid value
           {"my.secret.setting", "hunter2"}}) {     // unknown property
    auto producer = Producer::Create(ClientConfig{"127.0.0.1:1", {{name, value}}});
    ASSERT_FALSE(producer) << name;
    EXPECT_EQ(producer.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(producer.error().message().find(name), std::string::npos) << producer.error().message();
    EXPECT_EQ(producer.error().message().find("hunter2"), std::string::npos) << producer.error().message();
  }
}

TEST(Producer, BadCompressionOptionIsInvalidArgument) {
  ProducerOptions options;
  options.compression = "brotli";
  auto producer = Producer::Create(ClientConfig{"127.0.0.1:1", {}}, options);
  ASSERT_FALSE(producer);
  EXPECT_EQ(producer.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(producer.error().message().find("compression.type"), std::string::npos)
      << producer.error().message();
}

TEST(Producer, PropertiesOverrideDefaultsAndInconsistentOnesAreInvalidArgument) {
  // acks=1 contradicts our default enable.idempotence=true: librdkafka refuses.
  auto refused = Producer::Create(ClientConfig{"127.0.0.1:1", {{"acks", "1"}}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("acks"), std::string::npos) << refused.error().message();
  // ... and turning idempotence off too is the user's call.
  auto accepted =
      Producer::Create(ClientConfig{"127.0.0.1:1", {{"acks", "1"}, {"enable.idempotence", "false"}}});
  EXPECT_TRUE(accepted) << accepted.error().ToString();
}

TEST(Producer, MessageWithoutKeyArrivesWithNullKeyAndEmptyKeyStaysEmpty) {
  const std::string topic = CreateTestTopic(1);
  EmbeddedBroker* broker = &SharedBroker();
  auto producer = Producer::Create(ConfigFor(*broker));
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->ProduceWithoutKey(topic, "no key"));
  ASSERT_TRUE((*producer)->Produce(topic, "", "empty key"));
  ASSERT_TRUE((*producer)->Flush(30000));
  auto consumer = Consumer::Create(ConfigFor(*broker), "test");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE((*consumer)->AssignAll(topic, {}));
  auto got = ConsumeAtLeast(**consumer, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_FALSE(got[0].has_key);
  EXPECT_EQ(got[0].value, "no key");
  EXPECT_TRUE(got[1].has_key);
  EXPECT_EQ(got[1].key, "");
}

TEST(Producer, FlushTimesOutWhileTheBrokerIsGone) {
  auto broker = StartBroker({{"orders", 1, 1}});
  ASSERT_TRUE(broker);
  const ClientConfig config = ConfigFor(*broker, {{"message.timeout.ms", "60000"}});
  auto producer = Producer::Create(config);
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Produce("orders", "k", "before"));
  ASSERT_TRUE((*producer)->Flush(30000));
  broker.reset();
  ASSERT_TRUE((*producer)->Produce("orders", "k", "after"));
  Status flushed = (*producer)->Flush(300);
  ASSERT_FALSE(flushed);
  EXPECT_EQ(flushed.error().code(), ErrorCode::kTimeout) << flushed.error().ToString();
}

TEST(Producer, DeliveryFailuresAreCountedAndReportedByFlush) {
  auto broker = StartBroker({{"orders", 1, 1}});
  ASSERT_TRUE(broker);
  auto producer = Producer::Create(ConfigFor(*broker, {{"message.timeout.ms", "200"}}));
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Produce("orders", "k", "before"));
  ASSERT_TRUE((*producer)->Flush(30000));
  broker.reset();
  ASSERT_TRUE((*producer)->Produce("orders", "k", "after"));
  Status flushed = (*producer)->Flush(30000);
  ASSERT_FALSE(flushed);
  EXPECT_NE(flushed.error().message().find("1 message(s) failed delivery"), std::string::npos)
      << flushed.error().ToString();
  EXPECT_EQ((*producer)->delivered(), 1);
  EXPECT_EQ((*producer)->failed(), 1);
  EXPECT_NE((*producer)->first_error().find("'orders' partition 0"), std::string::npos)
      << (*producer)->first_error();
  EXPECT_TRUE((*producer)->Flush(1000)) << "a failure is reported by one Flush only";
}

TEST(Producer, TrackedMessagesReportToTheListenerAndNotToFlush) {
  auto broker = StartBroker({{"orders", 1, 1}});
  ASSERT_TRUE(broker);
  auto producer = Producer::Create(ConfigFor(*broker, {{"message.timeout.ms", "200"}}));
  ASSERT_TRUE(producer);
  std::mutex mu;
  std::map<uint64_t, std::string> outcomes;  // id -> "ok" or the error
  (*producer)->SetDeliveryListener([&](uint64_t id, const Error* error) {
    std::lock_guard lock(mu);
    outcomes[id] = error == nullptr ? "ok" : error->ToString();
  });
  const std::string_view key = "k";
  ASSERT_TRUE((*producer)->ProduceTracked("orders", &key, "delivered", {{"h", "v"}}, 7));
  ASSERT_TRUE((*producer)->Flush(30000));
  broker.reset();
  ASSERT_TRUE((*producer)->ProduceTracked("orders", nullptr, "lost", {}, 8));
  EXPECT_TRUE((*producer)->Flush(30000)) << "a tracked failure belongs to the listener";
  std::lock_guard lock(mu);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[7], "ok");
  EXPECT_NE(outcomes[8].find("'orders'"), std::string::npos) << outcomes[8];
  EXPECT_EQ((*producer)->failed(), 1);
  EXPECT_FALSE((*producer)->ProduceTracked("orders", nullptr, "x", {}, 0)) << "id 0 means untracked";
  (*producer)->SetDeliveryListener(nullptr);
}

}  // namespace
}  // namespace jsm::kafka
