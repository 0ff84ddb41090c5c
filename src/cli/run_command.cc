#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/run_progress.h"
#include "pipeline/pipeline_runner.h"

namespace jsm::cli {
namespace {

struct RunArgs {
  std::string config;
  std::string lakehouse;
  std::string bootstrap;
  std::string topic;
  InputOptions input;
  double rate = 0;
  bool until_drained = false;
  bool available_now = false;
  std::string stage = "all";
  std::string serve;  ///< --serve HOST:PORT, empty = no server
  std::vector<std::string> allowed_hosts;  ///< --allow-host NAME...
  int64_t from_bronze_version = -1;  ///< --from-bronze-version V, -1 = no rebuild
  bool full_refresh = false;         ///< --full-refresh
  int connect_timeout_s = 300;
  double max_wait_s = 300;
};

void PrintReconciliation(const pipeline::RunReport& report) {
  const pipeline::Reconciliation& r = *report.reconciliation;
  std::printf("\nreconciliation\n");
  if (report.replayed) std::printf("  %-28s %12lld\n", "produced", static_cast<long long>(report.produced));
  std::printf("  %-28s %12lld\n", "bronze messages", static_cast<long long>(r.bronze_rows));
  std::printf("  %-28s %12lld\n", "silver rows", static_cast<long long>(r.silver_rows));
  std::printf("  %-28s %12lld\n", "quarantined", static_cast<long long>(r.quarantined_rows));
  std::printf("  %-28s %12lld\n", "dead-lettered", static_cast<long long>(r.dead_letters));
  std::printf("  %-28s %12lld\n", "duplicates removed", static_cast<long long>(r.duplicates));
  if (r.quarantine_duplicates > 0) {
    std::printf("  %-28s %12lld\n", "  repeats of quarantined", static_cast<long long>(r.quarantine_duplicates));
  }
  std::printf("  %-28s %12s GBP\n", "silver net revenue", pipeline::FormatCents(r.silver_net_cents).c_str());
  std::printf("  %-28s %12s GBP\n", "gold net revenue", pipeline::FormatCents(r.gold_net_cents).c_str());
  if (report.replayed) {
    std::printf("  %-28s %12.2f s\n", "first produce to gold", report.first_produce_to_gold_seconds);
  } else {
    std::printf("  %-28s %12.2f s\n", "run time", report.seconds);
  }
  if (r.balanced()) {
    std::printf("balanced: bronze = silver + quarantine + dead letters + duplicates; gold = silver in lines and in money\n");
  } else {
    std::printf("NOT BALANCED:\n");
    for (const std::string& problem : r.problems) std::printf("  - %s\n", problem.c_str());
  }
  std::fflush(stdout);
}

int Run(RunArgs& args) {
  std::optional<pipeline::PipelineOptions> loaded = LoadOptions(args.config, args.lakehouse, args.bootstrap, args.topic);
  if (!loaded) return kExitUsage;
  pipeline::PipelineOptions& options = *loaded;

  auto stages = pipeline::ParseStageSet(args.stage);
  if (!stages) {
    PrintError(stages.error().message());
    return kExitUsage;
  }
  if (args.from_bronze_version >= 0 && *stages != pipeline::StageSet::kAll &&
      *stages != pipeline::StageSet::kRefine) {
    PrintError("--from-bronze-version rebuilds silver: it needs --stage refine or --stage all");
    return kExitUsage;
  }
  if (args.full_refresh && *stages != pipeline::StageSet::kAll && *stages != pipeline::StageSet::kAggregate) {
    PrintError("--full-refresh rewrites gold: it needs --stage aggregate or --stage all");
    return kExitUsage;
  }
  pipeline::RunRequest request;
  request.stages = *stages;
  request.from_bronze_version = args.from_bronze_version;
  request.full_refresh = args.full_refresh;
  request.rate = args.rate;
  request.stop = &StopRequested();
  request.connect_timeout_s = args.connect_timeout_s;
  request.max_wait_s = args.max_wait_s;
  // On a terminal, one progress line redrawn in place while the stages run (a bounded run:
  // a continuous one runs for days and says what it does in the log).
  std::unique_ptr<TerminalProgress> progress;
  if (isatty(STDOUT_FILENO) == 1 && (args.until_drained || args.available_now)) {
    progress = std::make_unique<TerminalProgress>(stdout);
    request.progress = [shown = progress.get()](const pipeline::RunProgress& now) { shown->Update(now); };
    request.notify = [shown = progress.get()](const std::string& line) { shown->Line(line); };
  } else {
    request.notify = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
  }
  if (args.available_now) {
    request.mode = pipeline::RunMode::kAvailableNow;
  } else {
    request.mode = args.until_drained ? pipeline::RunMode::kUntilDrained : pipeline::RunMode::kContinuous;
    // Synthetic orders are the default input only on the embedded broker: on a
    // shared broker, replay happens only when asked for with --input/--synthetic.
    const bool asked = !args.input.csv.empty() || args.input.synthetic >= 0;
    const bool replays = (*stages == pipeline::StageSet::kAll || *stages == pipeline::StageSet::kIngest) &&
                         (asked || options.bootstrap == "embedded");
    if (replays) {
      int exit_code = kExitUsage;
      const int64_t max_message_bytes = MaxMessageBytes(options, &exit_code);
      if (max_message_bytes < 0) return exit_code;
      request.source = args.input.Open(max_message_bytes, &exit_code);  // a bad CSV file: refused, nothing started
      if (!request.source) return exit_code;
    }
  }
  if (options.bootstrap == "embedded" && *stages != pipeline::StageSet::kAll) {
    PrintError("--stage needs a shared broker (--bootstrap HOST:PORT, e.g. from `jsm broker`): "
               "an embedded broker lives only as long as this process");
    return kExitUsage;
  }
  request.options = options;
  pipeline::StageHealth health;  // outlives `serving`, which reads it
  request.health = &health;
  std::shared_ptr<ServeSession> serving;
  if (!args.serve.empty()) {
    int exit_code = kExitOk;
    serving = StartServing(options.lakehouse, args.serve, "", &exit_code, "", options.storage, &options, &health,
                           args.allowed_hosts);
    if (!serving) return exit_code;
    std::printf("serving %s (see docs/serve.md)\n", ServeUrl(*serving).c_str());
  }
  std::printf("lakehouse %s, topic %s, stages %s, mode %s\n", options.lakehouse.c_str(), options.topic.c_str(),
              args.stage.c_str(),
              args.available_now ? "available-now" : args.until_drained ? "until-drained" : "continuous (Ctrl-C stops)");
  std::fflush(stdout);
  auto report = pipeline::RunPipeline(std::move(request));
  if (progress) progress->Finish();
  if (!report) {
    PrintError(report.error().ToString());
    return ExitCodeFor(report.error());
  }
  if (report->reconciliation) {
    PrintReconciliation(*report);
    if (!report->reconciliation->balanced()) return kExitUnbalanced;
  } else {
    std::printf("done in %.2f s\n", report->seconds);
  }
  return kExitOk;
}

}  // namespace

std::function<int()> RegisterRunCommand(CLI::App* app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* command = app->add_subcommand(
      "run",
      "Run the pipeline: Kafka -> bronze -> silver -> gold.\n"
      "By default: an embedded broker, ./lakehouse and 100000 synthetic orders, running until Ctrl-C.\n"
      "On a shared broker (--bootstrap HOST:PORT) nothing is replayed unless --input or --synthetic is given.\n"
      "Exit codes: 0 ok, 1 error (retrying may help), 2 usage, 3 reconciliation does not balance,\n"
      "4 refused (the refused step wrote nothing), retrying will not help (a --from-bronze-version that cannot be rebuilt from,\n"
      "Kafka authentication or authorization refused, a `fail` expectation, an interrupted rebuild to re-run).");
  command->add_option("--config", args->config, "TOML settings file (see config/pipeline.toml)")
      ->check(CLI::ExistingFile);
  command->add_option("--lakehouse", args->lakehouse, "lakehouse root: a directory (default ./lakehouse), az://container/path or abfss://container@account.dfs.core.windows.net/path (see docs/azure.md)");
  command->add_option("--bootstrap", args->bootstrap,
                      "'embedded' (an in-process mock Kafka cluster, the default) or HOST:PORT,...");
  command->add_option("--topic", args->topic, "order topic (default pedidos; dead letters go to <topic>.dlq)");
  args->input.Register(command, 100000);
  command->add_option("--rate", args->rate, "replay at most this many events per second (0 = unlimited)")
      ->check(NonNegativeNumber());
  auto* drained = command->add_flag("--until-drained", args->until_drained,
                                    "replay the input, wait until it has reached gold, print a reconciliation, exit");
  auto* now = command->add_flag("--available-now", args->available_now,
                                "no replay: process everything the topic holds now through to gold, then exit");
  drained->excludes(now);
  now->excludes(command->get_option("--input"));
  now->excludes(command->get_option("--synthetic"));
  command->add_option("--serve", args->serve,
                      "also serve the lakehouse over HTTP while running (HOST:PORT, as `jsm serve --listen`; "
                      "beyond loopback the token comes from JSM_SERVE_TOKEN; consumer lag only on a shared broker)");
  command->add_option("--allow-host", args->allowed_hosts,
                      "with --serve: a name clients reach the server by (repeatable), as `jsm serve --allow-host`")
      ->needs("--serve");
  command
      ->add_option("--connect-timeout", args->connect_timeout_s,
                   "seconds ingest waits at start for an unreachable Kafka broker, retrying with backoff, "
                   "before it gives up with exit code 1 (0 = wait until stopped); an authentication failure "
                   "is never retried")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  command
      ->add_option("--max-wait", args->max_wait_s,
                   "--available-now and --until-drained: seconds a stage may go without progress (retrying a "
                   "failure, or waiting for input that does not come) before the run gives up with exit code 1, "
                   "saying what it waited for (0 = no bound; continuous runs retry until stopped)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  command->add_option("--stage", args->stage, "run only one stage: ingest, refine or aggregate (default all)")
      ->check(CLI::IsMember({"all", "ingest", "refine", "aggregate"}));
  auto* rebuild = command->add_option(
      "--from-bronze-version", args->from_bronze_version,
      "backfill (--stage refine or all): first replace silver and quarantine, one overwrite commit each, with "
      "every bronze row up to and including bronze version V (time travel) refined by the current "
      "normalization and expectations; refine then continues at V+1 (with --available-now it stops at V, and "
      "--stage all then refreshes gold). Refused, writing nothing, if V does not exist, its log or files were "
      "cleaned up, or a later bronze commit erased rows (see docs/airflow.md, Backfill)");
  rebuild->check(NonNegativeNumber());
  rebuild->excludes(drained);
  command->add_flag("--full-refresh", args->full_refresh,
                    "backfill (--stage aggregate or all): recompute every gold table from the whole of silver and "
                    "overwrite each in one commit, even if it is up to date (see docs/airflow.md, Backfill)")
      ->excludes(drained);
  return [args] { return Run(*args); };
}

}  // namespace jsm::cli
