#include "pipeline/stage_loop.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <thread>

#include "common/record_batch.h"
#include "delta/scan.h"
#include "delta/table.h"
#include "pipeline/refine_stage.h"
#include "pipeline/table_schemas.h"
#include "unit/pipeline/refine_fixture.h"

namespace jsm::pipeline {
namespace {

/// A stage that fails its steps as scripted and reaches its target after `steps_to_target` good steps.
class ScriptedStage : public Stage {
 public:
  ScriptedStage(std::vector<Error> failures, int steps_to_target)
      : failures_(std::move(failures)), steps_to_target_(steps_to_target) {}
  std::string_view name() const override { return "scripted"; }
  Result<StepResult> Step() override {
    ++calls;
    if (!failures_.empty()) {
      Error error = failures_.front();
      failures_.erase(failures_.begin());
      return std::unexpected(error);
    }
    ++good_steps;
    return StepResult{1, true};
  }
  Status Flush() override {
    ++flushes;
    return Status::Ok();
  }
  Result<bool> ReachedTarget() override { return marked && good_steps >= steps_to_target_; }
  Status MarkTarget() override {
    marked = true;
    return Status::Ok();
  }
  int calls = 0;
  int good_steps = 0;
  int flushes = 0;
  bool marked = false;

 private:
  std::vector<Error> failures_;
  int steps_to_target_;
};

Error Unavailable() { return Error(ErrorCode::kUnavailable, "store unavailable (test)"); }
Error Corrupt() { return Error(ErrorCode::kDataLoss, "corrupt file (test)"); }

struct Loop {
  std::atomic<bool> upstream_done{true};
  std::atomic<bool> done{false};
  RunControl control{nullptr};
};

TEST(StageLoop, StopPolicyStopsTheRunOnATransientError) {
  Loop loop;
  std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{Unavailable()}, 1);
  RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, TransientPolicy::kStop);
  ASSERT_TRUE(loop.control.error().has_value());
  EXPECT_EQ(loop.control.error()->code(), ErrorCode::kUnavailable);
  EXPECT_NE(loop.control.error()->ToString().find("scripted"), std::string::npos);
  EXPECT_FALSE(loop.done.load());
}

TEST(StageLoop, RetryPolicyCallsTheSameStageAgainAndFinishes) {
  Loop loop;
  auto owned = std::make_unique<ScriptedStage>(std::vector<Error>{Unavailable(), Unavailable()}, 2);
  ScriptedStage* scripted = owned.get();
  std::unique_ptr<Stage> stage = std::move(owned);
  RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRetry);
  EXPECT_FALSE(loop.control.error().has_value());
  EXPECT_TRUE(loop.done.load());
  EXPECT_EQ(stage.get(), scripted);
  EXPECT_EQ(scripted->calls, 4);
  EXPECT_EQ(scripted->flushes, 1);
}

TEST(StageLoop, RecreatePolicyReplacesTheStageWithAFreshOneThatStartsOver) {
  Loop loop;
  std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{Unavailable()}, 1);
  int made = 0;
  ScriptedStage* latest = nullptr;
  const StageFactory factory = [&]() -> Result<std::unique_ptr<Stage>> {
    ++made;
    auto fresh = std::make_unique<ScriptedStage>(std::vector<Error>{}, 3);
    latest = fresh.get();
    return std::unique_ptr<Stage>(std::move(fresh));
  };
  RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRecreate,
           factory);
  EXPECT_FALSE(loop.control.error().has_value());
  EXPECT_TRUE(loop.done.load());
  EXPECT_EQ(made, 1);
  ASSERT_EQ(stage.get(), latest);
  EXPECT_TRUE(latest->marked) << "the new stage fixes its own target";
  EXPECT_EQ(latest->good_steps, 3);
  EXPECT_EQ(latest->flushes, 1);
}

TEST(StageLoop, RecreationIsRetriedWhileItFailsTransiently) {
  Loop loop;
  std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{Unavailable()}, 1);
  int made = 0;
  const StageFactory factory = [&]() -> Result<std::unique_ptr<Stage>> {
    if (++made < 3) return std::unexpected(Unavailable());
    return std::unique_ptr<Stage>(std::make_unique<ScriptedStage>(std::vector<Error>{}, 1));
  };
  RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRecreate,
           factory);
  EXPECT_FALSE(loop.control.error().has_value());
  EXPECT_TRUE(loop.done.load());
  EXPECT_EQ(made, 3);
}

