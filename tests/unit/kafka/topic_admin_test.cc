#include "kafka/topic_admin.h"

#include <gtest/gtest.h>

#include "unit/kafka/kafka_test_support.h"

// The comparison logic is tested here, and the admin client as far as the
// embedded broker (librdkafka 2.0.2's mock cluster) answers: metadata yes,
// the admin requests not. Creating, altering and adding partitions on a real
// broker is tested in tests/e2e/test_real_kafka.py.

namespace jsm::kafka {
namespace {

using testing::ConfigFor;
using testing::CreateTestTopic;
using testing::SharedBroker;

TopicSettings Wanted() { return PipelineTopics("pedidos", 6, 1, 3, 2, 604800000, "delete")[0]; }

TopicState Matching() {
  TopicState state;
  state.name = "pedidos";
  state.partitions = 6;
  state.replication_factor = 3;
  state.configs = {{"min.insync.replicas", "2"},
                   {"retention.ms", "604800000"},
                   {"cleanup.policy", "delete"},
                   {"segment.bytes", "1073741824"}};
  return state;
}

TEST(PipelineTopics, AreTheOrderTopicAndItsDeadLetterTopicWithTheSameConfigs) {
  const auto topics = PipelineTopics("orders", 12, 2, 3, 2, 86400000, "compact,delete");
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].name, "orders");
  EXPECT_EQ(topics[0].partitions, 12);
  EXPECT_EQ(topics[1].name, "orders.dlq");
  EXPECT_EQ(topics[1].partitions, 2);
  for (const TopicSettings& t : topics) {
    EXPECT_EQ(t.replication_factor, 3);
    EXPECT_EQ(t.configs.at("min.insync.replicas"), "2");
    EXPECT_EQ(t.configs.at("retention.ms"), "86400000");
    EXPECT_EQ(t.configs.at("cleanup.policy"), "compact,delete");
  }
}

TEST(CompareTopic, MatchingTopicHasNoDifferenceWhateverItsOtherConfigs) {
  EXPECT_TRUE(CompareTopic(Wanted(), Matching()).empty());
}

TEST(CompareTopic, MorePartitionsWantedCanBeApplied) {
  TopicState state = Matching();
  state.partitions = 3;
  const auto differences = CompareTopic(Wanted(), state);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].setting, "partitions");
  EXPECT_EQ(differences[0].actual, "3");
  EXPECT_EQ(differences[0].wanted, "6");
  EXPECT_TRUE(differences[0].can_apply);
}

TEST(CompareTopic, FewerPartitionsWantedCannotBeApplied) {
  TopicState state = Matching();
  state.partitions = 12;
  const auto differences = CompareTopic(Wanted(), state);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_FALSE(differences[0].can_apply);
  EXPECT_NE(differences[0].why_not.find("cannot remove partitions"), std::string::npos);
}

TEST(CompareTopic, ReplicationFactorIsReportedButNeverApplied) {
  TopicState state = Matching();
  state.replication_factor = 1;
  const auto differences = CompareTopic(Wanted(), state);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].setting, "replication.factor");
  EXPECT_FALSE(differences[0].can_apply);
  EXPECT_FALSE(differences[0].why_not.empty());
}

TEST(CompareTopic, ConfigDifferencesAndMissingConfigsCanBeApplied) {
  TopicState state = Matching();
  state.configs["retention.ms"] = "-1";
  state.configs.erase("cleanup.policy");
  const auto differences = CompareTopic(Wanted(), state);
  ASSERT_EQ(differences.size(), 2u);
  EXPECT_EQ(differences[0].setting, "cleanup.policy");
  EXPECT_EQ(differences[0].actual, "(unset)");
  EXPECT_EQ(differences[1].setting, "retention.ms");
  EXPECT_EQ(differences[1].actual, "-1");
  EXPECT_EQ(differences[1].wanted, "604800000");
  EXPECT_TRUE(differences[0].can_apply && differences[1].can_apply);
}

TEST(TopicActionName, NamesEveryAction) {
  EXPECT_STREQ(TopicActionName(TopicAction::kCreated), "created");
  EXPECT_STREQ(TopicActionName(TopicAction::kUpToDate), "up to date");
  EXPECT_STREQ(TopicActionName(TopicAction::kDiffers), "differs");
  EXPECT_STREQ(TopicActionName(TopicAction::kUpdated), "updated");
}

TEST(TopicAdmin, NeedsBootstrapServers) {
  auto admin = TopicAdmin::Create(ClientConfig{});
  ASSERT_FALSE(admin);
  EXPECT_EQ(admin.error().code(), ErrorCode::kInvalidArgument);
}

TEST(TopicAdmin, BadPassThroughPropertyIsNamed) {
  auto admin = TopicAdmin::Create(ClientConfig{"127.0.0.1:1", {{"no.such.property", "1"}}});
  ASSERT_FALSE(admin);
  EXPECT_NE(admin.error().message().find("no.such.property"), std::string::npos);
}

TEST(TopicAdmin, DescribeOfAbsentTopicIsNullopt) {
  auto admin = TopicAdmin::Create(ConfigFor(SharedBroker()), 10000);
  ASSERT_TRUE(admin) << admin.error().ToString();
  auto state = (*admin)->Describe("TopicAdmin.no-such-topic");
  ASSERT_TRUE(state) << state.error().ToString();
  EXPECT_FALSE(state->has_value());
}

TEST(TopicAdmin, UnreachableBrokerIsAnErrorWithinTheTimeout) {
  // Port 1 on loopback: nothing listens there.
  auto admin = TopicAdmin::Create(ClientConfig{"127.0.0.1:1", {}}, 500);
  ASSERT_TRUE(admin) << admin.error().ToString();
  const auto started = std::chrono::steady_clock::now();
  auto state = (*admin)->Describe("pedidos");
  ASSERT_FALSE(state);
  // Transient either way: refused connections or no answer in time.
  EXPECT_TRUE(state.error().code() == ErrorCode::kUnavailable || state.error().code() == ErrorCode::kTimeout)
      << state.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(TopicAdmin, DescribeOfExistingTopicOnTheEmbeddedBrokerTimesOutForWantOfAController) {
  // librdkafka 2.0.2's mock cluster names no controller in its metadata, so the
  // admin requests (DescribeConfigs, CreateTopics, CreatePartitions) wait for
  // one and time out: Describe says so within the admin timeout.
  const std::string topic = CreateTestTopic(4);
  auto admin = TopicAdmin::Create(ConfigFor(SharedBroker()), 300);
  ASSERT_TRUE(admin) << admin.error().ToString();
  auto state = (*admin)->Describe(topic);
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code(), ErrorCode::kTimeout);
  EXPECT_NE(state.error().message().find(topic), std::string::npos) << state.error().ToString();
  auto reports = (*admin)->Ensure({TopicSettings{topic, 4, 1, {}}}, false);
  ASSERT_FALSE(reports);
  EXPECT_EQ(reports.error().code(), ErrorCode::kTimeout);
}

}  // namespace
}  // namespace jsm::kafka
