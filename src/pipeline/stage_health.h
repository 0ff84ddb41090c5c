#pragma once
/// What each stage of a running `jsm run` is doing, for people and probes: healthy, or
/// failing since a given time (retrying a transient error, or rebuilding a dead Kafka
/// client), with the attempt count and the last error. The stage loop writes it; `/readyz`
/// and `/metrics` of `jsm run --serve` read it (docs/faults.md, docs/serve.md).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::pipeline {

/// One stage's state.
struct StageHealthEntry {
  std::string stage;
  bool failing = false;
  double failing_since_unix = 0;  ///< when the current run of failures began (Unix seconds), if failing
  int attempts = 0;               ///< failed attempts since the stage last made progress
  std::string last_error;         ///< "<kind>: <message>" of the latest failure, if failing
};

/// Thread-safe record of every stage of one run.
class StageHealth {
 public:
  /// The stage failed again (attempt `attempts` since it last made progress).
  void Failing(std::string_view stage, const Error& error, int attempts);
  /// The stage made progress (or started): healthy.
  void Healthy(std::string_view stage);
  /// Every stage seen so far, by name.
  std::vector<StageHealthEntry> Snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, StageHealthEntry, std::less<>> stages_;
};

}  // namespace jsm::pipeline
