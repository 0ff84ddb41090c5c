#include "kafka/consumer.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <map>
#include <set>

#include "common/backoff.h"
#include "kafka/producer.h"
#include "unit/kafka/kafka_test_support.h"

namespace jsm::kafka {
namespace {

using testing::ConfigFor;
using testing::ConsumeAtLeast;
using testing::CreateTestTopic;
using testing::OwnedMessage;
using testing::SharedBroker;

/// Produces `count` messages key-i / value-i to `topic` and waits for all reports.
void ProduceNumbered(const EmbeddedBroker& broker, const std::string& topic, int count,
                     int32_t partition = -1, size_t value_padding = 0,
                     const std::string& compression = "lz4") {
  ProducerOptions options;
  options.compression = compression;
  auto producer = Producer::Create(ConfigFor(broker), options);
  ASSERT_TRUE(producer) << producer.error().ToString();
  const std::string padding(value_padding, 'p');
  for (int i = 0; i < count; ++i) {
    ASSERT_TRUE((*producer)->Produce(topic, "key-" + std::to_string(i),
                                     "value-" + std::to_string(i) + padding, {}, partition));
  }
  Status flushed = (*producer)->Flush(60000);
  ASSERT_TRUE(flushed) << flushed.error().ToString();
  ASSERT_EQ((*producer)->delivered(), count);
}

TEST(Consumer, ReadsBackEveryProducedMessageFromTheBeginning) {
  const std::string topic = CreateTestTopic(6);
  EmbeddedBroker* broker = &SharedBroker();
  constexpr int kCount = 3000;
  ProduceNumbered(*broker, topic, kCount);
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer) << consumer.error().ToString();
  ASSERT_TRUE((*consumer)->AssignAll(topic, {}));
  const std::vector<OwnedMessage> got = ConsumeAtLeast(**consumer, kCount);
  ASSERT_EQ(got.size(), static_cast<size_t>(kCount));

  std::set<int> seen;
  std::map<int32_t, int64_t> next_offset;  // per partition: offsets start at 0 and are dense
  for (const OwnedMessage& m : got) {
    ASSERT_TRUE(m.has_key);
    ASSERT_EQ(m.key.substr(0, 4), "key-");
    const int i = std::stoi(m.key.substr(4));
    EXPECT_EQ(m.value, "value-" + std::to_string(i));
    EXPECT_TRUE(seen.insert(i).second) << "duplicate " << m.key;
    EXPECT_GE(m.partition, 0);
    EXPECT_LT(m.partition, 6);
    EXPECT_EQ(m.offset, next_offset[m.partition]) << "partition " << m.partition;
    next_offset[m.partition] = m.offset + 1;
    EXPECT_GT(m.timestamp_ms, 0);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(next_offset.size(), 6u) << "3000 keys should reach all 6 partitions";
  for (const auto& [partition, end] : next_offset) {
    auto marks = (*consumer)->QueryWatermarks(topic, partition);
    ASSERT_TRUE(marks);
    EXPECT_EQ(marks->high, end);
  }
}

TEST(Consumer, ResumesAtTheGivenOffsetsAndReturnsOnlyLaterMessages) {
  const std::string topic = CreateTestTopic(6);
  EmbeddedBroker* broker = &SharedBroker();
  ProduceNumbered(*broker, topic, 1200);
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer);
  std::map<int32_t, int64_t> resume;
  size_t expected = 0;
  for (int32_t p = 0; p < 6; ++p) {
    auto marks = (*consumer)->QueryWatermarks(topic, p);
    ASSERT_TRUE(marks);
    if (p == 5) continue;  // no resume offset: from the beginning
    resume[p] = marks->high / 2;
    expected += static_cast<size_t>(marks->high - resume[p]);
  }
  expected += static_cast<size_t>((*consumer)->QueryWatermarks(topic, 5)->high);
  ASSERT_TRUE((*consumer)->AssignAll(topic, resume));
  std::vector<OwnedMessage> got = ConsumeAtLeast(**consumer, expected);
  ASSERT_EQ(got.size(), expected);
  for (const OwnedMessage& m : got) {
    if (auto it = resume.find(m.partition); it != resume.end()) {
      EXPECT_GE(m.offset, it->second);
    }
  }
  // Nothing more arrives.
  std::vector<Message> more;
  ASSERT_TRUE((*consumer)->Poll(100, 300, &more));
  EXPECT_TRUE(more.empty());
}

TEST(Consumer, AFencedHandleFailsEveryPollAsClientFatalNamingTheCause) {
  const std::string topic = CreateTestTopic(2);
  EmbeddedBroker* broker = &SharedBroker();
  ProduceNumbered(*broker, topic, 10);
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer) << consumer.error().ToString();
  ASSERT_TRUE((*consumer)->AssignAll(topic, {}));
  (*consumer)->InjectFatalErrorForTesting("static consumer fenced by the broker (test)");
  std::vector<Message> batch;
  for (int poll = 0; poll < 3; ++poll) {  // not once: never polled back to life
    Status status = (*consumer)->Poll(100, 100, &batch);
    ASSERT_FALSE(status) << "a dead handle must not look healthy";
    EXPECT_EQ(status.error().code(), ErrorCode::kClientFatal) << status.error().ToString();
    EXPECT_NE(status.error().message().find("static consumer fenced by the broker (test)"), std::string::npos)
        << status.error().message();
    EXPECT_NE(status.error().message().find("FENCED_INSTANCE_ID"), std::string::npos) << status.error().message();
    EXPECT_FALSE(IsTransient(status.error()));
  }
}

