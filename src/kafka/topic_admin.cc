#include "kafka/topic_admin.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "kafka/client_conf.h"
#include "kafka/dead_letter.h"
#include "kafka/rdkafka_error.h"
#include "kafka/rdkafka_log.h"

namespace jsm::kafka {
namespace {

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* options) const { rd_kafka_AdminOptions_destroy(options); }
};
struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* topic) const { rd_kafka_NewTopic_destroy(topic); }
};
struct NewPartitionsDeleter {
  void operator()(rd_kafka_NewPartitions_t* partitions) const { rd_kafka_NewPartitions_destroy(partitions); }
};
struct ConfigResourceDeleter {
  void operator()(rd_kafka_ConfigResource_t* resource) const { rd_kafka_ConfigResource_destroy(resource); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const { rd_kafka_metadata_destroy(metadata); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using OptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

std::string Quoted(const std::string& topic) { return "'" + topic + "'"; }

/// The result of a topic-level admin call (CreateTopics, CreatePartitions).
Status TopicResultStatus(const rd_kafka_topic_result_t* const* results, size_t count,
                         const std::string& context) {
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    const char* detail = rd_kafka_topic_result_error_string(results[i]);
    return std::unexpected(RdKafkaError(err, context, detail != nullptr ? detail : ""));
  }
  return Status::Ok();
}

}  // namespace

std::vector<TopicSettings> PipelineTopics(const std::string& topic, int partitions, int dlq_partitions,
                                          int replication_factor, int min_insync_replicas,
                                          int64_t retention_ms, const std::string& cleanup_policy) {
  const std::map<std::string, std::string> configs = {
      {"min.insync.replicas", std::to_string(min_insync_replicas)},
      {"retention.ms", std::to_string(retention_ms)},
      {"cleanup.policy", cleanup_policy},
  };
  return {TopicSettings{topic, partitions, replication_factor, configs},
          TopicSettings{DeadLetterTopic(topic), dlq_partitions, replication_factor, configs}};
}

std::vector<TopicDifference> CompareTopic(const TopicSettings& wanted, const TopicState& actual) {
  std::vector<TopicDifference> differences;
  if (actual.partitions != wanted.partitions) {
    TopicDifference& d = differences.emplace_back();
    d.setting = "partitions";
    d.actual = std::to_string(actual.partitions);
    d.wanted = std::to_string(wanted.partitions);
    d.can_apply = wanted.partitions > actual.partitions;
    if (!d.can_apply) d.why_not = "Kafka cannot remove partitions (recreate the topic)";
  }
  if (actual.replication_factor != wanted.replication_factor) {
    TopicDifference& d = differences.emplace_back();
    d.setting = "replication.factor";
    d.actual = std::to_string(actual.replication_factor);
    d.wanted = std::to_string(wanted.replication_factor);
    d.why_not = "changing replication needs a partition reassignment (kafka-reassign-partitions)";
  }
  for (const auto& [name, value] : wanted.configs) {
    const auto it = actual.configs.find(name);
    const std::string current = it == actual.configs.end() ? "(unset)" : it->second;
    if (current == value) continue;
    TopicDifference& d = differences.emplace_back();
    d.setting = name;
    d.actual = current;
    d.wanted = value;
    d.can_apply = true;
  }
  return differences;
}

const char* TopicActionName(TopicAction action) {
  switch (action) {
    case TopicAction::kCreated:
      return "created";
    case TopicAction::kUpToDate:
      return "up to date";
    case TopicAction::kDiffers:
      return "differs";
    case TopicAction::kUpdated:
      return "updated";
  }
  return "unknown";
}

struct TopicAdmin::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  int timeout_ms = 30000;

  ~Impl() {
    if (queue != nullptr) rd_kafka_queue_destroy(queue);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }

