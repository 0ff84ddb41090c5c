#pragma once
/// What every stage (ingest, refine, aggregate) offers the runner: one
/// micro-batch step at a time, and a way to tell whether it has caught up.

#include <cstdint>
#include <string>

#include "common/status.h"

namespace jsm::pipeline {

/// What one Step did.
struct StepResult {
  int64_t rows_in = 0;    ///< input rows consumed by this step
  bool committed = false; ///< a Delta commit was written
};

/// A stage of the pipeline. Steps run on one thread.
class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  /// Does a bounded amount of work: reads what is available (waiting briefly
  /// when there is nothing), and commits when a batch is complete.
  virtual Result<StepResult> Step() = 0;
  /// Commits whatever is buffered (at shutdown).
  virtual Status Flush() = 0;
  /// True when everything the stage's source held when `MarkTarget` was called
  /// has been committed to its table.
  virtual Result<bool> ReachedTarget() = 0;
  /// Records the source position to catch up with (for --available-now and draining).
  virtual Status MarkTarget() = 0;
};

}  // namespace jsm::pipeline
