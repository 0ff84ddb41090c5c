#include "kafka/consumer.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>

#include "kafka/client_conf.h"
#include "kafka/rdkafka_error.h"
#include "kafka/rdkafka_handles.h"
#include "kafka/rdkafka_log.h"
#include "kafka/topic_metadata.h"

namespace jsm::kafka {
namespace {

std::string Where(const std::string& topic, int32_t partition) {
  return "partition " + std::to_string(partition) + " of '" + topic + "'";
}

void OnOffsetCommit(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets, void*) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR && offsets != nullptr) {
    for (int i = 0; i < offsets->cnt; ++i) {
      if (offsets->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        err = offsets->elems[i].err;
        break;
      }
    }
  }
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  // Group offsets only feed lag tools (the Delta txn is the source of truth), so
  // a failed commit is worth a warning, not a failure of the batch.
  LogText(spdlog::level::warn,
          RdKafkaError(err, "Kafka consumer group offset commit failed (the next commit supersedes it)")
              .message());
}

}  // namespace

struct Consumer::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  std::string topic;                      // of the current assignment or subscription
  std::vector<rd_kafka_message_t*> held;  // returned by the last Poll, destroyed by the next
  std::optional<Error> pending_error;     // seen after messages of the same batch
  std::set<int32_t> owned;                // partitions assigned to us now
  RebalanceHandler handler;               // set by Subscribe
  bool subscribed = false;
  bool assigned_once = false;             // a group assignment was received
  std::atomic<bool> all_brokers_down{false};  // set by the error callback, cleared by Poll
  std::atomic<bool> permanent_seen{false};
  std::mutex error_mutex;                     // the error callback runs on a librdkafka thread
  std::optional<Error> permanent_error;       // e.g. authentication failed

  /// librdkafka's error events. Most are informational (it keeps retrying); two
  /// matter to the caller: all brokers down (Poll then reports kUnavailable until
  /// one answers again) and errors no retry fixes (authentication, fatal).
  void OnError(rd_kafka_resp_err_t err, const char* reason) {
    const Error error = RdKafkaError(err, "Kafka consumer", reason != nullptr ? reason : "");
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
      all_brokers_down = true;
    } else if (err == RD_KAFKA_RESP_ERR__FATAL || error.code() == ErrorCode::kInvalidArgument ||
               error.code() == ErrorCode::kClientFatal) {
      // A fatal client error (e.g. a static member fenced by a broker restart) leaves
      // the handle dead: client_fatal, so the stage that owns it rebuilds it.
      Error permanent = err == RD_KAFKA_RESP_ERR__FATAL ? FatalError() : error;
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!permanent_error) permanent_error = std::move(permanent);
      permanent_seen = true;
    }
    LogText(spdlog::level::warn, error.message());
  }

  /// The client_fatal error of a handle in librdkafka's fatal state, with its cause.
  Error FatalError() const {
    char reason[512] = {0};
    const rd_kafka_resp_err_t cause = rk != nullptr ? rd_kafka_fatal_error(rk, reason, sizeof(reason))
                                                    : RD_KAFKA_RESP_ERR__FATAL;
    return Error(ErrorCode::kClientFatal,
                 RdKafkaError(cause, "Kafka consumer is in a fatal state and must be rebuilt", reason).message());
  }

  static void OnErrorEvent(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<Impl*>(opaque)->OnError(static_cast<rd_kafka_resp_err_t>(err), reason);
  }

  /// While all brokers are down: kUnavailable until a metadata request succeeds.
  Status CheckBrokers() {
    if (permanent_seen) {
      std::lock_guard<std::mutex> lock(error_mutex);
      return std::unexpected(*permanent_error);
    }
    // A handle can turn fatal without an error event reaching us first (a fenced static member).
    if (rd_kafka_fatal_error(rk, nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(FatalError());
    if (!all_brokers_down) return Status::Ok();
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/0, nullptr, &metadata, 1000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return MakeError(ErrorCode::kUnavailable,
                       "Kafka consumer: all brokers are down or unreachable (" + std::string(rd_kafka_err2name(err)) +
                           "); librdkafka keeps reconnecting");
    }
    rd_kafka_metadata_destroy(metadata);
    all_brokers_down = false;
    return Status::Ok();
  }

  void ReleaseHeld() {
    for (rd_kafka_message_t* m : held) rd_kafka_message_destroy(m);
    held.clear();
  }

  static std::vector<int32_t> Partitions(const rd_kafka_topic_partition_list_t* list) {
    std::vector<int32_t> partitions;
    partitions.reserve(static_cast<size_t>(list->cnt));
    for (int i = 0; i < list->cnt; ++i) partitions.push_back(list->elems[i].partition);
    return partitions;
  }

  void KeepFirstError(Error error) {
    if (!pending_error) pending_error = std::move(error);
  }

  /// Serves a group rebalance (librdkafka calls it from inside a poll).
  void Rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* list) {
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    const std::vector<int32_t> partitions = Partitions(list);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      Result<std::map<int32_t, int64_t>> starts = std::map<int32_t, int64_t>{};
      if (handler.on_assign) starts = handler.on_assign(partitions);
      if (!starts) {
        // Without start offsets the partitions cannot be read exactly once:
        // leave them unassigned and fail the Poll.
        KeepFirstError(starts.error().WithContext("assigning partitions of '" + topic + "'"));
        if (!cooperative) (void)rd_kafka_assign(rk, nullptr);
        return;
      }
      for (int i = 0; i < list->cnt; ++i) {
        auto it = starts->find(list->elems[i].partition);
        list->elems[i].offset = it == starts->end() ? RD_KAFKA_OFFSET_BEGINNING : it->second;
      }
      Status assigned;
      if (cooperative) {
        assigned = ConsumeRdKafkaError(rd_kafka_incremental_assign(rk, list), "assigning partitions");
      } else if (const rd_kafka_resp_err_t e = rd_kafka_assign(rk, list); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        assigned = std::unexpected(RdKafkaError(e, "assigning partitions"));
      }
      if (!assigned) return KeepFirstError(assigned.error());
      if (!cooperative) owned.clear();
      owned.insert(partitions.begin(), partitions.end());
      assigned_once = true;
      return;
    }
    // Revocation (or a rebalance error): tell the owner first, then let go.
    const bool lost = err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(rk) != 0;
    if (handler.on_revoke) handler.on_revoke(cooperative ? partitions : std::vector<int32_t>(owned.begin(), owned.end()), lost);
    if (cooperative) {
      Status released = ConsumeRdKafkaError(rd_kafka_incremental_unassign(rk, list), "revoking partitions");
      if (!released) KeepFirstError(released.error());
      for (int32_t p : partitions) owned.erase(p);
    } else {
      (void)rd_kafka_assign(rk, nullptr);
      owned.clear();
    }
  }

  static void OnRebalance(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                          void* opaque) {
    static_cast<Impl*>(opaque)->Rebalance(err, partitions);
  }

  ~Impl() {
    // consumer_close serves a last revocation: the handler's owner may be half
    // destroyed by now, so it is not told.
    handler = {};
    // librdkafka 2.0.2 aborts (an assertion in the cooperative-sticky assignor,
    // fixed upstream in 2.3.0) when a subscribed consumer is destroyed before its
    // first assignment: wait for it, bounded, serving the rebalance without a handler.
    if (subscribed && !assigned_once && rk != nullptr &&
        rd_kafka_fatal_error(rk, nullptr, 0) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ReleaseHeld();
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (!assigned_once && std::chrono::steady_clock::now() < deadline) {
        if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100)) rd_kafka_message_destroy(m);
      }
    }
    ReleaseHeld();
    if (queue != nullptr) rd_kafka_queue_destroy(queue);
    if (rk != nullptr) {
      if (rd_kafka_fatal_error(rk, nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        // A dead handle cannot leave its group (and librdkafka 2.0.2 spins for ever in
        // rd_kafka_destroy after a consumer_close of one): destroyed without the close.
        rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        return;
      }
      const rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        LogText(spdlog::level::warn, RdKafkaError(err, "closing Kafka consumer").message());
      }
      rd_kafka_destroy(rk);
    }
  }

  Error MessageError(const rd_kafka_message_t* m) const {
    const std::string where =
        m->rkt != nullptr ? Where(rd_kafka_topic_name(m->rkt), m->partition) : std::string("Kafka consumer");
    const std::string detail = rd_kafka_message_errstr(m);
    if (m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE || m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
      return Error(
          ErrorCode::kDataLoss,
          where + ": offset " + std::to_string(m->offset) +
              " is no longer (or not yet) in the broker's log; data may have been deleted by retention "
              "before it was ingested: " +
              detail);
    }
    if (m->err == RD_KAFKA_RESP_ERR__FATAL) return FatalError().WithContext(where);
    Error error = RdKafkaError(
        m->err, where + (m->offset >= 0 ? " at offset " + std::to_string(m->offset) : ""), detail);
    // Kept: data loss, timeouts, a topic or partition that is gone, authentication
    // and authorization failures (the latter two stop ingest; retrying cannot help),
    // and a dead handle (the stage rebuilds it). The rest is transient.
    switch (error.code()) {
      case ErrorCode::kDataLoss:
      case ErrorCode::kTimeout:
      case ErrorCode::kNotFound:
      case ErrorCode::kInvalidArgument:
      case ErrorCode::kClientFatal:
        return error;
      default:
        return Error(ErrorCode::kUnavailable, error.message());
    }
  }
};

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Consumer::~Consumer() = default;

