#pragma once
/// Reading dead letters back from `<topic>.dlq`: every partition from its log
/// start up to the high watermark seen when reading began, by explicit
/// assignment (no group rebalancing), each letter decoded into its key, value
/// and the dlq.* header contract of ARCHITECTURE.md.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"
#include "kafka/producer.h"

namespace jsm::kafka {

/// The consumer group under which `jsm dlq` commits how far letters are handled (for lag tools).
inline constexpr const char* kDeadLetterGroup = "jsm-dlq";

/// A dead letter as stored on the DLQ topic: where it is, its bytes, every
/// header, and the contract's fields decoded from those headers.
struct StoredDeadLetter {
  std::string dlq_topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  ///< the DLQ message's own Kafka timestamp
  bool has_key = false;
  std::string key;
  bool has_value = false;
  std::string value;
  std::vector<Header> headers;  ///< all headers, in order

  std::string reason;  ///< dlq.reason
  std::string error;   ///< dlq.error
  std::string stage;   ///< dlq.stage
  std::string original_topic;
  int32_t original_partition = -1;
  int64_t original_offset = -1;
  int64_t original_timestamp_ms = -1;
  int64_t first_failed_at_ms = -1;  ///< -1 when absent or unreadable
  int64_t failed_at_ms = -1;        ///< -1 when absent or unreadable
  int attempts = 1;                 ///< dlq.attempts (1 when absent)
  std::string pipeline_version;
  /// Contract headers that are missing or unreadable, e.g. "dlq.attempts: 'x' is not a number".
  std::vector<std::string> problems;

  /// "<dlq topic> <partition>@<offset>", the letter's identity within one cluster.
  std::string Id() const;
};

/// The value of the last header called `name`, or nullptr.
const Header* FindHeader(const std::vector<Header>& headers, std::string_view name);

/// Milliseconds since the epoch of a contract time "YYYY-MM-DDTHH:MM:SS[.fff]Z".
Result<int64_t> ParseDeadLetterTime(std::string_view text);

/// Fills the decoded fields of `letter` from `letter->headers`; every missing
/// or unreadable contract header is noted in `letter->problems`.
void DecodeDeadLetterHeaders(StoredDeadLetter* letter);

/// A consumer of dead-letter topics and of single messages (for lineage look-ups).
/// Explicit assignment only; group `jsm-dlq` is used for committing offsets alone.
class DeadLetterReader {
 public:
  /// Connects with `config` (librdkafka properties pass through); `timeout_ms` bounds each broker call.
  static Result<std::unique_ptr<DeadLetterReader>> Create(const ClientConfig& config, int timeout_ms = 30000);
  ~DeadLetterReader();

  /// Every letter on `dlq_topic`, partition by partition in offset order, from
  /// the low watermark to the high watermark queried first. kNotFound if the topic does not exist.
  Result<std::vector<StoredDeadLetter>> ReadAll(const std::string& dlq_topic);

  /// The headers of the message at `topic` `partition`@`offset`; nullopt when
  /// the broker no longer (or not yet) has that offset.
  Result<std::optional<std::vector<Header>>> ReadHeadersAt(const std::string& topic, int32_t partition,
                                                           int64_t offset);

  /// Where a message is: partition and offset.
  using Position = std::pair<int32_t, int64_t>;

  /// The headers of the messages of `topic` at `positions`, read partition by
  /// partition in one pass (seeking over gaps wider than `max_gap` offsets).
  /// Positions the broker no longer (or not yet) has are absent from the result.
  Result<std::map<Position, std::vector<Header>>> ReadHeadersAt(const std::string& topic,
                                                                const std::vector<Position>& positions,
                                                                int64_t max_gap = 10000);

  /// The cluster id: letter identities (partition@offset) only mean something within one cluster.
  Result<std::string> ClusterId();

  /// Commits group `jsm-dlq`'s next offsets on `topic` (partition -> next offset), synchronously.
  Status CommitOffsets(const std::string& topic, const std::map<int32_t, int64_t>& next_offsets);

  /// Group `jsm-dlq`'s committed next offsets on `topic`, for the partitions that have one.
  Result<std::map<int32_t, int64_t>> CommittedOffsets(const std::string& topic);

 private:
  struct Impl;
  explicit DeadLetterReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jsm::kafka
