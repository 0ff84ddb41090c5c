#include <cstdio>

#include "cli/commands.h"
#include "common/time_argument.h"
#include "common/clock.h"
#include "pipeline/event_log.h"
#include "storage/object_store.h"

namespace jsm::cli {
namespace {

struct QualityArgs {
  std::string lakehouse;  ///< empty = the config's lakehouse.uri, else ./lakehouse
  std::string config;
  std::string since;
  std::string format = "table";
  double min_pass_rate = -1;
};

int Report(const QualityArgs& args) {
  int64_t since_us = 0;
  if (!args.since.empty()) {
    auto parsed = ParseTimeArgument(args.since, NowMicros());
    if (!parsed) {
      PrintError(parsed.error().message());
      return kExitUsage;
    }
    since_us = *parsed;
  }
  const std::optional<pipeline::PipelineOptions> options = LoadOptions(args.config, args.lakehouse, "", "");
  if (!options) return kExitUsage;
  const std::string& lakehouse = options->lakehouse;
  // Opening a local store would create a mistyped lakehouse, and the gate would then judge nothing.
  if (auto exists = CheckLakehouseExists(lakehouse); !exists) {
    PrintError(exists.error().ToString());
    return ExitCodeForLookup(exists.error());
  }
  auto store = storage::OpenStore(lakehouse, options->storage, /*create_missing=*/false);
  if (!store) {
    PrintError(store.error().ToString());
    return ExitCodeForLookup(store.error());
  }
  auto summaries = pipeline::SummarizeExpectations(store->get(), since_us);
  if (!summaries) {
    PrintError(summaries.error().ToString());
    return ExitCodeFor(summaries.error());
  }
  if (args.format == "json") {
    std::printf("[");
    for (size_t i = 0; i < summaries->size(); ++i) {
      const auto& s = (*summaries)[i];
      std::printf("%s{\"expectation\":\"%s\",\"action\":\"%s\",\"batches\":%lld,\"passed\":%lld,\"failed\":%lld,"
                  "\"pass_rate\":%.6f}",
                  i ? "," : "", s.name.c_str(), s.action.c_str(), static_cast<long long>(s.batches),
                  static_cast<long long>(s.passed), static_cast<long long>(s.failed), s.pass_rate());
    }
    std::printf("]\n");
  } else {
    std::printf("%-40s %-6s %8s %12s %10s %10s\n", "expectation", "action", "batches", "passed", "failed",
                "pass rate");
    for (const auto& s : *summaries) {
      std::printf("%-40s %-6s %8lld %12lld %10lld %9.3f%%\n", s.name.c_str(), s.action.c_str(),
                  static_cast<long long>(s.batches), static_cast<long long>(s.passed),
                  static_cast<long long>(s.failed), s.pass_rate() * 100);
    }
    if (summaries->empty()) std::printf("(no expectation results in %s/_system/event_log)\n", lakehouse.c_str());
  }
  int below = 0;
  if (args.min_pass_rate >= 0) {
    // A gate with nothing to judge fails: no results (no pipeline ran here, or --since is past every
    // batch) must not pass as "everything above the threshold".
    int64_t judged_rows = 0;
    for (const auto& s : *summaries) judged_rows += s.passed + s.failed;
    if (judged_rows == 0) {
      PrintError("--min-pass-rate: nothing to judge: no expectation results in " + lakehouse + "/_system/event_log" +
                 (args.since.empty() ? std::string() : " since " + args.since));
      return kExitUnbalanced;
    }
    for (const auto& s : *summaries) {
      if (s.pass_rate() < args.min_pass_rate) {
        PrintError("expectation '" + s.name + "' passes " + std::to_string(s.pass_rate()) + " of rows, below " +
                   std::to_string(args.min_pass_rate));
        ++below;
      }
    }
  }
  return below > 0 ? kExitUnbalanced : kExitOk;
}

}  // namespace

std::function<int()> RegisterQualityCommand(CLI::App* app) {
  auto args = std::make_shared<QualityArgs>();
  CLI::App* quality = app->add_subcommand("quality", "Data-quality results from _system/event_log.");
  quality->require_subcommand(1);
  CLI::App* report = quality->add_subcommand(
      "report",
      "Pass rates per expectation, summed over the batches in the event log.\n"
      "With --min-pass-rate: exit 3 when an expectation is below it, or when there is nothing to judge\n"
      "(no expectation results, or none since --since). Exit 4 when the lakehouse does not exist.");
  report->add_option("--lakehouse", args->lakehouse, "lakehouse root: a directory, az://container/path or abfss://... (see docs/azure.md; default: the config's lakehouse.uri, else ./lakehouse)");
  report->add_option("--config", args->config,
                     "TOML settings file: its [lakehouse] uri and [storage.azure] credentials (docs/azure.md)");
  report->add_option("--since", args->since,
                     "only batches logged since then: an ISO date/time (2026-11-24, 2026-11-24T10:00:00Z) "
                     "or an age (30m, 12h, 7d)");
  report->add_option("--format", args->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  report->add_option("--min-pass-rate", args->min_pass_rate, "fail (exit 3) below this pass rate, 0..1, or when no rows were judged")
      ->check(CLI::Range(0.0, 1.0));
  return [args] { return Report(*args); };
}

}  // namespace jsm::cli
