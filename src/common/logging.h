#pragma once
/// The process-wide structured logger (spdlog, JSON lines on stderr).

#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

namespace jsm {

/// The shared logger. Safe to call from any thread.
spdlog::logger& Log();

/// Sets the level by name: trace, debug, info, warn, error, off. Returns false for an unknown name.
bool SetLogLevel(std::string_view level);

}  // namespace jsm