TEST(StageLoop, APermanentErrorIsNeverRetriedNorRecreated) {
  for (TransientPolicy policy : {TransientPolicy::kRetry, TransientPolicy::kRecreate}) {
    Loop loop;
    std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{Corrupt()}, 1);
    int made = 0;
    const StageFactory factory = [&]() -> Result<std::unique_ptr<Stage>> {
      ++made;
      return std::unique_ptr<Stage>(std::make_unique<ScriptedStage>(std::vector<Error>{}, 1));
    };
    RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, policy, factory);
    ASSERT_TRUE(loop.control.error().has_value());
    EXPECT_EQ(loop.control.error()->code(), ErrorCode::kDataLoss);
    EXPECT_EQ(made, 0);
    EXPECT_FALSE(loop.done.load());
  }
}

TEST(StageLoop, ARecreationThatFailsPermanentlyStopsTheRunAndSaysSo) {
  Loop loop;
  std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{Unavailable()}, 1);
  const StageFactory factory = [&]() -> Result<std::unique_ptr<Stage>> { return std::unexpected(Corrupt()); };
  RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRecreate,
           factory);
  ASSERT_TRUE(loop.control.error().has_value());
  EXPECT_EQ(loop.control.error()->code(), ErrorCode::kDataLoss);
  EXPECT_NE(loop.control.error()->ToString().find("recreating"), std::string::npos);
  EXPECT_FALSE(loop.done.load());
}

TEST(StageLoop, AStopRequestDuringTheWaitEndsTheLoopWithoutFlushingAStageThatFailed) {
  std::atomic<bool> stop{true};
  Loop loop;
  RunControl control(&stop);
  std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{}, 1);
  // Stopped before the first step: the stage flushes what it has (nothing failed).
  RunStage(stage, RunMode::kContinuous, loop.upstream_done, loop.done, control, TransientPolicy::kRecreate,
           [] { return Result<std::unique_ptr<Stage>>(std::unexpected(Unavailable())); });
  EXPECT_FALSE(control.error().has_value());
  ASSERT_NE(stage, nullptr);
  EXPECT_EQ(static_cast<ScriptedStage*>(stage.get())->flushes, 1);
}

/// A stage whose every step fails with `error`, or (no error) reads nothing.
class StuckStage : public Stage {
 public:
  explicit StuckStage(std::optional<Error> error) : error_(std::move(error)) {}
  std::string_view name() const override { return "stuck"; }
  Result<StepResult> Step() override {
    ++calls;
    if (error_) return std::unexpected(*error_);
    return StepResult{0, false};
  }
  Status Flush() override {
    ++flushes;
    return Status::Ok();
  }
  Result<bool> ReachedTarget() override { return false; }
  Status MarkTarget() override { return Status::Ok(); }
  int calls = 0;
  int flushes = 0;

 private:
  std::optional<Error> error_;
};

Error DeadClient() { return Error(ErrorCode::kClientFatal, "Static consumer fenced (test)"); }

TEST(StageLoop, ADeadClientRebuildsTheStageEvenWhereTransientErrorsAreRetriedInPlace) {
  Loop loop;
  std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{DeadClient()}, 1);
  int made = 0;
  ScriptedStage* latest = nullptr;
  const StageFactory factory = [&]() -> Result<std::unique_ptr<Stage>> {
    ++made;
    auto fresh = std::make_unique<ScriptedStage>(std::vector<Error>{}, 2);
    latest = fresh.get();
    return std::unique_ptr<Stage>(std::move(fresh));
  };
  RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRetry,
           factory);
  EXPECT_FALSE(loop.control.error().has_value());
  EXPECT_TRUE(loop.done.load());
  EXPECT_EQ(made, 1);
  ASSERT_EQ(stage.get(), latest);
  EXPECT_EQ(latest->good_steps, 2);
}

TEST(StageLoop, ADeadClientWithNoWayToRebuildItStopsTheRun) {
  Loop loop;
  std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{DeadClient()}, 1);
  RunStage(stage, RunMode::kContinuous, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRetry);
  ASSERT_TRUE(loop.control.error().has_value());
  EXPECT_EQ(loop.control.error()->code(), ErrorCode::kClientFatal);
}

TEST(StageLoop, ADeadClientThatCannotBeRebuiltStopsTheRunAndSaysSo) {
  Loop loop;
  std::unique_ptr<Stage> stage = std::make_unique<ScriptedStage>(std::vector<Error>{DeadClient()}, 1);
  const StageFactory factory = [] { return Result<std::unique_ptr<Stage>>(std::unexpected(DeadClient())); };
  RunStage(stage, RunMode::kContinuous, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRecreate,
           factory);
  ASSERT_TRUE(loop.control.error().has_value());
  EXPECT_EQ(loop.control.error()->code(), ErrorCode::kClientFatal);
  EXPECT_NE(loop.control.error()->message().find("rebuilding after a dead Kafka client"), std::string::npos)
      << loop.control.error()->message();
}

