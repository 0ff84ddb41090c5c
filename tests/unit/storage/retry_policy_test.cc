#include "storage/retry_policy.h"

#include <gtest/gtest.h>

namespace jsm::storage {
namespace {

TEST(RetryPolicy, RetriesTimeoutsThrottlingAndServerErrorsOnly) {
  for (const long status : {408L, 429L, 500L, 502L, 503L, 504L})
    EXPECT_TRUE(IsRetryableHttpStatus(status)) << status;
  for (const long status : {200L, 201L, 400L, 403L, 404L, 409L, 412L, 501L, 505L}) {
    EXPECT_FALSE(IsRetryableHttpStatus(status)) << status;
  }
}

TEST(RetryPolicy, BackoffGrowsExponentiallyUpToTheCapWithJitterBelowIt) {
  RetryPolicy policy;
  policy.initial_backoff = std::chrono::milliseconds(100);
  policy.max_backoff = std::chrono::milliseconds(1000);
  const uint64_t max_random = ~0ull;
  // The ceiling is initial * 2^retry, capped; jitter picks any value from 0 to it.
  EXPECT_EQ(BackoffDelay(policy, 0, 100), std::chrono::milliseconds(100));
  EXPECT_EQ(BackoffDelay(policy, 1, 200), std::chrono::milliseconds(200));
  EXPECT_EQ(BackoffDelay(policy, 2, 400), std::chrono::milliseconds(400));
  EXPECT_EQ(BackoffDelay(policy, 3, 800), std::chrono::milliseconds(800));
  EXPECT_EQ(BackoffDelay(policy, 3, 801), std::chrono::milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 30, 1000), std::chrono::milliseconds(1000));
  EXPECT_EQ(BackoffDelay(policy, 0, 0), std::chrono::milliseconds(0));
  for (int retry = 0; retry < 64; ++retry)
    EXPECT_LE(BackoffDelay(policy, retry, max_random), policy.max_backoff);
}

}  // namespace
}  // namespace jsm::storage
