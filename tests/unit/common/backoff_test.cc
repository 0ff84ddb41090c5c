#include "common/backoff.h"

#include <gtest/gtest.h>

namespace jsm {
namespace {

TEST(Backoff, GrowsExponentiallyUpToTheCap) {
  Backoff backoff({100, 1000, 2.0, 0.0}, 1);
  EXPECT_EQ(backoff.NextDelayMs(), 100);
  EXPECT_EQ(backoff.NextDelayMs(), 200);
  EXPECT_EQ(backoff.NextDelayMs(), 400);
  EXPECT_EQ(backoff.NextDelayMs(), 800);
  EXPECT_EQ(backoff.NextDelayMs(), 1000);
  EXPECT_EQ(backoff.NextDelayMs(), 1000);
  EXPECT_EQ(backoff.attempts(), 6);
}

TEST(Backoff, JitterStaysWithinItsFractionBelowTheCappedDelay) {
  Backoff backoff({100, 5000, 2.0, 0.25}, 42);
  for (int attempt = 1; attempt <= 40; ++attempt) {
    const int64_t capped = backoff.CappedDelayMs(attempt);
    const int64_t delay = backoff.NextDelayMs();
    EXPECT_LE(delay, capped) << "attempt " << attempt;
    EXPECT_GE(delay, capped * 3 / 4 - 1) << "attempt " << attempt;
  }
}

TEST(Backoff, JitterSpreadsTheWaitsOfTwoRetriers) {
  Backoff a({1000, 1000, 2.0, 0.5}, 1), b({1000, 1000, 2.0, 0.5}, 2);
  int differ = 0;
  for (int i = 0; i < 10; ++i) differ += a.NextDelayMs() != b.NextDelayMs();
  EXPECT_GT(differ, 5);
}

TEST(Backoff, ResetStartsOverAfterASuccess) {
  Backoff backoff({50, 10000, 3.0, 0.0}, 1);
  backoff.NextDelayMs();
  backoff.NextDelayMs();
  EXPECT_EQ(backoff.NextDelayMs(), 450);
  backoff.Reset();
  EXPECT_EQ(backoff.attempts(), 0);
  EXPECT_EQ(backoff.NextDelayMs(), 50);
}

TEST(Backoff, HugeAttemptCountsStayAtTheCapWithoutOverflow) {
  Backoff backoff({200, 30000, 10.0, 0.0}, 1);
  EXPECT_EQ(backoff.CappedDelayMs(1), 200);
  EXPECT_EQ(backoff.CappedDelayMs(5000), 30000);
}

TEST(Backoff, NonsensePoliciesAreMadeSafe) {
  Backoff backoff({0, -5, 0.5, 7.0}, 1);  // initial < 1, max < initial, shrinking, jitter > 1
  const int64_t first = backoff.NextDelayMs();
  EXPECT_GE(first, 1);
  EXPECT_LE(first, 1);
}

TEST(Backoff, TransientErrorsAreTheOnesRetryingCanFix) {
  EXPECT_TRUE(IsTransient(Error(ErrorCode::kUnavailable, "all brokers down")));
  EXPECT_TRUE(IsTransient(Error(ErrorCode::kTimeout, "request timed out")));
  EXPECT_TRUE(IsTransient(Error(ErrorCode::kIoError, "storage write failed")));
  EXPECT_FALSE(IsTransient(Error(ErrorCode::kNotFound, "no such topic")));
  EXPECT_FALSE(IsTransient(Error(ErrorCode::kInvalidArgument, "SASL authentication failed")));
  EXPECT_FALSE(IsTransient(Error(ErrorCode::kCorruption, "bad Delta log")));
  EXPECT_FALSE(IsTransient(Error(ErrorCode::kDataLoss, "retention passed our offset")));
}

}  // namespace
}  // namespace jsm
