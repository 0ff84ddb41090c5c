#include "kafka/client_conf.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cstdlib>
#include <memory>
#include <sstream>

#include "common/logging.h"
#include "kafka/consumer.h"

namespace jsm::kafka {
namespace {

TEST(ClientConf, ExpandsEnvironmentReferences) {
  ::setenv("JSM_TEST_SECRET", "s3cr3t", 1);
  ::setenv("JSM_TEST_USER", "alice", 1);
  auto expanded = ExpandEnvironment("${JSM_TEST_USER}:${JSM_TEST_SECRET}", "sasl.jaas.config");
  ASSERT_TRUE(expanded) << expanded.error().ToString();
  EXPECT_EQ(*expanded, "alice:s3cr3t");
  EXPECT_EQ(*ExpandEnvironment("no references", "x"), "no references");
  EXPECT_EQ(*ExpandEnvironment("price $5 and $$ and $", "x"), "price $5 and $ and $");
  EXPECT_EQ(*ExpandEnvironment("$${JSM_TEST_SECRET}", "x"), "${JSM_TEST_SECRET}");
}

TEST(ClientConf, AnUnsetVariableNamesThePropertyAndTheVariable) {
  ::unsetenv("JSM_TEST_UNSET");
  auto expanded = ExpandEnvironment("${JSM_TEST_UNSET}", "sasl.password");
  ASSERT_FALSE(expanded);
  EXPECT_EQ(expanded.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(expanded.error().message().find("sasl.password"), std::string::npos);
  EXPECT_NE(expanded.error().message().find("JSM_TEST_UNSET"), std::string::npos);
  auto open = ExpandEnvironment("${JSM_TEST_SECRET", "sasl.password");
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message().find("closing"), std::string::npos);
}

TEST(ClientConf, SensitivePropertiesAreRecognised) {
  for (const char* name : {"sasl.password", "sasl.username", "ssl.key.password", "ssl.key.pem",
                           "sasl.oauthbearer.client.secret", "sasl.jaas.config", "SASL.PASSWORD"}) {
    EXPECT_TRUE(IsSensitiveProperty(name)) << name;
  }
  for (const char* name : {"bootstrap.servers", "linger.ms", "security.protocol", "sasl.mechanisms"}) {
    EXPECT_FALSE(IsSensitiveProperty(name)) << name;
  }
}

TEST(ClientConf, AnInvalidSensitiveValueIsNotEchoed) {
  RdKafkaConfPtr conf(rd_kafka_conf_new());
  // An enumerated property whose name marks it sensitive: librdkafka rejects the value.
  Status status = SetProperty(conf.get(), "sasl.oauthbearer.method", "leaked-value");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("sasl.oauthbearer.method"), std::string::npos);
  EXPECT_EQ(status.error().message().find("leaked-value"), std::string::npos) << status.error().message();
}

TEST(ClientConf, SecretsFromTheEnvironmentNeverReachTheLog) {
  ::setenv("JSM_TEST_KAFKA_PASSWORD", "hunter2-do-not-log", 1);
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  Log().sinks().push_back(sink);
  Log().set_level(spdlog::level::debug);
  {
    // debug=conf makes librdkafka log its whole configuration at creation.
    ClientConfig config{"127.0.0.1:1",
                        {{"security.protocol", "sasl_plaintext"},
                         {"sasl.mechanisms", "PLAIN"},
                         {"sasl.username", "jsm"},
                         {"sasl.password", "${JSM_TEST_KAFKA_PASSWORD}"},
                         {"debug", "conf,security"}}};
    auto consumer = Consumer::Create(config, "client-conf-test");
    ASSERT_TRUE(consumer) << consumer.error().ToString();
  }
  Log().flush();
  Log().sinks().pop_back();
  Log().set_level(spdlog::level::info);
  const std::string text = captured.str();
  EXPECT_NE(text.find("librdkafka"), std::string::npos) << "nothing was logged: the test proves nothing";
  EXPECT_EQ(text.find("hunter2-do-not-log"), std::string::npos) << text;
  EXPECT_NE(text.find("sasl.password = [redacted]"), std::string::npos) << "librdkafka's configuration dump changed";
}

}  // namespace
}  // namespace jsm::kafka
