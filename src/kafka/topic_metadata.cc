#include "kafka/topic_metadata.h"

#include "kafka/rdkafka_error.h"

namespace jsm::kafka {

Result<int> TopicPartitionCount(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(RdKafkaError(err, "metadata of topic '" + topic + "'"));
  }
  Result<int> result = MakeError(ErrorCode::kNotFound, "topic '" + topic + "' is not in the broker's metadata");
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata->topics[i];
    if (topic != t.topic) continue;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = std::unexpected(RdKafkaError(t.err, "metadata of topic '" + topic + "'"));
    } else {
      result = t.partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  return result;
}

}  // namespace jsm::kafka
