#pragma once
/// Capped exponential backoff with jitter, for retrying transient failures
/// (broker unreachable, request timeouts, storage unavailable): the n-th wait is
/// drawn uniformly from [(1 - jitter) * d, d] where d = min(max, initial * multiplier^(n-1)).
/// "Full" jitter would allow waits near zero; a bounded jitter keeps retries from
/// hammering a recovering broker while still spreading the members of a group apart.

#include <cstdint>
#include <random>

#include "common/status.h"

namespace jsm {

/// The shape of a backoff.
struct BackoffPolicy {
  int64_t initial_ms = 200;   ///< the first wait (before jitter)
  int64_t max_ms = 10000;     ///< no wait is longer than this
  double multiplier = 2.0;    ///< growth per attempt
  double jitter = 0.25;       ///< fraction of each wait that is random, in [0, 1]
};

/// One retry sequence: NextDelayMs() for each failed attempt, Reset() after a success.
class Backoff {
 public:
  /// `seed` 0 seeds from std::random_device (tests pass a fixed seed).
  explicit Backoff(BackoffPolicy policy = {}, uint64_t seed = 0);

  /// Records a failed attempt and returns how long to wait before the next one.
  int64_t NextDelayMs();
  /// The wait before jitter for attempt `attempt` (1-based), capped at max_ms.
  int64_t CappedDelayMs(int attempt) const;
  /// Failed attempts since the last Reset().
  int attempts() const { return attempts_; }
  /// Starts over after a success.
  void Reset() { attempts_ = 0; }

 private:
  BackoffPolicy policy_;
  int attempts_ = 0;
  std::mt19937_64 random_;
};

/// True for errors that retrying can fix: kUnavailable, kTimeout and kIoError
/// (a broker or store that is down or slow). Everything else (not found,
/// invalid argument such as an authentication failure, corruption, data loss,
/// conflicts) is permanent for a retry loop.
bool IsTransient(const Error& error);

}  // namespace jsm
