#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "kafka/dead_letter.h"
#include "kafka/embedded_broker.h"

namespace jsm::cli {
namespace {

struct BrokerArgs {
  int brokers = 3;
  int partitions = 6;
  std::string topic = "pedidos";
};

int Broker(const BrokerArgs& args) {
  std::vector<kafka::TopicSpec> topics = {{args.topic, args.partitions, 1}, {kafka::DeadLetterTopic(args.topic), 1, 1}};
  auto broker = kafka::EmbeddedBroker::Start(args.brokers, topics);
  if (!broker) {
    PrintError(broker.error().ToString());
    return ExitCodeFor(broker.error());
  }
  // The first line is the bootstrap address alone, for scripts.
  std::printf("%s\n", (*broker)->bootstrap_servers().c_str());
  std::printf("embedded broker: %d brokers, topic %s (%d partitions) and %s; Ctrl-C stops it\n", args.brokers,
              args.topic.c_str(), args.partitions, kafka::DeadLetterTopic(args.topic).c_str());
  std::fflush(stdout);
  while (!StopRequested().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return kExitOk;
}

}  // namespace

std::function<int()> RegisterBrokerCommand(CLI::App* app) {
  auto args = std::make_shared<BrokerArgs>();
  CLI::App* command = app->add_subcommand(
      "broker",
      "Run the embedded broker (librdkafka's mock cluster) as a process of its own and print its bootstrap\n"
      "address, so several jsm processes can share it. For demos and tests: it keeps only ~5 MiB per partition.");
  command->add_option("--brokers", args->brokers, "number of brokers")->capture_default_str()->check(CLI::Range(1, 9));
  command->add_option("--partitions", args->partitions, "partitions of the topic")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  command->add_option("--topic", args->topic, "topic to create (plus <topic>.dlq)")->capture_default_str();
  return [args] { return Broker(*args); };
}

}  // namespace jsm::cli