TEST(Consumer, WatermarksCountProducedMessagesPerPartition) {
  const std::string topic = CreateTestTopic(3);
  EmbeddedBroker* broker = &SharedBroker();
  ProduceNumbered(*broker, topic, 7, /*partition=*/1);
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer);
  auto one = (*consumer)->QueryWatermarks(topic, 1);
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->low, 0);
  EXPECT_EQ(one->high, 7);
  auto empty = (*consumer)->QueryWatermarks(topic, 0);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->low, 0);
  EXPECT_EQ(empty->high, 0);
}

TEST(Consumer, PartitionCountOfUnknownTopicIsNotFound) {
  const std::string topic = CreateTestTopic(3);
  EmbeddedBroker* broker = &SharedBroker();
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer);
  auto known = (*consumer)->PartitionCount(topic);
  ASSERT_TRUE(known) << known.error().ToString();
  EXPECT_EQ(*known, 3);
  auto unknown = (*consumer)->PartitionCount("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound) << unknown.error().ToString();
  Status assigned = (*consumer)->AssignAll("nope", {});
  ASSERT_FALSE(assigned);
  EXPECT_EQ(assigned.error().code(), ErrorCode::kNotFound);
}

TEST(Consumer, ResumeOffsetBeyondTheLogEndIsDataLoss) {
  const std::string topic = CreateTestTopic(1);
  EmbeddedBroker* broker = &SharedBroker();
  ProduceNumbered(*broker, topic, 5);
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE((*consumer)->AssignAll(topic, {{0, 5}})) << "resuming exactly at the end is fine";
  Status beyond = (*consumer)->AssignAll(topic, {{0, 9}});
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code(), ErrorCode::kDataLoss) << beyond.error().ToString();
}

TEST(Consumer, ResumeNamingAMissingPartitionIsNotFound) {
  const std::string topic = CreateTestTopic(2);
  EmbeddedBroker* broker = &SharedBroker();
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer);
  Status status = (*consumer)->AssignAll(topic, {{7, 0}});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
}

