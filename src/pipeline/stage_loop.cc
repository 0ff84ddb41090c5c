#include "pipeline/stage_loop.h"

#include <algorithm>
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

namespace {

std::string Seconds(double s) { return std::to_string(static_cast<int64_t>(s + 0.5)) + " s"; }

}  // namespace

void RunStage(std::unique_ptr<Stage>& stage, RunMode mode, const std::atomic<bool>& upstream_done,
              std::atomic<bool>& done, RunControl& control, TransientPolicy policy, const StageFactory& recreate,
              StageOptions options) {
  const std::string name(stage->name());
  bool target_marked = false;
  Backoff backoff;
  const bool bounded = mode != RunMode::kContinuous && options.max_wait_s > 0;
  double last_progress = MonotonicSeconds();
  // What the stage is waiting for, for the error of a bounded run that gives up.
  auto waiting_for = [&] {
    return target_marked ? std::string("the rows up to its target")
                         : std::string("its upstream to finish (mode ") +
                               (mode == RunMode::kUntilDrained ? "until-drained" : "available-now") + ")";
  };
  // Fails the run if a bounded run has gone without progress for too long; true if it did.
  auto gave_up = [&](const Error* last) {
    if (!bounded || MonotonicSeconds() - last_progress < options.max_wait_s) return false;
    std::string message = name + ": no progress for " + Seconds(MonotonicSeconds() - last_progress) +
                          " (--max-wait " + Seconds(options.max_wait_s) + "), waiting for " + waiting_for();
    if (last != nullptr) message += "; last error: " + last->ToString();
    control.Fail(Error(ErrorCode::kTimeout, std::move(message)));
    return true;
  };
  // A stop request that comes while the stage is failing ends the run as a failure.
  auto stopped_while_failing = [&](const Error& last) {
    if (control.stop_requested()) control.Fail(last.WithContext(name + " (stopped while retrying)"));
  };
  // True if the error was handled (waited, and the stage recreated under kRecreate or
  // after a dead client); false if it must stop the run.
  auto handled = [&](const Error& error, const char* during) {
    const bool client_fatal = error.code() == ErrorCode::kClientFatal;
    if (client_fatal && !recreate) return false;
    if (!client_fatal && (policy == TransientPolicy::kStop || !IsTransient(error))) return false;
    if (!client_fatal && policy == TransientPolicy::kRecreate && !recreate) return false;
    Error last = error;
    while (true) {
      // A bounded run that gives up fails without flushing, as on a permanent error.
      if (gave_up(&last)) return false;
      int64_t wait = backoff.NextDelayMs();
      if (options.health != nullptr) options.health->Failing(name, last, backoff.attempts());
      if (bounded) {  // no wait beyond the bound: the run gives up on time
        const double left_ms = (options.max_wait_s - (MonotonicSeconds() - last_progress)) * 1000;
        wait = std::max<int64_t>(1, std::min<int64_t>(wait, static_cast<int64_t>(left_ms) + 1));
      }
      Log().warn(R"("{}","stage":"{}","during":"{}","attempt":{},"wait_ms":{},"error":{})",
                 client_fatal ? "Kafka client is dead, rebuilding the stage" : "transient failure, retrying", name,
                 during, backoff.attempts(), wait, kafka::JsonQuoted(last.ToString()));
      SleepUnlessStopping(wait, control);
      if (control.stopping()) stopped_while_failing(last);
      // Retried in place: a stop request ends the loop, then flushes.
      if (!client_fatal && policy == TransientPolicy::kRetry) return true;
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
        control.Fail(last.WithContext(name + (client_fatal ? " (rebuilding after a dead Kafka client)"
                                                            : " (recreating after a transient failure)")));
        return true;  // the run has failed: the loop ends on control.stopping()
      }
      last = fresh.error();
      during = "recreate";
    }
  };
  auto fail = [&](const Error& error) {
    if (options.health != nullptr) options.health->Failing(name, error, backoff.attempts() + 1);
    control.Fail(error.WithContext(name));
  };
  if (options.health != nullptr) options.health->Healthy(name);

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
        if (options.rows_in != nullptr) *options.rows_in += step->rows_in;
        if (backoff.attempts() > 0) {
          Log().info(R"("recovered","stage":"{}","after_attempts":{})", name, backoff.attempts());
        }
        backoff.Reset();
        last_progress = MonotonicSeconds();
        if (options.health != nullptr) options.health->Healthy(name);
      } else if (gave_up(nullptr)) {
        return;
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
