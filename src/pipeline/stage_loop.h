#pragma once
/// The loop that drives one stage on its own thread: steps until the stage has
/// caught up (bounded modes) or the run stops, retrying transient failures.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "common/status.h"
#include "pipeline/stage.h"

namespace jsm::pipeline {

/// When a run ends.
enum class RunMode {
  kContinuous,    ///< until the run is stopped
  kUntilDrained,  ///< after the input has reached gold
  kAvailableNow,  ///< after what the source held at start has reached gold
};

/// Shared by the threads of one run: the first error of any thread stops every thread.
class RunControl {
 public:
  /// `external` (may be null) is a stop request from outside (a signal handler).
  explicit RunControl(const std::atomic<bool>* external) : external_(external) {}
  /// True once a thread failed or a stop was requested.
  bool stopping() const { return failed_.load() || (external_ != nullptr && external_->load()); }
  /// Records the first error and stops the run.
  void Fail(const Error& error);
  /// The first error, if any.
  std::optional<Error> error() const;

 private:
  const std::atomic<bool>* external_;
  std::atomic<bool> failed_{false};
  mutable std::mutex mutex_;
  std::optional<Error> error_;
};

/// Waits `ms` milliseconds unless the run stops first.
void SleepUnlessStopping(int64_t ms, const RunControl& control);

/// Makes a stage afresh from the lakehouse's durable state, as at start.
using StageFactory = std::function<Result<std::unique_ptr<Stage>>()>;

/// How a stage meets a transient error (IsTransient: broker or storage down, a timeout).
enum class TransientPolicy {
  kStop,      ///< every error stops the run
  kRetry,     ///< wait (capped exponential backoff) and call the same stage again: for a
              ///< stage whose failed calls leave nothing half-applied in memory (ingest)
  kRecreate,  ///< wait, drop the stage and make it anew with the factory, which resumes
              ///< exactly once from its tables' txn, as after a crash (refine, aggregate)
};

/// Runs `stage` until it reaches its target (bounded modes) or the run stops.
/// `upstream_done` says when the stage may fix its target; `done` is set at the
/// end. Transient errors are handled by `policy` (kRecreate needs `recreate`);
/// any other error, or a failed recreation that is not transient, stops the run
/// through `control`. `stage` may be replaced by a recreated one.
void RunStage(std::unique_ptr<Stage>& stage, RunMode mode, const std::atomic<bool>& upstream_done,
              std::atomic<bool>& done, RunControl& control, TransientPolicy policy,
              const StageFactory& recreate = {});

}  // namespace jsm::pipeline
