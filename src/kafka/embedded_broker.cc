#include "kafka/embedded_broker.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "kafka/client_conf.h"
#include "kafka/rdkafka_error.h"
#include "kafka/rdkafka_log.h"

namespace jsm::kafka {

/// The mock cluster lives inside a throwaway producer handle that librdkafka
/// needs for bookkeeping; the cluster must be destroyed before that handle.
struct EmbeddedBroker::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  int brokers = 0;

  ~Impl() {
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

EmbeddedBroker::EmbeddedBroker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(impl_->cluster);
  std::random_device random;
  char id[40];
  std::snprintf(id, sizeof(id), "embedded-%08x%08x", random(), random());
  instance_id_ = id;
}

EmbeddedBroker::~EmbeddedBroker() = default;

Result<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(int brokers,
                                                              const std::vector<TopicSpec>& topics) {
  if (brokers < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "embedded broker: need at least 1 broker, got " + std::to_string(brokers));
  }
  for (const TopicSpec& topic : topics) {
    if (topic.name.empty() || topic.partitions < 1) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "embedded broker: topic '" + topic.name + "' needs a name and at least 1 partition");
    }
  }
  // The handle never connects anywhere; it only hosts the mock cluster's threads.
  JSM_ASSIGN_OR_RETURN(RdKafkaConfPtr conf,
                       NewClientConf(ClientConfig{}, {{"client.id", "jsm-embedded-broker"},
                                                      // not "No bootstrap.servers configured" (a notice)
                                                      {"log_level", "4"}}));
  auto impl = std::make_unique<Impl>();
  JSM_ASSIGN_OR_RETURN(impl->rk, NewClient(RD_KAFKA_PRODUCER, std::move(conf)));
  impl->cluster = rd_kafka_mock_cluster_new(impl->rk, brokers);
  if (impl->cluster == nullptr) {
    return MakeError(ErrorCode::kIoError, "embedded broker: could not start a mock cluster of " +
                                              std::to_string(brokers) + " broker(s) on loopback");
  }
  impl->brokers = brokers;
  auto broker = std::unique_ptr<EmbeddedBroker>(new EmbeddedBroker(std::move(impl)));
  for (const TopicSpec& topic : topics) JSM_RETURN_IF_ERROR(broker->CreateTopic(topic));
  LogText(spdlog::level::info, "embedded Kafka broker (librdkafka mock cluster, " + std::to_string(brokers) +
                                   " broker(s)) listening on " + broker->bootstrap_servers());
  return broker;
}

Status EmbeddedBroker::CreateTopic(const TopicSpec& topic) {
  if (topic.name.empty() || topic.partitions < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "embedded broker: topic '" + topic.name + "' needs a name and at least 1 partition");
  }
  const int replication = std::clamp(topic.replication_factor, 1, impl_->brokers);
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(impl_->cluster, topic.name.c_str(), topic.partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(RdKafkaError(err, "embedded broker: creating topic '" + topic.name + "'"));
  }
  return Status::Ok();
}

std::vector<TopicSpec> DefaultTopics(const std::string& topic) {
  // Replication 1: the mock keeps every replica in the same process, so more
  // copies add no durability, only memory.
  return {TopicSpec{topic, 6, 1}, TopicSpec{topic + ".dlq", 1, 1}};
}

}  // namespace jsm::kafka