Result<std::unique_ptr<Consumer>> Consumer::Create(const ClientConfig& config, std::string group_id) {
  if (group_id.empty())
    return MakeError(ErrorCode::kInvalidArgument, "Kafka consumer: group id must not be empty");
  const PropertyList defaults = {
      {"client.id", "jsm-consumer"},
      {"group.id", group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "error"},
      {"enable.partition.eof", "false"},
      {"partition.assignment.strategy", "cooperative-sticky"},
      // Partitions added at run time are seen within seconds (the default is 5 minutes).
      {"topic.metadata.refresh.interval.ms", "5000"},
      // Sized for throughput: large fetches, a deep prefetch queue.
      {"fetch.max.bytes", "67108864"},
      {"max.partition.fetch.bytes", "8388608"},
      {"queued.max.messages.kbytes", "262144"},
      {"queued.min.messages", "200000"},
      {"fetch.wait.max.ms", "100"},
  };
  JSM_ASSIGN_OR_RETURN(RdKafkaConfPtr conf, NewClientConf(config, defaults));
  rd_kafka_conf_set_offset_commit_cb(conf.get(), OnOffsetCommit);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::OnRebalance);
  rd_kafka_conf_set_error_cb(conf.get(), &Impl::OnErrorEvent);
  auto impl = std::make_unique<Impl>();
  rd_kafka_conf_set_opaque(conf.get(), impl.get());
  JSM_ASSIGN_OR_RETURN(impl->rk, NewClient(RD_KAFKA_CONSUMER, std::move(conf)));
  // Serve errors and commit callbacks from the same queue Poll reads.
  const rd_kafka_resp_err_t err = rd_kafka_poll_set_consumer(impl->rk);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(RdKafkaError(err, "Kafka consumer set-up"));
  impl->queue = rd_kafka_queue_get_consumer(impl->rk);
  if (impl->queue == nullptr) return MakeError(ErrorCode::kInternal, "Kafka consumer has no consumer queue");
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Result<int> Consumer::PartitionCount(const std::string& topic, int timeout_ms) {
  return TopicPartitionCount(impl_->rk, topic, timeout_ms);
}

