#pragma once
/// Consumer lag of the order topic, per partition: the broker's high watermark
/// minus the next offset bronze has committed for that partition (its
/// `jsm-ingest/<cluster>/<topic>/<partition>` txn + 1). The broker is asked by a
/// background thread every few seconds, each request with a timeout, so a scrape
/// reads the latest figures and never waits on a dead broker (`kafka_up` false).

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "delta/table.h"
#include "kafka/kafka_config.h"
#include "storage/object_store.h"

namespace jsm::serve {

/// Offsets of one partition of the order topic.
struct PartitionLag {
  int32_t partition = 0;
  int64_t low_watermark = 0;
  int64_t high_watermark = 0;
  int64_t bronze_offset = -1;  ///< next offset bronze will ingest; -1 = bronze has none of this partition
  std::optional<int64_t> group_offset;  ///< the ingest group's committed next offset, if any
  /// Messages in the broker not yet in bronze: high - max(bronze_offset, low), at least 0.
  int64_t lag() const;
};

/// The latest lag figures.
struct LagReport {
  bool configured = false;  ///< a broker was given; false = no lag series at all
  std::string reason;       ///< why not, when !configured
  bool kafka_up = false;    ///< the latest refresh reached the broker
  std::string topic;
  std::string group;
  std::string cluster_id;
  std::string error;                     ///< why the latest refresh failed, when !kafka_up
  int64_t refreshed_at_us = 0;           ///< when the latest refresh finished (0 = none yet)
  std::vector<PartitionLag> partitions;  ///< by partition, when kafka_up
  int64_t total_lag() const;
};

/// What lag needs from a broker; the real one is a Kafka client, tests give fakes.
class WatermarkSource {
 public:
  virtual ~WatermarkSource() = default;
  /// The cluster id (bronze's txn appIds name it).
  virtual Result<std::string> ClusterId() = 0;
  /// Low and high watermark of each partition of the topic.
  virtual Result<std::map<int32_t, std::pair<int64_t, int64_t>>> Watermarks() = 0;
  /// The group's committed next offsets (partitions without one left out).
  virtual Result<std::map<int32_t, int64_t>> GroupOffsets() = 0;
};

/// A WatermarkSource over a librdkafka consumer handle (it never joins the group);
/// every request waits at most `timeout_ms`.
Result<std::unique_ptr<WatermarkSource>> NewKafkaWatermarkSource(const kafka::ClientConfig& client,
                                                                 const std::string& topic,
                                                                 const std::string& group, int timeout_ms);

/// Next offset bronze holds per partition of `topic` from cluster `cluster_id`, from
/// bronze's txn versions (appId -> last offset ingested).
std::map<int32_t, int64_t> BronzeOffsets(const std::map<std::string, int64_t>& app_versions,
                                         const std::string& cluster_id, const std::string& topic);

/// Lag per partition from the broker's watermarks, bronze's offsets and the group's offsets.
std::vector<PartitionLag> ComputeLag(const std::map<int32_t, std::pair<int64_t, int64_t>>& watermarks,
                                     const std::map<int32_t, int64_t>& bronze_offsets,
                                     const std::map<int32_t, int64_t>& group_offsets);

/// Keeps a LagReport fresh. Thread-safe.
class LagMonitor {
 public:
  /// A monitor with no broker: Report() says configured = false, and why.
  explicit LagMonitor(
      std::string reason = "no Kafka settings given (jsm serve --bootstrap HOST:PORT or --config FILE)") {
    report_.reason = std::move(reason);
  }
  /// `store` must outlive the monitor. Nothing runs until Start() (or Refresh()).
  LagMonitor(storage::ObjectStore* store, std::unique_ptr<WatermarkSource> source, std::string topic,
             std::string group);
  ~LagMonitor();
  LagMonitor(const LagMonitor&) = delete;
  LagMonitor& operator=(const LagMonitor&) = delete;

  /// Refreshes now, then every `interval_ms` on a background thread until destroyed.
  void Start(int interval_ms);
  /// One refresh: asks the source and reads bronze's snapshot.
  void Refresh();
  /// The latest figures.
  LagReport Report() const;

 private:
  void Loop(int interval_ms);

  storage::ObjectStore* store_ = nullptr;
  std::unique_ptr<WatermarkSource> source_;
  mutable std::mutex mutex_;
  LagReport report_;
  std::mutex refresh_mutex_;                   ///< one refresh at a time; guards bronze_
  std::unique_ptr<delta::DeltaTable> bronze_;  ///< kept open, so a refresh reads only its new commits
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jsm::serve
