#include "kafka/producer.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "kafka/client_conf.h"
#include "kafka/rdkafka_error.h"
#include "kafka/rdkafka_log.h"

namespace jsm::kafka {
namespace {

/// Local queue limit: large enough that a fast producer is rarely blocked, small
/// enough (with the byte limit below) to bound memory.
constexpr const char* kQueueMaxMessages = "1000000";
constexpr const char* kQueueMaxKbytes = "262144";
/// How long Produce waits for a delivery report (freeing queue space) before retrying.
constexpr std::chrono::milliseconds kBackPressureWait{100};
/// How long the delivery-report thread blocks in one poll.
constexpr int kReportPollMs = 100;

}  // namespace

struct Producer::Impl {
  rd_kafka_t* rk = nullptr;
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics;  // used by the producing thread only
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> back_pressure_waits{0};
  // Back-pressure: Produce waits here for the report thread to serve reports.
  std::atomic<int64_t> reports{0};
  std::atomic<bool> producer_waiting{false};
  std::mutex space_mu;
  std::condition_variable space_cv;
  std::atomic<int64_t> failed_untracked{0};
  int64_t failed_at_last_flush = 0;
  std::mutex listener_mu;
  DeliveryListener listener;  // guarded by listener_mu
  mutable std::mutex error_mu;
  std::optional<Error> first_error;  // guarded by error_mu
  std::atomic<bool> stop{false};
  std::thread report_thread;

  ~Impl() {
    if (report_thread.joinable()) {
      stop = true;
      rd_kafka_queue_t* main_queue = rd_kafka_queue_get_main(rk);
      rd_kafka_queue_yield(main_queue);  // wakes the report thread's poll
      rd_kafka_queue_destroy(main_queue);
      report_thread.join();
    }
    for (auto& [name, rkt] : topics) rd_kafka_topic_destroy(rkt);
    if (rk != nullptr) {
      const int in_flight = rd_kafka_outq_len(rk);
      if (in_flight > 0) {
        LogText(spdlog::level::warn, "Kafka producer destroyed with " + std::to_string(in_flight) +
                                         " message(s) or reports in flight; call Flush before destroying it");
      }
      rd_kafka_destroy(rk);
    }
  }

  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    // Sequentially consistent with WaitForReports: one side always sees the other.
    self->reports.fetch_add(1);
    if (self->producer_waiting.load()) {
      { std::lock_guard lock(self->space_mu); }
      self->space_cv.notify_all();
    }
    const auto id = reinterpret_cast<uintptr_t>(message->_private);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      self->delivered.fetch_add(1, std::memory_order_relaxed);
      if (id != 0) self->Notify(id, nullptr);
      return;
    }
    self->failed.fetch_add(1, std::memory_order_relaxed);
    if (id != 0) {
      const char* topic = message->rkt != nullptr ? rd_kafka_topic_name(message->rkt) : "?";
      const Error error = RdKafkaError(message->err, std::string("delivering to topic '") + topic + "' partition " +
                                                         std::to_string(message->partition));
      self->Notify(id, &error);
      return;
    }
    self->failed_untracked.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(self->error_mu);
    if (!self->first_error) {
      const char* topic = message->rkt != nullptr ? rd_kafka_topic_name(message->rkt) : "?";
      self->first_error = RdKafkaError(message->err, std::string("delivering to topic '") + topic +
                                                         "' partition " + std::to_string(message->partition));
    }
  }

  static void OnError(rd_kafka_t* rk, int err, const char* reason, void*) {
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      char fatal[512] = {0};
      code = rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
      LogText(spdlog::level::err,
              std::string("Kafka producer fatal error ") + rd_kafka_err2name(code) + ": " + fatal);
      return;
    }
    // librdkafka has already logged the non-fatal ones (and retries them itself).
    LogText(spdlog::level::debug,
            std::string("Kafka producer error ") + rd_kafka_err2name(code) + ": " + reason);
  }

  void Notify(uint64_t id, const Error* error) {
    std::lock_guard lock(listener_mu);
    if (listener) listener(id, error);
  }

  /// Blocks until the report thread served at least one delivery report, or
  /// kBackPressureWait passed.
  void WaitForReports() {
    std::unique_lock lock(space_mu);
    const int64_t seen = reports.load();
    producer_waiting.store(true);
    space_cv.wait_for(lock, kBackPressureWait, [&] { return reports.load() != seen; });
    producer_waiting.store(false);
  }

  rd_kafka_topic_t* TopicHandle(std::string_view topic) {
    auto it = topics.find(topic);
    if (it != topics.end()) return it->second;
    std::string name(topic);
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, name.c_str(), nullptr);
    if (rkt == nullptr) return nullptr;
    topics.emplace(std::move(name), rkt);
    return rkt;
  }

  Status Produce(std::string_view topic, const std::string_view* key, std::string_view value,
                 const std::vector<Header>& headers, int32_t partition, uint64_t id = 0) {
    rd_kafka_topic_t* rkt = TopicHandle(topic);
    if (rkt == nullptr) {
      return std::unexpected(
          RdKafkaError(rd_kafka_last_error(), "producing to topic '" + std::string(topic) + "'"));
    }
    rd_kafka_headers_t* hdrs = nullptr;
    if (!headers.empty()) {
      hdrs = rd_kafka_headers_new(headers.size());
      for (const Header& h : headers) {
        rd_kafka_header_add(hdrs, h.name.data(), static_cast<ssize_t>(h.name.size()), h.value.data(),
                            static_cast<ssize_t>(h.value.size()));
      }
    }
    const int32_t target = partition < 0 ? RD_KAFKA_PARTITION_UA : partition;
    void* key_ptr = key != nullptr ? const_cast<char*>(key->data()) : nullptr;
    const size_t key_len = key != nullptr ? key->size() : 0;
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(target), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key_ptr, key_len), RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(id))),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();  // hdrs now belong to the message
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        // Back-pressure: wait for deliveries to free queue space, then retry.
        back_pressure_waits.fetch_add(1, std::memory_order_relaxed);
        WaitForReports();
        continue;
      }
      if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
      std::string context = "producing to topic '" + std::string(topic) + "'";
      if (partition >= 0) context += " partition " + std::to_string(partition);
      if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char fatal[512] = {0};
        const rd_kafka_resp_err_t cause = rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
        return std::unexpected(Error(ErrorCode::kClientFatal,
                                     RdKafkaError(cause, context + ": producer is in a fatal state", fatal).message()));
      }
      return std::unexpected(RdKafkaError(err, context));
    }
  }
};

