#include "storage/retry_policy.h"

#include <algorithm>

namespace jsm::storage {

bool IsRetryableHttpStatus(long status) {
  if (status == 408 || status == 429) return true;
  return status >= 500 && status <= 599 && status != 501 && status != 505;
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, uint64_t random) {
  const int64_t cap = policy.max_backoff.count();
  int64_t ceiling = std::max<int64_t>(policy.initial_backoff.count(), 1);
  for (int i = 0; i < retry && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  return std::chrono::milliseconds(static_cast<int64_t>(random % static_cast<uint64_t>(ceiling + 1)));
}

}  // namespace jsm::storage