TEST(StageLoop, ABoundedRunThatWaitsWithoutProgressGivesUpSayingWhatItWaitsFor) {
  for (RunMode mode : {RunMode::kAvailableNow, RunMode::kUntilDrained}) {
    Loop loop;
    auto owned = std::make_unique<StuckStage>(std::nullopt);
    StuckStage* stuck = owned.get();
    std::unique_ptr<Stage> stage = std::move(owned);
    RunStage(stage, mode, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRetry, {},
             StageOptions{0.3});
    ASSERT_TRUE(loop.control.error().has_value());
    EXPECT_EQ(loop.control.error()->code(), ErrorCode::kTimeout);
    const std::string message = loop.control.error()->message();
    EXPECT_NE(message.find("stuck: no progress for"), std::string::npos) << message;
    EXPECT_NE(message.find("--max-wait"), std::string::npos) << message;
    EXPECT_NE(message.find("waiting for the rows up to its target"), std::string::npos) << message;
    EXPECT_FALSE(loop.done.load());
    EXPECT_EQ(stuck->flushes, 0);
  }
}

TEST(StageLoop, ABoundedRunThatKeepsFailingTransientlyGivesUpWithTheLastError) {
  for (TransientPolicy policy : {TransientPolicy::kRetry, TransientPolicy::kRecreate}) {
    Loop loop;
    std::unique_ptr<Stage> stage = std::make_unique<StuckStage>(Unavailable());
    const StageFactory factory = [] { return Result<std::unique_ptr<Stage>>(std::make_unique<StuckStage>(Unavailable())); };
    RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, policy, factory,
             StageOptions{0.5});
    ASSERT_TRUE(loop.control.error().has_value());
    EXPECT_EQ(loop.control.error()->code(), ErrorCode::kTimeout);
    EXPECT_NE(loop.control.error()->message().find("last error: unavailable: store unavailable (test)"),
              std::string::npos)
        << loop.control.error()->message();
  }
}

TEST(StageLoop, AContinuousRunIsNeverBoundedByMaxWait) {
  std::atomic<bool> stop{false};
  Loop loop;
  RunControl control(&stop);
  auto owned = std::make_unique<StuckStage>(std::nullopt);
  StuckStage* stuck = owned.get();
  std::unique_ptr<Stage> stage = std::move(owned);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    stop = true;
  });
  RunStage(stage, RunMode::kContinuous, loop.upstream_done, loop.done, control, TransientPolicy::kRetry, {},
           StageOptions{0.1});
  stopper.join();
  EXPECT_FALSE(control.error().has_value());
  EXPECT_TRUE(loop.done.load());
  EXPECT_GT(stuck->calls, 1);
}

TEST(StageLoop, AStopRequestWhileTheStageKeepsFailingEndsTheRunAsAFailure) {
  for (TransientPolicy policy : {TransientPolicy::kRetry, TransientPolicy::kRecreate}) {
    std::atomic<bool> stop{false};
    Loop loop;
    RunControl control(&stop);
    std::unique_ptr<Stage> stage = std::make_unique<StuckStage>(Unavailable());
    const StageFactory factory = [] { return Result<std::unique_ptr<Stage>>(std::make_unique<StuckStage>(Unavailable())); };
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      stop = true;
    });
    RunStage(stage, RunMode::kContinuous, loop.upstream_done, loop.done, control, policy, factory);
    stopper.join();
    ASSERT_TRUE(control.error().has_value()) << "a run stopped while stuck must not end as a success";
    EXPECT_EQ(control.error()->code(), ErrorCode::kUnavailable);
    EXPECT_NE(control.error()->message().find("stopped while retrying"), std::string::npos)
        << control.error()->message();
  }
}

/// A local store whose writes can be refused, or whose next silver commit is
/// written but reported lost (the reply of a commit that landed never arrives).
class FlakyStore : public storage::ObjectStore {
 public:
  explicit FlakyStore(std::unique_ptr<storage::ObjectStore> inner) : inner_(std::move(inner)) {}
  int refuse_writes = 0;
  bool lose_next_silver_commit_ack = false;

  Result<std::string> Get(std::string_view path) override { return inner_->Get(path); }
  Status Put(std::string_view path, std::string_view data) override {
    if (refuse_writes > 0) return Refuse(path);
    return inner_->Put(path, data);
  }
  Status PutIfAbsent(std::string_view path, std::string_view data) override {
    if (refuse_writes > 0) return Refuse(path);
    Status status = inner_->PutIfAbsent(path, data);
    if (status && lose_next_silver_commit_ack && path.starts_with(std::string(kSilverTable) + "/_delta_log/")) {
      lose_next_silver_commit_ack = false;
      return std::unexpected(Error(ErrorCode::kUnavailable, "connection reset after the write (test)"));
    }
    return status;
  }
  Result<std::vector<storage::ObjectInfo>> List(std::string_view prefix) override { return inner_->List(prefix); }
  Status Delete(std::string_view path) override { return inner_->Delete(path); }
  std::string Describe() const override { return "flaky " + inner_->Describe(); }

