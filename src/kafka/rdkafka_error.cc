#include "kafka/rdkafka_error.h"

#include <string>

namespace jsm::kafka {

ErrorCode RdKafkaErrorCode(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return ErrorCode::kTimeout;
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__NOENT:
      return ErrorCode::kNotFound;
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return ErrorCode::kAlreadyExists;
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      return ErrorCode::kDataLoss;
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__INVALID_TYPE:
    case RD_KAFKA_RESP_ERR__UNKNOWN_GROUP:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL:
      return ErrorCode::kInvalidArgument;
    case RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_COMPRESSION_TYPE:
      return ErrorCode::kUnsupported;
    // The client handle is unusable (an idempotent producer that lost its guarantee,
    // a fenced static member): retrying with it can never succeed; the stage that owns
    // it rebuilds it (pipeline/stage_loop.cc).
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
    case RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID:
    case RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID:
      return ErrorCode::kClientFatal;
    default:
      return ErrorCode::kUnavailable;
  }
}

Error RdKafkaError(rd_kafka_resp_err_t err, std::string_view context, std::string_view detail) {
  std::string message(context);
  message += ": ";
  message += rd_kafka_err2str(err);
  message += " (";
  message += rd_kafka_err2name(err);
  message += ")";
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return Error(RdKafkaErrorCode(err), std::move(message));
}

Status ConsumeRdKafkaError(rd_kafka_error_t* error, std::string_view context) {
  if (error == nullptr) return Status::Ok();
  Error converted = RdKafkaError(rd_kafka_error_code(error), context, rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
  return std::unexpected(std::move(converted));
}

}  // namespace jsm::kafka
