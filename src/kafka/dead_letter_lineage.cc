#include "kafka/dead_letter_lineage.h"

#include <algorithm>
#include <charconv>

#include "common/clock.h"

namespace jsm::kafka {

std::string FormatDeadLetterTime(int64_t millis) {
  std::string micros = FormatTimestampMicros(millis * 1000);  // "...SS.ffffffZ"
  micros.erase(micros.size() - 4, 3);                         // keep 3 fraction digits and the Z
  return micros;
}

std::vector<Header> ReplayHeaders(const StoredDeadLetter& letter, int attempt, int64_t now_ms) {
  const int64_t first = letter.first_failed_at_ms >= 0 ? letter.first_failed_at_ms : letter.failed_at_ms;
  std::vector<Header> headers = {
      {"dlq.attempts", std::to_string(attempt)},
  };
  if (first >= 0) headers.push_back({"dlq.first_failed_at", FormatDeadLetterTime(first)});
  headers.push_back({"dlq.replayed_from", letter.Id()});
  headers.push_back({"dlq.replayed_at", FormatDeadLetterTime(now_ms)});
  headers.push_back({"dlq.previous_reason", letter.reason});
  return headers;
}

ReplayLineage ParseReplayLineage(const std::vector<Header>& headers) {
  ReplayLineage lineage;
  const Header* attempts = FindHeader(headers, "dlq.attempts");
  if (attempts == nullptr) return lineage;
  int value = 0;
  const auto [end, ec] =
      std::from_chars(attempts->value.data(), attempts->value.data() + attempts->value.size(), value);
  if (ec != std::errc() || end != attempts->value.data() + attempts->value.size() || value < 1)
    return lineage;
  lineage.attempts = value;
  if (const Header* first = FindHeader(headers, "dlq.first_failed_at")) {
    if (Result<int64_t> ms = ParseDeadLetterTime(first->value)) lineage.first_failed_at_ms = *ms;
  }
  if (const Header* from = FindHeader(headers, "dlq.replayed_from")) lineage.replayed_from = from->value;
  return lineage;
}

void CarryLineage(const ReplayLineage& lineage, DeadLetter* letter) {
  if (!lineage.is_replay()) return;
  letter->attempts = std::max(letter->attempts, lineage.attempts);
  if (lineage.first_failed_at_ms > 0) letter->first_failed_at_ms = lineage.first_failed_at_ms;
}

void CarryLineage(const ReplayLineage& lineage, StoredDeadLetter* letter) {
  if (!lineage.is_replay()) return;
  letter->attempts = std::max(letter->attempts, lineage.attempts);
  if (lineage.first_failed_at_ms >= 0) letter->first_failed_at_ms = lineage.first_failed_at_ms;
}

}  // namespace jsm::kafka