 private:
  Status Refuse(std::string_view path) {
    --refuse_writes;
    return std::unexpected(Error(ErrorCode::kUnavailable, "store unavailable (test): " + std::string(path)));
  }
  std::unique_ptr<storage::ObjectStore> inner_;
};

std::string Event(int transaction) {
  return "{\"TransactionNo\":\"" + std::to_string(transaction) + "\",\"Date\":\"12/9/2019\",\"ProductNo\":\"22480\"," +
         "\"Product\":\"Thing\",\"Price\":1.50,\"Quantity\":2,\"CustomerNo\":\"17490\",\"Country\":\"United Kingdom\"}";
}

/// The refine stage on a store that fails: whatever the failure left in memory,
/// the recreated stage makes silver hold every distinct order exactly once.
class RefineRecoveryTest : public RefineFixture {
 protected:
  void SetUp() override {
    RefineFixture::SetUp();
    auto flaky = std::make_unique<FlakyStore>(std::move(store_));
    flaky_ = flaky.get();
    store_ = std::move(flaky);
  }

  Result<std::unique_ptr<Stage>> NewRefine() {
    ++made_;
    JSM_ASSIGN_OR_RETURN(std::unique_ptr<RefineStage> refine,
                         RefineStage::Create(store_.get(), options_, dead_letters_.get()));
    return std::unique_ptr<Stage>(std::move(refine));
  }

  /// Every silver transaction number, in a multiset.
  std::multiset<std::string> SilverTransactions() {
    std::multiset<std::string> seen;
    auto silver = delta::DeltaTable::Open(store_.get(), kSilverTable);
    EXPECT_TRUE(silver) << silver.error().ToString();
    if (!silver) return seen;
    auto scanned = delta::ScanTable(**silver, delta::ScanOptions{.columns = {"transaction_no"}});
    EXPECT_TRUE(scanned) << scanned.error().ToString();
    if (!scanned) return seen;
    const RecordBatch& batch = scanned->batch;
    for (size_t row = 0; row < batch.num_rows(); ++row) seen.insert(std::string(batch.column(0).StringAt(row)));
    return seen;
  }

  FlakyStore* flaky_ = nullptr;  ///< store_, seen as the wrapper it is
  int made_ = 0;
};

TEST_F(RefineRecoveryTest, ACommitThatLandedButWasReportedLostIsNotRefinedTwiceNorDropped) {
  AppendBronze({Event(1), Event(2), Event(1)});
  AppendBronze({Event(3), Event(2), Event(4)});
  const StageFactory factory = [this] { return NewRefine(); };
  auto first = factory();
  ASSERT_TRUE(first) << first.error().ToString();
  std::unique_ptr<Stage> stage = std::move(*first);
  flaky_->lose_next_silver_commit_ack = true;
  Loop loop;
  RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRecreate,
           factory);
  ASSERT_FALSE(loop.control.error().has_value()) << loop.control.error()->ToString();
  EXPECT_TRUE(loop.done.load());
  EXPECT_FALSE(flaky_->lose_next_silver_commit_ack) << "the failure was injected";
  EXPECT_GE(made_, 2) << "the stage was recreated";
  EXPECT_EQ(SilverTransactions(), (std::multiset<std::string>{"1", "2", "3", "4"}));
}

TEST_F(RefineRecoveryTest, WritesRefusedForAWhileAreRefinedOnceTheStoreIsBack) {
  AppendBronze({Event(1), Event(2), Event(1)});
  AppendBronze({Event(3), Event(2), Event(4)});
  const StageFactory factory = [this] { return NewRefine(); };
  auto first = factory();
  ASSERT_TRUE(first) << first.error().ToString();
  std::unique_ptr<Stage> stage = std::move(*first);
  flaky_->refuse_writes = 5;
  Loop loop;
  RunStage(stage, RunMode::kAvailableNow, loop.upstream_done, loop.done, loop.control, TransientPolicy::kRecreate,
           factory);
  ASSERT_FALSE(loop.control.error().has_value()) << loop.control.error()->ToString();
  EXPECT_TRUE(loop.done.load());
  EXPECT_EQ(flaky_->refuse_writes, 0) << "every refusal was met";
  EXPECT_EQ(SilverTransactions(), (std::multiset<std::string>{"1", "2", "3", "4"}));
}

}  // namespace
}  // namespace jsm::pipeline
