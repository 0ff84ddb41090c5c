#include "kafka/rdkafka_log.h"

#include <cstdio>
#include <string>

#include "common/logging.h"

namespace jsm::kafka {
namespace {

spdlog::level::level_enum LevelOf(int syslog_level) {
  if (syslog_level <= 2) return spdlog::level::critical;
  if (syslog_level == 3) return spdlog::level::err;
  if (syslog_level == 4) return spdlog::level::warn;
  if (syslog_level <= 6) return spdlog::level::info;
  return spdlog::level::debug;
}

void OnLibrdkafkaLog(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  const spdlog::level::level_enum spd_level = LevelOf(level);
  if (!Log().should_log(spd_level)) return;
  std::string line = "librdkafka ";
  line += rk != nullptr ? rd_kafka_name(rk) : "?";
  line += " [";
  line += facility != nullptr ? facility : "";
  line += "] ";
  line += text != nullptr ? text : "";
  LogText(spd_level, line);
}

}  // namespace

void RouteLibrdkafkaLogs(rd_kafka_conf_t* conf) { rd_kafka_conf_set_log_cb(conf, OnLibrdkafkaLog); }

std::string JsonQuoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void LogText(spdlog::level::level_enum level, std::string_view text) {
  Log().log(level, "{}", JsonQuoted(text));
}

}  // namespace jsm::kafka