Result<Watermarks> Consumer::QueryWatermarks(const std::string& topic, int32_t partition, int timeout_ms) {
  Watermarks marks;
  const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(impl_->rk, topic.c_str(), partition,
                                                                   &marks.low, &marks.high, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(RdKafkaError(err, "watermarks of " + Where(topic, partition)));
  }
  return marks;
}

Status Consumer::AssignAll(const std::string& topic, const std::map<int32_t, int64_t>& next_offsets) {
  JSM_ASSIGN_OR_RETURN(const int partitions, PartitionCount(topic));
  for (const auto& [partition, offset] : next_offsets) {
    if (partition < 0 || partition >= partitions) {
      return MakeError(ErrorCode::kNotFound, "resume offsets name partition " + std::to_string(partition) +
                                                 " but '" + topic + "' has " + std::to_string(partitions) +
                                                 " partition(s)");
    }
    if (offset < 0) {
      return MakeError(ErrorCode::kInvalidArgument, "resume offset " + std::to_string(offset) + " for " +
                                                        Where(topic, partition) + " is negative");
    }
  }
  PartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t start = RD_KAFKA_OFFSET_BEGINNING;
    if (auto it = next_offsets.find(p); it != next_offsets.end()) {
      start = it->second;
      JSM_ASSIGN_OR_RETURN(const Watermarks marks, QueryWatermarks(topic, p));
      if (start < marks.low) {
        return MakeError(ErrorCode::kDataLoss,
                         Where(topic, p) + ": offsets [" + std::to_string(start) + ", " +
                             std::to_string(marks.low) +
                             ") were deleted by the broker's retention before they were ingested");
      }
      if (start > marks.high) {
        // The log is shorter than what we already ingested: the topic was
        // recreated or truncated, so the data we resume after is gone too.
        return MakeError(ErrorCode::kDataLoss, Where(topic, p) + ": resume offset " + std::to_string(start) +
                                                   " is beyond the end of the log (" +
                                                   std::to_string(marks.high) +
                                                   "); was the topic deleted and recreated?");
      }
    }
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = start;
  }
  impl_->ReleaseHeld();
  impl_->pending_error.reset();
  const rd_kafka_resp_err_t err = rd_kafka_assign(impl_->rk, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::unexpected(RdKafkaError(err, "assigning '" + topic + "'"));
  impl_->topic = topic;
  impl_->owned.clear();
  for (int32_t p = 0; p < partitions; ++p) impl_->owned.insert(p);
  return Status::Ok();
}

