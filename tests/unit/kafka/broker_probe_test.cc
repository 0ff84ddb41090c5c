#include "kafka/broker_probe.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "common/backoff.h"
#include "kafka_test_support.h"

namespace jsm::kafka {
namespace {

/// A loopback port nothing listens on (bound, read, closed).
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(BrokerProbe, AnAnsweringBrokerIsOk) {
  const Status probed = ProbeBrokers(ClientConfig{testing::SharedBroker().bootstrap_servers(), {}}, 10000);
  EXPECT_TRUE(probed) << probed.error().ToString();
}

TEST(BrokerProbe, NoBrokerIsUnavailableAfterTheTimeoutNamingTheBootstrapList) {
  const std::string bootstrap = "127.0.0.1:" + std::to_string(ClosedPort());
  const auto start = std::chrono::steady_clock::now();
  const Status probed = ProbeBrokers(ClientConfig{bootstrap, {}}, 1500);
  const double seconds = SecondsSince(start);
  ASSERT_FALSE(probed);
  EXPECT_EQ(probed.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(IsTransient(probed.error()));
  EXPECT_NE(probed.error().message().find(bootstrap), std::string::npos) << probed.error().message();
  EXPECT_NE(probed.error().message().find("answered within 1 s"), std::string::npos) << probed.error().message();
  EXPECT_GE(seconds, 1.4);
  EXPECT_LT(seconds, 6.0);
}

TEST(BrokerProbe, StopWhenAllDownReturnsBeforeTheTimeout) {
  const std::string bootstrap = "127.0.0.1:" + std::to_string(ClosedPort());
  const auto start = std::chrono::steady_clock::now();
  const Status probed = ProbeBrokers(ClientConfig{bootstrap, {}}, 30000, /*stop_when_all_down=*/true);
  ASSERT_FALSE(probed);
  EXPECT_EQ(probed.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(probed.error().message().find("is reachable"), std::string::npos) << probed.error().message();
  EXPECT_LT(SecondsSince(start), 10.0);
}

TEST(BrokerProbe, ASecretNeverAppearsInTheError) {
  const std::string bootstrap = "127.0.0.1:" + std::to_string(ClosedPort());
  ClientConfig config{bootstrap,
                      {{"security.protocol", "SASL_PLAINTEXT"},
                       {"sasl.mechanism", "PLAIN"},
                       {"sasl.username", "probe-user"},
                       {"sasl.password", "probe-secret-123"}}};
  const Status probed = ProbeBrokers(config, 1000);
  ASSERT_FALSE(probed);
  EXPECT_EQ(probed.error().message().find("probe-secret-123"), std::string::npos) << probed.error().message();
}

TEST(BrokerProbe, AuthenticationErrorsAreRecognisedAndPermanent) {
  for (const rd_kafka_resp_err_t err :
       {RD_KAFKA_RESP_ERR__AUTHENTICATION, RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED,
        RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM, RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE, RD_KAFKA_RESP_ERR__SSL}) {
    EXPECT_TRUE(IsAuthenticationError(err)) << rd_kafka_err2name(err);
  }
  for (const rd_kafka_resp_err_t err : {RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
                                        RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_NO_ERROR}) {
    EXPECT_FALSE(IsAuthenticationError(err)) << rd_kafka_err2name(err);
  }
}

TEST(BrokerProbe, ATlsFailureOnWhatTheSidesPresentIsLastingAndACutHandshakeIsNot) {
  EXPECT_FALSE(MayBeTransientTls(RD_KAFKA_RESP_ERR__SSL,
                                 "ssl://127.0.0.1:9094/bootstrap: SSL handshake failed: error:0A000086:SSL "
                                 "routines::certificate verify failed: broker certificate could not be verified"));
  EXPECT_FALSE(MayBeTransientTls(RD_KAFKA_RESP_ERR__SSL,
                                 "ssl://127.0.0.1:9092/bootstrap: SSL handshake failed: wrong version number"));
  EXPECT_TRUE(MayBeTransientTls(RD_KAFKA_RESP_ERR__SSL,
                                "ssl://127.0.0.1:9094/1: SSL handshake failed: Disconnected: connection reset by peer"));
  EXPECT_FALSE(MayBeTransientTls(RD_KAFKA_RESP_ERR__AUTHENTICATION, "anything"));
}

}  // namespace
}  // namespace jsm::kafka
