#include "pipeline/dlq_selection.h"

namespace jsm::pipeline {

bool MatchesFilter(const kafka::StoredDeadLetter& letter, const DlqFilter& filter) {
  if (!filter.reason.empty() && letter.reason != filter.reason) return false;
  if (filter.since_ms >= 0) {
    const int64_t at = letter.failed_at_ms >= 0 ? letter.failed_at_ms : letter.timestamp_ms;
    if (at < filter.since_ms) return false;
  }
  return true;
}

}  // namespace jsm::pipeline
