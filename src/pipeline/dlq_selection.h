#pragma once
/// Which dead letters a `jsm dlq` command acts on: --reason and --since.

#include <cstdint>
#include <string>

#include "kafka/dead_letter_reader.h"

namespace jsm::pipeline {

/// The letters a command selects. Empty fields select everything.
struct DlqFilter {
  std::string reason;     ///< exact dlq.reason, e.g. "wrong_type"
  int64_t since_ms = -1;  ///< letters that (last) failed at or after this time; -1 = any time
};

/// True if `letter` passes `filter`. --since compares dlq.failed_at, or the DLQ
/// message's Kafka timestamp when that header is unreadable.
bool MatchesFilter(const kafka::StoredDeadLetter& letter, const DlqFilter& filter);

}  // namespace jsm::pipeline
