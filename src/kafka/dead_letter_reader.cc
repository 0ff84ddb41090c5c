#include "kafka/dead_letter_reader.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/clock.h"
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

template <class T>
bool ParseNumber(std::string_view text, T* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<Header> CopyHeaders(const rd_kafka_message_t* m) {
  std::vector<Header> out;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  out.reserve(rd_kafka_header_cnt(headers));
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    out.push_back(
        {name, value == nullptr ? std::string() : std::string(static_cast<const char*>(value), size)});
  }
  return out;
}

StoredDeadLetter ToLetter(const std::string& topic, const rd_kafka_message_t* m) {
  StoredDeadLetter letter;
  letter.dlq_topic = topic;
  letter.partition = m->partition;
  letter.offset = m->offset;
  letter.timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
  letter.has_key = m->key != nullptr;
  if (m->key != nullptr) letter.key.assign(static_cast<const char*>(m->key), m->key_len);
  letter.has_value = m->payload != nullptr;
  if (m->payload != nullptr) letter.value.assign(static_cast<const char*>(m->payload), m->len);
  letter.headers = CopyHeaders(m);
  DecodeDeadLetterHeaders(&letter);
  return letter;
}

}  // namespace

std::string StoredDeadLetter::Id() const {
  return dlq_topic + " " + std::to_string(partition) + "@" + std::to_string(offset);
}

const Header* FindHeader(const std::vector<Header>& headers, std::string_view name) {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

Result<int64_t> ParseDeadLetterTime(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + std::string(text) + "' is not a time like 2026-11-24T10:00:00.123Z");
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return bad();
  }
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ParseNumber(text.substr(0, 4), &year) || !ParseNumber(text.substr(5, 2), &month) ||
      !ParseNumber(text.substr(8, 2), &day) || !ParseNumber(text.substr(11, 2), &hour) ||
      !ParseNumber(text.substr(14, 2), &minute) || !ParseNumber(text.substr(17, 2), &second)) {
    return bad();
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return bad();
  int64_t millis = 0;
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return bad();
    std::string_view fraction = rest.substr(1);
    for (char c : fraction) {
      if (c < '0' || c > '9') return bad();
    }
    for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  const int64_t days = DaysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60000 + static_cast<int64_t>(second) * 1000 + millis;
}

void DecodeDeadLetterHeaders(StoredDeadLetter* letter) {
  letter->problems.clear();
  auto text = [&](std::string_view name, std::string* out) {
    const Header* h = FindHeader(letter->headers, name);
    if (h == nullptr) {
      letter->problems.push_back(std::string(name) + ": missing");
      return false;
    }
    *out = h->value;
    return true;
  };
  auto number = [&](std::string_view name, auto* out) {
    std::string value;
    if (!text(name, &value)) return;
    if (!ParseNumber(value, out))
      letter->problems.push_back(std::string(name) + ": '" + value + "' is not a number");
  };
  auto time = [&](std::string_view name, int64_t* out) {
    std::string value;
    if (!text(name, &value)) return;
    Result<int64_t> parsed = ParseDeadLetterTime(value);
    if (parsed)
      *out = *parsed;
    else
      letter->problems.push_back(std::string(name) + ": " + parsed.error().message());
  };
  text("dlq.reason", &letter->reason);
  text("dlq.error", &letter->error);
  text("dlq.stage", &letter->stage);
  text("dlq.original.topic", &letter->original_topic);
  number("dlq.original.partition", &letter->original_partition);
  number("dlq.original.offset", &letter->original_offset);
  number("dlq.original.timestamp", &letter->original_timestamp_ms);
  time("dlq.first_failed_at", &letter->first_failed_at_ms);
  time("dlq.failed_at", &letter->failed_at_ms);
  number("dlq.attempts", &letter->attempts);
  if (letter->attempts < 1) {
    letter->problems.push_back("dlq.attempts: " + std::to_string(letter->attempts) + " is below 1");
    letter->attempts = 1;
  }
  text("dlq.pipeline_version", &letter->pipeline_version);
}

struct DeadLetterReader::Impl {
  rd_kafka_t* rk = nullptr;
  int timeout_ms = 30000;

