#include "kafka/client_conf.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include "common/environment.h"
#include "kafka/rdkafka_log.h"

namespace jsm::kafka {

bool IsSensitiveProperty(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kMarkers = {
      "password", "secret",     "sasl.oauthbearer", "sasl.jaas", "sasl.username",
      "token",    "credential", "ssl.key",          "private"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view marker) { return lower.find(marker) != std::string::npos; });
}

Result<std::string> ExpandEnvironment(std::string_view value, std::string_view property) {
  // A variable set to "" expands to "" here (librdkafka settings may be empty), unlike ProcessEnvironment().
  const EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  return ExpandEnvironmentReferences(value, "librdkafka property '" + std::string(property) + "'", env);
}

Status SetProperty(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char errstr[512] = {0};
  const rd_kafka_conf_res_t res =
      rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr));
  if (res == RD_KAFKA_CONF_OK) return Status::Ok();
  std::string message = "librdkafka property '" + name + "'";
  if (res == RD_KAFKA_CONF_UNKNOWN) {
    message += " does not exist";
  } else if (IsSensitiveProperty(name)) {
    message += " has an invalid value (not shown: the property is sensitive)";
  } else {
    message += " has an invalid value: ";
    message += errstr;
  }
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

Result<RdKafkaConfPtr> NewClientConf(const ClientConfig& config, const PropertyList& defaults) {
  RdKafkaConfPtr conf(rd_kafka_conf_new());
  RouteLibrdkafkaLogs(conf.get());
  if (!config.bootstrap_servers.empty()) {
    JSM_RETURN_IF_ERROR(SetProperty(conf.get(), "bootstrap.servers", config.bootstrap_servers));
  }
  for (const auto& [name, value] : defaults) JSM_RETURN_IF_ERROR(SetProperty(conf.get(), name, value));
  for (const auto& [name, value] : config.properties) {
    JSM_ASSIGN_OR_RETURN(const std::string expanded, ExpandEnvironment(value, name));
    JSM_RETURN_IF_ERROR(SetProperty(conf.get(), name, expanded));
  }
  return conf;
}

Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, RdKafkaConfPtr conf) {
  char errstr[512] = {0};
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("creating Kafka ") +
                                                      (type == RD_KAFKA_PRODUCER ? "producer" : "consumer") +
                                                      ": " + errstr);
  }
  (void)conf.release();  // rd_kafka_new took ownership.
  return rk;
}

}  // namespace jsm::kafka
