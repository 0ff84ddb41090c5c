#include "common/logging.h"

#include <unistd.h>

#include <string>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "common/log_text.h"

namespace jsm {
namespace {

constexpr const char* kJsonPattern = R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":%v})";

/// `%*` of the text pattern: the message in its text form.
class TextMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string text;
    AppendLogText(std::string_view(msg.payload.data(), msg.payload.size()), &text);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<TextMessageFlag>(); }
};

}  // namespace

spdlog::logger& Log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto made = spdlog::stderr_logger_mt("jsm");
    made->set_pattern(kJsonPattern, spdlog::pattern_time_type::utc);
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

bool SetLogFormat(std::string_view format) {
  if (format == "json") {
    Log().set_pattern(kJsonPattern, spdlog::pattern_time_type::utc);
    return true;
  }
  if (format != "text") return false;
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::local);
  formatter->add_flag<TextMessageFlag>('*').set_pattern("%H:%M:%S %l %*");
  Log().set_formatter(std::move(formatter));
  return true;
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

}  // namespace jsm
