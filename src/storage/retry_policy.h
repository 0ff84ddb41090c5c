#pragma once
/// When and how long to wait before retrying a storage request: capped exponential
/// backoff with full jitter, bounded by attempts and by total time.

#include <chrono>
#include <cstdint>

namespace jsm::storage {

/// Retry limits of one logical operation.
struct RetryPolicy {
  int max_attempts = 40;                           ///< first try included
  std::chrono::milliseconds initial_backoff{100};  ///< cap of the first wait
  std::chrono::milliseconds max_backoff{5000};     ///< cap of any wait
  std::chrono::milliseconds max_elapsed{120000};   ///< give up once this much time has passed
};

/// True for HTTP statuses worth retrying: 408, 429 and 5xx (except 501 and 505).
bool IsRetryableHttpStatus(long status);

/// The wait before retry number `retry` (0 for the first retry): uniform in
/// [0, min(max_backoff, initial_backoff * 2^retry)]. `random` is any 64-bit random value.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, uint64_t random);

}  // namespace jsm::storage