// The mock cluster of librdkafka 2.0.2 keeps at most 5 MiB (or 100,000 batches)
// per partition and drops the oldest batches beyond that. Produce ~12 MiB
// uncompressed to one partition: the log start moves past 0, and resuming at 0
// must be reported as data loss, never silently skipped.
TEST(Consumer, ResumeOffsetDeletedByRetentionIsDataLoss) {
  const std::string topic = CreateTestTopic(1);
  EmbeddedBroker* broker = &SharedBroker();
  constexpr int kCount = 12000;  // ~1 KiB each
  ProduceNumbered(*broker, topic, kCount, 0, /*value_padding=*/1024, "none");
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer);
  auto marks = (*consumer)->QueryWatermarks(topic, 0);
  ASSERT_TRUE(marks);
  EXPECT_EQ(marks->high, kCount);
  ASSERT_GT(marks->low, 0) << "the mock kept all " << kCount << " messages; did its retention change?";
  const int64_t kept = marks->high - marks->low;
  std::printf(
      "[ measured ] mock retention: kept offsets [%lld, %lld) = %lld of %d messages (~%.2f MiB of ~1 KiB "
      "values)\n",
      static_cast<long long>(marks->low), static_cast<long long>(marks->high), static_cast<long long>(kept),
      kCount, kept * (1024.0 + 16) / (1024 * 1024));
  ::testing::Test::RecordProperty("retained_low", std::to_string(marks->low));

  Status status = (*consumer)->AssignAll(topic, {{0, 0}});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(status.error().message().find("partition 0 of '" + topic + "': offsets [0, " +
                                          std::to_string(marks->low) + ")"),
            std::string::npos)
      << status.error().message();

  // From the beginning (no resume offset) starts at the retained log start.
  ASSERT_TRUE((*consumer)->AssignAll(topic, {}));
  auto got = ConsumeAtLeast(**consumer, static_cast<size_t>(kept));
  ASSERT_EQ(got.size(), static_cast<size_t>(kept));
  EXPECT_EQ(got.front().offset, marks->low);
  EXPECT_EQ(got.back().offset, kCount - 1);
}

// A consumer that falls behind retention while assigned gets kDataLoss from
// Poll (auto.offset.reset=error), after the messages it had already fetched.
TEST(Consumer, PollReportsDataLossWhenRetentionOvertakesThePosition) {
  const std::string topic = CreateTestTopic(1);
  EmbeddedBroker* broker = &SharedBroker();
  ProduceNumbered(*broker, topic, 10, 0);
  // A tiny prefetch queue, so the fetcher stops after about one batch.
  auto consumer = Consumer::Create(ConfigFor(*broker, {{"queued.max.messages.kbytes", "1"},
                                                       {"queued.min.messages", "1"},
                                                       {"fetch.max.bytes", "1048576"},
                                                       {"max.partition.fetch.bytes", "1024"}}),
                                   "ingest");
  ASSERT_TRUE(consumer) << consumer.error().ToString();
  ASSERT_TRUE((*consumer)->AssignAll(topic, {{0, 0}}));
  ASSERT_EQ(ConsumeAtLeast(**consumer, 10).size(), 10u);
  ProduceNumbered(*broker, topic, 12000, 0, 1024, "none");
  auto marks = (*consumer)->QueryWatermarks(topic, 0);
  ASSERT_TRUE(marks);
  ASSERT_GT(marks->low, 10);

  std::optional<Error> error;
  auto got = ConsumeAtLeast(**consumer, 12000, std::chrono::seconds(30), &error);
  ASSERT_TRUE(error.has_value()) << "consumed " << got.size() << " without an error";
  EXPECT_EQ(error->code(), ErrorCode::kDataLoss) << error->ToString();
  EXPECT_NE(error->message().find("partition 0 of '" + topic + "'"), std::string::npos) << error->message();
  // What was prefetched before the truncation comes first, without gaps.
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].offset, static_cast<int64_t>(10 + i));
}

