#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "common/clock.h"
#include "kafka/broker_probe.h"
#include "kafka/producer.h"
#include "pipeline/order_feed.h"

namespace jsm::cli {
namespace {

struct ProduceArgs {
  std::string config;
  std::string bootstrap;
  std::string topic = "pedidos";
  std::string compression = "lz4";
  InputOptions input;
  double rate = 0;
  int connect_timeout_s = 30;
};

int Produce(ProduceArgs& args) {
  if (args.bootstrap == "embedded") {
    PrintError("`jsm produce` needs a broker that outlives it: start `jsm broker` and pass its --bootstrap");
    return kExitUsage;
  }
  auto source = args.input.Open();
  if (!source) return kExitUsage;
  // [kafka.properties] of --config (SASL/SSL, "${VAR}" secrets) apply; --bootstrap wins over [kafka] bootstrap.
  std::optional<pipeline::PipelineOptions> loaded = LoadOptions(args.config, "", args.bootstrap, args.topic);
  if (!loaded) return kExitUsage;
  const kafka::ClientConfig client{args.bootstrap, loaded->kafka_properties};
  // Fails fast on wrong credentials, and within --connect-timeout on unreachable brokers.
  if (auto reachable = kafka::ProbeBrokers(client, args.connect_timeout_s * 1000); !reachable) {
    PrintError(reachable.error().ToString());
    return kExitError;
  }
  auto producer = kafka::Producer::Create(client, {args.compression, 5});
  if (!producer) {
    PrintError(producer.error().ToString());
    return kExitError;
  }
  pipeline::FeedOptions feed;
  feed.rate = args.rate;
  feed.progress = [](int64_t produced) {
    std::printf("produced %lld events\n", static_cast<long long>(produced));
    std::fflush(stdout);
  };
  const double started = MonotonicSeconds();
  auto delivered = pipeline::FeedOrders(source.get(), producer->get(), args.topic, feed,
                                         [] { return StopRequested().load(); });
  if (!delivered) {
    PrintError(delivered.error().ToString());
    return kExitError;
  }
  const double seconds = MonotonicSeconds() - started;
  std::printf("delivered %lld events to %s in %.2f s (%.0f events/s)\n", static_cast<long long>(*delivered),
              args.topic.c_str(), seconds, static_cast<double>(*delivered) / (seconds > 0 ? seconds : 1));
  return kExitOk;
}

}  // namespace

std::function<int()> RegisterProduceCommand(CLI::App* app) {
  auto args = std::make_shared<ProduceArgs>();
  CLI::App* command = app->add_subcommand(
      "produce", "Produce order events (from a CSV file or synthetic) to a Kafka topic, keyed by TransactionNo.");
  command->add_option("--config", args->config,
                      "TOML settings file: its [kafka.properties] (SASL/SSL, \"${VAR}\" secrets) apply")
      ->check(CLI::ExistingFile);
  command->add_option("--bootstrap", args->bootstrap, "HOST:PORT,... of the brokers (e.g. from `jsm broker`)")
      ->required();
  command->add_option("--topic", args->topic, "topic")->capture_default_str();
  command->add_option("--compression", args->compression, "none, gzip, snappy, lz4 or zstd")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  args->input.Register(command, 100000);
  command->add_option("--rate", args->rate, "at most this many events per second (0 = unlimited)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--connect-timeout", args->connect_timeout_s,
                   "seconds to wait for a broker to answer before failing (wrong credentials fail at once)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  return [args] { return Produce(*args); };
}

}  // namespace jsm::cli