  ~Impl() {
    if (rk != nullptr) {
      const rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        LogText(spdlog::level::warn, RdKafkaError(err, "closing the dead-letter reader").message());
      }
      rd_kafka_destroy(rk);
    }
  }

  Result<int> PartitionCount(const std::string& topic) { return TopicPartitionCount(rk, topic, timeout_ms); }

  Status Watermarks(const std::string& topic, int32_t partition, int64_t* low, int64_t* high) {
    const rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, low, high, timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return std::unexpected(RdKafkaError(err, "watermarks of " + Where(topic, partition)));
    }
    return Status::Ok();
  }

  Status Assign(const std::string& topic, const std::map<int32_t, int64_t>& starts) {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(starts.size())));
    for (const auto& [partition, offset] : starts) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
    }
    const rd_kafka_resp_err_t err = rd_kafka_assign(rk, list.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return std::unexpected(RdKafkaError(err, "assigning '" + topic + "'"));
    return Status::Ok();
  }

  /// The next message or error, or null after `wait_ms`.
  Result<MessagePtr> Next(int wait_ms) {
    MessagePtr m(rd_kafka_consumer_poll(rk, wait_ms));
    if (m == nullptr) return MessagePtr();
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return MessagePtr();
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const std::string where = m->rkt != nullptr ? Where(rd_kafka_topic_name(m->rkt), m->partition)
                                                  : std::string("dead-letter reader");
      return std::unexpected(RdKafkaError(m->err, where, rd_kafka_message_errstr(m.get())));
    }
    return m;
  }
};

DeadLetterReader::DeadLetterReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DeadLetterReader::~DeadLetterReader() = default;

Result<std::unique_ptr<DeadLetterReader>> DeadLetterReader::Create(const ClientConfig& config,
                                                                   int timeout_ms) {
  const PropertyList defaults = {
      {"client.id", "jsm-dlq"},
      {"group.id", kDeadLetterGroup},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      // Letters deleted by retention while we read are gone for everyone: read on from the log start.
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"fetch.wait.max.ms", "50"},
  };
  JSM_ASSIGN_OR_RETURN(RdKafkaConfPtr conf, NewClientConf(config, defaults));
  auto impl = std::make_unique<Impl>();
  impl->timeout_ms = timeout_ms;
  JSM_ASSIGN_OR_RETURN(impl->rk, NewClient(RD_KAFKA_CONSUMER, std::move(conf)));
  const rd_kafka_resp_err_t err = rd_kafka_poll_set_consumer(impl->rk);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::unexpected(RdKafkaError(err, "dead-letter reader set-up"));
  return std::unique_ptr<DeadLetterReader>(new DeadLetterReader(std::move(impl)));
}