  Result<OptionsPtr> Options(rd_kafka_admin_op_t op, bool with_operation_timeout) const {
    OptionsPtr options(rd_kafka_AdminOptions_new(rk, op));
    char errstr[256] = {0};
    if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, errstr, sizeof(errstr)) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      return MakeError(ErrorCode::kInvalidArgument, std::string("Kafka admin request timeout: ") + errstr);
    }
    // The broker waits this long for the controller to finish the change.
    if (with_operation_timeout &&
        rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeout_ms, errstr, sizeof(errstr)) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
      return MakeError(ErrorCode::kInvalidArgument, std::string("Kafka admin operation timeout: ") + errstr);
    }
    return options;
  }

  /// Waits for the result event of the admin call just issued on `queue`.
  Result<EventPtr> AwaitResult(const std::string& context) const {
    // librdkafka enforces the request timeout itself; the margin only guards against a lost event.
    EventPtr event(rd_kafka_queue_poll(queue, timeout_ms + 5000));
    if (event == nullptr) {
      return MakeError(ErrorCode::kTimeout,
                       context + ": no answer within " + std::to_string(timeout_ms) + " ms");
    }
    const rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* detail = rd_kafka_event_error_string(event.get());
      return std::unexpected(RdKafkaError(err, context, detail != nullptr ? detail : ""));
    }
    return event;
  }

  Result<MetadataPtr> Metadata(const std::string& context) const {
    // All topics: a request naming one topic can auto-create it on brokers that allow that.
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &metadata, timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(RdKafkaError(err, context));
    return MetadataPtr(metadata);
  }

  /// Configs of `topic`: all of them, and those set on the topic itself.
  Status DescribeConfigs(const std::string& topic, TopicState* state) const {
    const std::string context = "describing the configs of topic " + Quoted(topic);
    std::unique_ptr<rd_kafka_ConfigResource_t, ConfigResourceDeleter> resource(
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
    JSM_ASSIGN_OR_RETURN(OptionsPtr options, Options(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, false));
    rd_kafka_ConfigResource_t* resources[] = {resource.get()};
    rd_kafka_DescribeConfigs(rk, resources, 1, options.get(), queue);
    JSM_ASSIGN_OR_RETURN(EventPtr event, AwaitResult(context));
    const rd_kafka_DescribeConfigs_result_t* result = rd_kafka_event_DescribeConfigs_result(event.get());
    if (result == nullptr) return MakeError(ErrorCode::kInternal, context + ": unexpected event type");
    size_t count = 0;
    const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(result, &count);
    if (count != 1) {
      return MakeError(ErrorCode::kInternal,
                       context + ": " + std::to_string(count) + " resources in the answer");
    }
    const rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(described[0]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* detail = rd_kafka_ConfigResource_error_string(described[0]);
      return std::unexpected(RdKafkaError(err, context, detail != nullptr ? detail : ""));
    }
    size_t entry_count = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(described[0], &entry_count);
    for (size_t i = 0; i < entry_count; ++i) {
      const char* name = rd_kafka_ConfigEntry_name(entries[i]);
      const char* value = rd_kafka_ConfigEntry_value(entries[i]);
      if (name == nullptr) continue;
      const std::string text = value != nullptr ? value : "";
      state->configs[name] = text;
      if (rd_kafka_ConfigEntry_source(entries[i]) == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG &&
          !rd_kafka_ConfigEntry_is_sensitive(entries[i])) {
        state->topic_configs[name] = text;
      }
    }
    return Status::Ok();
  }

  /// Waits until the metadata shows `topic` with `partitions` partitions, each with a leader.
  Status AwaitPartitions(const std::string& topic, int partitions) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string seen = "not in the metadata";
    while (true) {
      JSM_ASSIGN_OR_RETURN(MetadataPtr metadata, Metadata("metadata of topic " + Quoted(topic)));
      for (int i = 0; i < metadata->topic_cnt; ++i) {
        const rd_kafka_metadata_topic_t& t = metadata->topics[i];
        if (topic != t.topic || t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
        const int led = static_cast<int>(std::count_if(
            t.partitions, t.partitions + t.partition_cnt, [](const rd_kafka_metadata_partition_t& p) {
              return p.err == RD_KAFKA_RESP_ERR_NO_ERROR && p.leader >= 0;
            }));
        if (t.partition_cnt >= partitions && led == t.partition_cnt) return Status::Ok();
        seen = std::to_string(t.partition_cnt) + " partition(s), " + std::to_string(led) + " with a leader";
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return MakeError(ErrorCode::kTimeout, "topic " + Quoted(topic) + " did not get " +
                                                  std::to_string(partitions) +
                                                  " partition(s) with leaders within " +
                                                  std::to_string(timeout_ms) + " ms (" + seen + ")");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
};

TopicAdmin::TopicAdmin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TopicAdmin::~TopicAdmin() = default;

Result<std::unique_ptr<TopicAdmin>> TopicAdmin::Create(const ClientConfig& config, int timeout_ms) {
  if (config.bootstrap_servers.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "Kafka admin client: no bootstrap servers given");
  }
  if (timeout_ms < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "Kafka admin client: timeout must be positive");
  }
  JSM_ASSIGN_OR_RETURN(RdKafkaConfPtr conf, NewClientConf(config, {{"client.id", "jsm-admin"}}));
  auto impl = std::make_unique<Impl>();
  impl->timeout_ms = timeout_ms;
  JSM_ASSIGN_OR_RETURN(impl->rk, NewClient(RD_KAFKA_PRODUCER, std::move(conf)));
  impl->queue = rd_kafka_queue_new(impl->rk);
  return std::unique_ptr<TopicAdmin>(new TopicAdmin(std::move(impl)));
}

Result<std::optional<TopicState>> TopicAdmin::Describe(const std::string& topic) {
  JSM_ASSIGN_OR_RETURN(MetadataPtr metadata, impl_->Metadata("metadata of topic " + Quoted(topic)));
  std::optional<TopicState> state;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata->topics[i];
    if (topic != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) break;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return std::unexpected(RdKafkaError(t.err, "metadata of topic " + Quoted(topic)));
    }
    state.emplace();
    state->name = topic;
    state->partitions = t.partition_cnt;
    int replicas = t.partition_cnt > 0 ? t.partitions[0].replica_cnt : 0;
    for (int p = 1; p < t.partition_cnt; ++p) replicas = std::min(replicas, t.partitions[p].replica_cnt);
    state->replication_factor = replicas;
  }
  if (!state) return state;
  JSM_RETURN_IF_ERROR(impl_->DescribeConfigs(topic, &*state));
  return state;
}

