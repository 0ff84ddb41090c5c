#include "pipeline/order_feed.h"

#include <thread>

#include "common/clock.h"

namespace jsm::pipeline {

namespace {

/// An upper bound of the JSON event of `record`: every byte escaped as \u00XX, plus the names.
int64_t EventBytesBound(const model::OrderRecord& record) {
  constexpr int64_t kNamesAndPunctuation = 160;
  const size_t text = record.transaction_no.size() + record.date.size() + record.product_no.size() +
                      record.product.size() + record.price.size() + record.quantity.size() +
                      record.customer_no.size() + record.country.size() + record.currency.size();
  return kNamesAndPunctuation + 6 * static_cast<int64_t>(text);
}

}  // namespace

Result<int64_t> CheckOrders(model::OrderSource* source, int64_t max_message_bytes) {
  model::OrderRecord record;
  std::string json;
  int64_t records = 0;
  const int64_t limit = max_message_bytes - kRecordOverheadBytes;
  while (source->Next(&record)) {
    ++records;
    // Building the event costs more than reading the line: only for records that might be too large.
    const int64_t key_bytes = static_cast<int64_t>(record.transaction_no.size());
    if (EventBytesBound(record) + key_bytes <= limit) continue;
    json.clear();
    model::AppendOrderEventJson(record, &json);
    const int64_t bytes = static_cast<int64_t>(json.size()) + key_bytes;
    if (bytes > limit) {
      return MakeError(ErrorCode::kInvalidArgument,
                       source->Where() + ": its event is " + std::to_string(bytes) +
                           " bytes with its key, more than a Kafka message may hold here (message.max.bytes " +
                           std::to_string(max_message_bytes) + " less " + std::to_string(kRecordOverheadBytes) +
                           " bytes of record overhead); nothing was produced (a larger limit needs "
                           "message.max.bytes in [kafka.properties] and the topic's max.message.bytes)");
    }
  }
  if (const Status parsed = source->status(); !parsed) {
    return MakeError(parsed.error().code(), parsed.error().message() + "; nothing was produced");
  }
  return records;
}

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
    if (auto sent = producer->Produce(topic, record.transaction_no, json); !sent) {
      const std::string where = source->Where();
      return std::unexpected(where.empty() ? sent.error() : sent.error().WithContext(where));
    }
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
