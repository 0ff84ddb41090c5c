#pragma once
/// The process-wide structured logger (spdlog, on stderr): JSON lines, or text for a person.

#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

namespace jsm {

/// The shared logger. Safe to call from any thread.
spdlog::logger& Log();

/// Sets the level by name: trace, debug, info, warn, error, off. Returns false for an unknown name.
bool SetLogLevel(std::string_view level);

enum class LogFormat {
  kJson,  ///< one JSON object per line: {"ts":...,"level":...,"msg":...,fields} (the default)
  kText,  ///< "HH:MM:SS level message key=value ..." in local time (common/log_text.h)
};

/// Sets the line format by name: json or text. Returns false for an unknown name.
bool SetLogFormat(std::string_view format);

/// True if stderr is a terminal (where the CLI defaults to text at warn).
bool StderrIsTerminal();

}  // namespace jsm
