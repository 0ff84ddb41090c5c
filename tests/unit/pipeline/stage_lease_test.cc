#include "pipeline/stage_lease.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::pipeline {
namespace {

class StageLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  jsm::testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

TEST_F(StageLeaseTest, OneHolderPerStageOfALakehouseAndTheNextSaysWhoHoldsIt) {
  auto refine = StageLease::TryAcquire(store_.get(), "refine");
  ASSERT_TRUE(refine) << refine.error().ToString();
  auto second = StageLease::TryAcquire(store_.get(), "refine");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(second.error().message().find("refine stage, pid "), std::string::npos) << second.error().message();
  EXPECT_TRUE(StageLease::TryAcquire(store_.get(), "aggregate")) << "stages do not share a lease";
  refine->reset();
  EXPECT_TRUE(StageLease::TryAcquire(store_.get(), "refine")) << "the holder stopped: the standby takes over";
}

/// A store whose leases last 1 s and whose renewals are refused as lost, with the key held elsewhere.
class LosingStore : public storage::ObjectStore {
 public:
  class Lease : public storage::StoreLease {
   public:
    explicit Lease(LosingStore* store) : store_(store) {}
    Status Renew() override {
      ++store_->renewals;
      if (store_->lose) return MakeError(ErrorCode::kConflict, "lease lost (test)");
      return Status::Ok();
    }
    int term_s() const override { return 1; }

   private:
    LosingStore* store_;
  };
  Result<std::string> Get(std::string_view) override { return MakeError(ErrorCode::kNotFound, "x"); }
  Status Put(std::string_view, std::string_view) override { return Status::Ok(); }
  Status PutIfAbsent(std::string_view, std::string_view) override { return Status::Ok(); }
  Result<std::vector<storage::ObjectInfo>> List(std::string_view) override { return std::vector<storage::ObjectInfo>{}; }
  Status Delete(std::string_view) override { return Status::Ok(); }
  std::string Describe() const override { return "losing"; }
  Result<std::unique_ptr<storage::StoreLease>> TryLease(std::string_view, std::string_view) override {
    if (taken) return MakeError(ErrorCode::kAlreadyExists, "held by pid 99 (test)");
    taken = true;
    return std::unique_ptr<storage::StoreLease>(std::make_unique<Lease>(this));
  }
  std::atomic<int> renewals{0};
  std::atomic<bool> lose{false};
  bool taken = false;
};

TEST(StageLease, AnExpiringLeaseIsRenewedAndALossToAnotherHolderIsReportedOnce) {
  LosingStore store;
  std::atomic<int> lost{0};
  std::string message;
  auto lease = StageLease::TryAcquire(&store, "aggregate", [&](const Error& error) {
    message = error.message();
    ++lost;
  });
  ASSERT_TRUE(lease) << lease.error().ToString();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store.renewals < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_GE(store.renewals.load(), 2) << "renewed every third of its term";
  EXPECT_EQ(lost.load(), 0);
  store.lose = true;
  while (lost == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(lost.load(), 1);
  EXPECT_NE(message.find("aggregate lease of the lakehouse was lost"), std::string::npos) << message;
  EXPECT_NE(message.find("held by pid 99"), std::string::npos) << message;
}

TEST(StageLease, AStoreWithoutLeasesGivesALeaseThatHoldsNothing) {
  class NoLeases : public LosingStore {
   public:
    Result<std::unique_ptr<storage::StoreLease>> TryLease(std::string_view p, std::string_view h) override {
      return storage::ObjectStore::TryLease(p, h);
    }
  } store;
  EXPECT_TRUE(StageLease::TryAcquire(&store, "refine"));
  EXPECT_TRUE(StageLease::TryAcquire(&store, "refine"));
}

}  // namespace
}  // namespace jsm::pipeline
