#include "pipeline/stage_loop.h"

#include <chrono>
#include <thread>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/logging.h"
#include "kafka/rdkafka_log.h"

namespace jsm::pipeline {

void RunControl::Fail(const Error& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error_) error_ = error;
  failed_ = true;
}

std::optional<Error> RunControl::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

void SleepUnlessStopping(int64_t ms, const RunControl& control) {
  const double until = MonotonicSeconds() + static_cast<double>(ms) / 1000;
  while (!control.stopping() && MonotonicSeconds() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void RunStage(std::unique_ptr<Stage>& stage, RunMode mode, const std::atomic<bool>& upstream_done,
              std::atomic<bool>& done, RunControl& control, TransientPolicy policy, const StageFactory& recreate) {
  const std::string name(stage->name());
  bool target_marked = false;
  Backoff backoff;
  // True if the error was handled (waited, and the stage recreated under kRecreate);
  // false if it must stop the run.
  auto handled = [&](const Error& error, const char* during) {
    if (policy == TransientPolicy::kStop || !IsTransient(error)) return false;
    if (policy == TransientPolicy::kRecreate && !recreate) return false;
    Error last = error;
    while (true) {
      const int64_t wait = backoff.NextDelayMs();
      Log().warn(R"("transient failure, retrying","stage":"{}","during":"{}","attempt":{},"wait_ms":{},"error":{})",
                 name, during, backoff.attempts(), wait, kafka::JsonQuoted(last.ToString()));
      SleepUnlessStopping(wait, control);
      if (policy == TransientPolicy::kRetry) return true;  // a stop request ends the loop, then flushes
      // Nothing the failed call did in memory is trusted: the stage starts again
      // from what its tables hold, exactly as after a crash (or next run, on a stop).
      stage.reset();
      if (control.stopping()) return true;
      auto fresh = recreate();
      if (fresh) {
        stage = std::move(*fresh);
        target_marked = false;  // the new stage fixes its target again
        Log().info(R"("stage recreated from the lakehouse","stage":"{}","attempt":{})", name, backoff.attempts());
        return true;
      }
      if (!IsTransient(fresh.error())) {
        last = fresh.error();
        control.Fail(last.WithContext(name + " (recreating after a transient failure)"));
        return true;  // the run has failed: the loop ends on control.stopping()
      }
      last = fresh.error();
      during = "recreate";
    }
  };
  auto fail = [&](const Error& error) { control.Fail(error.WithContext(name)); };

  while (true) {
    while (!control.stopping()) {
      if (mode != RunMode::kContinuous && !target_marked && upstream_done.load()) {
        if (auto marked = stage->MarkTarget(); !marked) {
          if (handled(marked.error(), "mark target")) continue;
          return fail(marked.error());
        }
        target_marked = true;
      }
      auto step = stage->Step();
      if (!step) {
        if (handled(step.error(), "step")) continue;
        return fail(step.error());
      }
      if (step->rows_in > 0 || step->committed) {
        if (backoff.attempts() > 0) {
          Log().info(R"("recovered","stage":"{}","after_attempts":{})", name, backoff.attempts());
        }
        backoff.Reset();
      }
      if (target_marked) {
        auto reached = stage->ReachedTarget();
        if (!reached) {
          if (handled(reached.error(), "target check")) continue;
          return fail(reached.error());
        }
        if (*reached) break;
      }
    }
    if (stage == nullptr) return;  // dropped after a failure and the run stopped: nothing to flush
    bool flushed = false;
    while (!flushed) {
      auto status = stage->Flush();
      if (status) {
        flushed = true;
        break;
      }
      // A stop request ends the retries: what was not committed is read again next time.
      if (control.stopping() || !handled(status.error(), "flush")) return fail(status.error());
      // A recreated stage steps to its target again before it flushes.
      if (policy == TransientPolicy::kRecreate) break;
    }
    if (flushed) break;
  }
  done = true;
}

}  // namespace jsm::pipeline
