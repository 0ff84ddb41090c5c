#pragma once
/// Dead letters: messages that can never become a silver row, sent to
/// `<topic>.dlq` with their original key and value and the header contract of
/// ARCHITECTURE.md.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kafka/producer.h"

namespace jsm::kafka {

/// Everything a dead letter carries besides the original bytes.
struct DeadLetter {
  std::string_view key;
  bool has_key = true;
  std::string_view value;
  std::string_view reason;  ///< machine code, e.g. "not_json"
  std::string_view error;   ///< human sentence
  std::string_view stage;   ///< e.g. "refine"
  std::string_view original_topic;
  int32_t original_partition = 0;
  int64_t original_offset = 0;
  int64_t original_timestamp_ms = -1;
  int64_t first_failed_at_ms = 0;  ///< 0 = now
  int attempts = 1;
};

/// The dlq.* headers of a dead letter, in the contract's order: dlq.reason,
/// dlq.error, dlq.stage, dlq.original.{topic,partition,offset,timestamp},
/// dlq.first_failed_at, dlq.failed_at, dlq.attempts, dlq.pipeline_version.
/// Numbers are decimal text (the original timestamp in ms, -1 if unknown);
/// the two failure times are ISO-8601 UTC with ms, e.g. 2026-11-24T10:00:00.123Z.
std::vector<Header> DeadLetterHeaders(const DeadLetter& letter, std::string_view pipeline_version);
/// Same, with "now" given (failed_at, and first_failed_at when the letter has none).
std::vector<Header> DeadLetterHeaders(const DeadLetter& letter, std::string_view pipeline_version,
                                      int64_t now_ms);

/// Sends dead letters to `<original_topic>.dlq` through a producer.
class DeadLetterWriter {
 public:
  DeadLetterWriter(Producer* producer, std::string pipeline_version)
      : producer_(producer), pipeline_version_(std::move(pipeline_version)) {}
  /// Enqueues one dead letter to DeadLetterTopic(original_topic): original key
  /// (a null key when has_key is false) and value unchanged, dlq.* headers.
  Status Send(const DeadLetter& letter);
  /// Waits until all sent letters are acknowledged.
  Status Flush(int timeout_ms) { return producer_->Flush(timeout_ms); }

 private:
  Producer* producer_;
  std::string pipeline_version_;
};

/// Name of the dead-letter topic of `topic`.
inline std::string DeadLetterTopic(std::string_view topic) { return std::string(topic) + ".dlq"; }

}  // namespace jsm::kafka
