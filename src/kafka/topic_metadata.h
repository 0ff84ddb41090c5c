#pragma once
/// Topic facts from a broker's metadata, shared by every librdkafka client of ours.

#include <librdkafka/rdkafka.h>

#include <string>

#include "common/status.h"

namespace jsm::kafka {

/// Number of partitions of `topic` as the brokers of `rk` report it: kNotFound when the
/// topic does not exist, the broker's error when the request or the topic fails. Asks for
/// all topics, since a request naming the topic could auto-create it.
Result<int> TopicPartitionCount(rd_kafka_t* rk, const std::string& topic, int timeout_ms);

}  // namespace jsm::kafka
