#include "kafka/client_conf.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

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
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '$' || i + 1 >= value.size()) {
      out += value[i];
      continue;
    }
    if (value[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (value[i + 1] != '{') {
      out += value[i];
      continue;
    }
    const size_t close = value.find('}', i + 2);
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "librdkafka property '" + std::string(property) + "': '${' without a closing '}'");
    }
    const std::string name(value.substr(i + 2, close - i - 2));
    const char* env = name.empty() ? nullptr : std::getenv(name.c_str());
    if (env == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument, "librdkafka property '" + std::string(property) +
                                                        "' refers to environment variable '" + name +
                                                        "', which is not set");
    }
    out += env;
    i = close;
  }
  return out;
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
