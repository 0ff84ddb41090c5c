#include "pipeline/pipeline_runner.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/logging.h"
#include "kafka/rdkafka_log.h"
#include "kafka/dead_letter.h"
#include "kafka/broker_probe.h"
#include "kafka/embedded_broker.h"
#include "kafka/producer.h"
#include "pipeline/aggregate_stage.h"
#include "pipeline/ingest_stage.h"
#include "pipeline/order_feed.h"
#include "pipeline/refine_stage.h"
#include "pipeline/stage_lease.h"
#include "pipeline/table_schemas.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

Result<StageSet> ParseStageSet(const std::string& name) {
  if (name == "all" || name.empty()) return StageSet::kAll;
  if (name == "ingest") return StageSet::kIngest;
  if (name == "refine") return StageSet::kRefine;
  if (name == "aggregate") return StageSet::kAggregate;
  return MakeError(ErrorCode::kInvalidArgument, "unknown stage '" + name + "' (ingest, refine, aggregate)");
}

namespace {

/// How long the first look at the brokers may take (a refusal comes within milliseconds).
constexpr int kRefusalProbeMs = 10000;

/// The lease of `stage`: at once, or (continuous runs) after standing by until its holder
/// stops; null if the run was stopped while standing by. Bounded runs do not wait: kConflict.
Result<std::unique_ptr<StageLease>> WaitForStageLease(storage::ObjectStore* store, const char* stage,
                                                      const RunRequest& request, RunControl& control) {
  double logged_at = -1;
  while (true) {
    auto lease = StageLease::TryAcquire(store, stage, [&control](const Error& lost) { control.Fail(lost); });
    if (lease) {
      if (logged_at >= 0) Log().info(R"("standby over: this run takes over","stage":"{}")", stage);
      return std::move(*lease);
    }
    if (lease.error().code() != ErrorCode::kAlreadyExists) return std::unexpected(lease.error());
    const std::string holder = lease.error().message();
    if (request.mode != RunMode::kContinuous) {
      return MakeError(ErrorCode::kConflict,
                       std::string("the ") + stage + " stage of lakehouse " + request.options.lakehouse +
                           " is running in another jsm run (" + holder +
                           "): one pipeline per lakehouse, a second would only conflict with it; run this again "
                           "once that one has stopped (a continuous run would wait as a standby)");
    }
    if (logged_at < 0 || MonotonicSeconds() - logged_at >= 60) {
      Log().warn(R"("standby: another jsm run holds this stage of the lakehouse; taking over when it stops","stage":"{}","holder":{})",
                 stage, kafka::JsonQuoted(holder));
      logged_at = MonotonicSeconds();
    }
    SleepUnlessStopping(1000, control);
    if (control.stopping()) return std::unique_ptr<StageLease>();
  }
}

}  // namespace

