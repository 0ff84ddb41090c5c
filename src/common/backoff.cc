#include "common/backoff.h"

#include <algorithm>
#include <cmath>

namespace jsm {

Backoff::Backoff(BackoffPolicy policy, uint64_t seed) : policy_(policy) {
  policy_.initial_ms = std::max<int64_t>(1, policy_.initial_ms);
  policy_.max_ms = std::max(policy_.initial_ms, policy_.max_ms);
  policy_.multiplier = std::max(1.0, policy_.multiplier);
  policy_.jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  random_.seed(seed != 0 ? seed : (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}());
}

int64_t Backoff::CappedDelayMs(int attempt) const {
  if (attempt < 1) attempt = 1;
  // Computed in floating point: multiplier^attempt overflows int64 long before it matters.
  const double delay = static_cast<double>(policy_.initial_ms) * std::pow(policy_.multiplier, attempt - 1);
  if (!std::isfinite(delay) || delay >= static_cast<double>(policy_.max_ms)) return policy_.max_ms;
  return static_cast<int64_t>(delay);
}

int64_t Backoff::NextDelayMs() {
  if (attempts_ < 1'000'000) ++attempts_;
  const int64_t capped = CappedDelayMs(attempts_);
  const double low = static_cast<double>(capped) * (1.0 - policy_.jitter);
  std::uniform_real_distribution<double> spread(low, static_cast<double>(capped));
  return std::max<int64_t>(1, static_cast<int64_t>(policy_.jitter > 0 ? spread(random_) : capped));
}

bool IsTransient(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
    case ErrorCode::kIoError:
      return true;
    default:
      return false;
  }
}

}  // namespace jsm
