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

/// Produces every record of `source` to `topic` and flushes; returns the number
/// of events the broker acknowledged. Stops early (still flushing) once `stopping()` returns true.
Result<int64_t> FeedOrders(model::OrderSource* source, kafka::Producer* producer, const std::string& topic,
                           const FeedOptions& options, const std::function<bool()>& stopping);

}  // namespace jsm::pipeline
