#include "kafka/dead_letter.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/clock.h"
#include "common/logging.h"
#include "kafka/rdkafka_log.h"

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
  std::vector<Header> headers = {
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
  if (!letter.replayed_from.empty()) {
    headers.push_back({"dlq.replayed_from", std::string(letter.replayed_from)});
    if (!letter.replayed_at.empty()) headers.push_back({"dlq.replayed_at", std::string(letter.replayed_at)});
    if (!letter.previous_reason.empty()) headers.push_back({"dlq.previous_reason", std::string(letter.previous_reason)});
  }
  if (!letter.lineage_ignored.empty()) headers.push_back({"dlq.lineage_ignored", std::string(letter.lineage_ignored)});
  return headers;
}

std::vector<Header> DeadLetterHeaders(const DeadLetter& letter, std::string_view pipeline_version) {
  return DeadLetterHeaders(letter, pipeline_version, NowMillis());
}

DeadLetterWriter::DeadLetterWriter(Producer* producer, std::string dlq_topic, std::string pipeline_version,
                                   BackoffPolicy retry)
    : producer_(producer), topic_(std::move(dlq_topic)), pipeline_version_(std::move(pipeline_version)), retry_(retry) {
  producer_->SetDeliveryListener([this](uint64_t id, const Error* error) { OnDelivery(id, error); });
}

DeadLetterWriter::~DeadLetterWriter() { producer_->SetDeliveryListener(nullptr); }

void DeadLetterWriter::OnDelivery(uint64_t id, const Error* error) {
  std::lock_guard lock(mutex_);
  auto source = in_flight_.find(id);
  if (source == in_flight_.end()) return;  // forgotten meanwhile
  auto letter = letters_.find(source->second);
  in_flight_.erase(source);
  if (letter == letters_.end() || letter->second.id != id) return;
  if (error == nullptr) {
    letter->second.state = State::kAcknowledged;
    letter->second.error.reset();
  } else {
    letter->second.state = State::kFailed;
    letter->second.error = *error;
  }
}

Status DeadLetterWriter::ProduceTracked(const Source& source, Tracked* tracked) {
  uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = tracked->id = next_id_++;
    tracked->state = State::kInFlight;
    tracked->error.reset();
    in_flight_[id] = source;
  }
  // Not under mutex_: a full queue makes the producer wait for delivery reports,
  // whose listener (OnDelivery) takes mutex_. The bytes are only written by this thread.
  const std::string_view key(tracked->key);
  // A view with a null data() is produced as a null value (a tombstone).
  const std::string_view value = tracked->has_value ? std::string_view(tracked->value) : std::string_view();
  Status status =
      producer_->ProduceTracked(topic_, tracked->has_key ? &key : nullptr, value, tracked->headers, id);
  if (!status) {
    std::lock_guard lock(mutex_);
    in_flight_.erase(id);
    if (tracked->id == id) {
      tracked->state = State::kFailed;
      tracked->error = status.error();
    }
  }
  return status;
}

Status DeadLetterWriter::Send(const DeadLetter& letter) {
  if (letter.original_topic.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "dead letter without an original topic");
  }
  Source source{std::string(letter.source_topic.empty() ? letter.original_topic : letter.source_topic),
                letter.source_partition >= 0 ? letter.source_partition : letter.original_partition,
                letter.source_offset >= 0 ? letter.source_offset : letter.original_offset};
  std::map<Source, Tracked>::iterator it;
  {
    std::lock_guard lock(mutex_);
    bool inserted = false;
    std::tie(it, inserted) = letters_.try_emplace(std::move(source));
    if (!inserted && it->second.state != State::kFailed) {
      skipped_.fetch_add(1, std::memory_order_relaxed);
      return Status::Ok();
    }
  }
  // The entry is ours until it is produced: OnDelivery only touches entries in flight,
  // and only this thread inserts, produces or forgets (std::map nodes never move).
  Tracked& tracked = it->second;
  tracked.has_key = letter.has_key;
  tracked.key = letter.has_key ? std::string(letter.key) : std::string();
  tracked.has_value = letter.has_value;
  tracked.value = letter.has_value ? std::string(letter.value) : std::string();
  tracked.headers = DeadLetterHeaders(letter, pipeline_version_);
  Status status = ProduceTracked(it->first, &tracked);
  if (!status && !IsTransient(status.error())) {
    return std::unexpected(status.error().WithContext("dead letter of " + std::string(letter.original_topic) +
                                                      "/" + std::to_string(letter.original_partition) + "@" +
                                                      std::to_string(letter.original_offset)));
  }
  return Status::Ok();  // a transient failure is produced again by Flush
}

Status DeadLetterWriter::Flush(int timeout_ms) {
  const double deadline = MonotonicSeconds() + static_cast<double>(timeout_ms) / 1000;
  Backoff backoff(retry_);
  while (true) {
    size_t failed = 0;
    size_t in_flight = 0;
    std::optional<Error> first_failure;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [source, tracked] : letters_) {
        if (tracked.state == State::kInFlight) ++in_flight;
        if (tracked.state != State::kFailed) continue;
        ++failed;
        if (!IsTransient(*tracked.error)) {
          return std::unexpected(tracked.error->WithContext(
              "dead letter of " + std::get<0>(source) + "/" + std::to_string(std::get<1>(source)) + "@" +
              std::to_string(std::get<2>(source)) + " cannot be delivered"));
        }
        if (!first_failure) first_failure = tracked.error;
      }
    }
    if (failed == 0 && in_flight == 0) return Status::Ok();
    const double now = MonotonicSeconds();
    if (now >= deadline) {
      return MakeError(ErrorCode::kTimeout, std::to_string(failed + in_flight) +
                                                " dead letter(s) not acknowledged after " +
                                                std::to_string(timeout_ms) + " ms (kept, delivered later)" +
                                                (first_failure ? "; last failure: " + first_failure->ToString() : ""));
    }
    if (failed > 0) {
      const int64_t wait = std::min<int64_t>(backoff.NextDelayMs(), static_cast<int64_t>((deadline - now) * 1000) + 1);
      Log().warn(R"("dead letter delivery failed, producing again","letters":{},"attempt":{},"wait_ms":{},"error":{})",
                 failed, backoff.attempts(), wait, JsonQuoted(first_failure->ToString()));
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
      std::vector<std::pair<const Source*, Tracked*>> again;
      {
        std::lock_guard lock(mutex_);
        for (auto& [source, tracked] : letters_) {
          if (tracked.state == State::kFailed) again.emplace_back(&source, &tracked);
        }
      }
      for (auto [source, tracked] : again) {
        retries_.fetch_add(1, std::memory_order_relaxed);
        (void)ProduceTracked(*source, tracked);  // a failure stays kFailed and is tried again
      }
      continue;
    }
    // Letters in flight: librdkafka retries them until message.timeout.ms.
    const int slice = static_cast<int>(std::clamp((deadline - now) * 1000, 1.0, 1000.0));
    Status flushed = producer_->Flush(slice);
    if (!flushed && flushed.error().code() != ErrorCode::kTimeout) return flushed;
  }
}

void DeadLetterWriter::Forget() {
  std::lock_guard lock(mutex_);
  for (auto it = letters_.begin(); it != letters_.end();) {
    if (it->second.state == State::kAcknowledged) it = letters_.erase(it);
    else ++it;
  }
}

}  // namespace jsm::kafka