TEST(Consumer, CommittedOffsetsAreStoredForTheGroup) {
  const std::string topic = CreateTestTopic(6);
  EmbeddedBroker* broker = &SharedBroker();
  ProduceNumbered(*broker, topic, 600);
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer);
  Status early = (*consumer)->CommitOffsets({{0, 1}});
  EXPECT_FALSE(early) << "commit before assignment has no topic";
  ASSERT_TRUE((*consumer)->AssignAll(topic, {}));
  ASSERT_TRUE((*consumer)->CommitOffsets({{0, 5}, {3, 7}}));

  // The commit is asynchronous: a second member of the group polls for it.
  auto other = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(other);
  std::map<int32_t, int64_t> committed;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    std::vector<Message> batch;
    ASSERT_TRUE((*consumer)->Poll(100, 50, &batch));  // serves the commit callback
    auto got = (*other)->CommittedOffsets(topic, 5000);
    ASSERT_TRUE(got) << got.error().ToString();
    committed = *got;
    if (committed.size() == 2) break;
  }
  EXPECT_EQ(committed, (std::map<int32_t, int64_t>{{0, 5}, {3, 7}}));
  auto elsewhere = Consumer::Create(ConfigFor(*broker), "another-group");
  ASSERT_TRUE(elsewhere);
  auto none = (*elsewhere)->CommittedOffsets(topic, 5000);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(Consumer, MessageViewsPointIntoLibrdkafkaBuffersWithoutCopying) {
  const std::string topic = CreateTestTopic(1);
  EmbeddedBroker* broker = &SharedBroker();
  ProduceNumbered(*broker, topic, 3);
  auto consumer = Consumer::Create(ConfigFor(*broker), "ingest");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE((*consumer)->AssignAll(topic, {}));
  std::vector<Message> batch;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (batch.size() < 3 && std::chrono::steady_clock::now() < until)
    ASSERT_TRUE((*consumer)->Poll(3, 200, &batch));
  ASSERT_EQ(batch.size(), 3u);
  for (const Message& m : batch) {
    ASSERT_NE(m.native, nullptr);
    EXPECT_EQ(static_cast<const void*>(m.value.data()), m.native->payload);
    EXPECT_EQ(static_cast<const void*>(m.key.data()), m.native->key);
  }
  EXPECT_EQ(batch[2].value, "value-2");
}

}  // namespace
}  // namespace jsm::kafka

namespace jsm::kafka {
namespace {

/// A group member for the tests: records what it was given and taken.
struct GroupMember {
  std::unique_ptr<Consumer> consumer;
  std::set<int32_t> assigned;
  std::vector<int32_t> revoked;
  std::map<int32_t, int64_t> starts;  // what on_assign answers
  std::map<std::pair<int32_t, int64_t>, std::string> got;

  RebalanceHandler Handler() {
    RebalanceHandler handler;
    handler.on_assign = [this](const std::vector<int32_t>& partitions) -> Result<std::map<int32_t, int64_t>> {
      std::map<int32_t, int64_t> out;
      for (int32_t p : partitions) {
        assigned.insert(p);
        if (auto it = starts.find(p); it != starts.end()) out[p] = it->second;
      }
      return out;
    };
    handler.on_revoke = [this](const std::vector<int32_t>& partitions, bool) {
      for (int32_t p : partitions) {
        assigned.erase(p);
        revoked.push_back(p);
      }
    };
    return handler;
  }

