#include "pipeline/ingest_stage.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "common/backoff.h"
#include "common/logging.h"
#include "kafka/embedded_broker.h"
#include "kafka/producer.h"
#include "pipeline/table_schemas.h"
#include "storage/object_store.h"

namespace jsm::pipeline {
namespace {

constexpr char kTopic[] = "orders";

/// A store that can be made to fail: every write refused (an outage), or the next
/// Delta log write performed but reported as failed (a commit whose outcome is unknown).
class FlakyStore : public storage::ObjectStore {
 public:
  explicit FlakyStore(std::unique_ptr<storage::ObjectStore> inner) : inner_(std::move(inner)) {}
  bool down = false;
  bool lose_next_log_ack = false;
  int refused = 0;

  Result<std::string> Get(std::string_view path) override { return inner_->Get(path); }
  Status Put(std::string_view path, std::string_view data) override {
    if (down) return Refuse(path);
    return inner_->Put(path, data);
  }
  Status PutIfAbsent(std::string_view path, std::string_view data) override {
    if (down) return Refuse(path);
    Status status = inner_->PutIfAbsent(path, data);
    if (status && lose_next_log_ack && path.find("_delta_log/") != std::string_view::npos &&
        path.find("bronze") != std::string_view::npos) {
      lose_next_log_ack = false;
      return MakeError(ErrorCode::kUnavailable, "connection reset after the write (test)");
    }
    return status;
  }
  Result<std::vector<storage::ObjectInfo>> List(std::string_view prefix) override { return inner_->List(prefix); }
  Status Delete(std::string_view path) override { return inner_->Delete(path); }
  std::string Describe() const override { return "flaky " + inner_->Describe(); }

 private:
  Status Refuse(std::string_view path) {
    ++refused;
    return MakeError(ErrorCode::kUnavailable, "store unavailable (test): " + std::string(path));
  }
  std::unique_ptr<storage::ObjectStore> inner_;
};

/// An embedded broker with `partitions` partitions holding `count` messages, and a fresh lakehouse.
class IngestStageTest : public ::testing::Test {
 protected:
  void SetUpWith(int partitions, int count) {
    auto broker = kafka::EmbeddedBroker::Start(1, {kafka::TopicSpec{kTopic, partitions, 1}});
    ASSERT_TRUE(broker) << broker.error().ToString();
    broker_ = std::move(*broker);
    client_ = kafka::ClientConfig{broker_->bootstrap_servers(),
                                  {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}}};
    auto producer = kafka::Producer::Create(client_, {"lz4", 5});
    ASSERT_TRUE(producer) << producer.error().ToString();
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE((*producer)->Produce(kTopic, "k" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}"));
    }
    ASSERT_TRUE((*producer)->Flush(30000));
    lakehouse_ = std::filesystem::temp_directory_path() /
                 ("jsm-ingest-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(lakehouse_);
    auto store = storage::OpenStore(lakehouse_.string());
    ASSERT_TRUE(store) << store.error().ToString();
    auto flaky = std::make_unique<FlakyStore>(std::move(*store));
    flaky_ = flaky.get();
    store_ = std::move(flaky);
    options_.lakehouse = lakehouse_.string();
    options_.bootstrap = broker_->bootstrap_servers();
    options_.topic = kTopic;
    options_.group_id = "ingest-test";
    options_.ingest_commit_interval_ms = 100;
    options_.ingest_commit_messages = 500;
  }
  void TearDown() override {
    store_.reset();
    if (!lakehouse_.empty()) std::filesystem::remove_all(lakehouse_);
  }

  std::unique_ptr<IngestStage> NewStage(IngestAssignment assignment) {
    auto stage = IngestStage::Create(store_.get(), options_, client_, "test-cluster", assignment);
    EXPECT_TRUE(stage) << stage.error().ToString();
    return stage ? std::move(*stage) : nullptr;
  }

  /// (partition, offset) -> how many bronze rows have it.
  std::map<std::pair<int64_t, int64_t>, int> BronzeCoordinates() {
    std::map<std::pair<int64_t, int64_t>, int> seen;
    auto bronze = delta::DeltaTable::Open(store_.get(), kBronzeTable);
    EXPECT_TRUE(bronze) << bronze.error().ToString();
    if (!bronze) return seen;
    for (const auto& [path, add] : (*bronze)->snapshot().files) {
      auto batch = (*bronze)->ReadDataFile(path, {"partition", "offset"});
      EXPECT_TRUE(batch) << batch.error().ToString();
      if (!batch) continue;
      for (size_t row = 0; row < batch->num_rows(); ++row) {
        ++seen[{batch->column(0).IntAt(row), batch->column(1).IntAt(row)}];
      }
    }
    return seen;
  }

