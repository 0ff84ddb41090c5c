#pragma once
/// Conversion of librdkafka error codes into our Error values, at the module
/// boundary, with the context a person needs (topic, partition, offset).

#include <librdkafka/rdkafka.h>

#include <string_view>

#include "common/status.h"

namespace jsm::kafka {

/// The ErrorCode a librdkafka error maps to: timeouts to kTimeout, unknown
/// topics/partitions to kNotFound, an existing topic to kAlreadyExists,
/// offset-out-of-range to kDataLoss, bad
/// configuration or oversize messages to kInvalidArgument, librdkafka's fatal
/// errors and fencing to kClientFatal (the handle must be rebuilt), everything else
/// (connectivity, leadership, coordinator moves) to kUnavailable.
ErrorCode RdKafkaErrorCode(rd_kafka_resp_err_t err);

/// An Error for `err`: "<context>: <librdkafka description> (<ERR_NAME>)[: detail]".
Error RdKafkaError(rd_kafka_resp_err_t err, std::string_view context, std::string_view detail = {});

/// Takes ownership of `error` (may be null) and converts it; null gives Ok.
Status ConsumeRdKafkaError(rd_kafka_error_t* error, std::string_view context);

}  // namespace jsm::kafka
