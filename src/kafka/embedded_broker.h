#pragma once
/// The embedded broker: librdkafka's in-process mock cluster, a real Kafka
/// protocol server on loopback that any client can reach. For demos and tests:
/// it keeps only about 5 MiB (or 100,000 batches) per partition and silently
/// drops older batches (measured with librdkafka 2.0.2).

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace jsm::kafka {

/// A topic to create on the embedded broker.
struct TopicSpec {
  std::string name;
  int partitions = 6;
  int replication_factor = 1;
};

/// A running mock cluster; stops when destroyed (destroy its clients first).
/// Stopping can take up to 1 s: librdkafka 2.0.2's mock thread sometimes only
/// notices the request on its 1 s timer.
class EmbeddedBroker {
 public:
  /// Starts `brokers` brokers on loopback and creates `topics`.
  static Result<std::unique_ptr<EmbeddedBroker>> Start(int brokers, const std::vector<TopicSpec>& topics);
  ~EmbeddedBroker();
  /// "127.0.0.1:port,..." for clients.
  const std::string& bootstrap_servers() const { return bootstrap_; }
  /// A random id of this broker's lifetime. The mock cluster's own cluster id can
  /// repeat between two brokers of one process, so offsets recorded against an
  /// embedded broker are keyed by this instead.
  const std::string& instance_id() const { return instance_id_; }
  /// Creates one more topic (the mock has no CreateTopics admin API);
  /// replication is capped at the number of brokers.
  Status CreateTopic(const TopicSpec& topic);

 private:
  struct Impl;
  explicit EmbeddedBroker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string bootstrap_;
  std::string instance_id_;
};

/// The default topics of the pipeline: `topic` with 6 partitions and `topic`.dlq
/// with 1, both replication factor 1 (all mock replicas live in one process).
std::vector<TopicSpec> DefaultTopics(const std::string& topic);

}  // namespace jsm::kafka