Status Consumer::Subscribe(const std::string& topic, RebalanceHandler handler) {
  // Subscribing to an absent topic is no error for librdkafka (it waits for the
  // topic to appear): a typo would hang silently, so it is refused here.
  JSM_ASSIGN_OR_RETURN(const int partitions, PartitionCount(topic));
  (void)partitions;
  impl_->handler = std::move(handler);
  impl_->topic = topic;
  impl_->subscribed = true;
  PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(impl_->rk, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(RdKafkaError(err, "subscribing to '" + topic + "'"));
  return Status::Ok();
}

Status Consumer::Seek(const std::map<int32_t, int64_t>& next_offsets, int timeout_ms) {
  if (next_offsets.empty()) return Status::Ok();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& [partition, offset] : next_offsets) {
    if (!impl_->owned.contains(partition)) continue;
    rd_kafka_topic_partition_list_add(list.get(), impl_->topic.c_str(), partition)->offset =
        offset < 0 ? RD_KAFKA_OFFSET_BEGINNING : offset;
  }
  if (list->cnt == 0) return Status::Ok();
  impl_->ReleaseHeld();
  JSM_RETURN_IF_ERROR(ConsumeRdKafkaError(rd_kafka_seek_partitions(impl_->rk, list.get(), timeout_ms),
                                          "seeking partitions of '" + impl_->topic + "'"));
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return std::unexpected(RdKafkaError(list->elems[i].err, "seeking " + Where(impl_->topic, list->elems[i].partition)));
    }
  }
  return Status::Ok();
}

const std::set<int32_t>& Consumer::owned_partitions() const { return impl_->owned; }