Result<std::vector<StoredDeadLetter>> DeadLetterReader::ReadAll(const std::string& dlq_topic) {
  JSM_ASSIGN_OR_RETURN(const int partitions, impl_->PartitionCount(dlq_topic));
  std::map<int32_t, int64_t> starts;
  std::map<int32_t, int64_t> ends;  // high watermark seen at the start
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    JSM_RETURN_IF_ERROR(impl_->Watermarks(dlq_topic, p, &low, &high));
    if (high > low) {
      starts[p] = low;
      ends[p] = high;
    }
  }
  std::vector<StoredDeadLetter> letters;
  if (starts.empty()) return letters;
  JSM_RETURN_IF_ERROR(impl_->Assign(dlq_topic, starts));
  std::map<int32_t, int64_t> next = starts;  // next offset expected per partition
  auto done = [&] {
    for (const auto& [p, end] : ends) {
      if (next[p] < end) return false;
    }
    return true;
  };
  auto last_progress = std::chrono::steady_clock::now();
  while (!done()) {
    JSM_ASSIGN_OR_RETURN(MessagePtr m, impl_->Next(100));
    if (m == nullptr) {
      // Control records (transactions) or compaction leave offsets without messages: ask where we are.
      PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(ends.size())));
      for (const auto& [p, end] : ends) rd_kafka_topic_partition_list_add(list.get(), dlq_topic.c_str(), p);
      if (rd_kafka_position(impl_->rk, list.get()) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        for (int i = 0; i < list->cnt; ++i) {
          const int64_t position = list->elems[i].offset;
          if (position >= 0 && position > next[list->elems[i].partition]) {
            next[list->elems[i].partition] = position;
            last_progress = std::chrono::steady_clock::now();
          }
        }
      }
      if (std::chrono::steady_clock::now() - last_progress > std::chrono::milliseconds(impl_->timeout_ms)) {
        std::string missing;
        for (const auto& [p, end] : ends) {
          if (next[p] < end)
            missing +=
                " " + Where(dlq_topic, p) + " at " + std::to_string(next[p]) + "/" + std::to_string(end);
        }
        return MakeError(ErrorCode::kTimeout, "reading dead letters made no progress for " +
                                                  std::to_string(impl_->timeout_ms) + " ms:" + missing);
      }
      continue;
    }
    last_progress = std::chrono::steady_clock::now();
    auto end = ends.find(m->partition);
    if (end == ends.end() || m->offset >= end->second) continue;  // arrived after we started
    next[m->partition] = m->offset + 1;
    letters.push_back(ToLetter(dlq_topic, m.get()));
  }
  JSM_RETURN_IF_ERROR(impl_->Assign(dlq_topic, {}));
  std::stable_sort(letters.begin(), letters.end(), [](const StoredDeadLetter& a, const StoredDeadLetter& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return letters;
}

Result<std::optional<std::vector<Header>>> DeadLetterReader::ReadHeadersAt(const std::string& topic,
                                                                           int32_t partition,
                                                                           int64_t offset) {
  JSM_ASSIGN_OR_RETURN(auto found, ReadHeadersAt(topic, {{partition, offset}}));
  auto it = found.find({partition, offset});
  if (it == found.end()) return std::optional<std::vector<Header>>();
  return std::optional<std::vector<Header>>(std::move(it->second));
}

Result<std::map<DeadLetterReader::Position, std::vector<Header>>> DeadLetterReader::ReadHeadersAt(
    const std::string& topic, const std::vector<Position>& positions, int64_t max_gap) {
  std::map<int32_t, std::vector<int64_t>> wanted;
  for (const auto& [partition, offset] : positions) wanted[partition].push_back(offset);
  std::map<Position, std::vector<Header>> found;
  for (auto& [partition, offsets] : wanted) {
    std::sort(offsets.begin(), offsets.end());
    offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
    int64_t low = 0, high = 0;
    JSM_RETURN_IF_ERROR(impl_->Watermarks(topic, partition, &low, &high));
    std::erase_if(offsets, [&](int64_t o) { return o < low || o >= high; });
    if (offsets.empty()) continue;
    size_t next = 0;  // first wanted offset not yet passed
    int64_t target = offsets[0];
    JSM_RETURN_IF_ERROR(impl_->Assign(topic, {{partition, target}}));
    auto last_progress = std::chrono::steady_clock::now();
    while (next < offsets.size()) {
      JSM_ASSIGN_OR_RETURN(MessagePtr m, impl_->Next(100));
      if (m == nullptr || m->partition != partition || m->offset < target) {
        if (std::chrono::steady_clock::now() - last_progress > std::chrono::milliseconds(impl_->timeout_ms)) {
          return MakeError(ErrorCode::kTimeout, "reading offset " + std::to_string(offsets[next]) + " of " +
                                                    Where(topic, partition) + " made no progress for " +
                                                    std::to_string(impl_->timeout_ms) + " ms");
        }
        continue;
      }
      last_progress = std::chrono::steady_clock::now();
      while (next < offsets.size() && offsets[next] < m->offset) ++next;  // compacted away or control records
      if (next < offsets.size() && offsets[next] == m->offset) {
        found.emplace(Position{partition, m->offset}, CopyHeaders(m.get()));
        ++next;
      }
      if (next < offsets.size() && offsets[next] - m->offset > max_gap) {
        target = offsets[next];
        JSM_RETURN_IF_ERROR(impl_->Assign(topic, {{partition, target}}));
      }
    }
  }
  JSM_RETURN_IF_ERROR(impl_->Assign(topic, {}));
  return found;
}

Result<std::string> DeadLetterReader::ClusterId() {
  char* id = rd_kafka_clusterid(impl_->rk, impl_->timeout_ms);
  if (id == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "the brokers did not report a cluster id within " +
                                                  std::to_string(impl_->timeout_ms) + " ms");
  }
  std::string out(id);
  rd_kafka_mem_free(impl_->rk, id);
  return out;
}

Status DeadLetterReader::CommitOffsets(const std::string& topic,
                                       const std::map<int32_t, int64_t>& next_offsets) {
  if (next_offsets.empty()) return Status::Ok();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& [partition, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  }
  const rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk, list.get(), /*async=*/0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(RdKafkaError(
        err, "committing group '" + std::string(kDeadLetterGroup) + "' offsets of '" + topic + "'"));
  }
  return Status::Ok();
}

Result<std::map<int32_t, int64_t>> DeadLetterReader::CommittedOffsets(const std::string& topic) {
  JSM_ASSIGN_OR_RETURN(const int partitions, impl_->PartitionCount(topic));
  PartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int32_t p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  const rd_kafka_resp_err_t err = rd_kafka_committed(impl_->rk, list.get(), impl_->timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(RdKafkaError(
        err, "committed offsets of group '" + std::string(kDeadLetterGroup) + "' on '" + topic + "'"));
  }
  std::map<int32_t, int64_t> committed;
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err == RD_KAFKA_RESP_ERR_NO_ERROR && list->elems[i].offset >= 0) {
      committed[list->elems[i].partition] = list->elems[i].offset;
    }
  }
  return committed;
}

}  // namespace jsm::kafka
