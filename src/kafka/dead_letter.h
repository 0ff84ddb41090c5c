#pragma once
/// Dead letters: messages that can never become a silver row, sent to
/// `<topic>.dlq` with their original key and value and the header contract of
/// ARCHITECTURE.md.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <string_view>
#include <vector>

#include "common/backoff.h"
#include "common/status.h"
#include "kafka/producer.h"

namespace jsm::kafka {

/// Everything a dead letter carries besides the original bytes.
struct DeadLetter {
  std::string_view key;
  bool has_key = true;
  std::string_view value;
  bool has_value = true;  ///< false: the event was a tombstone, and the letter's value is null too
  std::string_view reason;  ///< machine code, e.g. "not_json"
  std::string_view error;   ///< human sentence
  std::string_view stage;   ///< e.g. "refine"
  std::string_view original_topic;
  int32_t original_partition = 0;
  int64_t original_offset = 0;
  int64_t original_timestamp_ms = -1;
  int64_t first_failed_at_ms = 0;  ///< 0 = now
  int attempts = 1;
  /// Set when the failed event was a replayed letter (CarryLineage): its dlq.replayed_from,
  /// dlq.replayed_at and dlq.previous_reason, sent after the contract headers. Empty = not a replay.
  std::string_view replayed_from;
  std::string_view replayed_at;
  std::string_view previous_reason;
  /// Where the failing stage read the event (for a replay, not the original
  /// coordinates): identifies the letter while it is being delivered, so a batch
  /// that is run again never sends it twice. -1 = use the original coordinates.
  int32_t source_partition = -1;
  int64_t source_offset = -1;
  /// The topic the failing stage read the event from (bronze's `topic`), for the same
  /// identity; never lineage. Empty = original_topic.
  std::string_view source_topic;
  /// Set when the event carried dlq.* lineage headers that were not believed (unsigned,
  /// badly signed: kafka::LineageTrustName): sent as `dlq.lineage_ignored`, after the contract headers.
  std::string_view lineage_ignored;
};

/// The dlq.* headers of a dead letter, in the contract's order: dlq.reason,
/// dlq.error, dlq.stage, dlq.original.{topic,partition,offset,timestamp},
/// dlq.first_failed_at, dlq.failed_at, dlq.attempts, dlq.pipeline_version.
/// Numbers are decimal text (the original timestamp in ms, -1 if unknown);
/// the two failure times are ISO-8601 UTC with ms, e.g. 2026-11-24T10:00:00.123Z.
/// A letter of a replayed event then has dlq.replayed_from, dlq.replayed_at and dlq.previous_reason;
/// one whose event carried lineage headers that were not believed, dlq.lineage_ignored.
std::vector<Header> DeadLetterHeaders(const DeadLetter& letter, std::string_view pipeline_version);
/// Same, with "now" given (failed_at, and first_failed_at when the letter has none).
std::vector<Header> DeadLetterHeaders(const DeadLetter& letter, std::string_view pipeline_version,
                                      int64_t now_ms);

/// Sends dead letters to the configured dead-letter topic (`<source topic>.dlq` of the
/// pipeline's settings, never a topic named by the event or its headers) through a producer, and follows
/// each one until the broker acknowledged it: a delivery that fails transiently
/// (broker unavailable, timeouts) is produced again with capped exponential
/// backoff, never dropped. A letter stays known (by where its event was read)
/// until Forget(), so a batch that is run again after a failure sends each
/// letter once: Send skips letters already acknowledged or still in flight.
/// Send, Flush and Forget are called by one thread; delivery reports arrive on the producer's.
class DeadLetterWriter {
 public:
  /// Every letter goes to `dlq_topic`. `producer` must outlive the writer and serve no other tracked messages.
  DeadLetterWriter(Producer* producer, std::string dlq_topic, std::string pipeline_version,
                   BackoffPolicy retry = {500, 10000, 2.0, 0.25});
  ~DeadLetterWriter();
  DeadLetterWriter(const DeadLetterWriter&) = delete;
  DeadLetterWriter& operator=(const DeadLetterWriter&) = delete;

  /// Enqueues one dead letter to the writer's topic: original key
  /// (a null key when has_key is false) and value (a null value when has_value is
  /// false) unchanged, dlq.* headers.
  /// Does nothing for a letter of the same event (source coordinates) sent since
  /// the last Forget() that is acknowledged or in flight; one whose delivery failed is sent again.
  Status Send(const DeadLetter& letter);
  /// Waits until every letter sent since the last Forget() is acknowledged,
  /// producing failed ones again with backoff. A permanent delivery failure is
  /// returned at once; kTimeout (transient) when letters are still unacknowledged
  /// after `timeout_ms`: they stay tracked, and a later Flush goes on waiting.
  Status Flush(int timeout_ms);
  /// Forgets the acknowledged letters, after the caller committed past their events.
  void Forget();
  /// Deliveries produced again after a transient failure, so far.
  int64_t retries() const { return retries_.load(); }
  /// Letters Send skipped because they were already acknowledged or in flight, so far.
  int64_t skipped() const { return skipped_.load(); }
  /// The topic every letter goes to.
  const std::string& topic() const { return topic_; }

 private:
  /// Where the event of a letter was read: (topic, partition, offset).
  using Source = std::tuple<std::string, int32_t, int64_t>;
  enum class State { kInFlight, kAcknowledged, kFailed };
  struct Tracked {
    uint64_t id = 0;
    State state = State::kInFlight;
    std::optional<Error> error;  ///< kFailed: the delivery error
    bool has_key = true;
    std::string key;
    bool has_value = true;
    std::string value;
    std::vector<Header> headers;
  };
  void OnDelivery(uint64_t id, const Error* error);
  /// Produces `tracked` under a new id (takes mutex_ only around the bookkeeping).
  Status ProduceTracked(const Source& source, Tracked* tracked);

  Producer* producer_;
  std::string topic_;
  std::string pipeline_version_;
  BackoffPolicy retry_;
  std::mutex mutex_;
  std::map<Source, Tracked> letters_;          ///< guarded by mutex_
  std::map<uint64_t, Source> in_flight_;       ///< id -> letter, guarded by mutex_
  uint64_t next_id_ = 1;                       ///< guarded by mutex_
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> skipped_{0};
};

/// Name of the dead-letter topic of `topic`.
inline std::string DeadLetterTopic(std::string_view topic) { return std::string(topic) + ".dlq"; }

}  // namespace jsm::kafka
