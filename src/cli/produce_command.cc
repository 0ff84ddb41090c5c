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
  std::string topic;  ///< empty = the config's [kafka] topic, else pedidos
  std::string compression = "lz4";
  InputOptions input;
  double rate = 0;
  int connect_timeout_s = 30;
};

int Produce(ProduceArgs& args) {
  // --bootstrap and --topic win over the config's [kafka] bootstrap and topic; its
  // [kafka.properties] (SASL/SSL, "${VAR}" secrets) apply.
  std::optional<pipeline::PipelineOptions> loaded = LoadOptions(args.config, "", args.bootstrap, args.topic);
  if (!loaded) return kExitUsage;
  if (loaded->bootstrap == "embedded") {
    PrintError("`jsm produce` needs a broker that outlives it: give --bootstrap HOST:PORT (e.g. of `jsm broker`) "
               "or a --config whose [kafka] bootstrap names one");
    return kExitUsage;
  }
  int exit_code = kExitUsage;
  const int64_t max_message_bytes = MaxMessageBytes(*loaded, &exit_code);
  if (max_message_bytes < 0) return exit_code;
  auto source = args.input.Open(max_message_bytes, &exit_code);  // a bad CSV file: refused before any broker call
  if (!source) return exit_code;
  const std::string& topic = loaded->topic;
  const kafka::ClientConfig client{loaded->bootstrap, loaded->kafka_properties};
  // Fails fast on wrong credentials, and within --connect-timeout on unreachable brokers.
  if (auto reachable = kafka::ProbeBrokers(client, args.connect_timeout_s * 1000); !reachable) {
    PrintError(reachable.error().ToString());
    return ExitCodeFor(reachable.error());
  }
  auto producer = kafka::Producer::Create(client, {args.compression, 5});
  if (!producer) {
    PrintError(producer.error().ToString());
    return ExitCodeFor(producer.error());
  }
  pipeline::FeedOptions feed;
  feed.rate = args.rate;
  feed.progress = [](int64_t produced) {
    std::printf("produced %lld events\n", static_cast<long long>(produced));
    std::fflush(stdout);
  };
  const double started = MonotonicSeconds();
  auto delivered = pipeline::FeedOrders(source.get(), producer->get(), topic, feed,
                                         [] { return StopRequested().load(); });
  if (!delivered) {
    PrintError(delivered.error().ToString());
    return ExitCodeFor(delivered.error());
  }
  const double seconds = MonotonicSeconds() - started;
  std::printf("delivered %lld events to %s in %.2f s (%.0f events/s)\n", static_cast<long long>(*delivered),
              topic.c_str(), seconds, static_cast<double>(*delivered) / (seconds > 0 ? seconds : 1));
  return kExitOk;
}

}  // namespace

std::function<int()> RegisterProduceCommand(CLI::App* app) {
  auto args = std::make_shared<ProduceArgs>();
  CLI::App* command = app->add_subcommand(
      "produce", "Produce order events (from a CSV file or synthetic) to a Kafka topic, keyed by TransactionNo.");
  command->add_option("--config", args->config,
                      "TOML settings file: its [kafka] bootstrap and topic (unless given as flags) and its "
                      "[kafka.properties] (SASL/SSL, \"${VAR}\" secrets) apply")
      ->check(CLI::ExistingFile);
  command->add_option("--bootstrap", args->bootstrap,
                      "HOST:PORT,... of the brokers (e.g. from `jsm broker`); needed unless --config names them");
  command->add_option("--topic", args->topic, "topic (default: the config's [kafka] topic, else pedidos)");
  command->add_option("--compression", args->compression, "none, gzip, snappy, lz4 or zstd")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  args->input.Register(command, 100000);
  command->add_option("--rate", args->rate, "at most this many events per second (0 = unlimited)")
      ->check(NonNegativeNumber());
  command
      ->add_option("--connect-timeout", args->connect_timeout_s,
                   "seconds to wait for a broker to answer before failing (wrong credentials fail at once)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  return [args] { return Produce(*args); };
}

}  // namespace jsm::cli
