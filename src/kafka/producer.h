#pragma once
/// An idempotent, acks=all producer that counts every delivery report and waits
/// (back-pressure) instead of failing when its queue is full.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"

namespace jsm::kafka {

/// A message header.
struct Header {
  std::string name;
  std::string value;
};

/// Producer settings.
struct ProducerOptions {
  std::string compression = "lz4";  ///< none, gzip, snappy, lz4, zstd
  int linger_ms = 5;
};

/// The largest message a producer of `config` sends: librdkafka's `message.max.bytes` after the
/// config's properties (default 1000000). It counts key, value, headers and the record's own overhead
/// (librdkafka refuses a bigger message with MSG_SIZE_TOO_LARGE before sending it). Connects to nothing;
/// kInvalidArgument for a property librdkafka rejects.
Result<int64_t> MaxMessageBytes(const ClientConfig& config);

/// Produces to any topic. Thread-compatible (one thread calls Produce). Defaults:
/// enable.idempotence=true, acks=all, partitioner=murmur2_random (the Java
/// client's key -> partition mapping); ClientConfig::properties override them.
/// A background thread serves delivery reports.
class Producer {
 public:
  static Result<std::unique_ptr<Producer>> Create(const ClientConfig& config,
                                                  const ProducerOptions& options = {});
  ~Producer();

  /// Enqueues one message (partitioned by key hash when partition < 0). Blocks
  /// while the local queue is full. Fails only on a permanent error. Key, value
  /// and headers are copied; a key whose data() is null is sent as a null key, and
  /// a value whose data() is null (std::string_view()) as a null value, a tombstone.
  Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                 const std::vector<Header>& headers = {}, int32_t partition = -1);
  /// Like Produce, but the message has a null key (not an empty one).
  Status ProduceWithoutKey(std::string_view topic, std::string_view value,
                           const std::vector<Header>& headers = {}, int32_t partition = -1);
  /// Like Produce (a null `key` = a null key), for a caller that follows each message:
  /// its delivery report goes to the delivery listener with `id` (non-zero), and a
  /// failed delivery is not reported by Flush (the listener owns it).
  Status ProduceTracked(std::string_view topic, const std::string_view* key, std::string_view value,
                        const std::vector<Header>& headers, uint64_t id);
  /// Called on the delivery-report thread for every ProduceTracked message: its id and
  /// nullptr when the broker acknowledged it, else the error. Set before producing tracked messages.
  using DeliveryListener = std::function<void(uint64_t id, const Error* error)>;
  void SetDeliveryListener(DeliveryListener listener);
  /// Waits until every enqueued message is delivered or failed; kTimeout after `timeout_ms`.
  /// If untracked messages failed since the previous Flush, returns the first failure's Error.
  Status Flush(int timeout_ms);
  /// The client_fatal error of a producer in librdkafka's fatal state (it can never send
  /// again; a new producer is needed), or nothing.
  std::optional<Error> FatalError() const;
  /// Messages acknowledged by the broker so far.
  int64_t delivered() const;
  /// Messages whose delivery failed permanently so far.
  int64_t failed() const;
  /// The first delivery error seen, if any ("" if none).
  std::string first_error() const;
  /// How many times Produce found the local queue full and waited.
  int64_t back_pressure_waits() const;

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jsm::kafka
