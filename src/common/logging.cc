#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace jsm {

spdlog::logger& Log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto made = spdlog::stderr_logger_mt("jsm");
    made->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":%v})", spdlog::pattern_time_type::utc);
    made->set_level(spdlog::level::info);
    return made;
  }();
  return *logger;
}

bool SetLogLevel(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") return false;
  Log().set_level(parsed);
  return true;
}

}  // namespace jsm