  void PollOnce() {
    std::vector<Message> polled;
    Status status = consumer->Poll(500, 50, &polled);
    ASSERT_TRUE(status) << status.error().ToString();
    for (const Message& m : polled) {
      EXPECT_TRUE(consumer->owned_partitions().contains(m.partition)) << "message of a partition not owned";
      got[{m.partition, m.offset}] = std::string(m.value);
    }
  }
};

Result<std::unique_ptr<Consumer>> GroupConsumer(const std::string& group) {
  return Consumer::Create(ConfigFor(SharedBroker(), {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}}),
                          group);
}

TEST(ConsumerGroup, SubscribingToAMissingTopicIsNotFound) {
  auto consumer = GroupConsumer("missing-topic-group");
  ASSERT_TRUE(consumer) << consumer.error().ToString();
  Status status = (*consumer)->Subscribe("ConsumerGroup.no-such-topic", {});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
}

TEST(ConsumerGroup, AMemberStartsEachAssignedPartitionWhereOnAssignSaysAndCommitsOnlyOwnedOffsets) {
  const std::string topic = CreateTestTopic(2);
  ProduceNumbered(SharedBroker(), topic, 20, 0);
  ProduceNumbered(SharedBroker(), topic, 20, 1);
  GroupMember member;
  auto consumer = GroupConsumer(topic + "-group");
  ASSERT_TRUE(consumer) << consumer.error().ToString();
  member.consumer = std::move(*consumer);
  member.starts = {{0, 15}};  // partition 1: from the beginning
  ASSERT_TRUE(member.consumer->Subscribe(topic, member.Handler()));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (member.got.size() < 25 && std::chrono::steady_clock::now() < until) member.PollOnce();
  EXPECT_EQ(member.assigned, (std::set<int32_t>{0, 1}));
  EXPECT_EQ(member.consumer->owned_partitions(), (std::set<int32_t>{0, 1}));
  ASSERT_EQ(member.got.size(), 25u);
  EXPECT_EQ(member.got.begin()->first, (std::pair<int32_t, int64_t>{0, 15}));
  EXPECT_TRUE(member.got.contains({1, 0}));
  EXPECT_TRUE(member.got.contains({1, 19}));

  // Group offsets for lag tools: owned partitions are committed, others skipped.
  ASSERT_TRUE(member.consumer->CommitOffsets({{0, 20}, {1, 17}, {7, 3}}));
  std::map<int32_t, int64_t> committed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (committed.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    member.PollOnce();  // serves the asynchronous commit's reply
    auto fetched = member.consumer->CommittedOffsets(topic);
    ASSERT_TRUE(fetched) << fetched.error().ToString();
    committed = *fetched;
  }
  EXPECT_EQ(committed, (std::map<int32_t, int64_t>{{0, 20}, {1, 17}}));
}

TEST(ConsumerGroup, TwoMembersSplitThePartitionsAndTheSurvivorTakesOverOnLeave) {
  const std::string topic = CreateTestTopic(4);
  constexpr int kCount = 400;
  ProduceNumbered(SharedBroker(), topic, kCount);
  GroupMember a, b;
  auto ca = GroupConsumer(topic + "-group");
  auto cb = GroupConsumer(topic + "-group");
  ASSERT_TRUE(ca && cb);
  a.consumer = std::move(*ca);
  b.consumer = std::move(*cb);
  ASSERT_TRUE(a.consumer->Subscribe(topic, a.Handler()));
  ASSERT_TRUE(b.consumer->Subscribe(topic, b.Handler()));
  // Both members own partitions, and no partition is owned twice.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until &&
         !(a.assigned.size() == 2 && b.assigned.size() == 2)) {
    a.PollOnce();
    b.PollOnce();
  }
  ASSERT_EQ(a.assigned.size(), 2u) << "the cooperative rebalance did not settle";
  ASSERT_EQ(b.assigned.size(), 2u);
  for (int32_t p : a.assigned) EXPECT_FALSE(b.assigned.contains(p)) << "partition " << p << " owned twice";
  // b leaves cleanly: a gets every partition.
  b.consumer.reset();
  until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until && a.assigned.size() < 4) a.PollOnce();
  EXPECT_EQ(a.assigned, (std::set<int32_t>{0, 1, 2, 3}));
}

TEST(ConsumerClusterId, DiffersBetweenEmbeddedBrokersAndIsStableForOne) {
  auto first = EmbeddedBroker::Start(1, DefaultTopics("ids"));
  auto second = EmbeddedBroker::Start(1, DefaultTopics("ids"));
  ASSERT_TRUE(first && second);
  auto a = Consumer::Create(ClientConfig{(*first)->bootstrap_servers(), {}}, "ids");
  auto a_again = Consumer::Create(ClientConfig{(*first)->bootstrap_servers(), {}}, "ids");
  auto b = Consumer::Create(ClientConfig{(*second)->bootstrap_servers(), {}}, "ids");
  ASSERT_TRUE(a && a_again && b);
  auto id_a = (*a)->ClusterId();
  auto id_a_again = (*a_again)->ClusterId();
  auto id_b = (*b)->ClusterId();
  ASSERT_TRUE(id_a && id_a_again && id_b) << (id_a ? "" : id_a.error().ToString());
  EXPECT_FALSE(id_a->empty());
  EXPECT_EQ(*id_a, *id_a_again);
  EXPECT_NE(*id_a, *id_b);
}

}  // namespace
}  // namespace jsm::kafka