Result<int64_t> MaxMessageBytes(const ClientConfig& config) {
  JSM_ASSIGN_OR_RETURN(RdKafkaConfPtr conf, NewClientConf(ClientConfig{"", config.properties}, {}));
  char value[32];
  size_t size = sizeof(value);
  if (rd_kafka_conf_get(conf.get(), "message.max.bytes", value, &size) != RD_KAFKA_CONF_OK) {
    return MakeError(ErrorCode::kInternal, "librdkafka has no message.max.bytes property");
  }
  return std::stoll(value);
}

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Producer::~Producer() = default;

Result<std::unique_ptr<Producer>> Producer::Create(const ClientConfig& config,
                                                   const ProducerOptions& options) {
  const PropertyList defaults = {
      {"client.id", "jsm-producer"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"compression.type", options.compression},
      {"linger.ms", std::to_string(options.linger_ms)},
      {"queue.buffering.max.messages", kQueueMaxMessages},
      {"queue.buffering.max.kbytes", kQueueMaxKbytes},
      // Same key -> partition mapping as the Java client, so every producer of a
      // TransactionNo agrees on its partition.
      {"partitioner", "murmur2_random"},
  };
  JSM_ASSIGN_OR_RETURN(RdKafkaConfPtr conf, NewClientConf(config, defaults));
  auto impl = std::make_unique<Impl>();
  rd_kafka_conf_set_opaque(conf.get(), impl.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Impl::OnDelivery);
  rd_kafka_conf_set_error_cb(conf.get(), &Impl::OnError);
  JSM_ASSIGN_OR_RETURN(impl->rk, NewClient(RD_KAFKA_PRODUCER, std::move(conf)));
  Impl* raw = impl.get();
  raw->report_thread = std::thread([raw] {
    while (!raw->stop.load(std::memory_order_relaxed)) rd_kafka_poll(raw->rk, kReportPollMs);
  });
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Status Producer::Produce(std::string_view topic, std::string_view key, std::string_view value,
                         const std::vector<Header>& headers, int32_t partition) {
  return impl_->Produce(topic, &key, value, headers, partition);
}

Status Producer::ProduceWithoutKey(std::string_view topic, std::string_view value,
                                   const std::vector<Header>& headers, int32_t partition) {
  return impl_->Produce(topic, nullptr, value, headers, partition);
}

Status Producer::ProduceTracked(std::string_view topic, const std::string_view* key, std::string_view value,
                                const std::vector<Header>& headers, uint64_t id) {
  if (id == 0) return MakeError(ErrorCode::kInvalidArgument, "a tracked message needs a non-zero id");
  return impl_->Produce(topic, key, value, headers, -1, id);
}

void Producer::SetDeliveryListener(DeliveryListener listener) {
  std::lock_guard lock(impl_->listener_mu);
  impl_->listener = std::move(listener);
}

Status Producer::Flush(int timeout_ms) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk, timeout_ms);
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    return MakeError(ErrorCode::kTimeout,
                     "Kafka producer flush: " + std::to_string(rd_kafka_outq_len(impl_->rk)) +
                         " message(s) still undelivered after " + std::to_string(timeout_ms) + " ms");
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(RdKafkaError(err, "Kafka producer flush"));
  const int64_t failed_now = impl_->failed_untracked.load();
  if (failed_now > impl_->failed_at_last_flush) {
    const int64_t newly_failed = failed_now - impl_->failed_at_last_flush;
    impl_->failed_at_last_flush = failed_now;
    const std::string context = "Kafka producer flush: " + std::to_string(newly_failed) +
                                " message(s) failed delivery; first failure";
    std::lock_guard lock(impl_->error_mu);
    if (!impl_->first_error) return MakeError(ErrorCode::kUnavailable, context + " unknown");
    return std::unexpected(impl_->first_error->WithContext(context));
  }
  return Status::Ok();
}

std::optional<Error> Producer::FatalError() const {
  char reason[512] = {0};
  const rd_kafka_resp_err_t cause = rd_kafka_fatal_error(impl_->rk, reason, sizeof(reason));
  if (cause == RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  return Error(ErrorCode::kClientFatal,
               RdKafkaError(cause, "Kafka producer is in a fatal state and must be rebuilt", reason).message());
}

int64_t Producer::delivered() const { return impl_->delivered.load(); }
int64_t Producer::failed() const { return impl_->failed.load(); }
int64_t Producer::back_pressure_waits() const { return impl_->back_pressure_waits.load(); }

std::string Producer::first_error() const {
  std::lock_guard lock(impl_->error_mu);
  return impl_->first_error ? impl_->first_error->ToString() : std::string();
}

}  // namespace jsm::kafka