Result<RunReport> RunPipeline(RunRequest request) {
  RunReport report;
  const PipelineOptions& options = request.options;
  auto notify = [&](const std::string& line) {
    if (request.notify) request.notify(line);
  };
  const double started = MonotonicSeconds();
  JSM_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenStore(options.lakehouse, options.storage));

  RunControl control(request.stop);
  const bool run_ingest = request.stages == StageSet::kAll || request.stages == StageSet::kIngest;
  const bool run_refine = request.stages == StageSet::kAll || request.stages == StageSet::kRefine;
  const bool run_aggregate = request.stages == StageSet::kAll || request.stages == StageSet::kAggregate;

  std::unique_ptr<kafka::EmbeddedBroker> broker;
  kafka::ClientConfig client{options.bootstrap, options.kafka_properties};
  if (options.bootstrap == "embedded") {
    JSM_ASSIGN_OR_RETURN(broker, kafka::EmbeddedBroker::Start(3, kafka::DefaultTopics(options.topic)));
    client.bootstrap_servers = broker->bootstrap_servers();
    // The broker lives as long as this process: a command to watch it only where the run lasts.
    notify("embedded broker listening on " + client.bootstrap_servers + " (topics " + options.topic + ", " +
           kafka::DeadLetterTopic(options.topic) + ")" +
           (request.mode == RunMode::kContinuous
                ? "; watch with: kafkacat -b " + client.bootstrap_servers + " -t " + options.topic + " -C"
                : std::string()));
  }
  report.bootstrap = client.bootstrap_servers;

  // A refusal no retry fixes (authentication, TLS verification, a bad setting) ends the run
  // before it writes anything, its leases included; a broker that does not answer yet is
  // waited for later, as ingest starts (--connect-timeout).
  if (!broker) {
    Status reachable = kafka::ProbeBrokers(client, kRefusalProbeMs, /*stop_when_all_down=*/true);
    if (!reachable && !IsTransient(reachable.error())) return std::unexpected(reachable.error());
  }

  // One pipeline per lakehouse: refine and aggregate write alone. Taken before any stage
  // starts, so a standby holds no consumer-group member that would have to poll meanwhile.
  std::vector<std::unique_ptr<StageLease>> leases;
  for (const char* stage : {"refine", "aggregate"}) {
    if ((std::string_view(stage) == "refine" && !run_refine) || (std::string_view(stage) == "aggregate" && !run_aggregate)) {
      continue;
    }
    JSM_ASSIGN_OR_RETURN(std::unique_ptr<StageLease> lease, WaitForStageLease(store.get(), stage, request, control));
    if (!lease) return report;  // stopped while standing by: nothing ran
    leases.push_back(std::move(lease));
  }

  std::unique_ptr<kafka::Producer> dlq_producer;
  std::unique_ptr<kafka::DeadLetterWriter> dead_letters;
  std::unique_ptr<IngestStage> ingest;
  std::unique_ptr<RefineStage> refine;
  std::unique_ptr<AggregateStage> aggregate;
  int64_t bronze_before = 0;
  if (request.mode == RunMode::kUntilDrained) {
    JSM_ASSIGN_OR_RETURN(Reconciliation before, Reconcile(store.get()));
    bronze_before = before.bronze_rows;
    if (bronze_before > 0 && request.source) {
      notify("the lakehouse already holds " + std::to_string(bronze_before) +
             " bronze messages from earlier runs: the books count them too, and orders replayed again are in "
             "bronze twice and removed by silver as duplicates (a fresh demo: --lakehouse NEW_DIR)");
    }
  }
  // A continuous or until-drained run on a real cluster is a member of the consumer group
  // (several processes share the topic). --available-now and the embedded broker assign
  // every partition themselves: the positions come from bronze's txn anyway, so a bounded
  // run does not wait for a group join (3 s on a real broker, group.initial.rebalance.delay.ms)
  // or for a crashed member's session to expire (45 s); two of them at once stay exact, as
  // bronze refuses a commit whose partition txn moved meanwhile.
  const IngestAssignment ingest_assignment =
      broker || request.mode == RunMode::kAvailableNow ? IngestAssignment::kExplicit : IngestAssignment::kAuto;
  // Creates the ingest stage (joins the consumer group). After a rebuild when there is one: a long
  // rebuild must not keep a group member from polling beyond max.poll.interval.ms.
  auto create_ingest = [&]() -> Status {
    const IngestAssignment assignment = ingest_assignment;
    Backoff backoff;
    // Counted from here, not from the start of the run: a rebuild may come first and take long.
    const double give_up_at = request.connect_timeout_s > 0 ? MonotonicSeconds() + request.connect_timeout_s : 0;
    while (true) {
      auto created = IngestStage::Create(store.get(), options, client,
                                         broker ? broker->instance_id() : std::string(), assignment);
      if (created) {
        if (backoff.attempts() > 0) {
          Log().info(R"("ingest connected","stage":"ingest","brokers":"{}","after_attempts":{})",
                     client.bootstrap_servers, backoff.attempts());
        }
        ingest = std::move(*created);
        break;
      }
      const bool stop = request.stop != nullptr && request.stop->load();
      if (stop || !IsTransient(created.error())) return std::unexpected(created.error().WithContext("ingest"));
      const double now = MonotonicSeconds();
      if (give_up_at > 0 && now >= give_up_at) {
        return MakeError(ErrorCode::kUnavailable,
                         "ingest: gave up after " + std::to_string(request.connect_timeout_s) +
                             " s (--connect-timeout) waiting for Kafka at '" + client.bootstrap_servers +
                             "': " + created.error().message());
      }
      int64_t wait = backoff.NextDelayMs();
      if (give_up_at > 0) wait = std::min<int64_t>(wait, static_cast<int64_t>((give_up_at - now) * 1000) + 1);
      Log().warn(
          R"("ingest cannot start yet, retrying","stage":"ingest","brokers":"{}","attempt":{},"wait_ms":{},"gives_up_in_s":{},"error":{})",
          client.bootstrap_servers, backoff.attempts(), wait,
          give_up_at > 0 ? static_cast<int64_t>(give_up_at - now) : -1, kafka::JsonQuoted(created.error().ToString()));
      const double until = MonotonicSeconds() + static_cast<double>(wait) / 1000;
      while (MonotonicSeconds() < until && !(request.stop != nullptr && request.stop->load())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    return Status::Ok();
  };
  if (run_ingest && request.from_bronze_version < 0) JSM_RETURN_IF_ERROR(create_ingest());
  if (run_refine) {
    JSM_ASSIGN_OR_RETURN(dlq_producer, kafka::Producer::Create(client, {options.producer_compression, 5}));
    dead_letters = std::make_unique<kafka::DeadLetterWriter>(dlq_producer.get(), kafka::DeadLetterTopic(options.topic),
                                                              JSM_VERSION);
    JSM_ASSIGN_OR_RETURN(refine, RefineStage::Create(store.get(), options, dead_letters.get()));
  }
  if (request.from_bronze_version >= 0) {
    if (!refine) {
      return MakeError(ErrorCode::kInvalidArgument, "a rebuild from a bronze version needs the refine stage");
    }
    notify("rebuilding silver and quarantine from bronze version " + std::to_string(request.from_bronze_version));
    JSM_ASSIGN_OR_RETURN(RefineCounts rebuilt, refine->RebuildFromBronze(request.from_bronze_version));
    notify("rebuilt from bronze version " + std::to_string(request.from_bronze_version) + ": " +
           std::to_string(rebuilt.input_rows) + " bronze rows -> " + std::to_string(rebuilt.silver_rows) +
           " silver, " + std::to_string(rebuilt.quarantined) + " quarantined, " +
           std::to_string(rebuilt.dead_letters) + " dead letters, " + std::to_string(rebuilt.duplicates) +
           " duplicates");
    // A bounded run stops refining at the rebuilt version; a continuous one carries on after it.
    if (request.mode != RunMode::kContinuous) refine->LimitToBronzeVersion(request.from_bronze_version);
    if (run_ingest) JSM_RETURN_IF_ERROR(create_ingest());
  }
  std::atomic<bool> full_refresh_pending{request.full_refresh};
  const std::function<void()> full_refresh_done = [&] { full_refresh_pending = false; };
  if (run_aggregate) {
    JSM_ASSIGN_OR_RETURN(aggregate, AggregateStage::Create(store.get(), options));
    if (request.full_refresh) aggregate->RequestFullRefresh(full_refresh_done);
  } else if (request.full_refresh) {
    return MakeError(ErrorCode::kInvalidArgument, "a full refresh of gold needs the aggregate stage");
  }

  std::atomic<bool> replay_done{request.source == nullptr};
  std::atomic<bool> ingest_done{!run_ingest}, refine_done{!run_refine}, aggregate_done{!run_aggregate};
  std::atomic<int64_t> produced{0};
  const double first_produce = MonotonicSeconds();

  // Rows committed to bronze by every ingest stage of this run (one is rebuilt after a dead
  // Kafka client), read by the replay to pace itself.
  std::atomic<int64_t> ingested_rows{0};
  if (ingest) ingest->CountCommittedRowsInto(&ingested_rows);
  std::vector<std::thread> threads;
  if (request.source) {
    threads.emplace_back([&] {
      auto producer = kafka::Producer::Create(client, {options.producer_compression, 5});
      if (!producer) return control.Fail(producer.error().WithContext("replay"));
      FeedOptions feed;
      feed.rate = request.rate;
      if (run_ingest) {
        feed.max_lag = options.max_ingest_lag;
        feed.ingested = [&] { return ingested_rows.load(); };
      }
      feed.progress = [&](int64_t count) {
        produced = count;
        if (!request.progress) notify("produced " + std::to_string(count) + " events");
      };
      auto count = FeedOrders(request.source.get(), producer->get(), options.topic, feed,
                              [&] { return control.stopping(); });
      replay_done = true;
      if (!count) return control.Fail(count.error().WithContext("replay"));
      produced = *count;
    });
  }
  const std::atomic<bool> always{true};
  std::atomic<int64_t> refined_rows{0}, aggregated_rows{0};
  const StageOptions limits{request.max_wait_s, request.health};
  StageOptions refine_limits = limits, aggregate_limits = limits;
  refine_limits.rows_in = &refined_rows;
  aggregate_limits.rows_in = &aggregated_rows;
  // Ingest retries its calls in place; refine and aggregate, whose failed steps may leave
  // half-applied state in memory (dedupe keys, totals), start again from their tables.
  std::unique_ptr<Stage> ingest_stage = std::move(ingest);
  std::unique_ptr<Stage> refine_stage = std::move(refine);
  std::unique_ptr<Stage> aggregate_stage = std::move(aggregate);
  // Ingest retries its calls in place; only a dead Kafka client makes it anew (a new
  // consumer, resuming from bronze's txn).
  const StageFactory recreate_ingest = [&]() -> Result<std::unique_ptr<Stage>> {
    JSM_ASSIGN_OR_RETURN(std::unique_ptr<IngestStage> fresh,
                         IngestStage::Create(store.get(), options, client,
                                             broker ? broker->instance_id() : std::string(), ingest_assignment));
    fresh->CountCommittedRowsInto(&ingested_rows);
    return std::unique_ptr<Stage>(std::move(fresh));
  };
  const StageFactory recreate_refine = [&]() -> Result<std::unique_ptr<Stage>> {
    // The dead-letter producer outlives refine stages: a dead one is rebuilt only by a new process.
    if (auto dead = dlq_producer->FatalError()) return std::unexpected(*dead);
    JSM_ASSIGN_OR_RETURN(std::unique_ptr<RefineStage> fresh,
                         RefineStage::Create(store.get(), options, dead_letters.get()));
    if (request.from_bronze_version >= 0 && request.mode != RunMode::kContinuous) {
      fresh->LimitToBronzeVersion(request.from_bronze_version);
    }
    return std::unique_ptr<Stage>(std::move(fresh));
  };
  const StageFactory recreate_aggregate = [&]() -> Result<std::unique_ptr<Stage>> {
    JSM_ASSIGN_OR_RETURN(std::unique_ptr<AggregateStage> fresh, AggregateStage::Create(store.get(), options));
    // Asked again only when the failure came before the refresh finished (it rewrites the
    // same tables, so doing it again converges); a later failure must not redo it.
    if (full_refresh_pending.load()) fresh->RequestFullRefresh(full_refresh_done);
    return std::unique_ptr<Stage>(std::move(fresh));
  };
  if (ingest_stage) {
    threads.emplace_back([&] {
      RunStage(ingest_stage, request.mode, request.mode == RunMode::kUntilDrained ? replay_done : always,
               ingest_done, control, TransientPolicy::kRetry, recreate_ingest, limits);
    });
  }
  if (refine_stage) {
    // Transient: dead letters the broker did not acknowledge in time (DeadLetterWriter keeps them
    // tracked across the new stage), storage outages.
    threads.emplace_back([&] {
      RunStage(refine_stage, request.mode, ingest_done, refine_done, control, TransientPolicy::kRecreate,
               recreate_refine, refine_limits);
    });
  }
  if (aggregate_stage) {
    threads.emplace_back([&] {
      RunStage(aggregate_stage, request.mode, refine_done, aggregate_done, control, TransientPolicy::kRecreate,
               recreate_aggregate, aggregate_limits);
    });
  }
  std::atomic<bool> stages_done{false};
  std::thread progress_thread;
  if (request.progress) {
    progress_thread = std::thread([&] {
      while (!stages_done.load()) {
        request.progress(RunProgress{produced.load(), ingested_rows.load(), refined_rows.load(),
                                     aggregated_rows.load(), MonotonicSeconds() - started});
        for (int i = 0; i < 10 && !stages_done.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  stages_done = true;
  if (progress_thread.joinable()) progress_thread.join();
  if (auto error = control.error()) return std::unexpected(*error);
  if (dead_letters) JSM_RETURN_IF_ERROR(dead_letters->Flush(60000));

  report.replayed = request.source != nullptr;
  report.produced = produced.load();
  report.seconds = MonotonicSeconds() - started;
  report.first_produce_to_gold_seconds = MonotonicSeconds() - first_produce;
  const bool books_due =
      request.mode == RunMode::kUntilDrained ||
      (request.mode == RunMode::kAvailableNow && request.stages == StageSet::kAll && request.from_bronze_version < 0);
  if (books_due) {
    const int64_t expected = run_ingest && request.source ? bronze_before + report.produced : -1;
    JSM_ASSIGN_OR_RETURN(Reconciliation books, Reconcile(store.get(), expected));
    report.reconciliation = books;
  }
  return report;
}

}  // namespace jsm::pipeline
