#include "kafka/embedded_broker.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <set>

#include "kafka/producer.h"
#include "unit/kafka/kafka_test_support.h"

namespace jsm::kafka {
namespace {

using testing::ConfigFor;
using testing::StartBroker;

TEST(EmbeddedBroker, ListensOnLoopbackAndCreatesTopicsWithTheirPartitions) {
  auto broker = StartBroker({{"a", 3, 1}, {"b", 1, 1}});
  ASSERT_TRUE(broker);
  EXPECT_EQ(broker->bootstrap_servers().rfind("127.0.0.1:", 0), 0u) << broker->bootstrap_servers();
  auto consumer = Consumer::Create(ConfigFor(*broker), "probe");
  ASSERT_TRUE(consumer);
  EXPECT_EQ((*consumer)->PartitionCount("a").value_or(-1), 3);
  EXPECT_EQ((*consumer)->PartitionCount("b").value_or(-1), 1);
}

TEST(EmbeddedBroker, DefaultTopicsAreSixPartitionsAndAOnePartitionDlq) {
  const auto topics = DefaultTopics("pedidos");
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].name, "pedidos");
  EXPECT_EQ(topics[0].partitions, 6);
  EXPECT_EQ(topics[1].name, "pedidos.dlq");
  EXPECT_EQ(topics[1].partitions, 1);
}

TEST(EmbeddedBroker, ReplicationIsCappedAtTheBrokerCount) {
  auto broker = StartBroker({{"t", 6, 5}}, /*brokers=*/3);
  ASSERT_TRUE(broker);
  int commas = 0;
  for (char c : broker->bootstrap_servers()) commas += c == ',';
  EXPECT_EQ(commas, 2) << broker->bootstrap_servers();
  auto consumer = Consumer::Create(ConfigFor(*broker), "probe");
  ASSERT_TRUE(consumer);
  EXPECT_EQ((*consumer)->PartitionCount("t").value_or(-1), 6);
}

TEST(EmbeddedBroker, RejectsBadArguments) {
  auto none = EmbeddedBroker::Start(0, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kInvalidArgument);
  auto empty_topic = EmbeddedBroker::Start(1, {{"t", 0, 1}});
  ASSERT_FALSE(empty_topic);
  EXPECT_EQ(empty_topic.error().code(), ErrorCode::kInvalidArgument);
}

// Any Kafka client reaches the broker over TCP: kcat (formerly kafkacat) reads
// what our producer wrote.
TEST(EmbeddedBroker, ServesAnExternalClient) {
  std::string kcat;
  for (const char* name : {"kcat", "kafkacat"}) {
    if (kcat.empty() && std::system(("command -v " + std::string(name) + " >/dev/null 2>&1").c_str()) == 0)
      kcat = name;
  }
  if (kcat.empty()) GTEST_SKIP() << "neither kcat nor kafkacat is installed";
  auto broker = StartBroker({{"orders", 1, 1}});
  ASSERT_TRUE(broker);
  auto producer = Producer::Create(ConfigFor(*broker));
  ASSERT_TRUE(producer);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*producer)->Produce("orders", "k", "m" + std::to_string(i)));
  ASSERT_TRUE((*producer)->Flush(30000));
  const std::string command = "timeout 20 " + kcat + " -C -q -b " + broker->bootstrap_servers() +
                              " -t orders -o beginning -c 3 -f '%k=%s\\n'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[256];
  while (fgets(buf, sizeof(buf), pipe) != nullptr) output += buf;
  EXPECT_EQ(pclose(pipe), 0);
  EXPECT_EQ(output, "k=m0\nk=m1\nk=m2\n");
}

/// Consumer-group capability of the mock (librdkafka 2.0.2), with the plain C
/// API: two subscribed members of one group split the partitions between them.
/// Our Consumer assigns explicitly, but scaling out relies on this protocol.
TEST(EmbeddedBroker, BalancesPartitionsAcrossSubscribedGroupMembers) {
  auto broker = StartBroker({{"orders", 6, 1}});
  ASSERT_TRUE(broker);
  auto make_member = [&] {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    EXPECT_EQ(
        rd_kafka_conf_set(conf, "bootstrap.servers", broker->bootstrap_servers().c_str(), err, sizeof(err)),
        RD_KAFKA_CONF_OK);
    EXPECT_EQ(rd_kafka_conf_set(conf, "group.id", "balanced", err, sizeof(err)), RD_KAFKA_CONF_OK);
    EXPECT_EQ(rd_kafka_conf_set(conf, "session.timeout.ms", "6000", err, sizeof(err)), RD_KAFKA_CONF_OK);
    EXPECT_EQ(rd_kafka_conf_set(conf, "heartbeat.interval.ms", "500", err, sizeof(err)), RD_KAFKA_CONF_OK);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    EXPECT_NE(rk, nullptr) << err;
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, "orders", RD_KAFKA_PARTITION_UA);
    EXPECT_EQ(rd_kafka_subscribe(rk, topics), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(topics);
    return rk;
  };
  auto assigned = [](rd_kafka_t* rk) {
    rd_kafka_topic_partition_list_t* list = nullptr;
    std::set<int32_t> partitions;
    if (rd_kafka_assignment(rk, &list) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      for (int i = 0; i < list->cnt; ++i) partitions.insert(list->elems[i].partition);
      rd_kafka_topic_partition_list_destroy(list);
    }
    return partitions;
  };
  rd_kafka_t* a = make_member();
  rd_kafka_t* b = make_member();
  std::set<int32_t> in_a, in_b;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    for (rd_kafka_t* rk : {a, b}) {
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 50)) rd_kafka_message_destroy(m);
    }
    in_a = assigned(a);
    in_b = assigned(b);
    if (!in_a.empty() && !in_b.empty() && in_a.size() + in_b.size() == 6) break;
  }
  EXPECT_EQ(in_a.size(), 3u);
  EXPECT_EQ(in_b.size(), 3u);
  for (int32_t p : in_a) EXPECT_EQ(in_b.count(p), 0u);
  for (rd_kafka_t* rk : {a, b}) {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
}

}  // namespace
}  // namespace jsm::kafka

namespace jsm::kafka {
namespace {

TEST(EmbeddedBrokerInstance, EachBrokerHasItsOwnInstanceIdEvenOneAfterAnother) {
  std::string first_id;
  {
    auto first = EmbeddedBroker::Start(1, DefaultTopics("instances"));
    ASSERT_TRUE(first);
    first_id = (*first)->instance_id();
  }
  auto second = EmbeddedBroker::Start(1, DefaultTopics("instances"));
  ASSERT_TRUE(second);
  EXPECT_FALSE(first_id.empty());
  EXPECT_NE((*second)->instance_id(), first_id);
}

}  // namespace
}  // namespace jsm::kafka
