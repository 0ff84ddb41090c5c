#pragma once
/// The line `jsm run` keeps redrawing on a terminal while the stages run: events produced, in
/// bronze, refined, aggregated, and the rate.

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "pipeline/pipeline_runner.h"

namespace jsm::cli {

/// 1234567 -> "1,234,567".
std::string GroupThousands(int64_t value);

/// "produced 52,000 | in bronze 50,000 | refined 45,000 | aggregated 40,000 | 12,380 events/s";
/// the counts of stages that do not run (zero) are left out, produced too when nothing is replayed.
std::string FormatRunProgress(const pipeline::RunProgress& progress);

/// The progress line on a terminal (`out`), redrawn in place; other lines go above it.
class TerminalProgress {
 public:
  explicit TerminalProgress(std::FILE* out) : out_(out) {}
  void Update(const pipeline::RunProgress& progress);
  /// Clears the progress line and prints `line` (it is redrawn on the next update).
  void Line(const std::string& line);
  /// Clears the progress line for good (before the books).
  void Finish();

 private:
  void ClearLocked();
  std::FILE* out_;
  std::mutex mutex_;
  bool shown_ = false;
  bool finished_ = false;
};

}  // namespace jsm::cli
