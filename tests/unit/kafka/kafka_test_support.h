#pragma once
/// Helpers shared by the kafka unit tests: an embedded broker per test, and
/// consuming with a deadline (tests never sleep blindly).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafka/consumer.h"
#include "kafka/embedded_broker.h"
#include "kafka/kafka_config.h"

namespace jsm::kafka::testing {

/// A consumed message copied out of the consumer's buffers.
struct OwnedMessage {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;
  bool has_key = false;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Starts a one-broker embedded cluster with `topics`, failing the test if it cannot.
inline std::unique_ptr<EmbeddedBroker> StartBroker(const std::vector<TopicSpec>& topics, int brokers = 1) {
  auto broker = EmbeddedBroker::Start(brokers, topics);
  EXPECT_TRUE(broker.has_value()) << (broker ? "" : broker.error().ToString());
  return broker ? std::move(*broker) : nullptr;
}

/// One broker shared by the tests of a process: starting is instant but
/// stopping can take 1 s (librdkafka 2.0.2's mock thread), so tests that need
/// no broker of their own use this one with a topic of their own.
inline EmbeddedBroker& SharedBroker() {
  static std::unique_ptr<EmbeddedBroker> broker = [] {
    auto started = EmbeddedBroker::Start(1, {});
    if (!started) std::abort();  // nothing can run without it
    return std::move(*started);
  }();
  return *broker;
}

/// Creates, on SharedBroker(), a topic named after the running test (plus
/// `suffix`) and returns its name.
inline std::string CreateTestTopic(int partitions = 6, const std::string& suffix = "") {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = std::string(info->test_suite_name()) + "." + info->name() + suffix;
  Status created = SharedBroker().CreateTopic({name, partitions, 1});
  EXPECT_TRUE(created) << created.error().ToString();
  return name;
}

/// Client settings that reach `broker`, plus `properties`.
inline ClientConfig ConfigFor(const EmbeddedBroker& broker,
                              std::map<std::string, std::string> properties = {}) {
  return ClientConfig{broker.bootstrap_servers(), std::move(properties)};
}

/// Polls until `count` messages arrived, an error, or `deadline` passed.
/// Returns what arrived; `error` (if given) receives the first Poll error.
inline std::vector<OwnedMessage> ConsumeAtLeast(Consumer& consumer, size_t count,
                                                std::chrono::milliseconds deadline = std::chrono::seconds(30),
                                                std::optional<Error>* error = nullptr, size_t batch = 1000) {
  std::vector<OwnedMessage> received;
  std::vector<Message> polled;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (received.size() < count && std::chrono::steady_clock::now() < until) {
    Status status = consumer.Poll(std::min(batch, count - received.size()), 100, &polled);
    if (!status) {
      if (error != nullptr) *error = status.error();
      break;
    }
    for (const Message& m : polled) {
      OwnedMessage& owned = received.emplace_back();
      owned.partition = m.partition;
      owned.offset = m.offset;
      owned.timestamp_ms = m.timestamp_ms;
      owned.has_key = m.has_key;
      owned.key = std::string(m.key);
      owned.value = std::string(m.value);
      for (const HeaderView& h : MessageHeaders(m)) owned.headers.emplace_back(h.name, h.value);
    }
  }
  return received;
}

}  // namespace jsm::kafka::testing