Status TopicAdmin::CreateTopic(const TopicSettings& settings) {
  const std::string context = "creating topic " + Quoted(settings.name);
  char errstr[512] = {0};
  std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter> topic(rd_kafka_NewTopic_new(
      settings.name.c_str(), settings.partitions, settings.replication_factor, errstr, sizeof(errstr)));
  if (topic == nullptr) return MakeError(ErrorCode::kInvalidArgument, context + ": " + errstr);
  for (const auto& [name, value] : settings.configs) {
    const rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(topic.get(), name.c_str(), value.c_str());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return std::unexpected(RdKafkaError(err, context, "config " + name));
  }
  JSM_ASSIGN_OR_RETURN(OptionsPtr options, impl_->Options(RD_KAFKA_ADMIN_OP_CREATETOPICS, true));
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  rd_kafka_CreateTopics(impl_->rk, topics, 1, options.get(), impl_->queue);
  JSM_ASSIGN_OR_RETURN(EventPtr event, impl_->AwaitResult(context));
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  if (result == nullptr) return MakeError(ErrorCode::kInternal, context + ": unexpected event type");
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
  JSM_RETURN_IF_ERROR(TopicResultStatus(results, count, context));
  LogText(spdlog::level::info,
          "created Kafka topic " + Quoted(settings.name) + " with " + std::to_string(settings.partitions) +
              " partition(s), replication factor " + std::to_string(settings.replication_factor));
  return impl_->AwaitPartitions(settings.name, settings.partitions);
}

Status TopicAdmin::AddPartitions(const std::string& topic, int total) {
  const std::string context =
      "raising the partitions of topic " + Quoted(topic) + " to " + std::to_string(total);
  char errstr[512] = {0};
  std::unique_ptr<rd_kafka_NewPartitions_t, NewPartitionsDeleter> partitions(rd_kafka_NewPartitions_new(
      topic.c_str(), static_cast<size_t>(std::max(total, 0)), errstr, sizeof(errstr)));
  if (partitions == nullptr) return MakeError(ErrorCode::kInvalidArgument, context + ": " + errstr);
  JSM_ASSIGN_OR_RETURN(OptionsPtr options, impl_->Options(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, true));
  rd_kafka_NewPartitions_t* list[] = {partitions.get()};
  rd_kafka_CreatePartitions(impl_->rk, list, 1, options.get(), impl_->queue);
  JSM_ASSIGN_OR_RETURN(EventPtr event, impl_->AwaitResult(context));
  const rd_kafka_CreatePartitions_result_t* result = rd_kafka_event_CreatePartitions_result(event.get());
  if (result == nullptr) return MakeError(ErrorCode::kInternal, context + ": unexpected event type");
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreatePartitions_result_topics(result, &count);
  JSM_RETURN_IF_ERROR(TopicResultStatus(results, count, context));
  LogText(spdlog::level::info,
          "raised the partitions of Kafka topic " + Quoted(topic) + " to " + std::to_string(total));
  return impl_->AwaitPartitions(topic, total);
}