  int64_t BronzeRows() {
    int64_t rows = 0;
    for (const auto& [coordinate, times] : BronzeCoordinates()) rows += times;
    return rows;
  }

  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  kafka::ClientConfig client_;
  std::filesystem::path lakehouse_;
  std::unique_ptr<storage::ObjectStore> store_;
  FlakyStore* flaky_ = nullptr;
  PipelineOptions options_;
};

TEST_F(IngestStageTest, TwoGroupMembersTogetherIngestEveryMessageExactlyOnce) {
  constexpr int kCount = 3000;
  SetUpWith(4, kCount);
  auto a = NewStage(IngestAssignment::kGroup);
  ASSERT_NE(a, nullptr);
  auto b = NewStage(IngestAssignment::kGroup);
  ASSERT_NE(b, nullptr);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  int64_t total = 0;
  while (std::chrono::steady_clock::now() < until && total < kCount) {
    for (IngestStage* stage : {a.get(), b.get()}) {
      auto step = stage->Step();
      ASSERT_TRUE(step) << step.error().ToString();
    }
    total = a->committed_rows() + b->committed_rows();
  }
  ASSERT_TRUE(a->Flush());
  ASSERT_TRUE(b->Flush());
  const auto coordinates = BronzeCoordinates();
  for (const auto& [coordinate, times] : coordinates) {
    EXPECT_EQ(times, 1) << "partition " << coordinate.first << " offset " << coordinate.second;
  }
  EXPECT_EQ(coordinates.size(), static_cast<size_t>(kCount));
}

TEST_F(IngestStageTest, AnAvailableNowGroupMemberIsDoneOnlyWhenBronzeHoldsEveryPartition) {
  constexpr int kCount = 1000;
  SetUpWith(3, kCount);
  auto stage = NewStage(IngestAssignment::kGroup);
  ASSERT_NE(stage, nullptr);
  ASSERT_TRUE(stage->MarkTarget());
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool reached = false;
  while (!reached && std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE(stage->Step());
    auto check = stage->ReachedTarget();
    ASSERT_TRUE(check) << check.error().ToString();
    reached = *check;
  }
  ASSERT_TRUE(reached);
  ASSERT_TRUE(stage->Flush());
  EXPECT_EQ(BronzeRows(), kCount);
}

TEST_F(IngestStageTest, ASecondWriterOfTheSamePartitionRangeIsRefusedAndNothingIsDoubled) {
  constexpr int kCount = 2000;
  SetUpWith(2, kCount);
  // Two explicit writers of every partition: what a member that lost its
  // partitions without noticing, and their new owner, would be.
  auto first = NewStage(IngestAssignment::kExplicit);
  auto second = NewStage(IngestAssignment::kExplicit);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until && BronzeRows() < kCount) {
    ASSERT_TRUE(first->Step());
    ASSERT_TRUE(second->Step());
  }
  ASSERT_TRUE(first->Flush());
  ASSERT_TRUE(second->Flush());
  const auto coordinates = BronzeCoordinates();
  for (const auto& [coordinate, times] : coordinates) {
    ASSERT_EQ(times, 1) << "partition " << coordinate.first << " offset " << coordinate.second << " twice";
  }
  EXPECT_EQ(coordinates.size(), static_cast<size_t>(kCount));
  // Both read everything, yet the rows they committed add up to the input: every
  // batch of the slower writer over a range already in bronze was refused.
  EXPECT_EQ(first->committed_rows() + second->committed_rows(), kCount);
}

TEST_F(IngestStageTest, AStorageOutageFailsTheStepTransientlyAndTheRetryCommitsEverythingOnce) {
  constexpr int kCount = 1500;
  SetUpWith(2, kCount);
  auto stage = NewStage(IngestAssignment::kExplicit);
  ASSERT_NE(stage, nullptr);
  flaky_->down = true;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::optional<Error> failure;
  while (!failure && std::chrono::steady_clock::now() < until) {
    auto step = stage->Step();
    if (!step) failure = step.error();
  }
  ASSERT_TRUE(failure) << "no commit was attempted during the outage";
  EXPECT_TRUE(IsTransient(*failure)) << failure->ToString();
  EXPECT_GT(flaky_->refused, 0);
  flaky_->down = false;  // the cause is gone: the same stage goes on
  until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (stage->committed_rows() < kCount && std::chrono::steady_clock::now() < until) ASSERT_TRUE(stage->Step());
  ASSERT_TRUE(stage->Flush());
  const auto coordinates = BronzeCoordinates();
  for (const auto& [coordinate, times] : coordinates) ASSERT_EQ(times, 1);
  EXPECT_EQ(coordinates.size(), static_cast<size_t>(kCount));
}

TEST_F(IngestStageTest, BronzeKeepsEachMessagesHeadersAsJsonAndNullWhenItHasNone) {
  SetUpWith(1, 2);  // two messages without headers
  auto producer = kafka::Producer::Create(client_, {"lz4", 5});
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Produce(kTopic, "k2", "{}", {{"dlq.attempts", "2"}, {"dlq.replayed_from", "orders.dlq 0@5"}}));
  ASSERT_TRUE((*producer)->Flush(30000));
  auto stage = NewStage(IngestAssignment::kExplicit);
  ASSERT_NE(stage, nullptr);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (stage->committed_rows() < 3 && std::chrono::steady_clock::now() < until) ASSERT_TRUE(stage->Step());
  ASSERT_TRUE(stage->Flush());
  ASSERT_EQ(stage->committed_rows(), 3);
  auto bronze = delta::DeltaTable::Open(store_.get(), kBronzeTable);
  ASSERT_TRUE(bronze);
  std::map<int64_t, std::optional<std::string>> headers;
  for (const auto& [path, add] : (*bronze)->snapshot().files) {
    auto batch = (*bronze)->ReadDataFile(path, {"offset", "headers"});
    ASSERT_TRUE(batch) << batch.error().ToString();
    for (size_t row = 0; row < batch->num_rows(); ++row) {
      const Column& column = batch->column(1);
      headers[batch->column(0).IntAt(row)] =
          column.IsNull(row) ? std::nullopt : std::optional<std::string>(column.StringAt(row));
    }
  }
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_FALSE(headers[0].has_value());
  EXPECT_FALSE(headers[1].has_value());
  EXPECT_EQ(headers[2], R"([{"key":"dlq.attempts","value":"2"},{"key":"dlq.replayed_from","value":"orders.dlq 0@5"}])");
}

