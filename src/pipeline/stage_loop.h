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
#include "pipeline/stage_health.h"

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
  bool stopping() const { return failed_.load() || stop_requested(); }
  /// True once a stop was requested from outside.
  bool stop_requested() const { return external_ != nullptr && external_->load(); }
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

/// How long a stage of a bounded run (--available-now, --until-drained) may go without
/// progress, and where it reports its health.
struct StageOptions {
  /// Seconds a stage of a bounded run may go on without progress (no row read, no commit:
  /// retrying a failure, or waiting) before the run fails with kTimeout saying what it waited
  /// for. 0 = no bound. Continuous runs are never bounded: they retry and say so in the log.
  double max_wait_s = 0;
  /// Told when the stage fails and when it makes progress again (may be null); must outlive the loop.
  StageHealth* health = nullptr;
  /// Each step's input rows are added here (may be null): progress for a person.
  std::atomic<int64_t>* rows_in = nullptr;
};

/// Runs `stage` until it reaches its target (bounded modes) or the run stops.
/// `upstream_done` says when the stage may fix its target; `done` is set at the
/// end. Transient errors are handled by `policy` (kRecreate needs `recreate`);
/// a kClientFatal error (a dead Kafka handle) makes the stage anew with `recreate`
/// whatever the policy; any other error, a failed recreation that is not transient,
/// or a bounded run without progress for `limits.max_wait_s` stops the run through
/// `control`, as does a stop request that comes while the stage is failing (so a run
/// stopped while stuck never ends as a success). `stage` may be replaced by a recreated one.
void RunStage(std::unique_ptr<Stage>& stage, RunMode mode, const std::atomic<bool>& upstream_done,
              std::atomic<bool>& done, RunControl& control, TransientPolicy policy,
              const StageFactory& recreate = {}, StageOptions options = {});

}  // namespace jsm::pipeline
