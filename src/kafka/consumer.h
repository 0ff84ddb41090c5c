#pragma once
/// A batch consumer of one topic, either by explicit assignment of every
/// partition (AssignAll) or as a member of a consumer group with
/// cooperative-sticky assignment (Subscribe). Either way the start offsets come
/// from the caller (the target Delta table's txn actions), never from Kafka's
/// committed offsets, so the consumer resumes exactly where the last Delta commit
/// left off. Group offsets are committed after each Delta commit only so lag tools work.

#include <cstdint>
#include <map>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"

struct rd_kafka_message_s;

namespace jsm::kafka {

/// A consumed message; the views stay valid until the next Poll.
struct Message {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;
  bool has_key = false;
  std::string_view key;
  bool has_value = false;  ///< false for a tombstone (a null value), which is not an empty one
  std::string_view value;
  /// The underlying librdkafka message (read headers with MessageHeaders).
  const rd_kafka_message_s* native = nullptr;
};

/// One header of a consumed message; views valid until the next Poll.
struct HeaderView {
  std::string_view name;
  std::string_view value;
  bool has_value = true;  ///< false for a null header value
};

/// The headers of a consumed message, in order (empty if it has none).
std::vector<HeaderView> MessageHeaders(const Message& message);
/// Same into `out` (cleared first), reusing its capacity: no allocation once it is large enough.
void MessageHeaders(const Message& message, std::vector<HeaderView>* out);

/// Low and high watermarks of one partition.
struct Watermarks {
  int64_t low = 0;
  int64_t high = 0;
};

/// What a group member does when partitions move. Both are called on the
/// polling thread, from inside Poll (librdkafka serves rebalances there).
struct RebalanceHandler {
  /// Partitions newly assigned to this member -> the offset each starts at
  /// (a partition left out starts at the beginning of its log). An error fails
  /// the Poll that served the rebalance, and the partitions stay unconsumed.
  std::function<Result<std::map<int32_t, int64_t>>(const std::vector<int32_t>& partitions)> on_assign;
  /// Partitions taken from this member; `lost` when they were taken without a
  /// clean hand-over (session timeout): another member may already own them.
  std::function<void(const std::vector<int32_t>& partitions, bool lost)> on_revoke;
};

/// Consumes one topic with enable.auto.commit=false,
/// enable.auto.offset.store=false, auto.offset.reset=error (a start offset the
/// broker no longer has is an error, never a silent jump),
/// partition.assignment.strategy=cooperative-sticky and a topic metadata refresh
/// every 5 s (so partitions added at run time are seen). ClientConfig::properties
/// override the defaults.
class Consumer {
 public:
  /// `group_id` is used for committing offsets (lag reporting), not for assignment.
  static Result<std::unique_ptr<Consumer>> Create(const ClientConfig& config, std::string group_id);
  ~Consumer();

  /// Number of partitions of `topic` (kNotFound if the topic does not exist).
  Result<int> PartitionCount(const std::string& topic, int timeout_ms = 10000);
  /// Watermarks of one partition.
  Result<Watermarks> QueryWatermarks(const std::string& topic, int32_t partition, int timeout_ms = 10000);

  /// Assigns all partitions of `topic`. A partition in `next_offsets` starts at
  /// that offset, others at the beginning. If a partition's log start offset is
  /// beyond its requested offset, returns kDataLoss naming the lost range.
  Status AssignAll(const std::string& topic, const std::map<int32_t, int64_t>& next_offsets);

  /// Joins the consumer group and subscribes to `topic`; partitions arrive and
  /// leave through `handler` during Poll. kNotFound if the topic does not exist.
  Status Subscribe(const std::string& topic, RebalanceHandler handler);

  /// Moves the read position of owned partitions (offset < 0 = the beginning),
  /// discarding what was prefetched for them.
  Status Seek(const std::map<int32_t, int64_t>& next_offsets, int timeout_ms = 10000);

  /// The partitions this consumer reads now (all of them after AssignAll).
  const std::set<int32_t>& owned_partitions() const;

  /// Waits up to `timeout_ms` for messages and returns up to `max_messages` of
  /// them in `out` (cleared first). A consumer error (e.g. an offset out of range)
  /// is returned as an Error naming topic and partition.
  /// It returns as soon as `max_messages` are gathered, else when `timeout_ms`
  /// has passed. An offset out of range (retention overtook us) is kDataLoss, a
  /// topic or partition that disappeared kNotFound, an authentication or
  /// authorization failure kInvalidArgument, other consumer errors kUnavailable
  /// (librdkafka keeps retrying). When a
  /// batch holds both messages and an error, the messages are returned first
  /// and the error by the next Poll, so nothing before the error is lost.
  /// Messages of partitions this consumer does not own (any more) are never returned.
  /// After librdkafka reported all brokers down, every Poll is kUnavailable until
  /// a metadata request succeeds again (so the caller's retry loop sees the outage);
  /// an error no retry fixes (authentication failed, a fatal client error) is
  /// returned by every Poll, with the code RdKafkaErrorCode gives it.
  Status Poll(size_t max_messages, int timeout_ms, std::vector<Message>* out);

  /// Puts the handle in librdkafka's fatal state with `reason`, as a broker fencing a static
  /// member does; every later Poll fails with kClientFatal. For tests and fault injection only.
  void InjectFatalErrorForTesting(const std::string& reason);

  /// Commits `next_offsets` (partition -> next offset to read) of owned
  /// partitions to the group, asynchronously; others are skipped.
  Status CommitOffsets(const std::map<int32_t, int64_t>& next_offsets);

  /// The Kafka cluster id the consumer is connected to (stable for a real cluster,
  /// new for every embedded broker): offsets only mean something within one cluster.
  Result<std::string> ClusterId(int timeout_ms = 10000);

  /// The group's committed next offsets for each partition of `topic` that has one.
  Result<std::map<int32_t, int64_t>> CommittedOffsets(const std::string& topic, int timeout_ms = 10000);

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jsm::kafka