TEST_F(IngestStageTest, TheCommitLogNamesTheRealFirstOffsetOfABatchFromTheLogsBeginning) {
  SetUpWith(1, 5);
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  Log().sinks().push_back(sink);
  const auto level = Log().level();
  Log().set_level(spdlog::level::info);
  auto stage = NewStage(IngestAssignment::kExplicit);
  ASSERT_NE(stage, nullptr);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (stage->committed_rows() < 5 && std::chrono::steady_clock::now() < until) ASSERT_TRUE(stage->Step());
  ASSERT_TRUE(stage->Flush());
  Log().flush();
  Log().sinks().pop_back();
  Log().set_level(level);
  const std::string text = captured.str();
  EXPECT_NE(text.find(R"("offsets":[{"partition":0,"first":0,"last":4}])"), std::string::npos) << text;
  EXPECT_EQ(text.find(R"("first":-1)"), std::string::npos) << text;
}

TEST_F(IngestStageTest, ACommitThatLandedButReportedFailureIsNotWrittenTwice) {
  constexpr int kCount = 1500;
  SetUpWith(2, kCount);
  auto stage = NewStage(IngestAssignment::kExplicit);
  ASSERT_NE(stage, nullptr);
  flaky_->lose_next_log_ack = true;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool failed_once = false;
  while (std::chrono::steady_clock::now() < until && BronzeRows() < kCount) {
    auto step = stage->Step();
    if (!step) {
      ASSERT_TRUE(IsTransient(step.error())) << step.error().ToString();
      failed_once = true;  // the runner would retry: so does the test
    }
  }
  ASSERT_TRUE(stage->Flush());
  EXPECT_TRUE(failed_once);
  const auto coordinates = BronzeCoordinates();
  for (const auto& [coordinate, times] : coordinates) {
    ASSERT_EQ(times, 1) << "partition " << coordinate.first << " offset " << coordinate.second << " twice";
  }
  EXPECT_EQ(coordinates.size(), static_cast<size_t>(kCount));
}

}  // namespace
}  // namespace jsm::pipeline

namespace jsm::pipeline {
namespace {

TEST_F(IngestStageTest, ABronzeCommitThatFindsItsVersionTakenLogsACommitConflict) {
  constexpr int kCount = 1000;
  SetUpWith(1, kCount);
  auto stage = NewStage(IngestAssignment::kExplicit);
  ASSERT_NE(stage, nullptr);
  // Another writer (a blind append of its own txn) takes the version the stage will try first.
  {
    auto other = delta::DeltaTable::Open(store_.get(), kBronzeTable);
    ASSERT_TRUE(other) << other.error().ToString();
    ASSERT_TRUE((*other)->Commit({delta::Txn{"someone-else", 0, 0}}, delta::CommitInfo{.operation = "WRITE"}));
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until && stage->committed_rows() < kCount) ASSERT_TRUE(stage->Step());
  ASSERT_TRUE(stage->Flush());
  EXPECT_EQ(stage->committed_rows(), kCount);
  // The event log: the batch that retried says 1, the others 0.
  auto log = delta::DeltaTable::Open(store_.get(), kEventLogTable);
  ASSERT_TRUE(log) << log.error().ToString();
  std::vector<int64_t> conflicts;
  for (const auto& [path, add] : (*log)->snapshot().files) {
    auto rows = (*log)->ReadDataFile(path, {"stage", kCommitConflictsColumn});
    ASSERT_TRUE(rows) << rows.error().ToString();
    for (size_t r = 0; r < rows->num_rows(); ++r) {
      if (rows->column(0).StringAt(r) == "ingest") conflicts.push_back(rows->column(1).IntAt(r));
    }
  }
  std::sort(conflicts.begin(), conflicts.end());
  ASSERT_GE(conflicts.size(), 2u);
  EXPECT_EQ(conflicts.back(), 1);
  EXPECT_EQ(std::accumulate(conflicts.begin(), conflicts.end(), int64_t{0}), 1);
}

}  // namespace
}  // namespace jsm::pipeline
