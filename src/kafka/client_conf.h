#pragma once
/// Building librdkafka client configurations: our defaults first, then the
/// user's pass-through properties (so users can override any default), with a
/// bad property reported as kInvalidArgument naming it and secrets never echoed.

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"

namespace jsm::kafka {

/// Deleters so librdkafka handles can live in unique_ptr.
struct RdKafkaConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using RdKafkaConfPtr = std::unique_ptr<rd_kafka_conf_t, RdKafkaConfDeleter>;

/// Ordered (name, value) pairs of librdkafka properties.
using PropertyList = std::vector<std::pair<std::string, std::string>>;

/// True for properties whose values must never appear in logs or errors
/// (passwords, secrets, keys, tokens, SASL/OAuth settings).
bool IsSensitiveProperty(std::string_view name);

/// Expands environment references in a property value: "${NAME}" becomes the
/// value of the environment variable NAME, "$$" a literal "$"; any other "$" is
/// kept as is. An unset variable, or an unterminated "${", is kInvalidArgument
/// naming `property` and the variable, never the value.
Result<std::string> ExpandEnvironment(std::string_view value, std::string_view property);

/// Sets one property; kInvalidArgument naming the property (and, unless it is
/// sensitive, librdkafka's explanation) if the name or value is rejected.
Status SetProperty(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

/// A configuration with our log routing, `config.bootstrap_servers` (if set),
/// then `defaults`, then `config.properties` (their values through ExpandEnvironment,
/// so secrets can stay in the environment: `sasl.password = "${KAFKA_SASL_PASSWORD}"`).
Result<RdKafkaConfPtr> NewClientConf(const ClientConfig& config, const PropertyList& defaults);

/// Creates a client of `type` from `conf` (consumed on success);
/// kInvalidArgument with librdkafka's reason if the configuration is inconsistent.
Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, RdKafkaConfPtr conf);

}  // namespace jsm::kafka
