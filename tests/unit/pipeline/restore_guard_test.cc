#include "pipeline/restore_guard.h"

#include <gtest/gtest.h>

#include "pipeline/aggregate_stage.h"
#include "pipeline/refine_stage.h"

namespace jsm::pipeline {
namespace {

delta::Snapshot At(int64_t version, std::map<std::string, int64_t> txns) {
  delta::Snapshot snapshot;
  snapshot.version = version;
  snapshot.app_versions = std::move(txns);
  return snapshot;
}

TEST(RestoreGuard, SilverIsRefusedWithTheRebuildFromTheBronzeVersionItHadRead) {
  auto refusal = PipelineRestoreRefusal("silver/pedidos", At(9, {{kRefineAppId, 14}}), At(3, {{kRefineAppId, 5}}));
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("`jsm run --from-bronze-version 5`"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("silver/pedidos version 3 had read"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("--force"), std::string::npos) << *refusal;
}

TEST(RestoreGuard, AVersionFromBeforeRefineRebuildsFromTheFirstBronzeVersion) {
  auto refusal = PipelineRestoreRefusal("silver/pedidos_quarantine", At(4, {{kRefineAppId, 2}}), At(0, {}));
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("--from-bronze-version 0"), std::string::npos) << *refusal;
}

TEST(RestoreGuard, GoldIsRefusedWithAFullRefresh) {
  auto refusal = PipelineRestoreRefusal("gold/daily_sales", At(7, {{kAggregateAppId, 9}}), At(2, {{kAggregateAppId, 3}}));
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("`jsm run --full-refresh --available-now`"), std::string::npos) << *refusal;
}

TEST(RestoreGuard, BronzeIsRefusedAsLossOfMessages) {
  auto refusal = PipelineRestoreRefusal("bronze/pedidos", At(5, {{"jsm-ingest/c1/pedidos/0", 99}}), At(1, {}));
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("drop messages"), std::string::npos) << *refusal;
}

TEST(RestoreGuard, ATableNoStageWritesRestoresAsUsual) {
  EXPECT_FALSE(PipelineRestoreRefusal("sales", At(5, {}), At(1, {})));
  EXPECT_FALSE(PipelineRestoreRefusal("sales", At(5, {{"spark-streaming-query", 4}}), At(1, {})));
}

}  // namespace
}  // namespace jsm::pipeline
