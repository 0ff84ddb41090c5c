#include "serve/consumer_lag.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/clock.h"
#include "delta/table.h"
#include "kafka/consumer.h"
#include "pipeline/table_schemas.h"

namespace jsm::serve {
namespace {

/// The real source: a consumer handle that only asks questions (no subscribe, no assign).
class KafkaWatermarkSource : public WatermarkSource {
 public:
  KafkaWatermarkSource(std::unique_ptr<kafka::Consumer> consumer, std::string topic, int timeout_ms)
      : consumer_(std::move(consumer)), topic_(std::move(topic)), timeout_ms_(timeout_ms) {}

  Result<std::string> ClusterId() override {
    // Serve the client's queue (error events of a broker going away), so it never grows.
    std::vector<kafka::Message> none;
    (void)consumer_->Poll(1, 0, &none);
    return consumer_->ClusterId(timeout_ms_);
  }

  Result<std::map<int32_t, std::pair<int64_t, int64_t>>> Watermarks() override {
    JSM_ASSIGN_OR_RETURN(const int partitions, consumer_->PartitionCount(topic_, timeout_ms_));
    std::map<int32_t, std::pair<int64_t, int64_t>> out;
    for (int32_t p = 0; p < partitions; ++p) {
      JSM_ASSIGN_OR_RETURN(const kafka::Watermarks marks, consumer_->QueryWatermarks(topic_, p, timeout_ms_));
      out[p] = {marks.low, marks.high};
    }
    return out;
  }

  Result<std::map<int32_t, int64_t>> GroupOffsets() override {
    return consumer_->CommittedOffsets(topic_, timeout_ms_);
  }

 private:
  std::unique_ptr<kafka::Consumer> consumer_;
  std::string topic_;
  int timeout_ms_;
};

}  // namespace

int64_t PartitionLag::lag() const {
  return std::max<int64_t>(0, high_watermark - std::max(bronze_offset, low_watermark));
}

int64_t LagReport::total_lag() const {
  int64_t total = 0;
  for (const PartitionLag& p : partitions) total += p.lag();
  return total;
}

Result<std::unique_ptr<WatermarkSource>> NewKafkaWatermarkSource(const kafka::ClientConfig& client,
                                                                 const std::string& topic,
                                                                 const std::string& group, int timeout_ms) {
  kafka::ClientConfig config = client;
  // Fail fast: a broker that is down is reported, not waited for.
  config.properties.try_emplace("socket.connection.setup.timeout.ms",
                                std::to_string(std::max(timeout_ms, 1000)));
  config.properties.try_emplace("client.id", "jsm-serve-lag");
  JSM_ASSIGN_OR_RETURN(std::unique_ptr<kafka::Consumer> consumer, kafka::Consumer::Create(config, group));
  return std::unique_ptr<WatermarkSource>(new KafkaWatermarkSource(std::move(consumer), topic, timeout_ms));
}

std::map<int32_t, int64_t> BronzeOffsets(const std::map<std::string, int64_t>& app_versions,
                                         const std::string& cluster_id, const std::string& topic) {
  // IngestStage::AppId: "jsm-ingest/<cluster>/<topic>/<partition>".
  const std::string prefix = "jsm-ingest/" + cluster_id + "/" + topic + "/";
  std::map<int32_t, int64_t> out;
  for (auto it = app_versions.lower_bound(prefix); it != app_versions.end() && it->first.starts_with(prefix);
       ++it) {
    const std::string_view rest = std::string_view(it->first).substr(prefix.size());
    int32_t partition = -1;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), partition);
    if (error != std::errc() || end != rest.data() + rest.size() || partition < 0) continue;
    out[partition] = it->second + 1;
  }
  return out;
}

std::vector<PartitionLag> ComputeLag(const std::map<int32_t, std::pair<int64_t, int64_t>>& watermarks,
                                     const std::map<int32_t, int64_t>& bronze_offsets,
                                     const std::map<int32_t, int64_t>& group_offsets) {
  std::vector<PartitionLag> out;
  out.reserve(watermarks.size());
  for (const auto& [partition, marks] : watermarks) {
    PartitionLag& lag = out.emplace_back();
    lag.partition = partition;
    lag.low_watermark = marks.first;
    lag.high_watermark = marks.second;
    if (auto it = bronze_offsets.find(partition); it != bronze_offsets.end()) lag.bronze_offset = it->second;
    if (auto it = group_offsets.find(partition); it != group_offsets.end()) lag.group_offset = it->second;
  }
  return out;
}

LagMonitor::LagMonitor(storage::ObjectStore* store, std::unique_ptr<WatermarkSource> source,
                       std::string topic, std::string group)
    : store_(store), source_(std::move(source)) {
  report_.configured = true;
  report_.topic = std::move(topic);
  report_.group = std::move(group);
  report_.error = "not asked yet";
}

LagMonitor::~LagMonitor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LagMonitor::Start(int interval_ms) {
  if (source_ == nullptr || thread_.joinable()) return;
  thread_ = std::thread([this, interval_ms] { Loop(interval_ms); });
}

void LagMonitor::Loop(int interval_ms) {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    Refresh();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(interval_ms), [this] { return stopping_; });
  }
}

void LagMonitor::Refresh() {
  if (source_ == nullptr) return;
  std::lock_guard refreshing(refresh_mutex_);
  std::string topic, group;
  {
    std::lock_guard lock(mutex_);
    topic = report_.topic;
    group = report_.group;
  }
  LagReport next;
  next.configured = true;
  next.topic = topic;
  next.group = group;
  auto fail = [&](const Error& error) {
    next.kafka_up = false;
    next.error = error.ToString();
  };
  auto cluster = source_->ClusterId();
  auto watermarks =
      cluster ? source_->Watermarks()
              : Result<std::map<int32_t, std::pair<int64_t, int64_t>>>(std::unexpected(cluster.error()));
  if (!cluster) {
    fail(cluster.error());
  } else if (!watermarks) {
    next.cluster_id = *cluster;
    fail(watermarks.error());
  } else {
    next.kafka_up = true;
    next.cluster_id = *cluster;
    std::map<int32_t, int64_t> bronze;
    if (bronze_ == nullptr) {
      auto table = delta::DeltaTable::Open(store_, pipeline::kBronzeTable);
      if (table) bronze_ = std::move(*table);
    } else if (!bronze_->Refresh()) {
      bronze_.reset();  // unreadable for now (being rewritten, storage hiccup): reopen next time
    }
    if (bronze_ != nullptr) bronze = BronzeOffsets(bronze_->snapshot().app_versions, *cluster, topic);
    // No bronze table yet: nothing ingested, the whole topic is lag.
    auto group_offsets = source_->GroupOffsets();  // cheap; left out when the broker cannot say
    next.partitions =
        ComputeLag(*watermarks, bronze, group_offsets ? *group_offsets : std::map<int32_t, int64_t>{});
  }
  next.refreshed_at_us = NowMicros();
  std::lock_guard lock(mutex_);
  report_ = std::move(next);
}

LagReport LagMonitor::Report() const {
  std::lock_guard lock(mutex_);
  return report_;
}

}  // namespace jsm::serve
