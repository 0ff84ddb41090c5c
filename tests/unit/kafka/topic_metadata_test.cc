#include "kafka/topic_metadata.h"

#include <gtest/gtest.h>

#include <memory>

#include "kafka_test_support.h"

namespace jsm::kafka {
namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};

/// A bare librdkafka producer handle on the shared embedded broker.
std::unique_ptr<rd_kafka_t, HandleDeleter> NewHandle() {
  char error[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  EXPECT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", testing::SharedBroker().bootstrap_servers().c_str(), error,
                              sizeof error),
            RD_KAFKA_CONF_OK);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  EXPECT_NE(rk, nullptr) << error;
  return std::unique_ptr<rd_kafka_t, HandleDeleter>(rk);
}

TEST(TopicPartitionCount, CountsThePartitionsOfAnExistingTopic) {
  const std::string topic = testing::CreateTestTopic(4);
  auto rk = NewHandle();
  auto count = TopicPartitionCount(rk.get(), topic, 5000);
  ASSERT_TRUE(count) << count.error().ToString();
  EXPECT_EQ(*count, 4);
}

TEST(TopicPartitionCount, AMissingTopicIsNotFoundAndIsNotCreated) {
  auto rk = NewHandle();
  auto missing = TopicPartitionCount(rk.get(), "topic_metadata_missing", 5000);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().ToString().find("topic_metadata_missing"), std::string::npos);
  EXPECT_FALSE(TopicPartitionCount(rk.get(), "topic_metadata_missing", 5000));  // still absent: not auto-created
}

}  // namespace
}  // namespace jsm::kafka
