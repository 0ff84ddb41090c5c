#include "pipeline/stage_health.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

TEST(StageHealth, AFailingStageKeepsWhenItBeganAndItsLatestErrorUntilItMakesProgress) {
  StageHealth health;
  health.Healthy("refine");
  health.Failing("refine", Error(ErrorCode::kUnavailable, "first"), 1);
  const double since = health.Snapshot().at(0).failing_since_unix;
  EXPECT_GT(since, 0);
  health.Failing("refine", Error(ErrorCode::kTimeout, "second"), 2);
  std::vector<StageHealthEntry> stages = health.Snapshot();
  ASSERT_EQ(stages.size(), 1u);
  EXPECT_TRUE(stages[0].failing);
  EXPECT_EQ(stages[0].failing_since_unix, since) << "the run of failures began at the first";
  EXPECT_EQ(stages[0].attempts, 2);
  EXPECT_EQ(stages[0].last_error, "timeout: second");
  health.Healthy("refine");
  stages = health.Snapshot();
  EXPECT_FALSE(stages[0].failing);
  EXPECT_EQ(stages[0].attempts, 0);
  EXPECT_TRUE(stages[0].last_error.empty());
}

TEST(StageHealth, StagesAreListedByName) {
  StageHealth health;
  health.Healthy("refine");
  health.Failing("aggregate", Error(ErrorCode::kIoError, "x"), 1);
  health.Healthy("ingest");
  const std::vector<StageHealthEntry> stages = health.Snapshot();
  ASSERT_EQ(stages.size(), 3u);
  EXPECT_EQ(stages[0].stage, "aggregate");
  EXPECT_TRUE(stages[0].failing);
  EXPECT_EQ(stages[1].stage, "ingest");
  EXPECT_EQ(stages[2].stage, "refine");
}

}  // namespace
}  // namespace jsm::pipeline
