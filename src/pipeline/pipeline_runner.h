#pragma once
/// Runs the pipeline: the embedded broker when asked for, an optional replay of
/// input orders, and the stages as threads — continuously until stopped, until
/// the input has drained through gold, or until everything the topic held at
/// start is in gold (--available-now).

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "model/order_source.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/reconciliation.h"
#include "pipeline/stage_loop.h"

namespace jsm::pipeline {

/// Which stages run in this process.
enum class StageSet { kAll, kIngest, kRefine, kAggregate };

/// A run's request.
/// Counts of a run so far, for a person watching it (RunRequest::progress).
struct RunProgress {
  int64_t produced = 0;    ///< events the replay produced
  int64_t in_bronze = 0;   ///< messages committed to bronze by this run
  int64_t refined = 0;     ///< bronze rows refine has read
  int64_t aggregated = 0;  ///< silver rows aggregate has read
  double seconds = 0;      ///< since the run started
};

struct RunRequest {
  PipelineOptions options;
  RunMode mode = RunMode::kContinuous;
  StageSet stages = StageSet::kAll;
  std::unique_ptr<model::OrderSource> source;  ///< may be null (no replay)
  double rate = 0;                             ///< replay events per second, 0 = unlimited
  const std::atomic<bool>* stop = nullptr;     ///< set from a signal handler
  /// How long ingest waits at start for an unreachable broker (retrying with
  /// backoff) before the run fails; 0 = wait until stopped.
  int connect_timeout_s = 300;
  /// Bounded modes: seconds a stage may go without progress before the run fails (kTimeout,
  /// saying what it waited for); 0 = no bound (StageLimits::max_wait_s).
  double max_wait_s = 300;
  /// Where the stages report failing and healthy (may be null; `jsm run --serve` shows it).
  StageHealth* health = nullptr;
  /// Progress lines for a person (the CLI prints them).
  std::function<void(const std::string&)> notify;
  /// If set: called about twice a second from a thread of its own while the stages run (then
  /// the replay does not notify "produced N events").
  std::function<void(const RunProgress&)> progress;
  /// >= 0: before the refine stage runs, rebuild silver and quarantine from bronze
  /// as of this version (RefineStage::RebuildFromBronze); needs the refine stage.
  /// In bounded modes refine then stops at this version.
  int64_t from_bronze_version = -1;
  /// Recompute and overwrite every gold table from the whole of silver
  /// (AggregateStage::RequestFullRefresh); needs the aggregate stage.
  bool full_refresh = false;
};

/// What a run did.
struct RunReport {
  std::string bootstrap;
  int64_t produced = 0;
  double seconds = 0;
  double first_produce_to_gold_seconds = 0;
  bool replayed = false;  ///< events were produced by this run (`produced`, first produce to gold)
  /// For kUntilDrained, and kAvailableNow of every stage (not a rebuild that stops at its bronze version).
  std::optional<Reconciliation> reconciliation;
};

/// Runs the pipeline as requested.
Result<RunReport> RunPipeline(RunRequest request);

/// Parses "ingest", "refine", "aggregate" (or "all").
Result<StageSet> ParseStageSet(const std::string& name);

}  // namespace jsm::pipeline
