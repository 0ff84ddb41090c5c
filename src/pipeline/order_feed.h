#pragma once
/// Replays an OrderSource onto the topic as JSON order events keyed by
/// TransactionNo, at an optional rate, and paced so that no more than a given
/// number of produced events wait to be ingested (the embedded broker keeps only
/// a few MiB per partition).

#include <cstdint>
#include <functional>

#include "common/status.h"
#include "kafka/producer.h"
#include "model/order_source.h"

namespace jsm::pipeline {

/// How to replay.
struct FeedOptions {
  double rate = 0;        ///< events per second; 0 = as fast as possible
  int64_t max_lag = 0;    ///< 0 = do not pace by lag
  /// Events already ingested (compared with the events produced to pace); may be empty.
  std::function<int64_t()> ingested;
  /// Called about every second with events produced so far.
  std::function<void(int64_t produced)> progress;
};

/// Bytes a Kafka record adds to its key, value and headers; librdkafka counts at most this much
/// (a record-batch v2 record's length, attributes, timestamp and offset deltas and varint lengths)
/// when it compares a message with message.max.bytes.
constexpr int64_t kRecordOverheadBytes = 64;

/// Reads the whole of `source`, producing nothing, and checks that every record becomes an event
/// that can be produced: the source parses to its end (a malformed CSV line stops it, its error
/// naming the line), and no event with its key is larger than `max_message_bytes` (less
/// kRecordOverheadBytes); kInvalidArgument naming the record's line (OrderSource::Where) and both
/// sizes otherwise. Returns the number of records. Values that are wrong but well-formed (a price
/// that is not a number) are not checked: they become events that refine quarantines or dead-letters.
Result<int64_t> CheckOrders(model::OrderSource* source, int64_t max_message_bytes);

/// Produces every record of `source` to `topic` and flushes; returns the number
/// of events the broker acknowledged; an event the producer refuses fails naming its record
/// (OrderSource::Where). Stops early (still flushing) once `stopping()` returns true.
Result<int64_t> FeedOrders(model::OrderSource* source, kafka::Producer* producer, const std::string& topic,
                           const FeedOptions& options, const std::function<bool()>& stopping);

}  // namespace jsm::pipeline
