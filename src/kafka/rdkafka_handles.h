#pragma once
/// Owning smart pointers for librdkafka's C handles, shared by the consumer and the DLQ reader.

#include <librdkafka/rdkafka.h>

#include <memory>

namespace jsm::kafka {

/// Destroys a partition list.
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};
/// An owned rd_kafka_topic_partition_list_t.
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

/// Destroys a consumed message.
struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
/// An owned rd_kafka_message_t.
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

}  // namespace jsm::kafka
