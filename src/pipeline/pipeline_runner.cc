#include "pipeline/pipeline_runner.h"

#include <mutex>
#include <thread>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/logging.h"
#include "kafka/rdkafka_log.h"
#include "kafka/dead_letter.h"
#include "kafka/embedded_broker.h"
#include "kafka/producer.h"
#include "pipeline/aggregate_stage.h"
#include "pipeline/ingest_stage.h"
#include "pipeline/order_feed.h"
#include "pipeline/refine_stage.h"
#include "pipeline/table_schemas.h"
#include "storage/object_store.h"

namespace jsm::pipeline {
namespace {

/// The first error of any thread stops every thread.
class RunControl {
 public:
  explicit RunControl(const std::atomic<bool>* external) : external_(external) {}
  bool stopping() const { return failed_.load() || (external_ != nullptr && external_->load()); }
  void Fail(const Error& error) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = error;
    failed_ = true;
  }
  std::optional<Error> error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 private:
  const std::atomic<bool>* external_;
  std::atomic<bool> failed_{false};
  mutable std::mutex mutex_;
  std::optional<Error> error_;
};

/// Waits `ms` milliseconds unless the run stops first.
void SleepUnlessStopping(int64_t ms, const RunControl& control) {
  const double until = MonotonicSeconds() + static_cast<double>(ms) / 1000;
  while (!control.stopping() && MonotonicSeconds() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

/// Runs one stage until it reaches its target (bounded modes) or the run stops.
/// `upstream_done` says when the stage may fix its target; `done` is set at the end.
/// With `retry_transient`, a transient error (IsTransient: broker or storage down,
/// a timeout) is logged and retried with capped exponential backoff instead of
/// stopping the run; any other error stops it.
void RunStage(Stage* stage, RunMode mode, const std::atomic<bool>& upstream_done, std::atomic<bool>& done,
              RunControl& control, bool retry_transient = false) {
  bool target_marked = false;
  Backoff backoff;
  // True if the error was handled by waiting; false if it must stop the run.
  auto retried = [&](const Error& error, const char* what) {
    if (!retry_transient || !IsTransient(error)) return false;
    const int64_t wait = backoff.NextDelayMs();
    Log().warn(R"("transient failure, retrying","stage":"{}","during":"{}","attempt":{},"wait_ms":{},"error":{})",
               stage->name(), what, backoff.attempts(), wait, kafka::JsonQuoted(error.ToString()));
    SleepUnlessStopping(wait, control);
    return true;
  };
  while (!control.stopping()) {
    if (mode != RunMode::kContinuous && !target_marked && upstream_done.load()) {
      if (auto marked = stage->MarkTarget(); !marked) {
        if (retried(marked.error(), "mark target")) continue;
        return control.Fail(marked.error().WithContext(stage->name()));
      }
      target_marked = true;
    }
    auto step = stage->Step();
    if (!step) {
      if (retried(step.error(), "step")) continue;
      return control.Fail(step.error().WithContext(stage->name()));
    }
    if (step->rows_in > 0 || step->committed) {
      if (backoff.attempts() > 0) {
        Log().info(R"("recovered","stage":"{}","after_attempts":{})", stage->name(), backoff.attempts());
      }
      backoff.Reset();
    }
    if (target_marked) {
      auto reached = stage->ReachedTarget();
      if (!reached) {
        if (retried(reached.error(), "target check")) continue;
        return control.Fail(reached.error().WithContext(stage->name()));
      }
      if (*reached) break;
    }
  }
  while (true) {
    auto flushed = stage->Flush();
    if (flushed) break;
    // A stop request ends the retries: what was not committed is read again next time.
    if (control.stopping() || !retried(flushed.error(), "flush")) {
      return control.Fail(flushed.error().WithContext(stage->name()));
    }
  }
  done = true;
}

}  // namespace

Result<StageSet> ParseStageSet(const std::string& name) {
  if (name == "all" || name.empty()) return StageSet::kAll;
  if (name == "ingest") return StageSet::kIngest;
  if (name == "refine") return StageSet::kRefine;
  if (name == "aggregate") return StageSet::kAggregate;
  return MakeError(ErrorCode::kInvalidArgument, "unknown stage '" + name + "' (ingest, refine, aggregate)");
}

Result<RunReport> RunPipeline(RunRequest request) {
  RunReport report;
  const PipelineOptions& options = request.options;
  auto notify = [&](const std::string& line) {
    if (request.notify) request.notify(line);
  };
  const double started = MonotonicSeconds();
  JSM_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenStore(options.lakehouse, options.storage));

  std::unique_ptr<kafka::EmbeddedBroker> broker;
  kafka::ClientConfig client{options.bootstrap, options.kafka_properties};
  if (options.bootstrap == "embedded") {
    JSM_ASSIGN_OR_RETURN(broker, kafka::EmbeddedBroker::Start(3, kafka::DefaultTopics(options.topic)));
    client.bootstrap_servers = broker->bootstrap_servers();
    notify("embedded broker listening on " + client.bootstrap_servers + " (topics " + options.topic + ", " +
           kafka::DeadLetterTopic(options.topic) + "); watch with: kafkacat -b " + client.bootstrap_servers +
           " -t " + options.topic + " -C");
  }
  report.bootstrap = client.bootstrap_servers;

  const bool run_ingest = request.stages == StageSet::kAll || request.stages == StageSet::kIngest;
  const bool run_refine = request.stages == StageSet::kAll || request.stages == StageSet::kRefine;
  const bool run_aggregate = request.stages == StageSet::kAll || request.stages == StageSet::kAggregate;

  std::unique_ptr<kafka::Producer> dlq_producer;
  std::unique_ptr<kafka::DeadLetterWriter> dead_letters;
  std::unique_ptr<IngestStage> ingest;
  std::unique_ptr<RefineStage> refine;
  std::unique_ptr<AggregateStage> aggregate;
  int64_t bronze_before = 0;
  if (request.mode == RunMode::kUntilDrained) {
    JSM_ASSIGN_OR_RETURN(Reconciliation before, Reconcile(store.get()));
    bronze_before = before.bronze_rows;
  }
  if (run_ingest) {
    // A real cluster is consumed as a group (several processes can share the
    // topic); the embedded broker by explicit assignment.
    const IngestAssignment assignment = broker ? IngestAssignment::kExplicit : IngestAssignment::kAuto;
    Backoff backoff;
    while (true) {
      auto created = IngestStage::Create(store.get(), options, client,
                                         broker ? broker->instance_id() : std::string(), assignment);
      if (created) {
        ingest = std::move(*created);
        break;
      }
      const bool stop = request.stop != nullptr && request.stop->load();
      if (stop || !IsTransient(created.error())) return std::unexpected(created.error().WithContext("ingest"));
      const int64_t wait = backoff.NextDelayMs();
      Log().warn(R"("ingest cannot start yet, retrying","stage":"ingest","attempt":{},"wait_ms":{},"error":{})",
                 backoff.attempts(), wait, kafka::JsonQuoted(created.error().ToString()));
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    }
  }
  if (run_refine) {
    JSM_ASSIGN_OR_RETURN(dlq_producer, kafka::Producer::Create(client, {options.producer_compression, 5}));
    dead_letters = std::make_unique<kafka::DeadLetterWriter>(dlq_producer.get(), JSM_VERSION);
    JSM_ASSIGN_OR_RETURN(refine, RefineStage::Create(store.get(), options, dead_letters.get()));
  }
  if (run_aggregate) {
    JSM_ASSIGN_OR_RETURN(aggregate, AggregateStage::Create(store.get(), options));
  }

  RunControl control(request.stop);
  std::atomic<bool> replay_done{request.source == nullptr};
  std::atomic<bool> ingest_done{!run_ingest}, refine_done{!run_refine}, aggregate_done{!run_aggregate};
  std::atomic<int64_t> produced{0};
  const double first_produce = MonotonicSeconds();

  std::vector<std::thread> threads;
  if (request.source) {
    threads.emplace_back([&] {
      auto producer = kafka::Producer::Create(client, {options.producer_compression, 5});
      if (!producer) return control.Fail(producer.error().WithContext("replay"));
      FeedOptions feed;
      feed.rate = request.rate;
      if (ingest) {
        feed.max_lag = options.max_ingest_lag;
        feed.ingested = [&] { return ingest->committed_rows(); };
      }
      feed.progress = [&](int64_t count) {
        produced = count;
        notify("produced " + std::to_string(count) + " events");
      };
      auto count = FeedOrders(request.source.get(), producer->get(), options.topic, feed,
                              [&] { return control.stopping(); });
      replay_done = true;
      if (!count) return control.Fail(count.error().WithContext("replay"));
      produced = *count;
    });
  }
  const std::atomic<bool> always{true};
  if (ingest) {
    threads.emplace_back([&] {
      RunStage(ingest.get(), request.mode, request.mode == RunMode::kUntilDrained ? replay_done : always,
               ingest_done, control, /*retry_transient=*/true);
    });
  }
  if (refine) {
    threads.emplace_back([&] { RunStage(refine.get(), request.mode, ingest_done, refine_done, control); });
  }
  if (aggregate) {
    threads.emplace_back([&] { RunStage(aggregate.get(), request.mode, refine_done, aggregate_done, control); });
  }
  for (std::thread& thread : threads) thread.join();
  if (auto error = control.error()) return std::unexpected(*error);
  if (dead_letters) JSM_RETURN_IF_ERROR(dead_letters->Flush(60000));

  report.produced = produced.load();
  report.seconds = MonotonicSeconds() - started;
  report.first_produce_to_gold_seconds = MonotonicSeconds() - first_produce;
  if (request.mode == RunMode::kUntilDrained) {
    const int64_t expected = run_ingest && request.source ? bronze_before + report.produced : -1;
    JSM_ASSIGN_OR_RETURN(Reconciliation books, Reconcile(store.get(), expected));
    report.reconciliation = books;
  }
  return report;
}

}  // namespace jsm::pipeline
