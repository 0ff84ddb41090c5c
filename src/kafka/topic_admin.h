#pragma once
/// Topic administration through Kafka's admin API: create the pipeline's topics
/// with the settings we want, and for topics that exist, say how they differ and
/// (only when asked) change what Kafka lets one change: more partitions and
/// topic configs. Replication factor changes and partition decreases are reported,
/// never attempted.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"

namespace jsm::kafka {

/// The settings a topic should have. `configs` holds topic-level configs by
/// their Kafka names ("min.insync.replicas", "retention.ms", "cleanup.policy").
struct TopicSettings {
  std::string name;
  int partitions = 6;
  int replication_factor = 1;
  std::map<std::string, std::string> configs;
};

/// The pipeline's topic settings: `topic` and `topic`.dlq, the dead-letter topic
/// with `dlq_partitions` partitions; both get the same replication and configs.
std::vector<TopicSettings> PipelineTopics(const std::string& topic, int partitions, int dlq_partitions,
                                          int replication_factor, int min_insync_replicas,
                                          int64_t retention_ms, const std::string& cleanup_policy);

/// What a topic looks like on the cluster.
struct TopicState {
  std::string name;
  int partitions = 0;
  /// The smallest replica count over the topic's partitions.
  int replication_factor = 0;
  /// Every config the broker reports for the topic (sensitive ones have no value).
  std::map<std::string, std::string> configs;
  /// The configs set on the topic itself (not inherited from broker defaults).
  std::map<std::string, std::string> topic_configs;
};

/// One way in which a topic differs from its settings.
struct TopicDifference {
  std::string setting;  ///< "partitions", "replication.factor" or a config name
  std::string actual;
  std::string wanted;
  /// True if `jsm topics ensure --apply` can change it; else `why_not` says why.
  bool can_apply = false;
  std::string why_not;
};

/// The differences between `wanted` and `actual`, settings first, configs by name.
/// Only the configs named in `wanted.configs` are compared.
std::vector<TopicDifference> CompareTopic(const TopicSettings& wanted, const TopicState& actual);

/// What Ensure did for one topic.
enum class TopicAction {
  kCreated,   ///< did not exist; created with the settings
  kUpToDate,  ///< exists and matches the settings
  kDiffers,   ///< exists and differs; nothing changed (`differences` lists how)
  kUpdated,   ///< exists, differed, and what can change was changed
};

/// Short name of an action: "created", "up to date", "differs", "updated".
const char* TopicActionName(TopicAction action);

/// The outcome of Ensure for one topic.
struct TopicReport {
  std::string topic;
  TopicAction action = TopicAction::kUpToDate;
  /// How the topic differed (for kDiffers and kUpdated).
  std::vector<TopicDifference> differences;
  /// The differences that remain after Ensure (those it may not or cannot change).
  std::vector<TopicDifference> remaining;
};

/// An admin client on one cluster. Every call waits at most `timeout_ms`.
class TopicAdmin {
 public:
  /// Creates the client; it connects lazily, on the first call.
  static Result<std::unique_ptr<TopicAdmin>> Create(const ClientConfig& config, int timeout_ms = 30000);
  ~TopicAdmin();

  /// The topic's state, or nullopt if the topic does not exist.
  Result<std::optional<TopicState>> Describe(const std::string& topic);
  /// Creates the topic with its partitions, replication and configs, then waits
  /// until every partition has a leader. kAlreadyExists if it exists.
  Status CreateTopic(const TopicSettings& settings);
  /// Raises the topic's partition count to `total` (Kafka cannot lower it).
  Status AddPartitions(const std::string& topic, int total);
  /// Sets `changes` on the topic and keeps its other topic-level configs
  /// (`current_topic_configs`, as Describe reported them): librdkafka 2.0.2 only
  /// has the non-incremental AlterConfigs, which resets every config it is not given.
  Status AlterTopicConfigs(const std::string& topic,
                           const std::map<std::string, std::string>& current_topic_configs,
                           const std::map<std::string, std::string>& changes);

  /// For each topic: creates it if absent; otherwise compares it with its
  /// settings and, if `apply`, raises partitions and alters configs to match.
  /// Stops at the first failed admin call.
  Result<std::vector<TopicReport>> Ensure(const std::vector<TopicSettings>& topics, bool apply);

 private:
  struct Impl;
  explicit TopicAdmin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jsm::kafka
