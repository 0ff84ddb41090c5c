#pragma once
/// Routes librdkafka's own log lines into jsm::Log(), and logs this module's
/// messages in the logger's JSON-lines format.

#include <librdkafka/rdkafka.h>
#include <spdlog/common.h>

#include <string>
#include <string_view>

namespace jsm::kafka {

/// Installs a log callback on `conf` that forwards librdkafka's syslog-levelled
/// lines to jsm::Log() (0-3 error, 4 warn, 5-6 info, 7 debug).
void RouteLibrdkafkaLogs(rd_kafka_conf_t* conf);

/// Logs `text` at `level` as the JSON string the logger's "msg" field expects.
void LogText(spdlog::level::level_enum level, std::string_view text);

/// `text` as a JSON string literal, quotes included.
std::string JsonQuoted(std::string_view text);

}  // namespace jsm::kafka
