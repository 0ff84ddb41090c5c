#include "kafka/dead_letter_lineage.h"

#include <algorithm>
#include <charconv>

#include "common/clock.h"

namespace jsm::kafka {
namespace {

/// Parses all of `text` as a decimal integer.
template <typename T>
bool ParseWhole(std::string_view text, T* value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

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
  if (!letter.original_topic.empty() && letter.original_partition >= 0 && letter.original_offset >= 0) {
    headers.push_back({"dlq.original.topic", letter.original_topic});
    headers.push_back({"dlq.original.partition", std::to_string(letter.original_partition)});
    headers.push_back({"dlq.original.offset", std::to_string(letter.original_offset)});
    headers.push_back({"dlq.original.timestamp", std::to_string(letter.original_timestamp_ms)});
  }
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
  if (const Header* at = FindHeader(headers, "dlq.replayed_at")) lineage.replayed_at = at->value;
  if (const Header* previous = FindHeader(headers, "dlq.previous_reason")) lineage.previous_reason = previous->value;
  const Header* topic = FindHeader(headers, "dlq.original.topic");
  const Header* partition = FindHeader(headers, "dlq.original.partition");
  const Header* offset = FindHeader(headers, "dlq.original.offset");
  int32_t original_partition = -1;
  int64_t original_offset = -1;
  if (topic != nullptr && !topic->value.empty() && partition != nullptr && offset != nullptr &&
      ParseWhole(partition->value, &original_partition) && ParseWhole(offset->value, &original_offset) &&
      original_partition >= 0 && original_offset >= 0) {
    lineage.original_topic = topic->value;
    lineage.original_partition = original_partition;
    lineage.original_offset = original_offset;
    if (const Header* timestamp = FindHeader(headers, "dlq.original.timestamp")) {
      int64_t ms = -1;
      if (ParseWhole(timestamp->value, &ms)) lineage.original_timestamp_ms = ms;
    }
  }
  return lineage;
}

bool HasDeadLetterHeaders(const std::vector<Header>& headers) {
  return std::any_of(headers.begin(), headers.end(), [](const Header& h) { return h.name.starts_with("dlq."); });
}

ReplayLineage TrustedReplayLineage(const std::vector<Header>& headers, const SignedMessage& message,
                                   const LineageSigner* signer, LineageTrust* trust) {
  LineageTrust verdict = LineageTrust::kNone;
  if (signer != nullptr) {
    verdict = signer->Verify(headers, message);
  } else if (HasDeadLetterHeaders(headers)) {
    verdict = FindHeader(headers, kLineageSignatureHeader) != nullptr ? LineageTrust::kBadSignature
                                                                     : LineageTrust::kUnsigned;
  }
  if (trust != nullptr) *trust = verdict;
  return verdict == LineageTrust::kVerified ? ParseReplayLineage(headers) : ReplayLineage{};
}

void CarryLineage(const ReplayLineage& lineage, DeadLetter* letter) {
  if (!lineage.is_replay()) return;
  letter->attempts = std::max(letter->attempts, lineage.attempts);
  if (lineage.first_failed_at_ms > 0) letter->first_failed_at_ms = lineage.first_failed_at_ms;
  if (!lineage.original_topic.empty()) {
    letter->original_topic = lineage.original_topic;
    letter->original_partition = lineage.original_partition;
    letter->original_offset = lineage.original_offset;
    letter->original_timestamp_ms = lineage.original_timestamp_ms;
  }
  // A replay whose letter named no previous letter still counts as one.
  letter->replayed_from = lineage.replayed_from.empty() ? std::string_view("unknown") : lineage.replayed_from;
  letter->replayed_at = lineage.replayed_at;
  letter->previous_reason = lineage.previous_reason;
}

void CarryLineage(const ReplayLineage& lineage, StoredDeadLetter* letter) {
  if (!lineage.is_replay()) return;
  letter->attempts = std::max(letter->attempts, lineage.attempts);
  if (lineage.first_failed_at_ms >= 0) letter->first_failed_at_ms = lineage.first_failed_at_ms;
}

}  // namespace jsm::kafka
