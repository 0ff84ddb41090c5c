#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "kafka/broker_probe.h"
#include "kafka/topic_admin.h"
#include "pipeline/pipeline_options.h"

namespace jsm::cli {
namespace {

struct TopicsArgs {
  std::string config;
  std::string bootstrap;
  std::string topic;
  int partitions = 6;
  int dlq_partitions = 1;
  int replication_factor = 1;
  int min_insync_replicas = 1;
  std::string retention = "7d";
  std::string cleanup_policy = "delete";
  int timeout_s = 30;
  bool apply = false;
};

/// Milliseconds of a retention like "7d", "36h", "90m", "3600s", "500ms" or
/// "infinite" (-1, Kafka's "keep forever"); nullopt if it is not one.
std::optional<int64_t> ParseRetentionMs(const std::string& text) {
  if (text == "infinite" || text == "-1") return -1;
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;  // keeps days * 86400000 within int64
  const int64_t amount = std::stoll(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit == "ms") return amount;
  if (unit == "s") return amount * 1000;
  if (unit == "m") return amount * 60 * 1000;
  if (unit == "h") return amount * 3600 * 1000;
  if (unit == "d") return amount * 24 * 3600 * 1000;
  return std::nullopt;
}

void PrintReport(const kafka::TopicReport& report, bool apply) {
  std::printf("%-24s %s\n", report.topic.c_str(), kafka::TopicActionName(report.action));
  for (const kafka::TopicDifference& d : report.differences) {
    const bool remains = std::any_of(report.remaining.begin(), report.remaining.end(),
                                     [&](const kafka::TopicDifference& r) { return r.setting == d.setting; });
    std::string note;
    if (!remains) {
      note = "changed";
    } else if (!d.can_apply) {
      note = "cannot change: " + d.why_not;
    } else if (!apply) {
      note = "--apply changes it";
    }
    std::printf("  %-22s is %-14s wanted %-14s %s\n", d.setting.c_str(), d.actual.c_str(), d.wanted.c_str(),
                note.c_str());
  }
}

int Topics(const TopicsArgs& args) {
  std::optional<pipeline::PipelineOptions> loaded = LoadOptions(args.config, "", args.bootstrap, args.topic);
  if (!loaded) return kExitUsage;
  const pipeline::PipelineOptions& options = *loaded;
  if (options.bootstrap.empty() || options.bootstrap == "embedded") {
    PrintError(
        "`jsm topics ensure` needs a real broker: pass --bootstrap HOST:PORT,... "
        "(the embedded broker creates its own topics)");
    return kExitUsage;
  }
  const std::optional<int64_t> retention_ms = ParseRetentionMs(args.retention);
  if (!retention_ms) {
    PrintError("--retention '" + args.retention +
               "' is not a duration like 7d, 36h, 90m, 3600s, 500ms or infinite");
    return kExitUsage;
  }
  if (args.min_insync_replicas > args.replication_factor) {
    PrintError("--min-insync-replicas " + std::to_string(args.min_insync_replicas) +
               " is more than --replication-factor " + std::to_string(args.replication_factor) +
               ": no write could ever succeed with acks=all");
    return kExitUsage;
  }
  const std::vector<kafka::TopicSettings> topics =
      kafka::PipelineTopics(options.topic, args.partitions, args.dlq_partitions, args.replication_factor,
                            args.min_insync_replicas, *retention_ms, args.cleanup_policy);

  const kafka::ClientConfig client{options.bootstrap, options.kafka_properties};
  // Fails fast on wrong credentials, and within --timeout on unreachable brokers.
  if (auto reachable = kafka::ProbeBrokers(client, args.timeout_s * 1000); !reachable) {
    PrintError(reachable.error().ToString());
    return ExitCodeFor(reachable.error());
  }
  auto admin = kafka::TopicAdmin::Create(client, args.timeout_s * 1000);
  if (!admin) {
    PrintError(admin.error().ToString());
    return ExitCodeFor(admin.error());
  }
  auto reports = (*admin)->Ensure(topics, args.apply);
  if (!reports) {
    PrintError(reports.error().ToString());
    return ExitCodeFor(reports.error());
  }
  bool differs = false;
  for (const kafka::TopicReport& report : *reports) {
    PrintReport(report, args.apply);
    differs = differs || !report.remaining.empty();
  }
  std::fflush(stdout);
  return differs ? kExitUnbalanced : kExitOk;
}

}  // namespace

std::function<int()> RegisterTopicsCommand(CLI::App* app) {
  auto args = std::make_shared<TopicsArgs>();
  CLI::App* topics = app->add_subcommand("topics", "Manage the pipeline's Kafka topics on a real broker.");
  topics->require_subcommand(1);
  CLI::App* ensure = topics->add_subcommand(
      "ensure",
      "Create <topic> and <topic>.dlq with these settings if they are absent; for topics that exist, print "
      "how\n"
      "they differ and change nothing unless --apply (which can only add partitions and alter configs).\n"
      "Exit codes: 0 topics match, 1 error, 2 usage, 3 a difference remains.");
  ensure->add_option("--config", args->config, "TOML settings file (its [kafka] topic and properties)")
      ->check(CLI::ExistingFile);
  ensure->add_option("--bootstrap", args->bootstrap, "HOST:PORT,... of the brokers")->required();
  ensure->add_option("--topic", args->topic, "order topic (default pedidos; dead letters go to <topic>.dlq)");
  ensure->add_option("--partitions", args->partitions, "partitions of the order topic")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  ensure->add_option("--dlq-partitions", args->dlq_partitions, "partitions of the dead-letter topic")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  ensure->add_option("--replication-factor", args->replication_factor, "copies of each partition")
      ->capture_default_str()
      ->check(CLI::Range(1, 32));
  ensure
      ->add_option("--min-insync-replicas", args->min_insync_replicas,
                   "replicas that must have a write before acks=all succeeds")
      ->capture_default_str()
      ->check(CLI::Range(1, 32));
  ensure
      ->add_option("--retention", args->retention,
                   "how long Kafka keeps messages: 7d, 36h, 90m, 3600s, 500ms, infinite")
      ->capture_default_str();
  ensure->add_option("--cleanup-policy", args->cleanup_policy, "delete, compact or compact,delete")
      ->capture_default_str()
      // Not CLI::IsMember: its help would list {delete,compact,compact,delete,delete,compact}.
      ->check(CLI::Validator(
          [](std::string& policy) -> std::string {
            if (policy == "delete" || policy == "compact" || policy == "compact,delete" || policy == "delete,compact") {
              return {};
            }
            return "must be delete, compact or compact,delete";
          },
          "delete|compact|compact,delete"));
  ensure->add_option("--timeout", args->timeout_s, "seconds to wait for the brokers to answer, and for each admin call")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  ensure->add_flag("--apply", args->apply, "change existing topics to match (add partitions, alter configs)");
  return [args] { return Topics(*args); };
}

}  // namespace jsm::cli
