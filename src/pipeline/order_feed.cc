#include "pipeline/order_feed.h"

#include <thread>

#include "common/clock.h"

namespace jsm::pipeline {

Result<int64_t> FeedOrders(model::OrderSource* source, kafka::Producer* producer, const std::string& topic,
                           const FeedOptions& options, const std::function<bool()>& stopping) {
  model::OrderRecord record;
  std::string json;
  int64_t produced = 0;
  const int64_t delivered_before = producer->delivered();
  const double started = MonotonicSeconds();
  double last_progress = started;
  while (!stopping() && source->Next(&record)) {
    json.clear();
    model::AppendOrderEventJson(record, &json);
    JSM_RETURN_IF_ERROR(producer->Produce(topic, record.transaction_no, json));
    ++produced;
    if (options.rate > 0) {
      const double due = started + static_cast<double>(produced) / options.rate;
      const double wait = due - MonotonicSeconds();
      if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    }
    if (options.max_lag > 0 && options.ingested && (produced & 1023) == 0) {
      while (!stopping() && produced - options.ingested() > options.max_lag) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    if (options.progress && (produced & 4095) == 0 && MonotonicSeconds() - last_progress >= 1.0) {
      last_progress = MonotonicSeconds();
      options.progress(produced);
    }
  }
  JSM_RETURN_IF_ERROR(source->status());
  JSM_RETURN_IF_ERROR(producer->Flush(120000));
  if (producer->failed() > 0) {
    return MakeError(ErrorCode::kUnavailable, std::to_string(producer->failed()) + " of " +
                                                  std::to_string(produced) + " events were not delivered to '" +
                                                  topic + "': " + producer->first_error());
  }
  if (options.progress) options.progress(produced);
  return producer->delivered() - delivered_before;
}

}  // namespace jsm::pipeline
