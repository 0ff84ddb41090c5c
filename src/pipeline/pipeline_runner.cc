#include "pipeline/pipeline_runner.h"

#include <algorithm>
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
  // Creates the ingest stage (joins the consumer group). After a rebuild when there is one: a long
  // rebuild must not keep a group member from polling beyond max.poll.interval.ms.
  auto create_ingest = [&]() -> Status {
    // A real cluster is consumed as a group (several processes can share the
    // topic); the embedded broker by explicit assignment.
    const IngestAssignment assignment = broker ? IngestAssignment::kExplicit : IngestAssignment::kAuto;
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

  RunControl control(request.stop);
  std::atomic<bool> replay_done{request.source == nullptr};
  std::atomic<bool> ingest_done{!run_ingest}, refine_done{!run_refine}, aggregate_done{!run_aggregate};
  std::atomic<int64_t> produced{0};
  const double first_produce = MonotonicSeconds();

  // Ingest is never recreated (TransientPolicy::kRetry), so the replay may watch it throughout.
  const IngestStage* ingest_counter = ingest.get();
  std::vector<std::thread> threads;
  if (request.source) {
    threads.emplace_back([&] {
      auto producer = kafka::Producer::Create(client, {options.producer_compression, 5});
      if (!producer) return control.Fail(producer.error().WithContext("replay"));
      FeedOptions feed;
      feed.rate = request.rate;
      if (ingest_counter != nullptr) {
        feed.max_lag = options.max_ingest_lag;
        feed.ingested = [&] { return ingest_counter->committed_rows(); };
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
  // Ingest retries its calls in place; refine and aggregate, whose failed steps may leave
  // half-applied state in memory (dedupe keys, totals), start again from their tables.
  std::unique_ptr<Stage> ingest_stage = std::move(ingest);
  std::unique_ptr<Stage> refine_stage = std::move(refine);
  std::unique_ptr<Stage> aggregate_stage = std::move(aggregate);
  const StageFactory recreate_refine = [&]() -> Result<std::unique_ptr<Stage>> {
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
               ingest_done, control, TransientPolicy::kRetry);
    });
  }
  if (refine_stage) {
    // Transient: dead letters the broker did not acknowledge in time (DeadLetterWriter keeps them
    // tracked across the new stage), storage outages.
    threads.emplace_back([&] {
      RunStage(refine_stage, request.mode, ingest_done, refine_done, control, TransientPolicy::kRecreate,
               recreate_refine);
    });
  }
  if (aggregate_stage) {
    threads.emplace_back([&] {
      RunStage(aggregate_stage, request.mode, refine_done, aggregate_done, control, TransientPolicy::kRecreate,
               recreate_aggregate);
    });
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