Status Consumer::Poll(size_t max_messages, int timeout_ms, std::vector<Message>* out) {
  out->clear();
  impl_->ReleaseHeld();
  JSM_RETURN_IF_ERROR(impl_->CheckBrokers());
  if (impl_->pending_error) {
    Error error = std::move(*impl_->pending_error);
    impl_->pending_error.reset();
    return std::unexpected(std::move(error));
  }
  if (max_messages == 0) return Status::Ok();
  std::vector<rd_kafka_message_t*>& held = impl_->held;
  held.resize(max_messages);
  const ssize_t n = rd_kafka_consume_batch_queue(impl_->queue, timeout_ms, held.data(), max_messages);
  if (n < 0) {
    held.clear();
    return std::unexpected(RdKafkaError(rd_kafka_last_error(), "polling Kafka consumer"));
  }
  held.resize(static_cast<size_t>(n));
  out->reserve(held.size());
  size_t kept = 0;
  for (rd_kafka_message_t* m : held) {
    // A message fetched before its partition was revoked (in this very batch) is not ours.
    const bool foreign = m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->rkt != nullptr && !impl_->owned.contains(m->partition);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR || m->rkt == nullptr || foreign) {
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF &&
          !impl_->pending_error) {
        impl_->pending_error = impl_->MessageError(m);
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    held[kept++] = m;
    Message& msg = out->emplace_back();
    msg.partition = m->partition;
    msg.offset = m->offset;
    msg.timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
    msg.has_key = m->key != nullptr;
    if (m->key != nullptr) msg.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
    msg.has_value = m->payload != nullptr;
    if (m->payload != nullptr) msg.value = std::string_view(static_cast<const char*>(m->payload), m->len);
    msg.native = m;
  }
  held.resize(kept);
  if (out->empty() && impl_->pending_error) {
    Error error = std::move(*impl_->pending_error);
    impl_->pending_error.reset();
    return std::unexpected(std::move(error));
  }
  return Status::Ok();
}

void Consumer::InjectFatalErrorForTesting(const std::string& reason) {
  (void)rd_kafka_test_fatal_error(impl_->rk, RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID, reason.c_str());
}

Status Consumer::CommitOffsets(const std::map<int32_t, int64_t>& next_offsets) {
  if (next_offsets.empty()) return Status::Ok();
  if (impl_->topic.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "Kafka consumer: CommitOffsets before AssignAll or Subscribe");
  }
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& [partition, offset] : next_offsets) {
    if (!impl_->owned.contains(partition) || offset < 0) continue;
    rd_kafka_topic_partition_list_add(list.get(), impl_->topic.c_str(), partition)->offset = offset;
  }
  if (list->cnt == 0) return Status::Ok();
  const rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk, list.get(), /*async=*/1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(RdKafkaError(err, "committing offsets of '" + impl_->topic + "'"));
  }
  return Status::Ok();
}

Result<std::string> Consumer::ClusterId(int timeout_ms) {
  char* id = rd_kafka_clusterid(impl_->rk, timeout_ms);
  if (id == nullptr) {
    return MakeError(ErrorCode::kUnavailable,
                     "the brokers did not report a cluster id within " + std::to_string(timeout_ms) + " ms");
  }
  std::string out(id);
  rd_kafka_mem_free(impl_->rk, id);
  return out;
}

Result<std::map<int32_t, int64_t>> Consumer::CommittedOffsets(const std::string& topic, int timeout_ms) {
  JSM_ASSIGN_OR_RETURN(const int partitions, PartitionCount(topic, timeout_ms));
  PartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int32_t p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  const rd_kafka_resp_err_t err = rd_kafka_committed(impl_->rk, list.get(), timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(RdKafkaError(err, "committed offsets of '" + topic + "'"));
  }
  std::map<int32_t, int64_t> committed;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = list->elems[i];
    if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return std::unexpected(RdKafkaError(tp.err, "committed offset of " + Where(topic, tp.partition)));
    }
    if (tp.offset >= 0) committed[tp.partition] = tp.offset;
  }
  return committed;
}

void MessageHeaders(const Message& message, std::vector<HeaderView>* out) {
  out->clear();
  if (message.native == nullptr) return;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message.native, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    HeaderView& view = out->emplace_back();
    view.name = name;
    view.has_value = value != nullptr;
    if (value != nullptr) view.value = std::string_view(static_cast<const char*>(value), size);
  }
}

std::vector<HeaderView> MessageHeaders(const Message& message) {
  std::vector<HeaderView> views;
  MessageHeaders(message, &views);
  return views;
}

}  // namespace jsm::kafka