Status TopicAdmin::AlterTopicConfigs(const std::string& topic,
                                     const std::map<std::string, std::string>& current_topic_configs,
                                     const std::map<std::string, std::string>& changes) {
  const std::string context = "altering the configs of topic " + Quoted(topic);
  std::map<std::string, std::string> all = current_topic_configs;
  for (const auto& [name, value] : changes) all[name] = value;
  std::unique_ptr<rd_kafka_ConfigResource_t, ConfigResourceDeleter> resource(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  for (const auto& [name, value] : all) {
    const rd_kafka_resp_err_t err =
        rd_kafka_ConfigResource_set_config(resource.get(), name.c_str(), value.c_str());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return std::unexpected(RdKafkaError(err, context, "config " + name));
  }
  JSM_ASSIGN_OR_RETURN(OptionsPtr options, impl_->Options(RD_KAFKA_ADMIN_OP_ALTERCONFIGS, false));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  rd_kafka_AlterConfigs(impl_->rk, resources, 1, options.get(), impl_->queue);
  JSM_ASSIGN_OR_RETURN(EventPtr event, impl_->AwaitResult(context));
  const rd_kafka_AlterConfigs_result_t* result = rd_kafka_event_AlterConfigs_result(event.get());
  if (result == nullptr) return MakeError(ErrorCode::kInternal, context + ": unexpected event type");
  size_t count = 0;
  const rd_kafka_ConfigResource_t** altered = rd_kafka_AlterConfigs_result_resources(result, &count);
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(altered[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    const char* detail = rd_kafka_ConfigResource_error_string(altered[i]);
    return std::unexpected(RdKafkaError(err, context, detail != nullptr ? detail : ""));
  }
  std::string names;
  for (const auto& [name, value] : changes) names += (names.empty() ? "" : ", ") + name + "=" + value;
  LogText(spdlog::level::info, "altered Kafka topic " + Quoted(topic) + ": " + names);
  return Status::Ok();
}

Result<std::vector<TopicReport>> TopicAdmin::Ensure(const std::vector<TopicSettings>& topics, bool apply) {
  std::vector<TopicReport> reports;
  for (const TopicSettings& settings : topics) {
    TopicReport& report = reports.emplace_back();
    report.topic = settings.name;
    JSM_ASSIGN_OR_RETURN(std::optional<TopicState> state, Describe(settings.name));
    if (!state) {
      Status created = CreateTopic(settings);
      // Another process may have created it between Describe and CreateTopic.
      if (created || created.error().code() != ErrorCode::kAlreadyExists) {
        JSM_RETURN_IF_ERROR(created);
        report.action = TopicAction::kCreated;
        continue;
      }
      JSM_ASSIGN_OR_RETURN(state, Describe(settings.name));
      if (!state)
        return MakeError(ErrorCode::kUnavailable,
                         "topic " + Quoted(settings.name) + " exists but has no metadata yet");
    }
    report.differences = CompareTopic(settings, *state);
    if (report.differences.empty()) {
      report.action = TopicAction::kUpToDate;
      continue;
    }
    if (!apply) {
      report.action = TopicAction::kDiffers;
      report.remaining = report.differences;
      continue;
    }
    std::map<std::string, std::string> config_changes;
    bool changed = false;
    for (const TopicDifference& difference : report.differences) {
      if (!difference.can_apply) {
        report.remaining.push_back(difference);
      } else if (difference.setting == "partitions") {
        JSM_RETURN_IF_ERROR(AddPartitions(settings.name, settings.partitions));
        changed = true;
      } else {
        config_changes[difference.setting] = difference.wanted;
      }
    }
    if (!config_changes.empty()) {
      JSM_RETURN_IF_ERROR(AlterTopicConfigs(settings.name, state->topic_configs, config_changes));
      changed = true;
    }
    report.action = changed ? TopicAction::kUpdated : TopicAction::kDiffers;
  }
  return reports;
}

}  // namespace jsm::kafka
