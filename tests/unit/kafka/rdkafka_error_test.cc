#include "kafka/rdkafka_error.h"

#include <gtest/gtest.h>

#include "common/backoff.h"

namespace jsm::kafka {
namespace {

TEST(RdKafkaError, AuthenticationFailuresArePermanentForRetryLoops) {
  for (const rd_kafka_resp_err_t err :
       {RD_KAFKA_RESP_ERR__AUTHENTICATION, RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED, RD_KAFKA_RESP_ERR__SSL,
        RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED}) {
    const Error error = RdKafkaError(err, "connecting");
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument) << error.message();
    EXPECT_FALSE(IsTransient(error)) << error.message();
  }
}

TEST(RdKafkaError, ConnectivityFailuresAreTransient) {
  for (const rd_kafka_resp_err_t err : {RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
                                        RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION}) {
    const Error error = RdKafkaError(err, "connecting");
    EXPECT_TRUE(IsTransient(error)) << error.message();
  }
}

TEST(RdKafkaError, AFatalClientStateIsNotRetriedWithTheSameHandleButRebuilt) {
  for (const rd_kafka_resp_err_t err :
       {RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_RESP_ERR__FENCED, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
        RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH, RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID,
        RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID}) {
    const Error error = RdKafkaError(err, "producing");
    EXPECT_EQ(error.code(), ErrorCode::kClientFatal) << error.message();
    EXPECT_FALSE(IsTransient(error)) << error.message();
  }
}

TEST(RdKafkaError, TheMessageHasContextDescriptionNameAndDetail) {
  const Error error = RdKafkaError(RD_KAFKA_RESP_ERR__AUTHENTICATION, "metadata", "broker 1: bad password");
  EXPECT_NE(error.message().find("metadata: "), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("(_AUTHENTICATION)"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("broker 1: bad password"), std::string::npos) << error.message();
}

}  // namespace
}  // namespace jsm::kafka
