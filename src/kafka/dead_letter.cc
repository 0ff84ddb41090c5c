#include "kafka/dead_letter.h"

#include "common/clock.h"

namespace jsm::kafka {
namespace {

/// "YYYY-MM-DDTHH:MM:SS.mmmZ" for milliseconds since the epoch, UTC.
std::string FormatTimestampMillis(int64_t millis) {
  std::string micros = FormatTimestampMicros(millis * 1000);  // "...SS.ffffffZ"
  micros.erase(micros.size() - 4, 3);                         // keep 3 fraction digits and the Z
  return micros;
}

}  // namespace

std::vector<Header> DeadLetterHeaders(const DeadLetter& letter, std::string_view pipeline_version,
                                      int64_t now_ms) {
  const int64_t first_failed_at = letter.first_failed_at_ms != 0 ? letter.first_failed_at_ms : now_ms;
  return {
      {"dlq.reason", std::string(letter.reason)},
      {"dlq.error", std::string(letter.error)},
      {"dlq.stage", std::string(letter.stage)},
      {"dlq.original.topic", std::string(letter.original_topic)},
      {"dlq.original.partition", std::to_string(letter.original_partition)},
      {"dlq.original.offset", std::to_string(letter.original_offset)},
      {"dlq.original.timestamp", std::to_string(letter.original_timestamp_ms)},
      {"dlq.first_failed_at", FormatTimestampMillis(first_failed_at)},
      {"dlq.failed_at", FormatTimestampMillis(now_ms)},
      {"dlq.attempts", std::to_string(letter.attempts)},
      {"dlq.pipeline_version", std::string(pipeline_version)},
  };
}

std::vector<Header> DeadLetterHeaders(const DeadLetter& letter, std::string_view pipeline_version) {
  return DeadLetterHeaders(letter, pipeline_version, NowMillis());
}

Status DeadLetterWriter::Send(const DeadLetter& letter) {
  if (letter.original_topic.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "dead letter without an original topic");
  }
  const std::string topic = DeadLetterTopic(letter.original_topic);
  const std::vector<Header> headers = DeadLetterHeaders(letter, pipeline_version_);
  Status status = letter.has_key ? producer_->Produce(topic, letter.key, letter.value, headers)
                                 : producer_->ProduceWithoutKey(topic, letter.value, headers);
  if (!status) {
    return std::unexpected(status.error().WithContext("dead letter of " + std::string(letter.original_topic) +
                                                      "/" + std::to_string(letter.original_partition) + "@" +
                                                      std::to_string(letter.original_offset)));
  }
  return Status::Ok();
}

}  // namespace jsm::kafka
