#include <cstdio>

#include "cli/commands.h"
#include "common/clock.h"
#include "kafka/producer.h"
#include "pipeline/order_feed.h"

namespace jsm::cli {
namespace {

struct ProduceArgs {
  std::string bootstrap;
  std::string topic = "pedidos";
  std::string compression = "lz4";
  InputOptions input;
  double rate = 0;
};

int Produce(ProduceArgs& args) {
  if (args.bootstrap == "embedded") {
    PrintError("`jsm produce` needs a broker that outlives it: start `jsm broker` and pass its --bootstrap");
    return kExitUsage;
  }
  auto source = args.input.Open();
  if (!source) return kExitUsage;
  auto producer = kafka::Producer::Create(kafka::ClientConfig{args.bootstrap, {}}, {args.compression, 5});
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
  command->add_option("--bootstrap", args->bootstrap, "HOST:PORT,... of the brokers (e.g. from `jsm broker`)")
      ->required();
  command->add_option("--topic", args->topic, "topic")->capture_default_str();
  command->add_option("--compression", args->compression, "none, gzip, snappy, lz4 or zstd")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  args->input.Register(command, 100000);
  command->add_option("--rate", args->rate, "at most this many events per second (0 = unlimited)")
      ->check(CLI::NonNegativeNumber);
  return [args] { return Produce(*args); };
}

}  // namespace jsm::cli
